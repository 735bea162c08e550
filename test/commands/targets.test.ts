/**
 * The three target forms (delivery/targets.ts), each answering one delivery with the same
 * DeliveryResult: a URL against a real loopback handler, a fetch-style handler, and a Node
 * listener driven in-process over in-memory sockets.
 */
import { Server, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import express from 'express';
import { Hono } from 'hono';
import { openTarget, type OpenTarget, type Target, type TargetRequest } from '../../src/delivery/targets.js';
import { HswError } from '../../src/errors.js';
import { test } from '../helpers/context.js';
import { waitUntil } from '../helpers/time.js';

// Bytes a re-serializing relay would change: the float, the spacing, a non-ASCII escape.
const BODY = Buffer.from('{"event_type": "video.ready", "video": {"asset": {"duration": -1.0}, "title": "caf\\u00e9"}}', 'utf8');

let opened: OpenTarget[] = [];
afterEach(async () => {
  await Promise.all(opened.map((target) => target.close()));
  opened = [];
  vi.restoreAllMocks();
});

async function open(target: Target, options: { path?: string; connections?: number } = {}): Promise<OpenTarget> {
  const result = await openTarget(target, { connections: options.connections ?? 4, keepAliveTimeoutMs: 1_000, ...(options.path !== undefined ? { path: options.path } : {}) });
  opened.push(result);
  return result;
}

function request(target: OpenTarget, overrides: Partial<TargetRequest> = {}): TargetRequest {
  return { url: target.url, method: 'POST', headers: { 'content-type': 'application/json', 'x-hsw-test': ['a', 'b'] }, body: BODY, timeoutMs: 2_000, ...overrides };
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

describe('a URL target', () => {
  test('sends the bytes and headers over HTTP', async ({ handler }) => {
    handler.setBehaviour(() => ({ status: 202 }));
    const target = await open(handler.url);
    expect(target.inProcess).toBe(false);
    expect(target.label).toBe(handler.url);
    const result = await target.deliver(request(target));
    expect(result).toMatchObject({ ok: true, status: 202 });
    expect(handler.received[0]?.body.equals(BODY)).toBe(true);
    expect(handler.received[0]?.headers['x-hsw-test']).toBe('a, b');
  });

  it('rejects what is not an http(s) URL, naming the option, and a path beside a URL', async () => {
    const bad = await openTarget('localhost:3000', { connections: 1, keepAliveTimeoutMs: 1_000 }).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(HswError);
    expect(bad).toMatchObject({ code: 'HSW_BAD_URL' });
    expect((bad as Error).message).toBe('target "localhost:3000" is not an http(s) URL; did you mean http://localhost:3000 ?');
    const path = await openTarget('http://127.0.0.1:1/x', { path: '/y', connections: 1, keepAliveTimeoutMs: 1_000 }).catch((error: unknown) => error);
    expect(path).toMatchObject({ code: 'HSW_BAD_VALUE', option: 'path' });
  });

  test('abort() ends every delivery in flight at once, as ABORTED like the in-process forms, and any after it', async ({ handler }) => {
    handler.setBehaviour(() => ({ delayMs: 30_000 }));
    const target = await open(handler.url);
    const pending = [target.deliver(request(target)), target.deliver(request(target))];
    await waitUntil(() => handler.received.length === 2, 'both deliveries to reach the handler');
    target.abort();
    for (const result of await Promise.all(pending)) expect(result).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    // At once: before the handler (holding each for 30 s) answered either.
    expect(handler.answered).toBe(0);
    expect(await target.deliver(request(target))).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(handler.received).toHaveLength(2);
  });
});

describe('a fetch-style target', () => {
  it('gets a WHATWG Request with the exact bytes and the headers the wire would carry', async () => {
    let seen: { url: string; method: string; headers: [string, string][]; body: Buffer } | undefined;
    const target = await open(
      {
        async fetch(req: Request) {
          seen = { url: req.url, method: req.method, headers: [...req.headers], body: Buffer.from(await req.arrayBuffer()) };
          return new Response('created', { status: 201 });
        },
      },
      { path: '/webhooks' },
    );
    expect(target.inProcess).toBe(true);
    const result = await target.deliver(request(target));
    expect(result).toMatchObject({ ok: true, status: 201 });
    expect(seen?.url).toBe('http://localhost/webhooks');
    expect(seen?.method).toBe('POST');
    expect(seen?.body.equals(BODY)).toBe(true);
    expect(Object.fromEntries(seen?.headers ?? [])).toMatchObject({ 'content-type': 'application/json', 'content-length': String(BODY.length), host: 'localhost', 'x-hsw-test': 'a, b' });
  });

  it('routes through a Hono app like any request', async () => {
    const app = new Hono();
    app.post('/webhooks', async (c) => c.text(String((await c.req.json<{ video: { asset: { duration: number } } }>()).video.asset.duration), 200));
    const target = await open(app, { path: '/webhooks' });
    expect(await target.deliver(request(target))).toMatchObject({ ok: true, status: 200 });
    const elsewhere = await open(app, { path: '/other' });
    expect(await elsewhere.deliver(request(elsewhere))).toMatchObject({ ok: false, status: 404 });
  });

  it('turns a throw or a non-Response into a failed attempt, not an exception', async () => {
    const throwing = await open({ fetch: () => Promise.reject(new Error('db down')) });
    expect(await throwing.deliver(request(throwing))).toMatchObject({ ok: false, error: { kind: 'error', code: 'HANDLER_THREW', message: 'the handler threw: db down' } });
    const wrong = await open({ fetch: () => ({ ok: true }) as unknown as Response });
    expect(await wrong.deliver(request(wrong))).toMatchObject({ ok: false, error: { kind: 'error', code: 'NOT_A_RESPONSE' } });
  });

  it('times out in real time and aborts the request signal of a handler that hangs', async () => {
    let aborted = false;
    const target = await open({
      fetch: (req: Request) =>
        new Promise<Response>(() => {
          req.signal.addEventListener('abort', () => (aborted = true));
        }),
    });
    const started = performance.now();
    const result = await target.deliver(request(target, { timeoutMs: 80 }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(aborted).toBe(true);
  });

  it('abort() ends every delivery in flight at once', async () => {
    const target = await open({ fetch: () => new Promise<Response>(() => undefined) });
    const pending = [target.deliver(request(target)), target.deliver(request(target))];
    target.abort();
    for (const result of await Promise.all(pending)) expect(result).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
  });
});

describe('a Node listener target', () => {
  it('is served in-process through real HTTP parsing, with no port opened', async () => {
    const listen = vi.spyOn(Server.prototype, 'listen');
    let seen: { url: string; headers: IncomingMessage['headers']; body: Buffer } | undefined;
    const target = await open(
      async (req, res) => {
        seen = { url: req.url ?? '', headers: req.headers, body: await readAll(req) };
        res.statusCode = 204;
        res.end();
      },
      { path: '/hooks/heapstream?x=1' },
    );
    const result = await target.deliver(request(target));
    expect(result).toMatchObject({ ok: true, status: 204 });
    expect(seen?.url).toBe('/hooks/heapstream?x=1');
    expect(seen?.body.equals(BODY)).toBe(true);
    expect(seen?.headers).toMatchObject({ host: 'localhost', 'content-length': String(BODY.length), 'content-type': 'application/json', 'x-hsw-test': 'a, b' });
    expect(listen).not.toHaveBeenCalled();
  });

  it('drives an Express app, middleware and req.ip included', async () => {
    const app = express();
    app.use(express.json());
    const ips: string[] = [];
    app.post('/webhooks', (req, res) => {
      ips.push(req.ip ?? '');
      res.status(req.body.video.asset.duration === -1 ? 200 : 400).end();
    });
    const target = await open(app, { path: '/webhooks' });
    const results = await Promise.all(Array.from({ length: 10 }, () => target.deliver(request(target))));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(ips[0]).toBe('127.0.0.1');
  });

  it('fails the attempt with the message of a listener that throws or rejects', async () => {
    const sync = await open(() => {
      throw new Error('boom');
    });
    expect(await sync.deliver(request(sync))).toMatchObject({ ok: false, error: { kind: 'error', code: 'HANDLER_THREW', message: 'the handler threw: boom' } });
    const rejecting = await open(async () => {
      await Promise.resolve();
      throw new Error('later');
    });
    expect(await rejecting.deliver(request(rejecting))).toMatchObject({ ok: false, error: { code: 'HANDLER_THREW', message: 'the handler threw: later' } });
  });

  it('times out a listener that never answers, and the listener sees the client go away', async () => {
    let closed = false;
    const target = await open((req) => {
      req.on('close', () => (closed = true));
    });
    const result = await target.deliver(request(target, { timeoutMs: 80 }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    await waitUntil(() => closed, 'the connection to close');
  });
});

describe('what is not a target', () => {
  it.each([[undefined], [null], [42], [{ handle: () => undefined }]])('%j is refused, naming the forms that work', async (value) => {
    const error = await openTarget(value as unknown as Target, { connections: 1, keepAliveTimeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HSW_BAD_VALUE', option: 'target' });
    expect((error as Error).message).toMatch(/^target is .*; give a URL .*fetch\(request\).*Node \(req, res\) listener/);
  });

  it('an in-process path must start with a slash', async () => {
    const error = await openTarget({ fetch: () => new Response() }, { path: 'webhooks', connections: 1, keepAliveTimeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'HSW_BAD_VALUE', option: 'path' });
  });
});
