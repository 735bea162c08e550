/**
 * `inspect [dir]` in real Chromium, in process: fixtures on disk, hostile ones among them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../../src/commands/inspect/run.js';
import { makeFixture, saveFixture } from '../../src/store/write.js';
import { createOutput, type Output } from '../../src/ui/output.js';
import { describeBrowser, eventually, launchBrowser, screenshot, watchErrors } from '../helpers/browser.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { waitUntil } from '../helpers/time.js';

let browser: Browser;
let dir: string;
let url: string;
const inspector = new AbortController();
let finished: Promise<unknown>;

const HOSTILE_TYPE = '<img src=x onerror="window.pwned=1">\u001b[2J\u202eevil';

/** NDJSON output whose records land in `records`. */
function recordingOutput(records: object[]): Output {
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line) as object);
      done();
    },
  });
  return createOutput({ json: true, stdout });
}

describeBrowser('inspect [dir]', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hsw-inspect-'));
    await writeFixtures(dir, [
      // A float written as an integer: drift from the model.
      { at: '2026-11-27T09:59:59.000Z', body: event('video.uploaded', 600).replace('-1.0', '-1'), status: 200 },
      { at: '2026-11-27T10:00:00.000Z', body: event('video.created', 500), status: 200 },
      { at: '2026-11-27T10:00:01.000Z', body: event('video.ready', 500), status: 500 },
      { at: '2026-11-27T10:00:02.000Z', body: event('video.ready', 500), status: 200 },
      { at: '2026-11-27T10:00:03.000Z', body: '{"event_type": "video.ready", oops}' },
      { at: '2026-11-27T10:00:04.000Z', body: Buffer.from([0xff, 0xfe, 0x00, 0x41]) },
      { at: '2026-11-27T10:00:05.000Z', body: JSON.stringify({ event_type: HOSTILE_TYPE, video: { id: 9, status: '</script><script>window.pwned=2</script>' } }) },
    ]);
    // A recording with the handler's whole answer kept.
    await saveFixture(
      dir,
      makeFixture({
        recordedAt: new Date('2026-11-27T10:00:06.000Z'),
        via: 'tunnel',
        method: 'POST',
        path: '/hook',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(event('video.deleted', 501)),
        response: { ok: true, status: 202, durationMs: 4.2, target: 'http://127.0.0.1:3000/webhooks', headers: { 'content-type': 'application/json', 'x-request-id': 'abc' }, body: '{"queued": true}', bodyEncoding: 'utf8' } as never,
      }),
    );
    await writeFile(join(dir, 'notes.json'), '{"not": "a fixture"}');

    const records: object[] = [];
    finished = run({ dir, port: 0, timeoutMs: 5_000, output: recordingOutput(records), takeInterrupt: () => inspector.signal });
    url = (await waitUntil(() => records[0], 'the inspector to print its URL') as { ui: string }).ui;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    inspector.abort('SIGINT');
    await finished;
    await rm(dir, { recursive: true, force: true });
  });

  async function openPage(width = 1280, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 800 }, colorScheme });
    const errors = watchErrors(page);
    await page.goto(url);
    await page.locator('li.row').first().waitFor();
    return { page, errors };
  }

  it('lists the recorded fixtures, newest first, and says which files are not fixtures', async () => {
    const { page, errors } = await openPage();
    const types = await page.locator('li.row .c-type .type').allTextContents();
    expect(types).toHaveLength(8);
    expect(types[0]).toBe('video.deleted');
    expect(types.at(-1)).toBe('video.uploaded');
    await eventually(() => page.locator('.banner').textContent()).toContain('notes.json');
    // The same bytes again after a 500 is a retry; after a 2xx, a duplicate.
    const marks = await page.locator('li.row').evaluateAll((rows) => rows.map((row) => row.querySelector('.t-retry, .t-duplicate')?.textContent ?? ''));
    expect(marks).toEqual(['', '', '', '', 'retry', '', '', '']);
    await eventually(() => page.locator('button#compare').isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks drift from the model and says where', async () => {
    const { page, errors } = await openPage();
    // The float written as an integer, and the hostile body's unknown event type (marks can
    // land after the rows under load: wait for the second, then count them all).
    await page.locator('li.row .t-drift').nth(1).waitFor();
    await eventually(() => page.locator('li.row .t-drift').count()).toBe(2);
    await page.locator('li.row', { hasText: 'video.uploaded' }).click();
    // The detail pane fills in after the click: wait for it rather than read it at once.
    await eventually(() => page.locator('section.drift li').allTextContents()).toEqual([expect.stringMatching(/^video\.asset\.duration float written without a decimal point \(-1\)/)]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('filters by type, answer and free text', async () => {
    const { page } = await openPage();
    await page.locator('#type-filter').selectOption('video.ready');
    await eventually(() => page.locator('li.row').count()).toBe(2);
    await page.locator('#status-filter').selectOption('server');
    await eventually(() => page.locator('li.row').count()).toBe(1);
    await page.locator('#type-filter').selectOption('');
    await page.locator('#status-filter').selectOption('');
    await page.locator('#search').fill('v501');
    await page.locator('.count', { hasText: '1 of 8' }).waitFor();
    await eventually(() => page.locator('li.row .type').allTextContents()).toEqual(['video.deleted']);
    await page.close();
  });

  it('shows hostile text as text: no markup runs, control characters are made visible', async () => {
    const { page, errors } = await openPage();
    const hostile = page.locator('li.row', { hasText: 'onerror' });
    await eventually(() => hostile.locator('.type').textContent()).toBe('<img src=x onerror="window.pwned=1">\\x1b[2J\\u202eevil');
    await eventually(() => hostile.locator('.type .esc').allTextContents()).toEqual(['\\x1b', '\\u202e']);
    await hostile.click();
    await page.locator('.detail-pane .body-panel').waitFor();
    await eventually(() => page.locator('img').count()).toBe(0);
    await eventually(() => page.locator('script').count()).toBe(1);
    expect(await page.evaluate('typeof window.pwned')).toBe('undefined');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('points at the syntax error in a broken body, and shows non-UTF-8 bytes as hex', async () => {
    const { page } = await openPage();
    const broken = page.locator('li.row', { hasText: '(not JSON)' });
    await broken.nth(1).click();
    await eventually(() => page.locator('.syntax-error').textContent()).toBe('Not valid JSON: expected a key, found "o" at line 1, column 31');
    await eventually(() => page.locator('mark.error-at').textContent()).toBe('o');
    await broken.nth(0).click();
    await eventually(() => page.locator('pre.hex').textContent()).toBe(`00000000  ${'ff fe 00 41'.padEnd(47)}  ...A`);
    await page.close();
  });

  it("shows a recorded answer's headers and body", async () => {
    const { page } = await openPage();
    await page.locator('li.row').first().click();
    const answer = page.locator('section.answer');
    await eventually(() => answer.locator('.panel-head .badge').first().textContent()).toBe('202');
    await eventually(() => answer.locator('table.headers').textContent()).toContain('x-request-id');
    await eventually(() => answer.locator('.json').textContent()).toContain('"queued": true');
    await page.close();
  });

  it('says how to turn replay on when there is no target', async () => {
    const { page } = await openPage();
    await page.locator('li.row').first().click();
    const button = page.locator('button[data-action="replay"]');
    await eventually(() => button.isDisabled()).toBe(true);
    await eventually(() => button.getAttribute('title')).toBe('start inspect with --to <url> to replay');
    await page.close();
  });

  it('says so when a listed fixture was removed meanwhile', async () => {
    const { page, errors } = await openPage();
    const created = page.locator('li.row', { hasText: 'video.created' });
    await rm(join(dir, (await created.getAttribute('data-id')) as string));
    await created.click();
    await eventually(() => page.locator('.detail-pane .syntax-error').textContent()).toMatch(/^Could not load it: .*video\.created/);
    expect(errors.filter((e) => !e.includes('404'))).toEqual([]);
    await page.close();
  });

  it('is readable in dark mode, wide and narrow', async () => {
    const { page, errors } = await openPage(1280, 'dark');
    await page.locator('li.row', { hasText: 'video.deleted' }).click();
    await page.locator('section.answer .json').waitFor();
    await screenshot(page, 'inspect-dark-wide');
    const background = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(background).toBe('rgb(15, 18, 22)');
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'inspect-dark-narrow');
    expect(errors).toEqual([]);
    await page.close();
  });
});
