/**
 * `listen` through the real localtunnel server (on loopback), recording on, against
 * localtunnel's own client (`lt --port`) in front of the same handler, in the same run:
 * - p50 and p99 latency of a webhook through each, sequential and interleaved;
 * - webhooks per second through each at 10 in flight (a tunnel carries 10 sockets), in
 *   alternating rounds, medians compared. Target: listen ≥ 0.9 of lt's rate.
 * Both go through the same tunnel server; what differs is the client side: lt pipes bytes to
 * the handler, listen also answers only once the webhook's fixture is durable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { TunnelServer } from '../helpers/tunnel-server.js';
import { BIN, startHandlerProcess, stop } from './helpers.js';
import { fmt, median, percentile, verdict } from './stats.js';

const BODY = '{"event_type": "video.ready", "project_id": 20, "timestamp": "2024-10-10T10:10:10.000010+0000", "video": {"asset": {"duration": 12.0, "encoding_tier": "full", "errors": [], "id": 22, "normalize_audio": false}, "id": 500, "status": "ready"}}';

/** Starts a process and resolves once its output matches. */
function startUntil(command: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not ready: ${command} ${args.join(' ')}\n${out}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) {
        clearTimeout(timer);
        // From here on its output is not read: drain it so the pipe never fills.
        child.stdout?.removeAllListeners('data');
        child.stdout?.resume();
        resolve(child);
      }
    });
    child.on('exit', (code) => reject(new Error(`${command} exited ${code}\n${out}`)));
  });
}

/** HeapStream's own limit: a webhook not answered within 5 s is a failed delivery. */
const TIMEOUT_MS = 5_000;

async function once(url: string, host: string, agent: Agent): Promise<number> {
  const started = performance.now();
  const response = await request(url, { method: 'POST', body: BODY, headers: { host, 'content-type': 'application/json' }, dispatcher: agent, signal: AbortSignal.timeout(TIMEOUT_MS) });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${host} answered ${response.statusCode}`);
  return performance.now() - started;
}

/** Webhooks answered 200 per second, and how many were not (lost in the tunnel, or refused). */
async function throughput(url: string, host: string, total: number, concurrency: number): Promise<{ rate: number; lost: number }> {
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  let lost = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await once(url, host, agent).catch(() => lost++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return { rate: (total - lost) / seconds, lost };
}

export async function benchTunnel(samples = 300, total = 1_000, concurrency = 10, rounds = 3): Promise<void> {
  const handler = await startHandlerProcess('ok');
  const server = await new TunnelServer().start();
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-tunnel-'));
  const children: ChildProcess[] = [];
  try {
    const handlerPort = new URL(handler.url).port;
    const listen = await startUntil(
      process.execPath,
      [BIN, 'listen', '--json', '--port', '0', '--tunnel-host', server.url, '--subdomain', 'hswbenchlisten', '--path', '/webhooks', '--record', join(dir, 'fixtures'), '--forward-to', handler.url],
      /"state":"open"/,
    );
    children.push(listen);
    const ltBin = createRequire(import.meta.url).resolve('localtunnel/bin/lt.js');
    const client = await startUntil(process.execPath, [ltBin, '--port', handlerPort, '--host', server.url, '--subdomain', 'hswbenchlt', '--local-host', '127.0.0.1'], /your url is/);
    children.push(client);
    const url = `${server.url}/webhooks`;
    const ours = 'hswbenchlisten.localhost';
    const theirs = 'hswbenchlt.localhost';
    console.log('listen through the real localtunnel server (recording on) against localtunnel\'s own client (lt --port), same tunnel server, same handler');

    const agent = new Agent({ connections: 1 });
    for (let i = 0; i < 50; i++) for (const host of [ours, theirs]) await once(url, host, agent).catch(() => undefined);
    const viaListen: number[] = [];
    const viaLt: number[] = [];
    for (let i = 0; i < samples; i++) {
      viaLt.push(await once(url, theirs, agent));
      viaListen.push(await once(url, ours, agent));
    }
    await agent.close();
    viaListen.sort((a, b) => a - b);
    viaLt.sort((a, b) => a - b);
    for (const p of [50, 99]) {
      const base = percentile(viaLt, p);
      console.log(`  latency p${p}    lt ${fmt(base, 2)} ms · listen ${fmt(percentile(viaListen, p), 2)} ms (added +${fmt(percentile(viaListen, p) - base, 2)} ms)`);
    }
    console.log(`                 (${samples} sequential webhooks through each, interleaved)`);

    const lt: { rate: number; lost: number }[] = [];
    const listenRuns: { rate: number; lost: number }[] = [];
    for (let round = 0; round < rounds; round++) {
      lt.push(await throughput(url, theirs, total, concurrency));
      listenRuns.push(await throughput(url, ours, total, concurrency));
    }
    const ltRate = median(lt.map((r) => r.rate));
    const listenRate = median(listenRuns.map((r) => r.rate));
    const lost = (runs: { lost: number }[]): number => runs.reduce((sum, r) => sum + r.lost, 0);
    console.log(`  throughput     lt ${fmt(ltRate, 0)} webhooks/s · listen ${fmt(listenRate, 0)} webhooks/s  (${total} webhooks, ${concurrency} in flight, median of ${rounds} alternating rounds)`);
    console.log(`  not answered   lt ${lost(lt)} · listen ${lost(listenRuns)} of ${total * rounds} each within ${TIMEOUT_MS / 1000} s (HeapStream's timeout)`);
    console.log(`  listen / lt    ${fmt(listenRate / ltRate, 2)} (target ≥ 0.90)  ${verdict(listenRate / ltRate >= 0.9)}`);
  } finally {
    await Promise.all(children.map(stop));
    handler.child.kill();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
