/**
 * `listen --ui` in real Chromium: the built CLI, a real handler, webhooks POSTed over
 * loopback, and the page used as a person would.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { CliProcess } from '../helpers/cli.js';
import { buildEvent } from '../../src/events/builder.js';
import { event } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';
import { describeBrowser, eventually, launchBrowser, screenshot, watchErrors } from '../helpers/browser.js';

let browser: Browser;
let handler: TestHandler;
let dir: string;
let cli: CliProcess;
let hookUrl: string;
let uiUrl: string;
let page: Page;
let errors: string[];

describeBrowser('listen --ui', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    handler = await new TestHandler((req) => ({ status: req.body.includes('"video.failed"') ? 500 : 200, body: '{"stored": true}' })).start();
    dir = await mkdtemp(join(tmpdir(), 'hsw-ui-'));
    cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--ui', '--record', join(dir, 'fixtures'), '--path', '/hook', '--forward-to', handler.url], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    const ready = cli.records()[0] as { localUrl: string; ui: string };
    hookUrl = ready.localUrl;
    uiUrl = ready.ui;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    errors = watchErrors(page);
    await page.goto(uiUrl);
    await page.locator('.conn[data-state="live"]').waitFor();
  });
  afterEach(async () => {
    await page?.close();
    await cli?.stop();
    await handler.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function post(body: string): Promise<number> {
    const response = await request(hookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await response.body.dump();
    return response.statusCode;
  }

  function row(index: number) {
    return page.locator('li.row').nth(index);
  }

  it('prints the inspector URL; without recording, a webhook opens and replays from memory', async () => {
    expect(uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const human = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--ui', '--no-record', '--path', '/hook', '--forward-to', handler.url], { cwd: dir });
    const other = await browser.newPage();
    try {
      const local = (await human.waitFor(/Listening\s+(http:\/\/127\.0\.0\.1:\d+\/hook)/))[1] as string;
      const ui = (await human.waitFor(/Inspector\s+(http:\/\/127\.0\.0\.1:\d+\/)/))[1] as string;
      await other.goto(ui);
      await other.locator('.conn[data-state="live"]').waitFor();
      const response = await request(local, { method: 'POST', body: event('video.ready', 500) });
      await response.body.dump();
      await other.locator('li.row').click();
      await eventually(() => other.locator('.detail-pane .meta').textContent()).toContain('not recorded (--no-record): kept in memory');
      await other.locator('button[data-action="replay"]').click();
      await other.locator('.replays li.replay').waitFor();
      expect(handler.received.map((r) => r.body.toString())).toEqual([event('video.ready', 500), event('video.ready', 500)]);
    } finally {
      await other.close();
      await human.stop();
    }
  });

  it('replays where listen routes the event type', async () => {
    const failures = await new TestHandler().start();
    const routed = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--ui', '--no-record', '--path', '/hook', '--forward-to', handler.url, '--forward-to', `video.failed=${failures.url}`], { cwd: dir });
    const other = await browser.newPage();
    try {
      await routed.waitFor(/"kind":"ready"/);
      const ready = routed.records()[0] as { localUrl: string; ui: string };
      await other.goto(ready.ui);
      await eventually(() => other.locator('.replay-to').textContent()).toBe('replay → 2 handlers by event type');
      await other.locator('.conn[data-state="live"]').waitFor();
      const response = await request(ready.localUrl, { method: 'POST', body: event('video.failed', 501) });
      await response.body.dump();
      await other.locator('li.row').click();
      await other.locator('button[data-action="replay"]').click();
      await other.locator('.replays li.replay').waitFor();
      expect(failures.received).toHaveLength(2);
      expect(handler.received).toHaveLength(0);
    } finally {
      await other.close();
      await routed.stop();
      await failures.stop();
    }
  });

  it('shows a webhook as it arrives, without a reload', async () => {
    // A mark on this document: a reload (or a navigation) would lose it.
    await page.evaluate('window.hswNoReload = true');
    expect(await post(event('video.ready', 500))).toBe(200);
    await row(0).locator('.c-type', { hasText: 'video.ready' }).waitFor();
    expect(await page.evaluate('window.hswNoReload')).toBe(true);
    await eventually(() => row(0).locator('.c-video').textContent()).toBe('v500');
    await eventually(() => row(0).locator('.badge').textContent()).toBe('200');

    // Newest first, and the HeapStream retry of a failed event is marked as one.
    expect(await post(event('video.failed', 501))).toBe(500);
    expect(await post(event('video.failed', 501))).toBe(500);
    await page.locator('li.row').nth(2).waitFor();
    await eventually(() => row(0).locator('.t-retry').textContent()).toBe('retry');
    await eventually(() => row(1).locator('.badge').textContent()).toBe('500');
    await eventually(() => page.locator('li.row .t-retry').count()).toBe(1);
    expect(errors).toEqual([]);
  });

  it("opens a delivery: its request, body and the handler's answer", async () => {
    await post(event('video.ready', 500));
    await row(0).click();
    const detail = page.locator('.detail-pane');
    await detail.locator('h2', { hasText: 'video.ready' }).waitFor();
    await eventually(() => detail.locator('.reqline').textContent()).toBe('POST /hook');
    await eventually(() => detail.locator('.body-panel .json').first().textContent()).toContain('"duration": -1.0');
    const answer = detail.locator('section.answer');
    await eventually(() => answer.locator('.badge').textContent()).toBe('200');
    await eventually(() => answer.textContent()).toContain(handler.url);
    await detail.locator('button.seg', { hasText: 'Raw' }).first().click();
    await eventually(() => detail.locator('pre.raw').textContent()).toBe(event('video.ready', 500));
    expect(errors).toEqual([]);
  });

  it('Replay makes the handler receive the same bytes again', async () => {
    const body = event('video.ready', 500);
    await post(body);
    await row(0).click();
    await page.locator('button[data-action="replay"]').click();
    await page.locator('.replays li.replay summary .badge', { hasText: '200' }).waitFor();
    expect(handler.received).toHaveLength(2);
    expect(handler.received[1]?.body.equals(handler.received[0]?.body as Buffer)).toBe(true);
    expect(handler.received[1]?.body.toString()).toBe(body);

    // The key does the same.
    await page.keyboard.press('r');
    await page.locator('.replays li.replay').nth(1).waitFor();
    expect(handler.received[2]?.body.toString()).toBe(body);
    expect(errors).toEqual([]);
  });

  it('edit and replay sends the edited body and leaves the fixture as it was', async () => {
    await post(event('video.ready', 500));
    await row(0).click();
    const [name] = await readdir(join(dir, 'fixtures'));
    const file = join(dir, 'fixtures', name as string);
    const before = await readFile(file);

    await page.locator('button[data-action="edit"]').click();
    const editor = page.locator('textarea.editor');
    const edited = event('video.ready', 777);
    await editor.fill(edited);
    await eventually(() => page.locator('.edit-state').textContent()).toBe('Valid JSON');
    await page.locator('button[data-action="send-edited"]').click();
    await page.locator('.replays .t-edited').waitFor();

    expect(handler.received.at(-1)?.body.toString()).toBe(edited);
    expect((await readFile(file)).equals(before)).toBe(true);
    expect(await readdir(join(dir, 'fixtures'))).toEqual([name]);
    expect(errors).toEqual([]);
  });

  it('compares two deliveries by JSON path', async () => {
    await post(event('video.ready', 500));
    await post(event('video.ready', 501));
    await row(1).waitFor();
    await row(0).locator('input.mark').check();
    await row(1).locator('input.mark').check();
    await page.locator('#compare').click();
    const rows = page.locator('table.diff tbody tr');
    await rows.first().waitFor();
    await eventually(() => rows.count()).toBe(1);
    await eventually(() => rows.first().getAttribute('data-path')).toBe('video.id');
    await eventually(() => rows.first().locator('td').allTextContents()).toEqual(['500', '501']);
    expect(errors).toEqual([]);
  });

  it('moves, opens and replays from the keyboard', async () => {
    await post(event('video.created', 1));
    await post(event('video.ready', 2));
    await row(1).waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.locator('.detail-pane h2', { hasText: 'video.ready' }).waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await page.locator('.detail-pane h2', { hasText: 'video.created' }).waitFor();
    await page.keyboard.press('r');
    await page.locator('.replays li.replay').waitFor();
    expect(handler.received.at(-1)?.body.toString()).toBe(event('video.created', 1));
  });

  it('refuses a foreign Host (DNS rebinding) and a cross-origin replay', async () => {
    await post(event('video.ready', 500));
    await row(0).waitFor();
    const port = new URL(uiUrl).port;
    const raw = (path: string, headers: Record<string, string>, method = 'GET', body = ''): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await raw('/', { host: `rebound.example:${port}` })).toBe(403);
    expect(await raw('/api/stream', { host: `rebound.example:${port}` })).toBe(403);
    expect(await raw('/', { host: `localhost:${port}` })).toBe(200);

    // The page's own token, even stolen, is no use from another origin.
    const token = await page.locator('meta[name="hsw-token"]').getAttribute('content');
    const id = await row(0).getAttribute('data-id');
    const replay = JSON.stringify({ id });
    const sent = handler.received.length;
    expect(await raw('/api/replay', { host: `127.0.0.1:${port}`, origin: 'http://evil.example', 'content-type': 'application/json', 'x-hsw-token': token as string }, 'POST', replay)).toBe(403);
    expect(await raw('/api/replay', { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`, 'content-type': 'application/json' }, 'POST', replay)).toBe(403);

    // And a real page elsewhere cannot make the browser do it either.
    const site = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const evil = await browser.newPage();
    try {
      await evil.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
      const outcome = await evil.evaluate(
        async ({ target, body }) => {
          const results: string[] = [];
          for (const init of [
            { method: 'POST', headers: { 'content-type': 'application/json' }, body },
            { method: 'POST', mode: 'no-cors' as const, headers: { 'content-type': 'text/plain' }, body },
          ]) {
            try {
              const response = await fetch(target, init);
              results.push(String(response.status));
            } catch (error) {
              results.push((error as Error).name);
            }
          }
          return results;
        },
        { target: `${uiUrl}api/replay`, body: replay },
      );
      expect(outcome[0]).toBe('TypeError');
    } finally {
      await evil.close();
      site.closeAllConnections();
      site.close();
    }
    expect(handler.received.length).toBe(sent);
  });

  it('looks right at 1280×800 and in a narrow window', async () => {
    // A video's life as HeapStream would post it, with a failed encode retried.
    const now = new Date('2026-11-27T13:09:00Z');
    for (const [type, videoId] of [['video.created', 500], ['video.uploaded', 500], ['video.encoding', 500], ['video.ready', 500], ['video.created', 501], ['video.failed', 501], ['video.failed', 501], ['video.updated', 500]] as const) {
      await post(buildEvent(type, { videoId, seed: videoId, now }).body);
    }
    await row(7).waitFor();
    // From the snapshot, so no row is still flashing as new.
    await page.reload();
    await row(1).click();
    await page.locator('.detail-pane section.answer').waitFor();
    await page.locator('button[data-action="replay"]').click();
    await page.locator('.replays li.replay').waitFor();
    await page.mouse.move(0, 0);
    await page.locator('.toast.show').waitFor({ state: 'detached' });
    await screenshot(page, 'listen-wide');
    await page.setViewportSize({ width: 420, height: 800 });
    await screenshot(page, 'listen-narrow-detail');
    await page.keyboard.press('Escape');
    await page.locator('.list-pane').waitFor({ state: 'visible' });
    await screenshot(page, 'listen-narrow-list');
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  });
});
