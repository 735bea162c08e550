/**
 * simulate at scale, against a handler in its own process:
 * - 20,000 events, 50 in flight, no failures: the whole process against a whole autocannon
 *   process on the same handler, same run (target ≥ 1.0), and the load phases alone;
 * - peak RSS for 100,000 events with half failing their first attempt (target ≤ 128 MiB);
 * - 1,000,000 events with --report and --junit: peak RSS (target ≤ 256 MiB) and the time
 *   outside the delivery run;
 * - the scheduler's lateness p99 for 10,000 due times (target ≤ 50 ms), next to 10,000 plain
 *   setTimeouts due at the same moments, and a run's due-to-sent p99 with 10,000 retries
 *   pending (which includes waiting for a slot).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildEvent } from '../../src/events/builder.js';
import { realClock } from '../../src/simulate/clock.js';
import { Scheduler } from '../../src/simulate/scheduler.js';
import type { ReportSummary } from '../../src/simulate/report.js';
import { runMeasured, startHandlerProcess } from './helpers.js';
import { fmt, median, percentile, verdict } from './stats.js';

/** Runs the built CLI's simulate; polls its peak RSS (VmHWM) while it runs. */
async function runSimulate(args: string[]): Promise<{ report: ReportSummary; peakRssMiB: number; wallMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-sim-'));
  const reportFile = join(dir, 'report.json');
  const { code, wallMs, peakRssMiB } = await runMeasured(['simulate', '--report', reportFile, '--seed', '1', ...args]);
  // The summary comes before the (large) per-event list; parse only that part.
  const text = await readFile(reportFile, 'utf8');
  const report = JSON.parse(`${text.slice(0, text.indexOf(',\n  "events": ['))}\n}`) as ReportSummary;
  await rm(dir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`simulate exited ${code}: ${report.verdict.reasons.join('; ')}`);
  return { report, peakRssMiB, wallMs };
}

const AUTOCANNON = fileURLToPath(new URL('../../node_modules/autocannon/autocannon.js', import.meta.url));

/**
 * autocannon in a fresh process of its own, as simulate runs in one: both start with a cold
 * JIT, and neither shares the benchmark's event loop.
 */
