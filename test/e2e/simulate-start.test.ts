/**
 * `simulate --start`: the app under test started, awaited, and stopped with everything it
 * started, whatever ends the run. Spawns the built CLI; the app is test/helpers/app-under-test.mjs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { freePort, isRunning, listening } from '../helpers/processes.js';

const APP = fileURLToPath(new URL('../helpers/app-under-test.mjs', import.meta.url));
let dir: string;
let port: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-start-'));
  port = await freePort();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const to = (): string => `http://127.0.0.1:${port}/webhooks`;
const pids = async (): Promise<number[]> => (await readFile(join(dir, 'pids'), 'utf8')).trim().split('\n').map(Number);
const appEnv = (extra: Record<string, string> = {}): Record<string, string> => ({ PORT: String(port), PIDS_FILE: join(dir, 'pids'), ...extra });

describe('simulate --start', () => {
  it('starts the app, waits for its port, passes against it, and leaves nothing behind', async () => {
    const result = await runCli(['simulate', '--start', `node ${APP}`, '--to', to(), '--events', '10', '--within', '2s', '--seed', '1'], { env: appEnv({ READY_AFTER_MS: '500' }), timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Starting the app: node .*app-under-test\.mjs/);
    expect(result.stdout).toMatch(/PASS/);
    // The app's output, prefixed, on stderr.
    expect(result.stderr).toMatch(new RegExp(`^app │ app listening on ${port}$`, 'm'));
    expect(await listening(port)).toBe(false);
    for (const pid of await pids()) expect(isRunning(pid)).toBe(false);
  });

  it('--start-log takes the app output instead', async () => {
    const log = join(dir, 'app.log');
    const result = await runCli(['simulate', '--start', `node ${APP}`, '--start-log', log, '--to', to(), '--events', '2', '--within', '2s'], { env: appEnv(), timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/app │/);
    expect(await readFile(log, 'utf8')).toMatch(new RegExp(`app listening on ${port}`));
  });

  it('an app that exits at once fails fast, naming the command and its exit code', async () => {
    // Fast: the readiness deadline is far longer than the test may run.
    const result = await runCli(['simulate', '--start', 'echo booting; exit 3', '--start-timeout', '10m', '--to', to(), '--events', '2'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the app \(echo booting; exit 3\) exited with code 3 before it was ready$/m);
    // In GitHub Actions the reason is also an annotation, and the log group is closed.
    expect(result.stdout).toMatch(/^::endgroup::\n::error title=HeapStream simulate::the app \(echo booting; exit 3\) exited with code 3 before it was ready$/m);
  });

  it('an app that exits during the run stops it at once, exit 1, with the report of what ran', async () => {
    const reportFile = join(dir, 'report.json');
    // Always 500, with retries spread over 60 s: the run outlasts the app, which exits 7 after 1.5 s.
    const result = await runCli(['simulate', '--start', `node ${APP}`, '--to', to(), '--events', '5', '--within', '60s', '--report', reportFile], {
      env: appEnv({ STATUS: '500', EXIT_AFTER_MS: '1500' }),
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: the app \(node .*app-under-test\.mjs\) exited with code 7 during the run: 0 of 5 events finished/);
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as { interrupted: { signal: null; reason: string } };
    expect(report.interrupted).toMatchObject({ signal: null, reason: expect.stringMatching(/exited with code 7 during the run$/) });
    for (const pid of await pids()) expect(isRunning(pid)).toBe(false);
  });

  for (const phase of ['while it starts', 'during the run'] as const) {
    it(`Ctrl-C ${phase} stops the app and what it spawned, exit 130`, async () => {
      const env = phase === 'while it starts' ? appEnv({ READY_AFTER_MS: '60000' }) : appEnv({ STATUS: '500' });
      const cli = new CliProcess(['simulate', '--start', `node ${APP}`, '--to', to(), '--events', '5', '--within', '60s'], { env });
      try {
        await cli.waitFor(/app starting/, { stream: 'stderr' });
        if (phase === 'during the run') await cli.waitFor(/Simulating HeapStream delivery/);
        expect(await cli.interrupt()).toBe(130);
      } finally {
        await cli.stop();
      }
      if (phase === 'while it starts') expect(cli.stderr).toMatch(/interrupted by SIGINT while the app was starting; nothing was sent/);
      expect(await listening(port)).toBe(false);
      for (const pid of await pids()) expect(isRunning(pid)).toBe(false);
    });
  }

  it('--ready and --start-log need --start', async () => {
    const result = await runCli(['simulate', '--to', to(), '--ready', to(), '--start-timeout', '5s']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --ready, --start-timeout only apply with --start "<command>"$/m);
  });
});
