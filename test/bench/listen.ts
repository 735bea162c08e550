/**
 * The listener's cost, in one run against the same handler (in its own process):
 * - added latency (p50, p99) over calling the handler directly, recording off and on;
 * - throughput at 50 in flight, recording on (every 2xx answered only once its fixture is
 *   durable, fsyncs grouped) and off, against the handler called directly: rounds of the
 *   three alternate, medians compared (target: on ≥ 0.5 of direct).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'undici';
import { freePort, spawnListening, startHandlerProcess, stop } from './helpers.js';
import { fmt, median, percentile, verdict } from './stats.js';

const BODY = '{"event_type": "video.ready", "project_id": 20, "timestamp": "2024-10-10T10:10:10.000010+0000", "video": {"asset": {"duration": 12.0, "encoding_tier": "full", "errors": [], "id": 22, "normalize_audio": false}, "id": 500, "status": "ready"}}';

async function once(url: string, agent: Agent): Promise<number> {
  const started = performance.now();
  const response = await request(url, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, dispatcher: agent });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
  return performance.now() - started;
}

async function throughput(url: string, total: number, concurrency: number): Promise<number> {
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await once(url, agent);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await agent.close();
  return total / seconds;
}

async function startListener(handlerUrl: string, recordArgs: string[]): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = await spawnListening(['listen', '--no-tunnel', '--port', String(port), '--path', '/hook', ...recordArgs, '--forward-to', handlerUrl], port);
  return { url: `http://127.0.0.1:${port}/hook`, child };
}

export async function benchListen(samples = 1_000, total = 3_000, concurrency = 50, rounds = 3): Promise<void> {
  const handler = await startHandlerProcess('ok');
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-listen-'));
  const listeners: ChildProcess[] = [];
  try {
    const off = await startListener(handler.url, ['--no-record']);
    listeners.push(off.child);
    const on = await startListener(handler.url, ['--record', join(dir, 'fixtures')]);
    listeners.push(on.child);
    console.log('listen --no-tunnel, recording on (durable before the answer) and off, against the same handler called directly');

    const agent = new Agent({ connections: 1 });
    for (let i = 0; i < 100; i++) for (const url of [handler.url, off.url, on.url]) await once(url, agent);
    const direct: number[] = [];
    const viaOff: number[] = [];
    const viaOn: number[] = [];
    for (let i = 0; i < samples; i++) {
      direct.push(await once(handler.url, agent));
      viaOff.push(await once(off.url, agent));
      viaOn.push(await once(on.url, agent));
    }
    await agent.close();
    for (const list of [direct, viaOff, viaOn]) list.sort((a, b) => a - b);
    // Targets for p50 (issue: ≤ 0.3 ms added off, ≤ 0.5 ms on); p99 is shown as it is.
    const latencyTargets: Record<number, [number, number] | undefined> = { 50: [0.3, 0.5] };
    for (const p of [50, 99]) {
      const base = percentile(direct, p);
      const off = percentile(viaOff, p) - base;
      const on = percentile(viaOn, p) - base;
      const targets = latencyTargets[p];
      const judged = targets ? `  (target ≤ +${fmt(targets[0], 1)} / +${fmt(targets[1], 1)} ms)  ${verdict(off <= targets[0])} / ${verdict(on <= targets[1])}` : '';
      console.log(`  latency p${p}    direct ${fmt(base, 2)} ms · recording off +${fmt(off, 2)} ms · recording on +${fmt(on, 2)} ms${judged}`);
    }
    console.log(`                 (${samples} sequential requests to each, interleaved)`);

    const directRates: number[] = [];
    const offRates: number[] = [];
    const onRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      directRates.push(await throughput(handler.url, total, concurrency));
      offRates.push(await throughput(off.url, total, concurrency));
      onRates.push(await throughput(on.url, total, concurrency));
    }
    const directRate = median(directRates);
    const relayOn = median(onRates) / directRate;
    const relayOff = median(offRates) / directRate;
    console.log(`  throughput     direct ${fmt(directRate, 0)} events/s · recording off ${fmt(median(offRates), 0)} events/s · recording on ${fmt(median(onRates), 0)} events/s  (${total} events, ${concurrency} in flight, median of ${rounds} alternating rounds)`);
    console.log(`  relay / direct recording on ${fmt(relayOn, 2)} (target ≥ 0.50)  ${verdict(relayOn >= 0.5)} · recording off ${fmt(relayOff, 2)} · on / off ${fmt(median(onRates) / median(offRates), 2)}`);
  } finally {
    await Promise.all(listeners.map(stop));
    handler.child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
