/**
 * The inspector's HTTP surface in process, without a browser: what it refuses, and why.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InspectorServer } from '../../src/inspector/server.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';

let dir: string;
let handler: TestHandler;
let server: InspectorServer;
let file: string;

async function start(replayTo?: URL): Promise<void> {
  server = new InspectorServer({ port: 0, mode: 'inspect', fixturesDir: dir, ...(replayTo ? { replayTo: () => replayTo, replayTargets: [{ route: 'default', to: replayTo.href }] } : {}) });
  await server.start();
}

function post(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const origin = `http://127.0.0.1:${server.port}`;
  return request(`${origin}/api/replay`, { method: 'POST', body, headers: { origin, 'content-type': 'application/json', 'x-hsw-token': server.token, ...headers } }).then(async (r) => ({ status: r.statusCode, json: (await r.body.json()) as Record<string, unknown> }));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-inspector-'));
  [file] = (await writeFixtures(dir, [{ at: '2026-11-27T10:00:00.000Z', body: event('video.ready', 500), query: 'a=1', status: 200 }])) as [string];
  handler = await new TestHandler(() => ({ status: 202, body: 'x'.repeat(70 * 1024) })).start();
});
afterEach(async () => {
  await server?.stop();
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('inspector server', () => {
  const id = (): string => file.split('/').at(-1) as string;

  it('replays the recorded bytes, query and headers, and keeps the first 64 KiB of the answer', async () => {
    await start(new URL(handler.url));
    const { status, json } = await post(JSON.stringify({ id: id() }));
    expect(status).toBe(200);
    expect(handler.received[0]?.body.toString()).toBe(event('video.ready', 500));
    expect(handler.received[0]?.url).toBe('/webhooks?a=1');
    expect(handler.received[0]?.headers['user-agent']).toBe('HeapStream-Webhooks/1.0');
    expect(json).toMatchObject({ edited: false, sentBytes: event('video.ready', 500).length, answer: { status: 202, ok: true, body: { size: 64 * 1024, truncated: true } } });
  });

  it('sends an edited body without touching the fixture', async () => {
    await start(new URL(handler.url));
    const before = await readFile(file);
    expect((await post(JSON.stringify({ id: id(), body: '{"edited": true}' }))).json).toMatchObject({ edited: true, sentBytes: 16 });
    expect(handler.received[0]?.body.toString()).toBe('{"edited": true}');
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it('says how to turn replay on when there is no target', async () => {
    await start();
    expect(await post(JSON.stringify({ id: id() }))).toEqual({ status: 409, json: { error: 'replay has nowhere to send: start inspect with --to <url>' } });
  });

  it.each([
    [{ origin: 'http://evil.example' }, 403, 'forbidden: cross-origin request'],
    [{ 'x-hsw-token': 'guess' }, 403, 'forbidden: missing or wrong session token'],
    [{ 'sec-fetch-site': 'cross-site' }, 403, 'forbidden: cross-site request'],
    [{ 'content-type': 'text/plain' }, 415, 'send JSON (content-type: application/json)'],
  ])('refuses a replay with %j', async (headers, status, error) => {
    await start(new URL(handler.url));
    expect(await post(JSON.stringify({ id: id() }), headers)).toEqual({ status, json: { error } });
    expect(handler.received).toHaveLength(0);
  });

  it('refuses malformed replays and unknown ids', async () => {
    await start(new URL(handler.url));
    expect((await post('{')).status).toBe(400);
    expect((await post('{"id": 1}')).status).toBe(400);
    expect(await post(JSON.stringify({ id: '../../etc/passwd' }))).toEqual({ status: 404, json: { error: 'no such delivery (or no longer kept in memory)' } });
    expect((await post(JSON.stringify({ id: id(), body: 'x'.repeat(3 * 1024 * 1024) }))).status).toBe(413);
    expect(handler.received).toHaveLength(0);
  });

  it('answers only GET and POST, under a strict CSP, and 404 elsewhere', async () => {
    await start();
    const base = `http://127.0.0.1:${server.port}`;
    const put = await request(`${base}/api/replay`, { method: 'PUT' });
    expect(put.statusCode).toBe(405);
    await put.body.dump();
    const options = await request(`${base}/api/replay`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(options.statusCode).toBe(405);
    expect(options.headers['access-control-allow-origin']).toBeUndefined();
    await options.body.dump();
    const missing = await request(`${base}/nope`);
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toContain("default-src 'none'");
    expect(missing.headers['x-frame-options']).toBe('DENY');
    await missing.body.dump();
  });

  it('lists the directory and opens one delivery with its detail', async () => {
    await start();
    const base = `http://127.0.0.1:${server.port}`;
    const detail = await request(`${base}/api/entries/${encodeURIComponent(id())}`);
    const data = (await detail.body.json()) as { request: { query: string; body: { base64: string } }; answer: { status: number } };
    expect(data.request.query).toBe('a=1');
    expect(Buffer.from(data.request.body.base64, 'base64').toString()).toBe(event('video.ready', 500));
    expect(data.answer.status).toBe(200);
    const malformed = await request(`${base}/api/entries/%E0%A4%A`);
    expect(malformed.statusCode).toBe(404);
    await malformed.body.dump();
  });
});