async function autocannonRate(url: string, amount: number, connections: number): Promise<{ rate: number; wallMs: number }> {
  const started = performance.now();
  const body = buildEvent('video.ready', { seed: 1 }).body;
  const child = spawn(process.execPath, [AUTOCANNON, '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-a', String(amount), '-c', String(connections), '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  const wallMs = performance.now() - started;
  const result = JSON.parse(out) as { duration: number; non2xx: number; errors: number; requests: { total: number } };
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`autocannon saw ${result.non2xx} non-2xx and ${result.errors} errors`);
  return { rate: result.requests.total / result.duration, wallMs };
}

async function throughput(): Promise<void> {
  const handler = await startHandlerProcess('ok');
  try {
    const events = 20_000;
    const concurrency = 50;
    // Alternate the two, five rounds each, and compare medians: one run of either is noisy.
    const baselines: number[] = [];
    const rates: number[] = [];
    const baselineWall: number[] = [];
    const wall: number[] = [];
    for (let round = 0; round < 5; round++) {
      const cannon = await autocannonRate(handler.url, events, concurrency);
      baselines.push(cannon.rate);
      baselineWall.push(cannon.wallMs);
      const { report, wallMs } = await runSimulate(['--to', handler.url, '--events', String(events), '--concurrency', String(concurrency)]);
      rates.push(events / (report.durationMs / 1000));
      wall.push(wallMs);
    }
    const spread = (values: number[]): string => `${fmt(Math.min(...values), 0)}–${fmt(Math.max(...values), 0)}`;
    // What a user waits for: both tools as fresh processes, start-up, synthesis and exit included.
    const whole = median(baselineWall) / median(wall);
    console.log(`  whole process    autocannon ${fmt(median(baselineWall), 0)} ms · simulate ${fmt(median(wall), 0)} ms for ${events} events, ${concurrency} in flight · ratio ${fmt(whole, 2)}  (target ≥ 1.00)  ${verdict(whole >= 1)}`);
    console.log(`                   (medians of 5 alternating runs, ranges ${spread(baselineWall)} and ${spread(wall)} ms)`);
    const ratio = median(rates) / median(baselines);
    console.log(`  load phase only  autocannon ${fmt(median(baselines), 0)} req/s · simulate ${fmt(median(rates), 0)} events/s · ratio ${fmt(ratio, 2)}`);
  } finally {
    handler.child.kill();
  }
}

async function memory(): Promise<void> {
  const handler = await startHandlerProcess('fail-half');
  try {
    const events = 100_000;
    const { report, peakRssMiB, wallMs } = await runSimulate(['--to', handler.url, '--events', String(events), '--type', 'video.ready', '--concurrency', '100', '--within', '20s']);
    console.log(
      `  peak RSS         ${fmt(peakRssMiB, 0)} MiB for ${events} events, ${report.totals.retries} retried once  (target ≤ 128 MiB)  ${verdict(peakRssMiB <= 128)}  [${fmt(wallMs / 1000, 1)} s]`,
    );
  } finally {
    handler.child.kill();
  }
}

/** A million events with both report files: memory, and how much of the wall time is not the run. */
async function million(): Promise<void> {
  const handler = await startHandlerProcess('ok');
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-1m-'));
  try {
    const events = 1_000_000;
    const { report, peakRssMiB, wallMs } = await runSimulate(['--to', handler.url, '--events', String(events), '--type', 'video.ready', '--concurrency', '100', '--junit', join(dir, 'junit.xml')]);
    const outside = wallMs - report.durationMs;
    console.log(
      `  1M + files       peak RSS ${fmt(peakRssMiB, 0)} MiB (target ≤ 256)  ${verdict(peakRssMiB <= 256)} · wall ${fmt(wallMs / 1000, 1)} s, of which ${fmt(outside / 1000, 1)} s outside the delivery run (start-up, synthesis, files not overlapped)`,
    );
  } finally {
    handler.child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

async function lateness(baseline: { heap: number; timers: number }): Promise<void> {
  const handler = await startHandlerProcess('fail-first');
  try {
    const events = 10_000;
    // Every first attempt fails, and the first retry comes 2 s later (1m at ×30): all 10,000
    // retries are pending at once before the first of them is due.
    const { report } = await runSimulate(['--to', handler.url, '--events', String(events), '--type', 'video.ready', '--concurrency', '200', '--jitter', '0.5', '--time-scale', '30']);
    const p99 = report.scheduler.latenessMs.p99 ?? Infinity;
    // The scheduler's own precision: the same 10,000 due times through its heap and through a
    // setTimeout each, in-process. The run's figure below adds the wait for a free slot (due
    // to sent), which is queueing at the handler's pace, not timer error.
    console.log(`  scheduler        ${events} due over 2 s, in-process: heap scheduler p99 ${fmt(baseline.heap, 2)} ms late · ${events} setTimeouts p99 ${fmt(baseline.timers, 2)} ms  (target ≤ 50 ms)  ${verdict(baseline.heap <= 50)}`);
    console.log(`  due → sent p99   ${fmt(p99, 0)} ms in a run with ${report.scheduler.maxPending} retries pending at once and ${200} in flight (waiting for a slot included, as reports show it)`);
  } finally {
    handler.child.kill();
  }
}

/** The same due times through one heap-backed timer and through one setTimeout each. */
async function timerBaseline(count: number): Promise<{ heap: number; timers: number }> {
  const dues = Array.from({ length: count }, (_, i) => ((i * 7919) % count) * (2_000 / count));
  const heapLateness: number[] = [];
  await new Promise<void>((resolve) => {
    const start = realClock.now();
    let left = count;
    const scheduler = new Scheduler<number>(realClock, (_item, due) => {
      heapLateness.push(realClock.now() - due);
      if (--left === 0) resolve();
    });
    for (const due of dues) scheduler.schedule(start + due, due);
  });
  const timerLateness: number[] = [];
  await new Promise<void>((resolve) => {
    const start = performance.now();
    let left = count;
    for (const due of dues) {
      setTimeout(() => {
        timerLateness.push(performance.now() - (start + due));
        if (--left === 0) resolve();
      }, due);
    }
  });
  const p99 = (values: number[]): number => percentile([...values].sort((a, b) => a - b), 99);
  return { heap: p99(heapLateness), timers: p99(timerLateness) };
}

/** Throughput alone: the quick figure to compare across Node versions (`--node 22,24`). */
export async function benchSimulateThroughput(): Promise<void> {
  console.log('simulate throughput (handler in its own process, loopback)');
  await throughput();
}

export async function benchSimulate(): Promise<void> {
  console.log('simulate (handler in its own process, loopback)');
  // The in-process timer baseline goes first, while this process's own heap is small.
  const baseline = await timerBaseline(10_000);
  await throughput();
  await memory();
  await million();
  await lateness(baseline);
}
