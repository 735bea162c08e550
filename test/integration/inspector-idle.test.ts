/**
 * The inspector stays open for hours while webhooks trickle in. With every one of its
 * timeouts set short, it sits idle past all of them and still serves the page, keeps its
 * live stream (server-sent events) open and fed, and replays; a request that stalls is cut
 * off by its own deadline, and nothing else is.
 */
import { get, type IncomingMessage } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STREAM_ENTRY, STREAM_SNAPSHOT } from '../../src/inspector/api.js';
import { InspectorServer, type InspectorTimeouts } from '../../src/inspector/server.js';
import type { ListenEvent } from '../../src/listen/types.js';
import { makeFixture } from '../../src/store/write.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';
import { idlePast, waitUntil, within } from '../helpers/time.js';

// Short, yet longer than a loaded machine may stall between a connection and its headers.
const SHORT: InspectorTimeouts = { heartbeatMs: 40, headersMs: 400, requestMs: 600, keepAliveMs: 50, checkIntervalMs: 20, replayKeepAliveMs: 30 };
const LONGEST = Math.max(...Object.values(SHORT));

let dir: string;
let handler: TestHandler;
let server: InspectorServer;
/** The page's own connections: kept alive far longer than the server keeps them. */
let client: Agent;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-inspector-idle-'));
  await writeFixtures(dir, [{ at: '2026-11-27T10:00:00.000Z', body: event('video.ready', 500), status: 200 }]);
  // The handler drops idle connections sooner than the inspector's agent would.
  handler = await new TestHandler(undefined, 20).start();
  const to = new URL(handler.url);
  server = new InspectorServer({ port: 0, mode: 'listen', fixturesDir: dir, replayTo: () => to, replayTargets: [{ route: 'default', to: to.href }], timeouts: SHORT });
  await server.start();
  client = new Agent({ keepAliveTimeout: 60_000 });
});
afterEach(async () => {
  await client.close();
  await server.stop();
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

/** An open event stream: everything it has received so far, and when it closed. */
function openStream(): Promise<{ text: () => string; closed: Promise<void>; response: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = get(`${server.url}api/stream`, { agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const closed = new Promise<void>((done) => response.on('close', () => done()));
      resolve({ text: () => text, closed, response });
    });
    req.on('error', reject);
  });
}

async function getText(path: string): Promise<{ status: number; text: string }> {
  const response = await request(`${server.url}${path.replace(/^\//, '')}`, { dispatcher: client });
  return { status: response.statusCode, text: await response.body.text() };
}

async function replayFirst(): Promise<{ status: number; json: { answer?: { status?: number } } }> {
  const origin = server.url.replace(/\/$/, '');
  const [id] = await listedIds();
  const response = await request(`${origin}/api/replay`, {
    method: 'POST',
    dispatcher: client,
    body: JSON.stringify({ id }),
    headers: { origin, 'content-type': 'application/json', 'x-hsw-token': server.token },
  });
  return { status: response.statusCode, json: (await response.body.json()) as { answer?: { status?: number } } };
}

/** The ids the snapshot of a fresh stream lists. */
async function listedIds(): Promise<string[]> {
  const stream = await openStream();
  try {
    const snapshot = await waitUntil(() => new RegExp(`event: ${STREAM_SNAPSHOT}\\ndata: (.*)\\n\\n`).exec(stream.text())?.[1], 'the snapshot');
    return (JSON.parse(snapshot) as { id: string }[]).map((entry) => entry.id);
  } finally {
    stream.response.destroy();
  }
}

function liveEvent(): { event: ListenEvent; data: ReturnType<typeof makeFixture> } {
  const body = Buffer.from(event('video.deleted', 777));
  const data = makeFixture({ via: 'tunnel', method: 'POST', path: '/hook', headers: { 'content-type': 'application/json' }, body });
  const live: ListenEvent = {
    receivedAt: data.recordedAt,
    via: 'tunnel',
    type: 'video.deleted',
    videoId: 777,
    json: true,
    drift: [],
    status: 200,
    handler: null,
    route: null,
    fixture: null,
    duplicate: false,
    retry: false,
    filtered: false,
  };
  return { event: live, data };
}

describe('the inspector, idle past each of its timeouts', () => {
  it('keeps its stream open and fed, serves the page again and replays', async () => {
    const stream = await openStream();
    const first = await getText('/api/info');
    expect(first.status).toBe(200);
    let streamClosed = false;
    void stream.closed.then(() => (streamClosed = true));

    // Heartbeats are what the stream does while nothing happens: idle until a few came.
    await idlePast(LONGEST, { until: waitUntil(() => (stream.text().match(/: ping\n\n/g) ?? []).length >= 3, 'three heartbeats'), what: 'three heartbeats on the stream' });
    expect(streamClosed).toBe(false);

    // A webhook hours after the page opened still reaches it.
    const { event: live, data } = liveEvent();
    server.publish(live, data);
    await waitUntil(() => new RegExp(`event: ${STREAM_ENTRY}\\ndata: .*"videoId":777`).test(stream.text()), 'the live entry on the stream');

    // The page's kept-alive connection was closed by the server meanwhile; a new request still works.
    expect(await getText('/')).toMatchObject({ status: 200, text: expect.stringContaining('<meta name="hsw-token"') });
    expect((await getText('/api/info')).status).toBe(200);

    // Replay after the connection to the handler went idle and was dropped.
    expect(await replayFirst()).toMatchObject({ status: 200, json: { answer: { status: 200 } } });
    await idlePast(LONGEST);
    expect(await replayFirst()).toMatchObject({ status: 200, json: { answer: { status: 200 } } });
    expect(handler.received).toHaveLength(2);
    expect(streamClosed).toBe(false);
    stream.response.destroy();
  });

  it('cuts off a request whose headers stall, after its deadline, and keeps serving', async () => {
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write(`GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    const idle = await idlePast(SHORT.headersMs, { until: closed, what: 'the stalled request to be cut off' });
    expect(idle).toBeGreaterThanOrEqual(SHORT.headersMs);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect((await within(getText('/api/info'), 'the inspector to answer after the cut-off')).status).toBe(200);
  });
});
