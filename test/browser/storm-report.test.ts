/**
 * The simulate HTML report in real Chromium, opened from a file as a CI artifact would be:
 * runs whose numbers are known (fail-first-2, an outage), checked mark by mark.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { run as runInspect } from '../../src/commands/inspect/run.js';
import { createOutput } from '../../src/ui/output.js';
import { CliProcess, runCli } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';
import { waitUntil } from '../helpers/time.js';
import { createLogic, HandlerServer } from '../helpers/buggy-handlers.js';
import { describeBrowser, eventually, launchBrowser, screenshot, watchErrors } from '../helpers/browser.js';

const EVENTS = 30;
let browser: Browser;
let dir: string;
let flaky: TestHandler;
let healthy: TestHandler;

/** Runs simulate against `handler` with --html and --report; returns the HTML file and the JSON report. */
async function simulate(name: string, handler: TestHandler, args: string[]): Promise<{ file: string; report: { totals: Record<string, number> } }> {
  const reportFile = join(dir, `${name}.json`);
  const file = join(dir, `${name}.html`);
  const result = await runCli(['simulate', '--to', handler.url, '--events', String(EVENTS), '--seed', '7', '--report', reportFile, '--html', file, ...args], { timeoutMs: 60_000 });
  expect(result.code).toBe(0);
  expect(result.stdout).toContain(`html: ${file}`);
  return { file, report: JSON.parse(await readFile(reportFile, 'utf8')) as { totals: Record<string, number> } };
}

async function open(file: string, width = 1280): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const errors = watchErrors(page);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  await page.locator('svg.chart').first().waitFor();
  return { page, errors, requests };
}

/** Sums the timeline's marks by outcome. */
function timelineCounts(page: Page): Promise<Record<string, number>> {
  return page.locator('section.card').first().locator('rect.bar').evaluateAll((rects) => {
    const out: Record<string, number> = {};
    for (const rect of rects) {
      const outcome = rect.getAttribute('data-outcome') as string;
      out[outcome] = (out[outcome] ?? 0) + Number(rect.getAttribute('data-count'));
    }
    return out;
  });
}

function histogramTotal(page: Page): Promise<number> {
  return page.locator('g.histogram rect').evaluateAll((rects) => rects.reduce((sum, rect) => sum + Number(rect.getAttribute('data-count')), 0));
}

