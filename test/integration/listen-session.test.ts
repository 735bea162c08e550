/**
 * The listen session in-process, against real loopback handlers: what the sender is
 * answered, what is recorded, and what subscribers hear.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenSession } from '../../src/listen/session.js';
import type { ListenEvent, ListenOptions, ListenReady, ListenReporter, ListenSessionEvent, ListenTidied } from '../../src/listen/types.js';
import { readFixture } from '../../src/store/read.js';
import { fixtureHead, makeFixture, serializeFixture } from '../../src/store/write.js';
import { TestHandler } from '../helpers/handler.js';
import { makeReadOnly } from '../helpers/read-only.js';

class CapturingReporter implements ListenReporter {
  readonly events: ListenEvent[] = [];
  readonly warnings: string[] = [];
  readonly tidiedCalls: ListenTidied[] = [];
  localUrl = '';
  ready(info: ListenReady): void {
    this.localUrl = info.localUrl;
  }
  tunnel(): void {}
  rejected(): void {}
  tidied(tidied: ListenTidied): void {
    this.tidiedCalls.push(tidied);
  }
  event(event: ListenEvent): void {
    this.events.push(event);
  }
  warn(text: string): void {
    this.warnings.push(text);
  }
}

let dir: string;
let handler: TestHandler;
let session: ListenSession | undefined;
let reporter: CapturingReporter;
const servers: Server[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-session-'));
  handler = await new TestHandler().start();
  reporter = new CapturingReporter();
});
afterEach(async () => {
  await session?.stop();
  session = undefined;
  await handler.stop();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await rm(dir, { recursive: true, force: true });
});

async function startSession(options: Partial<ListenOptions> = {}): Promise<string> {
  session = new ListenSession({
    port: 0,
    path: '/hook',
    maxBodyBytes: 1024 * 1024,
    forwardTo: new URL(handler.url),
    forwardTimeoutMs: 5_000,
    ack: false,
    recordDir: join(dir, 'fixtures'),
    shutdownGraceMs: 1_000,
    reporter,
    ...options,
  });
  await session.start();
  return reporter.localUrl;
}

async function post(url: string, body: string): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

/** A handler written with node:http directly, for answers TestHandler cannot give. */
async function rawHandler(onRequest: Parameters<typeof createServer>[1]): Promise<URL> {
  const server = createServer(onRequest);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`);
}

describe('listen session: the answer to the sender', () => {
  it('passes back the handler’s Location and Retry-After', async () => {
    const to = await rawHandler((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'retry-after': '120', location: 'https://example.test/status/1', 'x-internal': 'not passed' });
        res.end('busy');
      });
    });
    const url = await startSession({ forwardTo: to });
    const answer = await post(url, '{"event_type": "video.ready"}');
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBe('120');
    expect(answer.headers['location']).toBe('https://example.test/status/1');
    expect(answer.headers['x-internal']).toBeUndefined();
    expect(answer.text).toBe('busy');
  });

  it('calls an answer cut off mid-body "cut-off", not unreachable, and answers 502', async () => {
    const to = await rawHandler((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('only part of it');
        setTimeout(() => res.destroy(), 20);
      });
    });
    const url = await startSession({ forwardTo: to });
    const answer = await post(url, '{"event_type": "video.ready"}');
    expect(answer.status).toBe(502);
    expect(answer.text).toMatch(/cut off/);
    const [event] = reporter.events;
    expect(event?.handler?.error?.kind).toBe('cut-off');
    const fixture = await readFixture(String(event?.fixture));
    expect(fixture.fixture.response?.error?.kind).toBe('cut-off');
  });

  it('does not answer 2xx when the event could not be recorded', async () => {
    const url = await startSession();
    await rm(join(dir, 'fixtures'), { recursive: true });
    const answer = await post(url, '{"event_type": "video.ready"}');
    expect(handler.received).toHaveLength(1);
    expect(answer.status).toBe(500);
    expect(answer.text).toMatch(/handler answered 200, but the event could not be recorded/);
    expect(session?.summary.recordErrors).toBe(1);
  });
});

describe('listen session: retries and duplicates', () => {
  it('calls a copy after a failure a retry, and a copy after a 2xx a duplicate', async () => {
    handler.setBehaviour((_request, index) => (index === 0 ? { status: 500 } : { status: 200 }));
    const url = await startSession();
    const body = '{"event_type": "video.ready", "video": {"id": 3}}';
    expect((await post(url, body)).status).toBe(500);
    expect((await post(url, body)).status).toBe(200);
    expect((await post(url, body)).status).toBe(200);
    expect(reporter.events.map((e) => [e.retry, e.duplicate])).toEqual([
      [false, false],
      [true, false],
      [false, true],
    ]);
    expect(session?.summary).toMatchObject({ retries: 1, duplicates: 1 });
  });
});

describe('listen session: the fixture keeps the handler’s answer', () => {
  it('records status, duration, headers and body, and tells subscribers', async () => {
    handler.setBehaviour(() => ({ status: 202, body: '{"queued": true}' }));
    const url = await startSession();
    const heard: ListenSessionEvent[] = [];
    const unsubscribe = session?.onEvent((event) => heard.push(event));
    await post(url, '{"event_type": "video.created", "video": {"id": 5}}');
    unsubscribe?.();
    await post(url, '{"event_type": "video.created", "video": {"id": 6}}');

    const events = heard.filter((e): e is Extract<ListenSessionEvent, { kind: 'event' }> => e.kind === 'event');
    expect(events).toHaveLength(1);
    const [heardEvent] = events;
    expect(heardEvent?.event).toMatchObject({ type: 'video.created', videoId: 5, status: 202 });
    expect(heardEvent?.data.response).toMatchObject({ status: 202, body: '{"queued": true}', bodyEncoding: 'utf8' });
    const onDisk = await readFixture(String(heardEvent?.event.fixture));
    expect(onDisk.fixture).toEqual(heardEvent?.data);
    expect(onDisk.fixture.response).toMatchObject({ ok: true, status: 202, target: handler.url, body: '{"queued": true}', bodyEncoding: 'utf8' });
    expect(onDisk.fixture.response?.headers?.['content-length']).toBe('16');
    expect(onDisk.fixture.response?.durationMs).toBeGreaterThan(0);
    expect(onDisk.fixture.response?.truncated).toBeUndefined();
  });

  it('keeps 64 KiB of a longer answer, flagged truncated, and a binary one as base64', async () => {
    const big = 'y'.repeat(70 * 1024);
    const to = await rawHandler((req, res) => {
      req.resume();
      req.on('end', () => res.end(req.url?.includes('binary') ? Buffer.from([0xff, 0xfe, 0x00, 0x01]) : big));
    });
    const url = await startSession({ forwardTo: to });
    await post(url, '{"event_type": "video.ready", "video": {"id": 1}}');
    await post(`${url}?binary=1`, '{"event_type": "video.ready", "video": {"id": 2}}');
    const [long, binary] = await Promise.all(reporter.events.map((e) => readFixture(String(e.fixture))));
    expect(long?.fixture.response).toMatchObject({ bodyEncoding: 'utf8', truncated: true });
    expect(long?.fixture.response?.body).toHaveLength(64 * 1024);
    expect(binary?.fixture.response).toMatchObject({ body: '//4AAQ==', bodyEncoding: 'base64' });
  });
});

describe('listen session: routes and extra headers', () => {
  it('sends each event type to its route, the rest to the default, and says which route took it', async () => {
    const other = await new TestHandler().start();
    try {
      const url = await startSession({ routes: [{ pattern: 'video.ready,video.failed', to: new URL(other.url) }] });
      for (const type of ['video.created', 'video.ready', 'video.failed', 'video.deleted']) await post(url, `{"event_type": "${type}", "video": {"id": 1}}`);
      const typesAt = (h: TestHandler): string[] => h.received.map((r) => (JSON.parse(r.body.toString()) as { event_type: string }).event_type);
      expect(typesAt(other)).toEqual(['video.ready', 'video.failed']);
      expect(typesAt(handler)).toEqual(['video.created', 'video.deleted']);
      expect(reporter.events.map((e) => e.route)).toEqual(['default', 'video.ready,video.failed', 'video.ready,video.failed', 'default']);
      const fixtures = await Promise.all(reporter.events.map((e) => readFixture(String(e.fixture))));
      expect(fixtures.map((f) => [f.fixture.route, f.fixture.response?.target])).toEqual([
        ['default', handler.url],
        ['video.ready,video.failed', other.url],
        ['video.ready,video.failed', other.url],
        ['default', handler.url],
      ]);
    } finally {
      await other.stop();
    }
  });

  it('records and answers 200 what matches no route when there is no default', async () => {
    const url = await startSession({ forwardTo: undefined, routes: [{ pattern: 'video.ready', to: new URL(handler.url) }] });
    const answer = await post(url, '{"event_type": "video.created"}');
    expect(answer.status).toBe(200);
    expect(handler.received).toHaveLength(0);
    expect(reporter.events[0]).toMatchObject({ route: 'none', handler: null, status: 200 });
    expect((await readFixture(String(reporter.events[0]?.fixture))).fixture.route).toBe('none');
  });

  it('adds its extra headers to every forwarded request, over the received ones', async () => {
    const url = await startSession({ extraHeaders: { authorization: 'Bearer dev', 'x-source': 'listen' } });
    const response = await request(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-source': 'heapstream', 'x-kept': 'yes' } });
    await response.body.dump();
    const [received] = handler.received;
    expect(received?.headers).toMatchObject({ authorization: 'Bearer dev', 'x-source': 'listen', 'x-kept': 'yes' });
    // The fixture keeps the request as it arrived.
    expect((await readFixture(String(reporter.events[0]?.fixture))).fixture.request.headers['x-source']).toBe('heapstream');
  });
});

describe('listen session: the record directory', () => {
  it('refuses to start on a path under a file, before serving anything', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const port = await freePort();
    const attempt = startSession({ recordDir: join(dir, 'file', 'fixtures'), port });
    await expect(attempt).rejects.toMatchObject({ code: 'HSW_RECORD_DIR', exitCode: 2, message: expect.stringContaining(join(dir, 'file', 'fixtures')) });
    session = undefined;
    expect(await accepts(port)).toBe(false);
  });

  it('refuses to start on a directory it cannot write into', async () => {
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly);
    const release = await makeReadOnly(readOnly);
    try {
      await expect(startSession({ recordDir: readOnly })).rejects.toMatchObject({ code: 'HSW_RECORD_DIR', message: expect.stringMatching(/^the directory ".*read-only" cannot be used: no permission to write in .*; choose another one to record fixtures in, or turn recording off$/) });
      session = undefined;
    } finally {
      await release();
    }
  });

  it('recovers complete fixtures a crash left as temp files and removes partial ones, saying so once', async () => {
    const fixtures = join(dir, 'fixtures');
    await mkdir(fixtures);
    const fixture = makeFixture({ via: 'tunnel', method: 'POST', path: '/hook', headers: {}, body: Buffer.from('{"event_type": "video.ready"}') });
    await writeFile(join(fixtures, '.x_video.ready_aaaaaa.json.999999999.00000001.tmp'), serializeFixture(fixture));
    await writeFile(join(fixtures, '.x_video.ready_bbbbbb.json.999999999.00000002.tmp'), fixtureHead(fixture));
    await startSession();
    expect(reporter.tidiedCalls).toEqual([{ dir: fixtures, recovered: 1, removed: 1 }]);
    expect(session?.summary.recovered).toBe(1);
    expect(await readdir(fixtures)).toEqual(['x_video.ready_aaaaaa.json']);
    expect(JSON.parse(await readFile(join(fixtures, 'x_video.ready_aaaaaa.json'), 'utf8'))).toEqual(fixture);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
