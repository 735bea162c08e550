/**
 * One HTTP attempt (`send()`), against real loopback servers: each way an attempt can end
 * is a result, never a throw, and says what happened.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, send } from '../../src/delivery/send.js';
import { userAgent } from '../../src/version.js';
import { waitUntil } from '../helpers/time.js';

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
/** What the server does with a request to each path. */
const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.end('fine'),
  '/json': (res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-request-id', 'r-1');
    res.end('{"queued": true, "padding": "0123456789"}');
  },
  '/plain-bytes': (res) => res.end(Buffer.from([1, 2, 3])),
  // The status line, a few body bytes, then the connection breaks.
  '/cut': (res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial', () => res.destroy());
  },
  // The connection breaks before any answer.
  '/reset': (res) => res.socket?.destroy(),
  '/hang': () => undefined,
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      (routes[req.url ?? ''] ?? routes['/ok'])?.(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('send()', () => {
  it('POSTs the body with a JSON content type and our user agent, unless told otherwise', async () => {
    const result = await send({ url: `${base}/ok`, body: '{"a":1}', headers: { 'x-extra': '1' } });
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.response).toBeUndefined();
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', 'user-agent': userAgent(), 'x-extra': '1' } });

    // A relay or replay sends the recorded headers exactly, with its own method.
    await send({ url: new URL(`${base}/ok`), method: 'PUT', body: Buffer.from('x'), headers: { 'user-agent': 'HeapStream', 'content-type': 'text/plain' }, exactHeaders: true });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain', 'user-agent': 'HeapStream' } });
    await send({ url: `${base}/ok`, body: 'y', exactHeaders: true });
    expect(seen.at(-1)?.headers['content-type']).toBeUndefined();
    expect(seen.at(-1)?.headers['user-agent']).toBeUndefined();
  });

  it('keeps the start of the answer when asked: body, headers, content type, and whether it was cut', async () => {
    const whole = await send({ url: `${base}/json`, body: '{}', keepResponseBytes: 1_000 });
    expect(whole.response).toMatchObject({ contentType: 'application/json', truncated: false, headers: { 'x-request-id': 'r-1' } });
    expect(whole.response?.body.toString()).toBe('{"queued": true, "padding": "0123456789"}');

    const cut = await send({ url: `${base}/json`, body: '{}', keepResponseBytes: 10 });
    expect(cut.response?.body.toString()).toBe('{"queued":');
    expect(cut.response?.truncated).toBe(true);

    const untyped = await send({ url: `${base}/plain-bytes`, body: '{}', keepResponseBytes: 10 });
    expect(untyped.response).toMatchObject({ truncated: false });
    expect(untyped.response?.contentType).toBeUndefined();
    expect([...(untyped.response?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it('an answer that breaks off after its status line is "cut-off", naming the status and the bytes that came', async () => {
    const result = await send({ url: `${base}/cut`, body: '{}' });
    expect(result.ok).toBe(false);
    expect(result.error?.kind).toBe('cut-off');
    expect(result.error?.message).toMatch(/^the answer \(status 200\) broke off after 7 body bytes: /);
  });

  it('a connection that breaks before any answer, and a port where nothing listens, are "unreachable"', async () => {
    expect((await send({ url: `${base}/reset`, body: '{}' })).error).toMatchObject({ kind: 'unreachable' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await send({ url: `http://127.0.0.1:${port}/`, body: '{}' })).toMatchObject({ ok: false, error: { kind: 'unreachable', code: 'ECONNREFUSED' } });
  });

  it('no answer within the timeout is a "timeout" that names it', async () => {
    const result = await send({ url: `${base}/hang`, body: '{}', timeoutMs: 30 });
    expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', code: 'TIMEOUT', message: 'no answer within 30 ms' } });
    expect(result.durationMs).toBeGreaterThanOrEqual(25);
  });

  it('an abort ends the attempt as ABORTED, whether it came before or during the attempt', async () => {
    expect(await send({ url: `${base}/ok`, body: '{}', signal: AbortSignal.abort() })).toMatchObject({ ok: false, error: { kind: 'error', code: 'ABORTED' } });
    const controller = new AbortController();
    const before = seen.length;
    const pending = send({ url: `${base}/hang`, body: '{}', signal: controller.signal });
    // Abort once the request is at the server: an attempt in flight.
    await waitUntil(() => seen.length > before, 'the request to reach the server');
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'ABORTED', message: 'aborted' } });
  });

  it('a deadline that passes before the connection starts aborts the request as soon as it does', async () => {
    let handler: Dispatcher.DispatchHandler | undefined;
    const dispatcher = { dispatch: (_options: unknown, h: Dispatcher.DispatchHandler) => ((handler = h), true) } as unknown as Dispatcher;
    const result = await send({ url: `${base}/ok`, body: '{}', timeoutMs: 5, dispatcher });
    expect(result.error).toMatchObject({ kind: 'timeout' });
    const aborted: unknown[] = [];
    handler?.onRequestStart?.({ abort: (reason: unknown) => aborted.push(reason) } as unknown as Dispatcher.DispatchController, {});
    expect(aborted).toEqual([new Error('attempt already over')]);
  });
});

describe('classify', () => {
  it('calls a gone peer unreachable, by its code or its cause’s', () => {
    expect(classify(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toEqual({ kind: 'unreachable', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    expect(classify(new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }) }))).toEqual({ kind: 'unreachable', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' });
  });

  it('anything else is an error, with its code when it has one', () => {
    expect(classify(Object.assign(new Error('bad header'), { code: 'UND_ERR_INVALID_ARG' }))).toEqual({ kind: 'error', code: 'UND_ERR_INVALID_ARG', message: 'bad header' });
    expect(classify(new Error('odd'))).toEqual({ kind: 'error', message: 'odd' });
    expect(classify('a string')).toEqual({ kind: 'error', message: 'a string' });
  });
});
