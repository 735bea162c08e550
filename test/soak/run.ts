/**
 * `npm run soak -- --minutes 30`: listen as users run it, for a long time, on loopback.
 * Webhooks arrive at random gaps of 0 to 5 minutes through the real localtunnel server; the
 * tunnel server is restarted once in the middle, and the listener once (Ctrl-C, then started
 * again in the same directory, as a user would). Like HeapStream, the sender retries a
 * delivery that did not get a 2xx, a minute later (then 5 minutes). At the end it reports
 * what was sent, received by the handler, recorded and printed, what was lost, and every
 * change of the public URL. Expected: 0 lost, 0 URL changes.
 *
 * Options: --minutes N (30), --max-gap S (300, seconds), --seed N; --gap S for gaps of exactly
 * S seconds, and --restarts 0 for an undisturbed listener (a clean idle of every gap).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { CliProcess } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';
import { TunnelServer } from '../helpers/tunnel-server.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const minutes = option('minutes', 30);
const maxGapMs = option('max-gap', 300) * 1_000;
const fixedGapMs = option('gap', -1) * 1_000;
const restarts = option('restarts', 1) !== 0;
let seed = option('seed', Date.now() % 1_000_000);
const firstSeed = seed;
/** mulberry32: the same seed, the same gaps. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

const RETRY_DELAYS_MS = [60_000, 300_000];
const started = Date.now();
const endAt = started + minutes * 60_000;
const elapsed = (): string => `${((Date.now() - started) / 60_000).toFixed(1)} min`;
const log = (text: string): void => console.log(`[${elapsed()}] ${text}`);

const handler = await new TestHandler().start();
const server = await new TunnelServer().start();
const dir = await mkdtemp(join(tmpdir(), 'hsw-soak-'));
const listenArgs = ['listen', '--port', '0', '--json', '--tunnel-host', server.url, '--path', '/hook', '--forward-to', handler.url, '--record', dir];

let cli = new CliProcess(listenArgs, { cwd: dir });
const printed: Record<string, unknown>[] = [];
const urls = new Set<string>();
let changes = 0;
async function opened(process: CliProcess): Promise<string> {
  await process.waitFor(/"state":"(open|changed)"/, { timeoutMs: 120_000 });
  const open = process.records().find((r) => r['state'] === 'open' || r['state'] === 'changed');
  return String(open?.['publicUrl']);
}
const firstUrl = await opened(cli);
urls.add(firstUrl);
const subdomain = new URL(firstUrl).hostname.replace(/\.localhost$/, '');
log(`listening at ${firstUrl} (${minutes} min, ${fixedGapMs >= 0 ? `gaps of ${fixedGapMs / 1000} s` : `seed ${firstSeed}, gaps up to ${maxGapMs / 1000} s`})`);

interface Delivery {
  n: number;
  body: string;
  attempts: { status: number | string }[];
  delivered: boolean;
}
const deliveries: Delivery[] = [];
const pending = new Set<Promise<void>>();

async function attempt(delivery: Delivery): Promise<void> {
  // A retry sends the same bytes, as HeapStream's does.
  const body = delivery.body;
  let status: number | string;
  try {
    const response = await request(`${server.url}/hook`, { method: 'POST', headers: { host: `${subdomain}.localhost`, 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5_000) });
    await response.body.dump();
    status = response.statusCode;
  } catch (error) {
    status = (error as Error).name;
  }
  delivery.attempts.push({ status });
  if (typeof status === 'number' && status >= 200 && status < 300) {
    delivery.delivered = true;
    return;
  }
  const next = RETRY_DELAYS_MS[delivery.attempts.length - 1];
  log(`#${delivery.n} attempt ${delivery.attempts.length}: ${status}${next ? `; retrying in ${next / 1000} s` : '; giving up'}`);
  if (next !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, next));
    await attempt(delivery);
  }
}

const restartServerAt = started + (endAt - started) / 2;
const restartListenAt = started + ((endAt - started) * 3) / 4;
let serverRestarted = !restarts;
let listenRestarted = !restarts;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

while (Date.now() < endAt) {
  const gap = fixedGapMs >= 0 ? fixedGapMs : Math.floor(random() * maxGapMs);
  const wake = Math.min(endAt, Date.now() + gap);
  // The planned restarts happen inside the gaps, at their moment.
  while (Date.now() < wake) {
    const now = Date.now();
    if (!serverRestarted && now >= restartServerAt) {
      serverRestarted = true;
      const port = server.port;
      log('restarting the tunnel server');
      await server.stop();
      await sleep(2_000);
      await server.start(port);
      await cli.waitFor(/"state":"open"[\s\S]*"state":"open"/, { timeoutMs: 120_000 }).catch(() => log('the tunnel did not report open again within 2 min'));
      log('tunnel server back');
    }
    if (!listenRestarted && now >= restartListenAt) {
      listenRestarted = true;
      log('restarting the listener (Ctrl-C, then again in the same directory)');
      printed.push(...cli.records().filter((r) => r['kind'] === 'event'));
      changes += cli.records().filter((r) => r['state'] === 'changed').length;
      await cli.interrupt();
      cli = new CliProcess(listenArgs, { cwd: dir });
      urls.add(await opened(cli));
      log('listener back');
    }
    await sleep(Math.min(1_000, Math.max(0, wake - Date.now())));
  }
  if (Date.now() >= endAt) break;
  const n = deliveries.length + 1;
  const delivery: Delivery = { n, body: JSON.stringify({ event_type: 'video.updated', project_id: 20, timestamp: new Date().toISOString(), video: { id: n } }), attempts: [], delivered: false };
  deliveries.push(delivery);
  const work = attempt(delivery).finally(() => pending.delete(work));
  pending.add(work);
  log(`#${delivery.n} sent after ${(gap / 1000).toFixed(0)} s idle`);
}
log(`waiting for ${pending.size} retr${pending.size === 1 ? 'y' : 'ies'} in flight`);
await Promise.all([...pending]);
await sleep(500);
printed.push(...cli.records().filter((r) => r['kind'] === 'event'));
changes += cli.records().filter((r) => r['state'] === 'changed').length;
for (const r of cli.records()) if (r['state'] === 'open' || r['state'] === 'changed') urls.add(String(r['publicUrl']));
await cli.interrupt();
const recorded = (await readdir(dir)).filter((name) => name.endsWith('.json')).length;

const sent = deliveries.length;
const lost = deliveries.filter((d) => !d.delivered).length;
const retried = deliveries.filter((d) => d.attempts.length > 1).length;
const distinct = new Set(handler.received.map((r) => r.body.toString())).size;
console.log('');
console.log(`soak: ${minutes} min, ${fixedGapMs >= 0 ? `gaps of ${fixedGapMs / 1000} s` : `seed ${firstSeed}`}, tunnel server and listener restarted ${restarts ? 'once each' : 'never'}`);
console.log(`  webhooks sent       ${sent}`);
console.log(`  needed a retry      ${retried}`);
console.log(`  received (handler)  ${distinct} distinct, ${handler.received.length} requests`);
console.log(`  recorded            ${recorded} fixtures`);
console.log(`  printed             ${printed.length} event lines`);
console.log(`  lost                ${lost}`);
console.log(`  URL changes         ${changes} (${urls.size} distinct public URL${urls.size === 1 ? '' : 's'})`);
await server.stop();
await handler.stop();
await rm(dir, { recursive: true, force: true });
process.exit(lost === 0 && changes === 0 && urls.size === 1 && distinct === sent ? 0 : 1);
