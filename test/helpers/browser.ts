/**
 * Real Chromium for the inspector's tests: Debian's `chromium`, driven by playwright-core.
 * Without a browser the tests skip locally (with a message), and fail under CI, where a
 * skipped browser test would pass unseen.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { CHROMIUM_PATH, chromiumAvailable } from './chromium.js';
import { DEFAULT_WAIT_MS } from './time.js';

export { launchBrowser } from './chromium.js';

if (!chromiumAvailable && !process.env['CI']) {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

/** describe() when a browser can run (or under CI, where its absence must fail), else skip. */
export const describeBrowser = chromiumAvailable || process.env['CI'] ? describe : describe.skip;

/** Screenshots land here (ignored by git); the README's copy is test/screenshots/inspector.png. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../screenshots/out/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path });
  return path;
}

/** Collects uncaught page errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return errors;
}

/**
 * An auto-waiting assertion on what the page shows: `await eventually(() => locator.count()).toBe(2)`
 * retries the read until it matches (or fails after the deadline, with the last value), so a
 * test never reads a pane before the page has filled it in. Playwright's own `expect` comes
 * with its test runner; vitest's `expect.poll` does the same job here.
 */
export function eventually<T>(read: () => Promise<T> | T): ReturnType<typeof expect.poll<T>> {
  return expect.poll(read, { timeout: DEFAULT_WAIT_MS, interval: 20 });
}
