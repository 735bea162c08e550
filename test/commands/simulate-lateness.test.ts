/**
 * "Behind schedule" only when it matters: default settings on a machine with one core kept
 * busy keep their schedule within what such a machine adds; retries that really bunch up
 * still warn (test/commands/simulate.test.ts, test/unit/simulate-engine.test.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, onTestFinished } from 'vitest';
import { run } from '../../src/commands/simulate/run.js';
import { captureOutput, test } from '../helpers/context.js';
import { commandOptions } from '../helpers/simulate-command.js';

/** A child process, killed when the test ends. */
function child(script: string): ChildProcess {
  const process_ = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(async () => {
    if (process_.exitCode === null && process_.signalCode === null) {
      const exited = once(process_, 'exit');
      process_.kill('SIGKILL');
      await exited;
    }
  });
  return process_;
}

/** A process that keeps one core busy until the test ends. */
async function busyCore(): Promise<void> {
  await once(child('for (;;) {}'), 'spawn');
}

/** A handler in a process of its own, as a user's app is, answering 500 to everything; its URL. */
async function failingHandler(): Promise<URL> {
  const handler = child(`require('node:http').createServer((req, res) => req.resume().on('end', () => { res.statusCode = 500; res.end('nope'); })).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`);
  const [port] = (await once(handler.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return new URL(`http://127.0.0.1:${port.toString().trim()}/webhooks`);
}

describe('behind schedule, judged against the gap', () => {
  test('default settings, one core kept busy: no warning', async () => {
    await busyCore();
    const to = await failingHandler();
    const captured = captureOutput();
    // The default compression (the 24 h schedule within 30 s) and concurrency, over the first
    // six attempts: the 1m, 5m, 15m, 30m and 1h gaps, the shortest a default run has (21 ms to
    // 1.3 s of run time), where lateness weighs most.
    const { report } = await run(commandOptions(to, { maxAttempts: 6, seed: 5, output: captured.output }));
    expect(report.settings.timeScale).toBeCloseTo(2862, 0);
    expect(report.totals.retries).toBe(100);
    expect(report.scheduler.behind).toBeNull();
    expect(report.warnings).toEqual([]);
    expect(captured.stderr()).not.toContain('behind schedule');
  });
});
