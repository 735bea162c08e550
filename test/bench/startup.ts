/**
 * `heapstream-webhooks --help` start-up against a bare `node -e 0`, interleaved so both
 * see the same machine load. Target: median ratio ≤ 1.5.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, median, verdict } from './stats.js';

const BIN = fileURLToPath(new URL('../../bin/heapstream-webhooks.js', import.meta.url));

function time(args: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function benchStartup(runs = 15): void {
  const baseline: number[] = [];
  const help: number[] = [];
  time(['-e', '0']);
  time([BIN, '--help']);
  for (let i = 0; i < runs; i++) {
    baseline.push(time(['-e', '0']));
    help.push(time([BIN, '--help']));
  }
  const ratio = median(help) / median(baseline);
  console.log('start-up (--help vs node -e 0)');
  console.log(`  node -e 0        median ${fmt(median(baseline))} ms over ${runs} runs`);
  console.log(`  --help           median ${fmt(median(help))} ms over ${runs} runs`);
  console.log(`  ratio            ${fmt(ratio, 2)}  (target ≤ 1.50)  ${verdict(ratio <= 1.5)}`);
}
