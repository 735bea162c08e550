/**
 * `inspect` from the command line: the thin layer over the in-process browser tests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { event, writeFixtures } from '../helpers/fixtures.js';

let dir: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-inspect-cli-'));
});
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('inspect', () => {
  it('serves the page over a fixtures directory until Ctrl-C', async () => {
    await writeFixtures(join(dir, 'fixtures'), [{ at: '2026-11-27T10:00:00.000Z', body: event('video.ready', 500), status: 200 }]);
    cli = new CliProcess(['inspect', '--json'], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    const ready = cli.records()[0] as { ui: string; dir: string; replayTo: string | null };
    expect(ready).toMatchObject({ dir: 'fixtures', replayTo: null });

    const page = await request(ready.ui);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(await page.body.text()).toMatch(/<meta name="hsw-token" content="[\w-]{32}">/);
    const script = await request(`${ready.ui}page.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await script.body.dump();

    expect(await cli.interrupt()).toBe(130);
  });

  it('names a missing directory and how to fill one', async () => {
    const result = await runCli(['inspect', 'nowhere'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: no fixtures directory at nowhere; record some with `listen` or `trigger --save`, or name one: inspect <dir>\n');
  });
});

describe('inspect --report', () => {
  const head = {
    tool: 'heapstream-webhooks/test',
    target: 'http://127.0.0.1:3000/hook',
    scenario: null,
    startedAt: '2026-11-27T10:00:00.000Z',
    durationMs: 100,
    settings: { schedule: ['1m'], clock: 'real', timeScale: 600, maxAttempts: 2, timeoutMs: 5000, concurrency: 1, duplicateRate: 0, duplicates: 0, reorder: false, outage: null, answerLoss: 0, networkLatencyMs: 0, maxLatencyMs: null, seed: 1 },
    totals: { events: 1, delivered: 1, exhausted: 0, tooSlow: 0, attempts: 2, retries: 1, timeouts: 0, unreachable: 0, errors: 0, outageFailures: 0, answersLost: 0, non2xx: { 500: 1 }, duplicatesSent: 0 },
    latencyMs: { p50: 3, p95: 4, p99: 4, max: 4 },
    maxInFlight: 1,
    scheduler: { maxPending: 1, latenessMs: { p50: 0, p95: 0, p99: 0, max: 0 } },
    recovery: null,
    check: null,
    verdict: { ok: true, reasons: [] },
  };
  const attempt = (n: number, status: number, at: number) => ({ attempt: n, copy: 0, at, delayedMs: 0, status, error: null, latencyMs: 3, ok: status === 200 });
  const event = { index: 0, type: 'video.ready', videoId: 500, source: 'synthetic', delivered: true, exhausted: false, tooSlow: false, duplicatesSent: 0, attempts: [attempt(1, 500, 1), attempt(2, 200, 50)] };

  it('serves a report file as the storm picture', async () => {
    // Laid out as simulate writes it: the summary, then one event per line.
    const text = `${JSON.stringify(head, null, 2).slice(0, -2)},\n  "events": [\n    ${JSON.stringify(event)}\n  ]\n}\n`;
    await writeFile(join(dir, 'report.json'), text);
    cli = new CliProcess(['inspect', '--report', 'report.json', '--json'], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    const ready = cli.records()[0] as { ui: string; report: string };
    expect(ready.report).toBe('report.json');
    const storm = await request(`${ready.ui}api/storm`);
    const data = (await storm.body.json()) as { format: string; buckets: { byType: number[][] }; summary: { totals: { attempts: number } } };
    expect(data.format).toBe('heapstream-webhooks/storm@1');
    expect(data.summary.totals.attempts).toBe(2);
    expect(data.buckets.byType[0]?.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('refuses a file that is not a report, and a directory given with it', async () => {
    await writeFile(join(dir, 'notes.json'), '{"hello": 1}');
    const bad = await runCli(['inspect', '--report', 'notes.json'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('error: notes.json: not a simulate report (no totals, settings or verdict); give a file written by simulate --report\n');
    const both = await runCli(['inspect', 'fixtures', '--report', 'notes.json'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('inspect shows a fixtures directory or a report: drop "fixtures" or --report');
  });
});
