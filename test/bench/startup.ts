/**
 * Start-up as a user waits for it: whole processes against a bare `node -e 0`, interleaved
 * so that all see the same machine load. Targets: `--help` ≤ 1.40× (the owner's bound: no second bundler for start-up), `trigger --print` ≤ 1.40×.
 */
import { spawnSync } from 'node:child_process';
import { BIN } from './helpers.js';
import { fmt, median, verdict } from './stats.js';

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const CASES = [
  { name: '--help', args: [BIN, '--help'], target: 1.4 },
  { name: 'trigger --print', args: [BIN, 'trigger', 'video.created', '--print'], target: 1.4 },
] as const;

export function benchStartup(runs = 21): void {
  const baseline: number[] = [];
  const samples = CASES.map(() => [] as number[]);
  time(['-e', '0']);
  for (const c of CASES) time([...c.args]);
  for (let i = 0; i < runs; i++) {
    baseline.push(time(['-e', '0']));
    CASES.forEach((c, k) => samples[k]?.push(time([...c.args])));
  }
  console.log('start-up (whole processes vs node -e 0, interleaved, medians)');
  console.log(`  node -e 0          ${fmt(median(baseline))} ms over ${runs} runs`);
  CASES.forEach((c, k) => {
    const ms = median(samples[k] ?? []);
    const ratio = ms / median(baseline);
    console.log(`  ${c.name.padEnd(18)} ${fmt(ms)} ms · ratio ${fmt(ratio, 2)}  (target ≤ ${fmt(c.target, 2)})  ${verdict(ratio <= c.target)}`);
  });
}
