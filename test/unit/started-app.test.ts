/**
 * `simulate --start`'s app for the length of a run: its exiting stops the run, also when it
 * exited before the run began watching (a gap of a few awaits after it became ready).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { StartedApp } from '../../src/ci/started-app.js';
import { captureOutput, test } from '../helpers/context.js';
import { freePort } from '../helpers/processes.js';
import { waitUntil } from '../helpers/time.js';

/** Whether process `pid` is still there, not yet reaped. */
function present(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

test('an app that exited between becoming ready and the run watching it is still reported, with how it ended', async ({ dir }) => {
  const port = await freePort();
  const pidFile = join(dir, 'app.pid');
  // Ready once it accepts the readiness check's connection; exits with code 3 right after.
  const script = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); require('net').createServer((socket) => { socket.destroy(); setTimeout(() => process.exit(3), 50); }).listen(${port}, '127.0.0.1')`;
  // exec: the app is the shell's own process, so once it is reaped its exit has been told.
  const app = new StartedApp({ command: `exec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)}`, timeoutMs: 10_000 }, new URL(`http://127.0.0.1:${port}/`), captureOutput().output, new AbortController().signal);
  try {
    await app.start();
    const pid = Number(await readFile(pidFile, 'utf8'));
    await waitUntil(() => !present(pid), 'the app to exit and be reaped');
    const told: string[] = [];
    app.watch((message) => told.push(message));
    expect(told).toEqual([expect.stringMatching(/exited with code 3 during the run/)]);
  } finally {
    await app.stop();
  }
});
