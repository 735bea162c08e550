/**
 * The library:
 * - import time: a whole `node -e "import('heapstream-webhooks')"` process (and `require`)
 *   against a bare `node -e 0`, interleaved so both see the same machine load;
 * - the full default schedule (10 attempts, ~24 h of HeapStream time) for 20 events against
 *   an always-failing in-process handler, on virtual time: the first run in a fresh process
 *   (cold, as a test file's first test) and the median of the next five (target < 1 s).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median, verdict } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCHEDULE = fileURLToPath(new URL('./library-schedule.mjs', import.meta.url));

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  // From the package root, the package resolves by its own name, as in a consumer project.
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function importTime(runs: number): void {
  const variants: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    import: ['-e', "import('heapstream-webhooks')"],
    require: ['-e', "require('heapstream-webhooks')"],
  };
  const times: Record<string, number[]> = {};
  for (const args of Object.values(variants)) time(args);
  for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(variants)) (times[name] ??= []).push(time(args));
  const base = median(times['node -e 0'] ?? []);
  console.log(`  node -e 0        median ${fmt(base)} ms over ${runs} runs`);
  for (const name of ['import', 'require']) {
    const value = median(times[name] ?? []);
    console.log(`  ${name.padEnd(16)} median ${fmt(value)} ms · +${fmt(value - base)} ms · ratio ${fmt(value / base, 2)}  (target ≤ 1.50)  ${verdict(value / base <= 1.5)}`);
  }
}

function schedule(): void {
  const result = spawnSync(process.execPath, [SCHEDULE], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`library-schedule.mjs exited ${result.status}: ${result.stderr}`);
  const times = JSON.parse(result.stdout) as Record<'fetch' | 'express', number[]>;
  for (const [name, label] of [
    ['fetch', 'fetch handler'],
    ['express', 'Express app'],
  ] as const) {
    const [cold = Number.NaN, ...warm] = times[name];
    const warmMedian = median(warm);
    console.log(`  24 h, ${label.padEnd(13)} cold ${fmt(cold, 0)} ms · then median ${fmt(warmMedian, 0)} ms  (20 events × 10 attempts; target < 1000 ms)  ${verdict(cold < 1_000 && warmMedian < 1_000)}`);
  }
}

export function benchLibrary(runs = 15): void {
  console.log('library (the package entry, as a consumer imports it)');
  importTime(runs);
  schedule();
}
