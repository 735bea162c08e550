/**
 * HeapStream counts only a 2xx as delivered. A handler behind a proxy that answers 301, 302
 * or 304 (a trailing-slash redirect, a login page, a cache) has not processed the event:
 * it is retried and, if it keeps answering so, exhausted. Over real HTTP, where the sender
 * decides what an answer means.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../src/delivery/send.js';
import { simulate } from '../../src/simulate/simulate.js';
import { TestHandler } from '../helpers/handler.js';

const REDIRECTS = [301, 302, 304] as const;
let handler: TestHandler;

beforeAll(async () => {
  // Each request is answered with the status its path names (`/webhooks?301` …).
  handler = await new TestHandler((request) => ({ status: Number(request.url.split('?')[1]), body: '' })).start();
});
afterAll(async () => {
  await handler.stop();
});

describe('a redirect or not-modified answer is not a delivery', () => {
  it.each(REDIRECTS)('send() calls %i a failure, keeping the status', async (status) => {
    const result = await send({ url: `${handler.url}?${status}`, body: '{}' });
    expect(result).toMatchObject({ ok: false, status });
  });

  it.each(REDIRECTS)('simulate() retries a handler that answers %i, then calls the event exhausted', async (status) => {
    const report = await simulate({ target: `${handler.url}?${status}`, events: 2, maxAttempts: 3, within: '2s', seed: 4 });
    expect(report.totals).toMatchObject({ events: 2, delivered: 0, exhausted: 2, attempts: 6, retries: 4, non2xx: { [String(status)]: 6 } });
    expect(report.verdict.ok).toBe(false);
    for (const e of report.events) expect(e.attempts.map((a) => a.status)).toEqual([status, status, status]);
  });
});
