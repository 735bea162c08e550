/**
 * `replay()` as a library caller uses it: recorded fixtures, byte for byte, to each target
 * form; a summary back. The CLI command around it: test/commands/replay.test.ts.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import express from 'express';
import { loadFixtures } from '../../src/store/read.js';
import { replay } from '../../src/replay/replay.js';
import { test } from '../helpers/context.js';
import { event, writeFixtures } from '../helpers/fixtures.js';

// Bytes that a re-serializing sender would change.
const ODD_BODY = Buffer.from('{"event_type": "video.ready",  "duration": -1.0, "note": "\u00e9\u0000"}', 'utf8');

describe('replay()', () => {
  test('sends each fixture to a fetch handler byte for byte, with its headers and query', async ({ dir }) => {
    await writeFixtures(dir, [
      { at: '2026-11-20T02:00:00Z', body: ODD_BODY, headers: { 'x-heapstream-signature': 'abc' }, query: 'token=1' },
      { at: '2026-11-20T01:00:00Z', body: event('video.created', 1) },
    ]);
    const seen: { url: string; body: Buffer; signature: string | null }[] = [];
    const result = await replay({
      target: {
        async fetch(request: Request) {
          seen.push({ url: request.url, body: Buffer.from(await request.arrayBuffer()), signature: request.headers.get('x-heapstream-signature') });
          return new Response('ok');
        },
      },
      path: '/webhooks',
      fixtures: dir,
      times: 2,
    });
    expect(result).toMatchObject({ sent: 4, ok: 4, failed: 0, byStatus: { '200': 4 } });
    expect(seen.map((s) => s.url)).toEqual(['http://localhost/webhooks', 'http://localhost/webhooks', 'http://localhost/webhooks?token=1', 'http://localhost/webhooks?token=1']);
    expect(seen[2]?.body.equals(ODD_BODY)).toBe(true);
    expect(seen[2]?.signature).toBe('abc');
    expect(result.deliveries.map((d) => d.copy)).toEqual([1, 2, 1, 2]);
  });

  test('drives an Express app in-process and counts what failed', async ({ dir }) => {
    await writeFixtures(dir, [1, 2, 3].map((id) => ({ at: `2026-11-20T0${id}:00:00Z`, body: event('video.ready', id) })));
    const app = express();
    app.use(express.json());
    app.post('/hook', (req, res) => res.sendStatus(req.body.video.id === 2 ? 422 : 200));
    const result = await replay({ target: app, path: '/hook', fixtures: [dir], concurrency: 3 });
    expect(result).toMatchObject({ sent: 3, ok: 2, failed: 1, byStatus: { '200': 2, '422': 1 } });
  });

  test('sends to a URL over HTTP, taking fixtures already loaded', async ({ dir, handler }) => {
    await writeFixtures(dir, [{ at: '2026-11-20T01:00:00Z', body: ODD_BODY }]);
    const { fixtures } = await loadFixtures([dir]);
    const result = await replay({ target: handler.url, fixtures });
    expect(result.ok).toBe(1);
    expect(handler.received[0]?.body.equals(ODD_BODY)).toBe(true);
    expect(handler.received[0]?.headers['content-length']).toBe(String(ODD_BODY.length));
  });

  test('takes what loadFixtures() returns, as it returns it; refused when it holds an invalid fixture', async ({ dir, handler }) => {
    await writeFixtures(dir, [{ at: '2026-11-20T01:00:00Z', body: ODD_BODY }]);
    const result = await replay({ target: handler.url, fixtures: await loadFixtures([dir]) });
    expect(result.ok).toBe(1);
    await writeFile(join(dir, 'broken.json'), '{ not json');
    await expect(replay({ target: handler.url, fixtures: await loadFixtures([dir]) })).rejects.toMatchObject({ code: 'HSW_FIXTURE_INVALID', message: expect.stringContaining('broken.json') });
    expect(handler.received).toHaveLength(1);
  });

  test('a corrupt fixture or an empty directory is an error naming it, before anything is sent', async ({ dir }) => {
    let calls = 0;
    const target = {
      fetch: () => {
        calls++;
        return new Response('ok');
      },
    };
    await expect(replay({ target, fixtures: dir })).rejects.toMatchObject({ code: 'HSW_NO_FIXTURES' });
    await writeFixtures(dir, [{ at: '2026-11-20T01:00:00Z', body: event('video.ready', 1) }]);
    await writeFile(join(dir, 'broken.json'), '{ not json');
    await expect(replay({ target, fixtures: dir })).rejects.toMatchObject({ code: 'HSW_FIXTURE_INVALID', message: expect.stringContaining('broken.json') });
    expect(calls).toBe(0);
  });

  test('a signal stops sending: the send in flight ends uncounted and replay() rejects with its reason', async ({ dir }) => {
    await writeFixtures(dir, [1, 2, 3].map((id) => ({ at: `2026-11-20T0${id}:00:00Z`, body: event('video.ready', id) })));
    const controller = new AbortController();
    let calls = 0;
    let requestAborted = false;
    const delivered: number[] = [];
    const target = {
      fetch: (request: Request) => {
        if (++calls === 1) return new Response('ok');
        // The second send hangs until the stop.
        request.signal.addEventListener('abort', () => (requestAborted = true));
        setTimeout(() => controller.abort(new Error('test over')), 20);
        return new Promise<Response>(() => undefined);
      },
    };
    // At once: the attempt's own deadline is far longer than the test may run.
    await expect(replay({ target, fixtures: dir, timeout: '10m', signal: controller.signal, onDelivery: (d) => delivered.push(d.copy) })).rejects.toThrow('test over');
    expect(calls).toBe(2);
    expect(delivered).toEqual([1]);
    expect(requestAborted).toBe(true);
  });

  test('options are checked and named', async ({ dir }) => {
    const target = { fetch: () => new Response('ok') };
    await expect(replay({ target, fixtures: dir, times: 0 })).rejects.toMatchObject({ code: 'HSW_BAD_VALUE', option: 'times', message: 'times 0 is not a whole number from 1 to 10000' });
    await expect(replay({ target, fixtures: dir, delay: 'later' })).rejects.toMatchObject({ option: 'delay' });
  });

  test('adds the headers option to every request, over the recorded ones, and refuses one that would break it', async ({ dir }) => {
    await writeFixtures(dir, [{ at: '2026-11-20T01:00:00Z', body: event('video.created', 1), headers: { authorization: 'recorded' } }]);
    const seen: (string | null)[] = [];
    const target = {
      fetch(request: Request) {
        seen.push(request.headers.get('authorization'));
        return new Response('ok');
      },
    };
    await replay({ target, fixtures: dir, headers: { Authorization: 'Bearer test' } });
    expect(seen).toEqual(['Bearer test']);
    await expect(replay({ target, fixtures: dir, headers: { 'x-bad': 'a\r\nx-injected: b' } })).rejects.toMatchObject({ code: 'HSW_BAD_HEADER' });
    expect(seen).toHaveLength(1);
  });
});
