/**
 * An export played by real Artillery (installed by the test into a cache: see
 * helpers/artillery.ts) against a loopback handler, and its reports read back by
 * --from-artillery. Small storms: a few events on a schedule of seconds.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { installArtillery, runArtillery, type ArtilleryInstall } from '../helpers/artillery.js';
import { runCli } from '../helpers/cli.js';
import { TestHandler, type Behaviour, type Received } from '../helpers/handler.js';
import { duplicateDelays } from '../../src/simulate/duplicate-plan.js';
import type { ReportSummary } from '../../src/simulate/report.js';
import type { EventOutcome } from '../../src/simulate/types.js';
import type { PayloadLine, StormMeta } from '../../src/simulate/artillery/types.js';

type ReportFile = ReportSummary & { events: EventOutcome[] };

let install: ArtilleryInstall;
let dir: string;
const handlers: TestHandler[] = [];

beforeAll(async () => {
  install = await installArtillery();
}, 900_000);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-artillery-'));
});
afterEach(async () => {
  for (const handler of handlers.splice(0)) await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A handler that fails the first `failures` deliveries of every body, and keeps what it received. */
async function failingFirst(failures: number): Promise<TestHandler> {
  const seen = new Map<string, number>();
  const behaviour: Behaviour = (request) => {
    const key = request.body.toString('hex');
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    return nth <= failures ? { status: 500 } : undefined;
  };
  const handler = await new TestHandler(behaviour).start();
  handlers.push(handler);
  return handler;
}

async function payload(exportDir: string): Promise<{ meta: StormMeta; lines: PayloadLine[] }> {
  const meta = JSON.parse(await readFile(join(exportDir, 'meta.json'), 'utf8')) as StormMeta;
  const lines: PayloadLine[] = [];
  for (const shard of meta.shards) {
    for (const part of shard.parts) {
      for (const line of (await readFile(join(exportDir, part), 'utf8')).split('\n')) if (line) lines.push(JSON.parse(line) as PayloadLine);
    }
  }
  return { meta, lines };
}

const bodyOf = (line: PayloadLine): Buffer => (line.s !== undefined ? Buffer.from(line.s, 'utf8') : Buffer.from(line.b as string, 'base64'));