describeBrowser('simulate HTML report', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsw-storm-'));
    const seen = new Map<string, number>();
    flaky = await new TestHandler((request) => {
      const key = request.body.toString();
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return { status: n <= 2 ? 500 : 200 };
    }).start();
    healthy = await new TestHandler().start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await flaky?.stop();
    await healthy?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('draws a fail-first-2 run mark by mark, offline', async () => {
    const { file, report } = await simulate('flaky', flaky, []);
    expect(report.totals).toMatchObject({ events: EVENTS, delivered: EVENTS, attempts: 3 * EVENTS });
    const { page, errors, requests } = await open(file);
    expect(await timelineCounts(page)).toEqual({ '2xx': EVENTS, 'non-2xx': 2 * EVENTS });
    expect(await histogramTotal(page)).toBe(3 * EVENTS);
    await eventually(() => page.locator('g.attempts rect[data-attempts="3"]').getAttribute('data-count')).toBe(String(EVENTS));
    await eventually(() => page.locator('.verdict').textContent()).toBe('PASS');
    await eventually(() => page.locator('#reproduce').textContent()).toContain('--seed 7');

    // Hovering a mark tells what it is.
    await page.locator('.worst li.event .strip circle').first().hover();
    await eventually(() => page.locator('.tip.show').textContent()).toMatch(/attempt 1.*non-2xx · status 500/);

    // Filtering by outcome redraws the timeline without it.
    await page.locator('.chip[data-outcome="non-2xx"]').click();
    expect(await timelineCounts(page)).toEqual({ '2xx': EVENTS });

    await page.locator('.chip[data-outcome="non-2xx"]').click();
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'storm-flaky');
    await page.setViewportSize({ width: 420, height: 800 });
    await page.waitForTimeout(300);
    await screenshot(page, 'storm-flaky-narrow');
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it('draws the same picture in the inspector for a report file (inspect --report)', async () => {
    const records: { ui?: string }[] = [];
    const stop = new AbortController();
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        records.push(JSON.parse(chunk.toString()) as { ui?: string });
        done();
      },
    });
    const finished = runInspect({ dir: 'unused', port: 0, timeoutMs: 5_000, report: join(dir, 'flaky.json'), output: createOutput({ json: true, stdout }), takeInterrupt: () => stop.signal });
    try {
      const { ui } = await waitUntil(() => records[0], 'the inspector to print its URL');
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchErrors(page);
      await page.goto(ui as string);
      await page.locator('svg.chart').first().waitFor();
      expect(await timelineCounts(page)).toEqual({ '2xx': EVENTS, 'non-2xx': 2 * EVENTS });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      stop.abort('SIGINT');
      await finished;
    }
  });

  it('shows the state difference and the minimal reproduction (--state)', async () => {
    const app = new HandlerServer(createLogic('insert-per-delivery', false));
    await app.start();
    try {
      const file = join(dir, 'effects.html');
      const origin = app.origin;
      const result = await runCli(
        ['simulate', '--to', `${origin}/webhooks`, '--events', '14', '--duplicates', '1', '--seed', '4', '--state', `${origin}/state`, '--reset', `${origin}/reset`, '--state-unordered', 'rows', '--repro', join(dir, 'repro'), '--html', file],
        { timeoutMs: 60_000 },
      );
      expect(result.code).toBe(1);
      const { page, errors } = await open(file);
      const state = page.locator('section.effects');
      await expect(state.locator('h2').textContent()).resolves.toBe('State');
      const text = (await state.locator('pre').textContent()) ?? '';
      expect(text).toContain('rows: 4 rows → 8 rows');
      expect(text).toContain('kind: a duplicate processed twice');
      expect(text).toMatch(/the same `video\.created` \(video \d+\) delivered twice → rows: 1 row → 2 rows/);
      expect(text).toContain(`to reproduce: curl -fsS -X POST ${origin}/reset && npx heapstream-webhooks replay`);
      await expect(page.locator('.verdict').textContent()).resolves.toBe('FAIL');
      await screenshot(page, 'storm-effects');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await app.stop();
    }
  });

  it('names refused duplicates in the verdict and on each event, with the handler’s answer', async () => {
    const processed = new Set<string>();
    const refusing = await new TestHandler((request) => {
      const key = request.body.toString();
      if (processed.has(key)) return { status: 409, body: 'already processed' };
      processed.add(key);
      return { status: 200 };
    }).start();
    try {
      const file = join(dir, 'refused.html');
      const result = await runCli(['simulate', '--to', refusing.url, '--events', '5', '--seed', '7', '--scenario', 'duplicates', '--max-attempts', '2', '--html', file], { timeoutMs: 60_000 });
      expect(result.code).toBe(1);
      const { page, errors } = await open(file);
      expect(await page.locator('ul.reasons li').first().textContent()).toMatch(/^5 of 5 events got a 2xx on their first delivery, but a duplicate copy was refused \(409×10\).*a handler must answer 2xx to a copy of an event it has already processed$/);
      expect(await page.locator('li.event .tag', { hasText: 'duplicate refused' }).count()).toBe(5);
      expect(await page.locator('li.event p.answer code').first().textContent()).toBe('already processed');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await refusing.stop();
    }
  });

  it('marks the outage window and the recovery burst', async () => {
    const { file, report } = await simulate('outage', healthy, ['--scenario', 'outage', '--concurrency', '50']);
    const { page, errors, requests } = await open(file);
    await eventually(() => page.locator('rect.outage-window').count()).toBe(1);
    await eventually(() => page.locator('rect.recovery-burst').count()).toBe(1);
    const counts = await timelineCounts(page);
    expect(counts['outage']).toBe(report.totals['outageFailures']);
    expect(counts['2xx']).toBe(EVENTS);
    expect(await histogramTotal(page)).toBe(report.totals['attempts']);
    await screenshot(page, 'storm-outage');
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect((await stat(file)).size).toBeLessThan(200_000);
    await page.close();
  });

  it('is written on Ctrl-C too, with what ran so far', async () => {
    const hanging = await new TestHandler((_request, index) => (index < 5 ? undefined : { delayMs: 30_000 })).start();
    const file = join(dir, 'interrupted.html');
    // --json: each finished event is a line on stdout, so the test waits for the five it needs.
    const cli = new CliProcess(['simulate', '--to', hanging.url, '--events', '20', '--concurrency', '20', '--html', file, '--seed', '3', '--json']);
    try {
      await waitUntil(() => hanging.received.length === 20, 'all 20 first attempts to arrive');
      await waitUntil(() => cli.records().length === 5, 'the five answered events to finish');
      expect(await cli.interrupt()).toBe(130);
    } finally {
      await cli.stop();
      await hanging.stop();
    }
    expect(cli.stderr).toMatch(/interrupted by SIGINT: 5 of 20 events finished; .*interrupted\.html hold what ran so far/);
    const { page, errors } = await open(file);
    await eventually(() => page.locator('.verdict').textContent()).toBe('FAIL');
    await eventually(() => page.locator('.reasons').textContent()).toContain('interrupted by SIGINT after 5 of 20 events finished');
    await eventually(() => page.locator('.total', { hasText: 'unfinished' }).locator('dd').textContent()).toBe('15');
    expect(await timelineCounts(page)).toEqual({ '2xx': 5 });
    expect(errors).toEqual([]);
    await page.close();
  });
});
