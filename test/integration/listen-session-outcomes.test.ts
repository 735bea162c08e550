/**
 * The listen session in process: each way a webhook can go (filtered, acknowledged at once,
 * forwarded with its query, a handler that is down or slow) gives the sender the right
 * answer, the fixture the right content, and subscribers and the reporter the right event.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenSession } from '../../src/listen/session.js';
import type { ListenEvent, ListenOptions, ListenReporter, ListenSessionEvent } from '../../src/listen/types.js';
import { readFixture } from '../../src/store/read.js';
import type { TunnelEvent } from '../../src/tunnel/types.js';
import { event } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';
import { waitUntil } from '../helpers/time.js';

class Reporter implements ListenReporter {
  readonly events: ListenEvent[] = [];
  readonly warnings: string[] = [];
  readonly tunnels: TunnelEvent[] = [];
  localUrl = '';
  ready(info: { localUrl: string }): void {
    this.localUrl = info.localUrl;
  }
  tunnel(tunnel: TunnelEvent): void {
    this.tunnels.push(tunnel);
  }
  rejected(): void {}
  tidied(): void {}
  event(e: ListenEvent): void {
    this.events.push(e);
  }
  warn(text: string): void {
    this.warnings.push(text);
  }
}

let dir: string;
let handler: TestHandler;
let reporter: Reporter;
let session: ListenSession | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-outcomes-'));
  handler = await new TestHandler().start();
  reporter = new Reporter();
});
afterEach(async () => {
  await session?.stop();
  session = undefined;
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: Partial<ListenOptions> = {}): Promise<string> {
  session = new ListenSession({ port: 0, path: '/hook', maxBodyBytes: 64 * 1024, forwardTo: new URL(handler.url), forwardTimeoutMs: 5_000, ack: false, recordDir: join(dir, 'fixtures'), shutdownGraceMs: 200, reporter, ...options });
  await session.start();
  return reporter.localUrl;
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.statusCode, text: await response.body.text() };
}

/** A port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('listen session outcomes', () => {
  it('filters by event type: others are recorded and answered 200, not forwarded, and shown to nobody but subscribers', async () => {
    const url = await start({ events: 'video.ready' });
    const seen: ListenSessionEvent[] = [];
    session?.onEvent((e) => seen.push(e));
    expect(await post(url, event('video.created', 1))).toEqual({ status: 200, text: 'recorded\n' });
    expect(await post(url, event('video.ready', 1))).toMatchObject({ status: 200 });
    expect(handler.received.map((r) => JSON.parse(r.body.toString()).event_type)).toEqual(['video.ready']);
    expect(reporter.events.map((e) => e.type)).toEqual(['video.ready']);
    const events = seen.filter((e): e is Extract<ListenSessionEvent, { kind: 'event' }> => e.kind === 'event');
    expect(events.map((e) => [e.event.type, e.event.filtered, e.event.route])).toEqual([
      ['video.created', true, null],
      ['video.ready', false, 'default'],
    ]);
    expect(session?.summary).toMatchObject({ received: 2, filtered: 1, forwarded: 1, recorded: 2 });
  });

  it('with ack, answers 200 at once, then adds the handler’s answer to the fixture when it comes', async () => {
    handler.setBehaviour(() => ({ status: 201, body: '{"later": true}' }));
    const url = await start({ ack: true });
    const seen: ListenSessionEvent[] = [];
    session?.onEvent((e) => seen.push(e));
    expect(await post(url, event('video.ready', 2))).toEqual({ status: 200, text: 'accepted\n' });
    const reported = await waitUntil(() => reporter.events[0], 'the handler’s answer to be reported');
    expect(reported).toMatchObject({ status: 200, handler: { ok: true, status: 201 } });
    const loaded = await readFixture(reported.fixture as string);
    expect(loaded.fixture.response).toMatchObject({ status: 201, body: '{"later": true}' });
    const published = seen.find((e): e is Extract<ListenSessionEvent, { kind: 'event' }> => e.kind === 'event');
    expect(published?.data.response).toMatchObject({ status: 201 });
  });

  it('with ack and a handler that is down, the sender still gets 200 and the fixture says what happened', async () => {
    const url = await start({ ack: true, forwardTo: new URL(`http://127.0.0.1:${await closedPort()}/webhooks`) });
    expect((await post(url, event('video.ready', 3))).status).toBe(200);
    const reported = await waitUntil(() => reporter.events[0], 'the failed forward to be reported');
    expect(reported.handler).toMatchObject({ ok: false, error: { kind: 'unreachable', code: 'ECONNREFUSED' } });
    expect((await readFixture(reported.fixture as string)).fixture.response).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    expect(session?.summary).toMatchObject({ handlerFailed: 1, recorded: 1 });
  });

  it('with ack and nothing to forward to for the type, answers "recorded"', async () => {
    const url = await start({ ack: true, forwardTo: undefined, routes: [{ pattern: 'video.ready', to: new URL(handler.url) }] });
    expect(await post(url, event('video.created', 4))).toEqual({ status: 200, text: 'recorded\n' });
    expect(reporter.events[0]).toMatchObject({ route: 'none', handler: null });
  });

  it('forwards the query string, and without recording still gives subscribers the fixture', async () => {
    const url = await start({ recordDir: undefined });
    const seen: ListenSessionEvent[] = [];
    const unsubscribe = session?.onEvent((e) => seen.push(e));
    expect((await post(`${url}?attempt=2&x=%20y`, event('video.ready', 5))).status).toBe(200);
    expect(handler.received[0]?.url).toBe('/webhooks?attempt=2&x=%20y');
    expect(reporter.events[0]?.fixture).toBeNull();
    const published = seen.find((e): e is Extract<ListenSessionEvent, { kind: 'event' }> => e.kind === 'event');
    expect(published?.data.request).toMatchObject({ query: 'attempt=2&x=%20y', body: event('video.ready', 5) });
    expect(published?.data.response).toMatchObject({ status: 200 });
    unsubscribe?.();
    await post(url, event('video.ready', 6));
    expect(seen.filter((e) => e.kind === 'event')).toHaveLength(1);
  });

  it('answers 502 naming the code when the handler is down, and 504 when it is too slow', async () => {
    const down = await start({ forwardTo: new URL(`http://127.0.0.1:${await closedPort()}/webhooks`) });
    expect(await post(down, event('video.ready', 7))).toEqual({ status: 502, text: 'the handler is unreachable (ECONNREFUSED)\n' });
    await session?.stop();
    handler.setBehaviour(() => ({ delayMs: 60_000 }));
    const slow = await start({ forwardTimeoutMs: 50 });
    expect(await post(slow, event('video.ready', 8))).toEqual({ status: 504, text: 'the handler did not answer within the timeout (no answer within 50 ms)\n' });
    expect(reporter.events.map((e) => e.status)).toEqual([502, 504]);
  });

  it('answers 502 saying the handler answered something that is not HTTP, not that it is unreachable', async () => {
    // A handler that reads the request, then writes a line that is no HTTP status line and hangs up.
    const garbled = createServer((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH\r\n')));
    await new Promise<void>((resolve) => garbled.listen(0, '127.0.0.1', resolve));
    try {
      const url = await start({ forwardTo: new URL(`http://127.0.0.1:${(garbled.address() as AddressInfo).port}/webhooks`) });
      const answer = await post(url, event('video.ready', 10));
      expect(answer.status).toBe(502);
      expect(answer.text).toMatch(/^the handler's answer was not HTTP \(/);
      expect(reporter.events[0]?.handler).toMatchObject({ ok: false, error: { kind: 'bad-answer' } });
    } finally {
      await new Promise((resolve) => garbled.close(resolve));
    }
  });

  it('a subscriber that throws is reported, and the others and the sender are not affected', async () => {
    const url = await start();
    const seen: string[] = [];
    session?.onEvent(() => {
      throw new Error('subscriber bug');
    });
    session?.onEvent((e) => seen.push(e.kind));
    expect((await post(url, event('video.ready', 9))).status).toBe(200);
    expect(seen).toEqual(['event']);
    expect(reporter.warnings).toEqual(['a listen subscriber failed: subscriber bug']);
  });

  it('when it cannot say where it runs, warns with the URL to give instead, and serves anyway', async () => {
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, '');
    const url = await start({ publish: { cwd: dir, configDir: notADirectory } });
    expect(reporter.warnings).toEqual([expect.stringMatching(new RegExp(`^could not tell other commands where this listen runs \\(.+\\); give them --to ${url.replace(/[.?]/g, '\\$&')}$`))]);
    expect((await post(url, event('video.ready', 10))).status).toBe(200);
  });

  it('with a tunnel that cannot open: serves locally, or refuses to start when the tunnel is required', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    const tunnel = { host, subdomain: 'hsw-test', openTimeoutMs: 2_000, probeIntervalMs: 60_000, required: false };
    const url = await start({ tunnel });
    expect(reporter.tunnels[0]?.kind).toMatch(/^(down|unavailable)$/);
    expect((await post(url, event('video.ready', 11))).status).toBe(200);
    await session?.stop();
    await expect(start({ tunnel: { ...tunnel, required: true } })).rejects.toMatchObject({ code: 'HSW_TUNNEL_FAILED', message: expect.stringContaining(`no tunnel could be opened via ${host}`) });
  });
});
