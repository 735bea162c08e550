/**
 * The listener's cost: latency added to each webhook (p50, p99) and throughput, both
 * against calling the same handler (in its own process) directly, in the same run; with
 * recording on, as by default, and off.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { freePort, spawnListening, startHandlerProcess, stop } from './helpers.js';
import { fmt, percentile } from './stats.js';

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

async function measure(handlerUrl: string, record: boolean, samples: number, total: number, concurrency: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-listen-'));
  const recordArgs = record ? ['--record', join(dir, 'fixtures')] : ['--no-record'];
  const port = await freePort();
  const child = await spawnListening(['listen', '--no-tunnel', '--port', String(port), '--path', '/hook', ...recordArgs, '--forward-to', handlerUrl], port);
  const via = `http://127.0.0.1:${port}/hook`;
  try {
    const agent = new Agent({ connections: 1 });
    for (let i = 0; i < 200; i++) {
      await once(handlerUrl, agent);
      await once(via, agent);
    }
    const direct: number[] = [];
    const relayed: number[] = [];
    for (let i = 0; i < samples; i++) {
      direct.push(await once(handlerUrl, agent));
      relayed.push(await once(via, agent));
    }
    await agent.close();
    direct.sort((a, b) => a - b);
    relayed.sort((a, b) => a - b);
    const directRate = await throughput(handlerUrl, total, concurrency);
    const relayRate = await throughput(via, total, concurrency);
    console.log(`  ${record ? 'recording on (default: one fsynced fixture per event)' : 'recording off (--no-record)'}`);
    console.log(`    latency p50    direct ${fmt(percentile(direct, 50), 2)} ms · via listen ${fmt(percentile(relayed, 50), 2)} ms · added ${fmt(percentile(relayed, 50) - percentile(direct, 50), 2)} ms  (${samples} sequential, interleaved)`);
    console.log(`    latency p99    direct ${fmt(percentile(direct, 99), 2)} ms · via listen ${fmt(percentile(relayed, 99), 2)} ms · added ${fmt(percentile(relayed, 99) - percentile(direct, 99), 2)} ms`);
    console.log(`    throughput     direct ${fmt(directRate, 0)} events/s · via listen ${fmt(relayRate, 0)} events/s · ratio ${fmt(relayRate / directRate, 2)}  (${total} events, ${concurrency} at a time)`);
  } finally {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchListen(samples = 2_000, total = 5_000, concurrency = 50): Promise<void> {
  const handler = await startHandlerProcess('ok');
  try {
    console.log('listen --no-tunnel vs the same handler called directly (handler in its own process, loopback)');
    await measure(handler.url, true, samples, total, concurrency);
    await measure(handler.url, false, samples, total, concurrency);
  } finally {
    handler.child.kill();
  }
}
