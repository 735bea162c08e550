/**
 * `listen --ui --no-record` in real Chromium: when webhooks kept only in memory pass the
 * byte bound, the page says older ones were dropped, live and on a fresh load.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InspectorServer } from '../../src/inspector/server.js';
import type { ListenEvent } from '../../src/listen/types.js';
import { makeFixture } from '../../src/store/write.js';
import { describeBrowser, launchBrowser, watchErrors } from '../helpers/browser.js';

let browser: Browser;
let server: InspectorServer;

function publish(n: number): void {
  const body = Buffer.from(`{"event_type": "video.ready", "n": ${n}, "pad": "${'x'.repeat(400_000)}"}`);
  const fixture = makeFixture({ recordedAt: new Date(Date.UTC(2026, 10, 27, 10, 0, n)), via: 'local', method: 'POST', path: '/', query: '', headers: { 'content-type': 'application/json' }, body });
  const event: ListenEvent = { receivedAt: fixture.recordedAt, via: 'local', type: 'video.ready', videoId: null, json: true, drift: [], status: 200, handler: null, route: null, fixture: null, duplicate: false, retry: false, filtered: false };
  server.publish(event, fixture);
}

describeBrowser('listen --ui --no-record: the memory bound', () => {
  beforeAll(async () => {
    browser = await launchBrowser();
    server = new InspectorServer({ port: 0, mode: 'listen', memoryLimits: { bytes: 1024 * 1024, count: 500 } });
    await server.start();
  });
  afterAll(async () => {
    await server?.stop();
    await browser?.close();
  });

  it('says when older webhooks were dropped, as they are and after a reload', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(server.url);
    await page.locator('.pill.conn[data-state="live"]').waitFor();
    const banner = page.locator('.memory-note');
    expect(await banner.isHidden()).toBe(true);
    for (let n = 0; n < 2; n++) publish(n);
    await page.locator('li.row').nth(1).waitFor();
    expect(await banner.isHidden()).toBe(true);
    for (let n = 2; n < 5; n++) publish(n);
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toBe(
      '3 older webhook(s) that were not recorded (--no-record) were dropped from memory, which keeps the latest 500 within 1 MiB; they can no longer be opened or replayed. Record them (drop --no-record) to keep them all.',
    );
    await page.reload();
    await banner.waitFor({ state: 'visible' });
    await page.locator('li.row.dropped').nth(2).waitFor();
    expect(await page.locator('li.row.dropped').count()).toBe(3);
    expect(errors).toEqual([]);
  });
});
