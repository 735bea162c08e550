import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppUnderTest } from '../../src/ci/app.js';
import { freePort, isRunning, listening } from '../helpers/processes.js';
import { idlePast, waitUntil } from '../helpers/time.js';

const APP = fileURLToPath(new URL('../helpers/app-under-test.mjs', import.meta.url));
let dir: string;
let port: number;
const apps: AppUnderTest[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-app-'));
  port = await freePort();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
  await rm(dir, { recursive: true, force: true });
});

function start(command: string, env: Record<string, string> = {}, overrides: Partial<Parameters<typeof AppUnderTest.start>[0]> = {}): Promise<AppUnderTest> {
  const lines: string[] = [];
  return AppUnderTest.start({
    command,
    connectTo: new URL(`http://127.0.0.1:${port}/webhooks`),
    timeoutMs: 10_000,
    graceMs: 1_000,
    log: (line, stream) => lines.push(`${stream}: ${line}`),
    env: { ...process.env, PORT: String(port), ...env },
    ...overrides,
  }).then((app) => {
    apps.push(app);
    return Object.assign(app, { lines });
  });
}

async function pids(): Promise<number[]> {
  return (await readFile(join(dir, 'pids'), 'utf8')).trim().split('\n').map(Number);
}

/** The text of `file` once it matches `pattern` (the app writes it when it gets to it). */
function eventually(file: string, pattern: RegExp): Promise<string> {
  return waitUntil(async () => {
    const text = await readFile(file, 'utf8').catch(() => '');
    return pattern.test(text) && text;
  }, `${file} to match ${pattern}`);
}

describe('AppUnderTest', () => {
  it('waits until the port accepts connections, then stops the app and what it spawned', async () => {
    const app = (await start(`node ${APP}`, { READY_AFTER_MS: '300', PIDS_FILE: join(dir, 'pids') })) as AppUnderTest & { lines: string[] };
    expect(await listening(port)).toBe(true);
    const [appPid, grandchild] = await pids();
    expect(isRunning(grandchild as number)).toBe(true);
    await app.stop();
    expect(await listening(port)).toBe(false);
    expect(isRunning(appPid as number)).toBe(false);
    expect(isRunning(grandchild as number)).toBe(false);
    expect(app.lines).toEqual(expect.arrayContaining(['stderr: app starting', `stdout: app listening on ${port}`]));
    await app.stop();
  });

  it('an app that exits at once fails fast, naming the command and its exit code', async () => {
    // Fast: well before the readiness deadline, which is longer than the test may run.
    await expect(start('echo starting; exit 3', {}, { timeoutMs: 600_000 })).rejects.toMatchObject({ code: 'HSW_APP_EXITED', exitCode: 1, message: 'the app (echo starting; exit 3) exited with code 3 before it was ready' });
  });

  it('an app killed by a signal is named with the signal', async () => {
    await expect(start('kill -9 $$')).rejects.toMatchObject({ code: 'HSW_APP_EXITED', message: expect.stringMatching(/was killed by SIGKILL before it was ready$/) });
  });

  it('not ready by the deadline: fails, and the app is stopped, SIGKILL when it ignores SIGTERM', async () => {
    const started = performance.now();
    // The kill wait is longer than the test may run: the group is gone because SIGKILL came after the grace period.
    await expect(start(`node ${APP}`, { READY_AFTER_MS: '60000', IGNORE_TERM: '1', PIDS_FILE: join(dir, 'pids') }, { timeoutMs: 800, graceMs: 300, killWaitMs: 600_000 })).rejects.toMatchObject({
      code: 'HSW_APP_NOT_READY',
      message: expect.stringMatching(new RegExp(`was not ready within 0\\.8 s: nothing accepted connections on 127\\.0\\.0\\.1:${port}$`)),
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(800);
    for (const pid of await pids()) expect(isRunning(pid)).toBe(false);
  });

  it('with a readiness URL, waits for a 2xx there', async () => {
    const app = await start(`node ${APP}`, { READY_AFTER_MS: '200' }, { readyUrl: new URL(`http://127.0.0.1:${port}/health`) });
    expect(await listening(port)).toBe(true);
    await app.stop();
    await expect(start(`node ${APP}`, { STATUS: '503' }, { readyUrl: new URL(`http://127.0.0.1:${port}/health`), timeoutMs: 600 })).rejects.toMatchObject({
      code: 'HSW_APP_NOT_READY',
      message: expect.stringMatching(/\/health never answered 2xx$/),
    });
  });

  it('writes the raw output to a log file instead', async () => {
    const file = join(dir, 'app.log');
    const app = await start(`node ${APP}`, {}, { log: { file } });
    // Output to a pipe is written asynchronously: wait for it rather than stop the app first.
    const text = await eventually(file, new RegExp(`app listening on ${port}`));
    expect(text).toMatch(new RegExp(`app listening on ${port}`));
    expect(text).toMatch(/app starting/);
    await app.stop();
  });

  it('aborting while it starts stops it', async () => {
    const controller = new AbortController();
    // Abort once the app has written its pids, so there is something to check was stopped.
    void eventually(join(dir, 'pids'), /\d+\n\d+\n/).then(() => controller.abort(new Error('interrupted')));
    await expect(start(`node ${APP}`, { READY_AFTER_MS: '60000', PIDS_FILE: join(dir, 'pids') }, { signal: controller.signal })).rejects.toThrow('interrupted');
    for (const pid of await pids()) expect(isRunning(pid)).toBe(false);
  });

  describe('idle past each of its timeouts, configured short', () => {
    // Short, yet long enough for a loaded machine to start node: a start that misses the
    // readiness deadline is not what this test is about.
    const SHORT = { timeoutMs: 1_500, graceMs: 150, killWaitMs: 150, pollMs: 10, probeTimeoutMs: 500 };
    const LONGEST = Math.max(...Object.values(SHORT));

    it('stays up, serves webhooks, and is stopped with what it spawned (SIGKILL after the grace period)', async () => {
      const app = (await start(`node ${APP}`, { IGNORE_TERM: '1', PIDS_FILE: join(dir, 'pids') }, { ...SHORT, readyUrl: new URL(`http://127.0.0.1:${port}/health`) })) as AppUnderTest & { lines: string[] };
      let exited = false;
      void app.exited.then(() => (exited = true));
      await idlePast(LONGEST);
      // No deadline of the start (readiness, a probe, the poll) reaches into the run.
      expect(exited).toBe(false);
      const response = await request(`http://127.0.0.1:${port}/webhooks`, { method: 'POST', body: '{}' });
      expect(response.statusCode).toBe(200);
      await response.body.text();
      const [appPid, grandchild] = await pids();
      await app.stop();
      expect(app.lines).toContain('stdout: ignoring SIGTERM');
      expect(isRunning(appPid as number)).toBe(false);
      expect(isRunning(grandchild as number)).toBe(false);
    });
  });
});
