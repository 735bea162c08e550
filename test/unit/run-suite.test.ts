/**
 * `npm test`'s runner (test/helpers/run-suite.ts): a worker that dies mid-test takes vitest
 * down before any clean-up of its own; the runner still removes the run's temp folders and
 * kills what the tests left running, and the run fails.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { goneWithin } from '../helpers/leftovers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNNER = fileURLToPath(new URL('../helpers/run-suite.ts', import.meta.url));
const CONFIG = fileURLToPath(new URL('../data/dying-worker/vitest.config.ts', import.meta.url));

let tmp: string;
let out: string;
beforeEach(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'hsw-runner-tmp-'));
  out = await mkdtemp(join(tmpdir(), 'hsw-runner-out-'));
});
afterEach(async () => {
  await rm(tmp, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

it('after a worker died: the run fails, its temp folders are gone, and what the test started is killed with its group', async (context) => {
  context.skip(process.platform !== 'linux', 'finds processes through /proc (Linux)');
  const pidFile = join(out, 'pid');
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, 'run', '--config', CONFIG], {
    cwd: ROOT,
    env: { ...process.env, TMPDIR: tmp, HSW_FIXTURE_PID_FILE: pidFile, CI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

  const leftPid = Number(await readFile(pidFile, 'utf8'));
  expect(code, output).not.toBe(0);
  // (tsx keeps a compile cache there, not a folder of the run's)
  expect((await readdir(tmp)).filter((name) => name.startsWith('hsw-'))).toEqual([]);
  expect(output).toMatch(new RegExp(`^\\s+${leftPid} sleep 300$`, 'm'));
  expect(await goneWithin(leftPid)).toBe(true);
});
