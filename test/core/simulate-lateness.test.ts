/**
 * "Behind schedule" only when it matters: default settings on a machine with one core kept
 * busy keep their schedule within what such a machine adds; retries that really bunch up
 * still warn (test/core/simulate.test.ts, test/unit/simulate-engine.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, onTestFinished } from 'vitest';
import { run } from '../../src/commands/simulate/run.js';
import { captureOutput, test } from '../helpers/context.js';

/** A process that keeps one core busy until the test ends. */
async function busyCore(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });
  await once(child, 'spawn');
  return child;
}

describe('behind schedule, judged against the gap', () => {
  test('default settings, one core kept busy: no warning', async ({ handler }) => {
    await busyCore();
    handler.setBehaviour(() => ({ status: 500 }));
    const captured = captureOutput();
    // The default compression (the 24 h schedule within 30 s) and concurrency, over the first
    // six attempts: the 1m, 5m, 15m, 30m and 1h gaps, the shortest a default run has (21 ms to
    // 1.3 s of run time), where lateness weighs most.
    const { report } = await run({ to: new URL(handler.url), maxAttempts: 6, seed: 5, seedGiven: true, command: 'simulate', github: null, output: captured.output });
    expect(report.settings.timeScale).toBeCloseTo(2862, 0);
    expect(report.totals.retries).toBe(100);
    expect(report.scheduler.behind).toBeNull();
    expect(report.warnings).toEqual([]);
    expect(captured.stderr()).not.toContain('behind schedule');
  });
});
