/**
 * `simulate --state/--reset` through the built CLI against a real server: a handler that
 * inserts a row per delivery is caught, shrunk, and its reproduction written as fixtures
 * that `replay` sends again; the corrected handler passes; a state that cannot be trusted
 * is a one-line usage error (exit 2), never a verdict.
 */
import { appendFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createLogic, HandlerServer, type Bug } from '../helpers/buggy-handlers.js';
import { TestHandler } from '../helpers/handler.js';
import type { SimulateReport } from '../../src/simulate/report.js';
import { findAll, parseXml } from '../helpers/xml.js';
import { freePort, listening } from '../helpers/processes.js';
import { fileURLToPath } from 'node:url';

let dir: string;
let server: HandlerServer | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-simulate-state-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function simulateAgainst(fixed: boolean, extra: string[] = [], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; report: SimulateReport; app: ReturnType<typeof createLogic> }> {
  const app = createLogic('insert-per-delivery', fixed);
  server = await new HandlerServer(app).start();
  const reportFile = join(dir, 'report.json');
  const args = ['simulate', '--to', `${server.origin}/webhooks`, '--events', '14', '--duplicates', '1', '--within', '2s', '--seed', '4'];
  const state = ['--state', `${server.origin}/state`, '--reset', `${server.origin}/reset`, '--state-unordered', 'rows', '--repro', join(dir, 'repro')];
  const result = await runCli([...args, ...state, '--report', reportFile, ...extra], { timeoutMs: 60_000, cwd: dir, env });
  return { ...result, report: JSON.parse(await readFile(reportFile, 'utf8')) as SimulateReport, app };
}