function receiptsByBody(received: Received[]): Map<string, Received[]> {
  const out = new Map<string, Received[]>();
  for (const r of received) {
    const key = r.body.toString('hex');
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

async function artilleryRun(args: string[]): Promise<void> {
  const run = await runArtillery(install, args, dir);
  expect(run.code, `artillery ${args.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
}

/** The event indexes an Artillery report names (the processor's per-event counters). */
async function eventsIn(reportFile: string): Promise<number[]> {
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as { aggregate: { counters: Record<string, number> } };
  return Object.keys(report.aggregate.counters)
    .map((name) => /^hsw\.event\.(\d+)~/.exec(name)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number);
}

describe('simulate --export artillery, played by Artillery', () => {
  it('sends 3 attempts per event at the schedule, the seed’s duplicates, the same bodies; --from-artillery gives simulate’s verdict', async () => {
    // HeapStream's 1m and 2m squeezed into 3 s: retries 1 s and 2 s apart; duplicates within 1 s.
    const storm = ['--events', '6', '--schedule', '1m,2m', '--within', '3s', '--max-attempts', '3', '--duplicate-rate', '0.5', '--duplicate-window', '1m', '--seed', '11'];
    const exportDir = join(dir, 'storm');
    const exported = await runCli(['simulate', '--export', 'artillery', exportDir, ...storm]);
    expect(exported.code, exported.stderr).toBe(0);

    const handler = await failingFirst(2);
    await artilleryRun([join(exportDir, 'storm.yml'), '--target', handler.url, '--output', join(dir, 'artillery.json')]);

    const { meta, lines } = await payload(exportDir);
    expect(lines.map((line) => line.i).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    const receipts = receiptsByBody(handler.received);
    // The same bodies, byte for byte: every payload body arrived, and nothing else did.
    expect([...receipts.keys()].sort()).toEqual(lines.map((line) => bodyOf(line).toString('hex')).sort());
    let duplicates = 0;
    for (const line of lines) {
      const got = receipts.get(bodyOf(line).toString('hex')) as Received[];
      // Duplicates follow the seed: the copies the plan drew for this event, each acknowledged at once.
      const copies = duplicateDelays(meta.settings, line.i).length;
      duplicates += copies;
      expect(got.length, `event #${line.i}`).toBe(3 + copies);
      // Retries wait at least the compressed delays (1 s, then 2 s) after the answer before.
      expect((got[1] as Received).at - (got[0] as Received).at).toBeGreaterThanOrEqual(1_000 - 5);
      expect((got[2] as Received).at - (got[1] as Received).at).toBeGreaterThanOrEqual(2_000 - 5);
    }
    expect(duplicates).toBeGreaterThan(0);

    const fromArtillery = await runCli(['simulate', '--from-artillery', join(dir, 'artillery.json'), '--report', join(dir, 'from-artillery.json')]);
    expect(fromArtillery.code, fromArtillery.stderr).toBe(0);
    const viaArtillery = JSON.parse(await readFile(join(dir, 'from-artillery.json'), 'utf8')) as ReportFile;

    const local = await failingFirst(2);
    const simulated = await runCli(['simulate', '--to', local.url, ...storm, '--report', join(dir, 'local.json')], { timeoutMs: 60_000 });
    expect(simulated.code, simulated.stderr).toBe(0);
    const viaSimulate = JSON.parse(await readFile(join(dir, 'local.json'), 'utf8')) as ReportFile;

    expect(viaArtillery.verdict).toEqual(viaSimulate.verdict);
    const pick = ({ events, delivered, exhausted, attempts, retries, non2xx, duplicatesSent, unfinished }: ReportSummary['totals']): object => ({ events, delivered, exhausted, attempts, retries, non2xx, duplicatesSent, unfinished });
    expect(pick(viaArtillery.totals)).toEqual(pick(viaSimulate.totals));
    expect(pick(viaArtillery.totals)).toMatchObject({ events: 6, delivered: 6, attempts: 18 + duplicates, duplicatesSent: duplicates });
    for (const event of viaArtillery.events) {
      expect(event.duplicatesSent).toBe(duplicateDelays(meta.settings, event.index).length);
      expect(event.duplicatesSent).toBe(viaSimulate.events[event.index]?.duplicatesSent);
    }
  }, 180_000);

  it('two shards as two runs: together exactly the whole storm, no event sent by both', async () => {
    const exportDir = join(dir, 'storm');
    const exported = await runCli(['simulate', '--export', 'artillery', exportDir, '--events', '9', '--shards', '2', '--schedule', '500ms', '--time-scale', '1', '--max-attempts', '2', '--seed', '5']);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await readdir(join(exportDir, 'payload'))).sort()).toEqual(['shard-1-1.ndjson', 'shard-2-1.ndjson']);

    const handler = await failingFirst(1);
    const storm = join(exportDir, 'storm.yml');
    await Promise.all([1, 2].map((shard) => artilleryRun([storm, '-e', `shard-${shard}`, '--target', handler.url, '--output', join(dir, `shard-${shard}.json`)])));

    const [first, second] = [await eventsIn(join(dir, 'shard-1.json')), await eventsIn(join(dir, 'shard-2.json'))] as [number[], number[]];
    expect(first.filter((index) => second.includes(index))).toEqual([]);
    expect([...first, ...second].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(first.length).toBe(5);
    // At the handler: every event's two attempts, none sent by both runs.
    const { lines } = await payload(exportDir);
    const receipts = receiptsByBody(handler.received);
    expect(receipts.size).toBe(9);
    for (const line of lines) expect(receipts.get(bodyOf(line).toString('hex'))?.length, `event #${line.i}`).toBe(2);

    const both = await runCli(['simulate', '--from-artillery', join(dir, 'shard-1.json'), join(dir, 'shard-2.json'), '--junit', join(dir, 'junit.xml')]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toMatch(/9 \(9 delivered, 0 exhausted\)/);
    const junit = await readFile(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/tests="9" failures="0" errors="0" skipped="0"/);

    const one = await runCli(['simulate', '--from-artillery', join(dir, 'shard-1.json')]);
    expect(one.code).toBe(1);
    expect(one.stdout + one.stderr).toMatch(/no report for shard 2 of 2/);

    const twice = await runCli(['simulate', '--from-artillery', join(dir, 'shard-1.json'), join(dir, 'shard-1.json')]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/shard-1\.json" is given twice/);
  }, 180_000);
});