describe('simulate --state --reset (URLs)', () => {
  it('fails a handler that inserts a row per delivery, with the difference, the minimal reproduction, fixtures that replay it, JUnit, step summary and HTML', async () => {
    const junit = join(dir, 'simulate.xml');
    const html = join(dir, 'simulate.html');
    const summary = join(dir, 'summary.md');
    const { code, stdout, stderr, report, app } = await simulateAgainst(false, ['--junit', junit, '--html', html], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(code).toBe(1);
    expect(report.totals.delivered).toBe(14);
    expect(report.effects).toMatchObject({ ok: false, kind: 'duplicate-processed-twice', differences: [{ text: 'rows: 4 rows → 8 rows' }] });
    const repro = report.effects?.reproduction;
    expect(repro?.deliveries).toHaveLength(2);
    expect(repro?.words).toMatch(/^the same `video\.created` \(video \d+\) delivered twice → rows: 1 row → 2 rows$/);
    expect(stdout).toContain('rows: 4 rows → 8 rows');
    expect(stdout).toContain(`kind: a duplicate processed twice`);
    expect(stdout).toContain(repro?.words);
    expect(stdout).toMatch(/FAIL: .*the final state differs from the reference run/);

    // The fixtures, numbered, and the replay command that sends them again.
    expect((await readdir(join(dir, 'repro'))).sort()).toEqual([expect.stringMatching(/^01-video\.created-v\d+\.json$/), expect.stringMatching(/^02-video\.created-v\d+\.json$/)]);
    expect(repro?.replay).toBe(`npx heapstream-webhooks replay ${join(dir, 'repro')} --to ${server?.origin}/webhooks`);
    expect(repro?.reset).toBe(`curl -fsS -X POST ${server?.origin}/reset`);
    expect(stdout).toContain(`to reproduce: curl -fsS -X POST ${server?.origin}/reset && ${repro?.replay}`);
    app.reset();
    const replayed = await runCli(['replay', join(dir, 'repro'), '--to', `${server?.origin}/webhooks`], { timeoutMs: 30_000 });
    expect(replayed.code).toBe(0);
    expect(await app.state()).toEqual({ rows: [expect.objectContaining({ type: 'video.created' }), expect.objectContaining({ type: 'video.created' })] });

    const xml = parseXml(await readFile(junit, 'utf8'));
    const failure = findAll(xml, 'testcase').find((testcase) => testcase.attributes['name'] === 'final state (effects)');
    expect(failure?.children.find((child) => child.name === 'failure')?.attributes['message']).toBe(`a duplicate processed twice: ${repro?.words}`);
    expect(findAll(xml, 'testsuite')[0]?.attributes).toMatchObject({ tests: '15', failures: '1' });

    const markdown = await readFile(summary, 'utf8');
    expect(markdown).toContain('#### ❌ State');
    expect(markdown).toContain('rows: 4 rows → 8 rows');
    expect(markdown).toContain(`${repro?.reset} && ${repro?.replay}`);
    expect(`${stdout}${stderr}`).toMatch(/::error title=HeapStream simulate%3A a duplicate processed twice::the same `video.created`/);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('"effects":["FAIL state:');
    expect(page).toContain('rows: 4 rows → 8 rows');
  });

  it('passes the corrected handler', async () => {
    const { code, stdout, report } = await simulateAgainst(true);
    expect(code).toBe(0);
    expect(report.effects).toMatchObject({ ok: true, differences: [], reproduction: null });
    expect(stdout).toMatch(/state: the scenario run ended in the reference run's state/);
  });
});

describe('simulate --state --reset (URLs): every known bug against a real server', () => {
  // As in-process (test/commands/simulate-effects.test.ts): the slow handler's work outlasts the timeout and ends within the settle after it.
  const runs: Record<Exclude<Bug, 'insert-per-delivery'>, { flags: string[]; kind: string; words: RegExp }> = {
    'last-write-wins': { flags: ['--events', '14', '--reorder', '--seed', '2'], kind: 'older-after-newer', words: /^`video\.\w+` \(video (\d+)\) then `video\.\w+` \(video \1\) → videos\[\1\]\.status: "\w+" → "\w+"$/ },
    'check-then-insert': { flags: ['--events', '6', '--scenario', 'concurrent-duplicates', '--seed', '1'], kind: 'concurrent-duplicates', words: /^two copies of `video\.\w+` \(video \d+\) at the same moment → rows: 1 row → 2 rows$/ },
    'commit-after-timeout': {
      flags: ['--events', '2', '--type', 'video.created', '--max-attempts', '2', '--timeout', '300ms', '--seed', '1'],
      kind: 'processed-after-timeout',
      words: /^`video\.created` \(video \d+\) timed out, its work was committed after HeapStream gave up, and its retry processed it again → rows: 1 row → 2 rows$/,
    },
  };

  it.each(Object.keys(runs) as (keyof typeof runs)[])('%s: caught and shrunk to 2 deliveries; the corrected handler passes', async (bug) => {
    for (const fixed of [false, true]) {
      const app = createLogic(bug, fixed, { workMs: 450 });
      const running = await new HandlerServer(app).start();
      try {
        const reportFile = join(dir, `${bug}-${fixed}.json`);
        const origin = running.origin;
        const flags = ['--to', `${origin}/webhooks`, '--within', '3s', '--state', `${origin}/state`, '--reset', `${origin}/reset`, '--state-unordered', 'rows', '--repro', join(dir, 'repro'), '--report', reportFile];
        const result = await runCli(['simulate', ...flags, ...runs[bug].flags], { timeoutMs: 60_000, cwd: dir });
        const report = JSON.parse(await readFile(reportFile, 'utf8')) as SimulateReport;
        if (fixed) {
          expect(result.code).toBe(0);
          expect(report.effects).toMatchObject({ ok: true, reproduction: null });
        } else {
          expect(result.code).toBe(1);
          expect(report.effects).toMatchObject({ ok: false, kind: runs[bug].kind, reproduction: { oneMinimal: true } });
          expect(report.effects?.reproduction?.deliveries).toHaveLength(2);
          expect(report.effects?.reproduction?.words).toMatch(runs[bug].words);
        }
      } finally {
        await running.stop();
      }
    }
  });
});

describe('simulate --state --reset (shell commands)', () => {
  it("reads the state from a command's stdout and empties it with another", async () => {
    // The handler's database is a file: a line per delivery of video.created.
    const rows = join(dir, 'rows.txt');
    await writeFile(rows, '');
    const handler = await new TestHandler((request) => {
      if (request.body.includes('"video.created"')) appendFileSync(rows, 'row\n');
      return undefined;
    }).start();
    try {
      const result = await runCli(
        ['simulate', '--to', handler.url, '--events', '14', '--duplicates', '1', '--within', '3s', '--seed', '4', '--state', `printf '{"rows": %d}' "$(wc -l < ${rows})"`, '--reset', `: > ${rows}`, '--repro', join(dir, 'repro')],
        { timeoutMs: 60_000, cwd: dir },
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('rows: 4 → 8');
      expect(result.stdout).toMatch(/the same `video\.created` \(video \d+\) delivered twice → rows: 1 → 2/);
      expect(result.stdout).toContain(`to reproduce: : > ${rows} && npx heapstream-webhooks replay`);
    } finally {
      await handler.stop();
    }
  });
});

describe('simulate --state with --start and no --reset', () => {
  it('restarts the app to empty its state: the reference run, the scenario run and every trial start afresh', async () => {
    const port = await freePort();
    const app = fileURLToPath(new URL('../helpers/app-under-test.mjs', import.meta.url));
    const to = `http://127.0.0.1:${port}`;
    const result = await runCli(
      ['simulate', '--start', `node ${app}`, '--to', `${to}/webhooks`, '--type', 'video.created', '--events', '2', '--duplicates', '1', '--within', '3s', '--seed', '1', '--state', `${to}/state`, '--repro', join(dir, 'repro')],
      { env: { PORT: String(port), ROWS: '1' }, timeoutMs: 60_000, cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('rows: 2 rows → 4 rows');
    expect(result.stdout).toMatch(/minimal reproduction \(2 deliveries, 1-minimal, \d+ trials/);
    expect(result.stdout).toContain('to reproduce: reset the state (restart the app), then npx heapstream-webhooks replay');
    // Started once, then once per reset, said once.
    expect(result.stdout.match(/Starting the app/g)).toHaveLength(1);
    expect(result.stdout.match(/Restarting the app to empty its state/g)).toHaveLength(1);
    expect(result.stderr.match(/^app │ app listening on/gm)?.length).toBeGreaterThan(4);
    expect(await listening(port)).toBe(false);
  });
});

describe('simulate --state refuses a state it cannot trust (exit 2, one line)', () => {
  let other: TestHandler;
  beforeEach(async () => {
    other = await new TestHandler((request) => (request.url === '/broken' ? { status: 500 } : undefined)).start();
    server = await new HandlerServer(createLogic('insert-per-delivery', false)).start();
  });
  afterEach(() => other.stop());

  it.each([
    ['a state that is not JSON', ['--state', 'echo "<html>oops"', '--reset', 'true'], /^error: --state echo "<html>oops" gave "<html>oops", which is not JSON; it must give the app's state as JSON$/],
    ['a state endpoint that fails', ['--state', 'URL/broken', '--reset', 'true'], /^error: --state http:\/\/127\.0\.0\.1:\d+\/broken answered 500; it must answer 200 with the app's state as JSON$/],
    ['a reset that does not empty the state', ['--to', 'APP/webhooks', '--state', 'APP/state', '--reset', 'URL/noop'], /^error: --reset http:\/\/127\.0\.0\.1:\d+\/noop did not empty the state that --state http:\/\/127\.0\.0\.1:\d+\/state reads \(after the reference run, a reset left rows at 4 rows, not 0 rows\); make it remove what the handler wrote, or ignore that path$/],
    ['--state without --reset or --start', ['--state', 'echo {}'], /^error: --state needs --reset <url\|command> \(or --start, to restart the app instead\)/],
    ['--state-ignore without --state', ['--state-ignore', 'updated_at'], /^error: --state-ignore only apply with --state <url\|command>$/],
  ])('%s', async (_what, flags, message) => {
    const args = flags.map((flag) => flag.replace('URL', `http://127.0.0.1:${other.port}`).replace('APP', server?.origin ?? ''));
    const result = await runCli(['simulate', '--to', other.url, '--events', '14', '--within', '3s', ...args], { timeoutMs: 30_000 });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n').filter((line) => line.startsWith('error'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
