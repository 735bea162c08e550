/**
 * The inspector's Host and Origin rules over plain HTTP against the real server: they must
 * hold on a machine without a browser. Raw requests, so that each header is exactly what a
 * hostile page (DNS rebinding, a cross-site form or fetch) or a bare client would send. The
 * browser tests check the same from a real page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectorServer } from '../../src/inspector/server.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';

let dir: string;
let handler: TestHandler;
let server: InspectorServer;
let id: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-host-origin-'));
  const [file] = await writeFixtures(dir, [{ at: '2026-11-27T10:00:00.000Z', body: event('video.ready', 500), status: 200 }]);
  id = (file as string).split('/').at(-1) as string;
  handler = await new TestHandler().start();
  const to = new URL(handler.url);
  server = new InspectorServer({ port: 0, mode: 'inspect', fixturesDir: dir, replayTo: () => to, replayTargets: [{ route: 'default', to: to.href }] });
  await server.start();
});
afterAll(async () => {
  await server?.stop();
  await handler?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends `head` (request line and headers, no blank line) and `body` exactly as given, and
 * reads the answer until the server closes (`Connection: close`), or only its head when
 * `headOnly` (an event stream stays open).
 */
function raw(head: string, body = '', headOnly = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let text = '';
    const done = (): void => {
      const split = text.indexOf('\r\n\r\n');
      const answerHead = split < 0 ? text : text.slice(0, split);
      const rest = split < 0 ? '' : text.slice(split + 4);
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), head: answerHead, body: /\r\ntransfer-encoding: chunked/i.test(answerHead) ? unchunk(rest) : rest });
      socket.destroy();
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (headOnly && text.includes('\r\n\r\n')) done();
    });
    socket.on('error', reject);
    socket.on('close', done);
    const length = body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : '';
    socket.write(`${head}\r\nConnection: close\r\n${length}\r\n${body}`);
  });
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const line = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, line), 16);
    if (!(size > 0)) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

const own = (): string => `127.0.0.1:${server.port}`;

function replayRequest(headers: Record<string, string | undefined>, version = '1.1'): Promise<RawAnswer> {
  const lines = Object.entries(headers)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}: ${value}`);
  return raw([`POST /api/replay HTTP/${version}`, ...lines].join('\r\n'), JSON.stringify({ id }));
}

/** What the inspector's own page sends; each test changes one thing. */
function pageHeaders(): Record<string, string | undefined> {
  return { Host: own(), Origin: `http://${own()}`, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json', 'X-Hsw-Token': server.token };
}

describe('the inspector answers only to its own names', () => {
  it.each(['/', '/api/info', '/api/stream', '/page.js'])('GET %s under 127.0.0.1 and localhost, and a foreign Host gets 403 and nothing else', async (path) => {
    for (const host of [own(), `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      const ok = await raw(`GET ${path} HTTP/1.1\r\nHost: ${host}`, '', path === '/api/stream');
      expect(ok.status, host).toBe(200);
    }
    for (const host of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `localhost.evil.example:${server.port}`, `[::1]:${server.port}`]) {
      const refused = await raw(`GET ${path} HTTP/1.1\r\nHost: ${host}`);
      expect(refused.status, host).toBe(403);
      expect(refused.body).toBe('forbidden: the inspector answers only to 127.0.0.1 and localhost\n');
    }
  });

  it('a recorded delivery is not readable under a foreign Host (DNS rebinding)', async () => {
    expect((await raw(`GET /api/entries/${id} HTTP/1.1\r\nHost: ${own()}`)).status).toBe(200);
    const refused = await raw(`GET /api/entries/${id} HTTP/1.1\r\nHost: rebind.example:${server.port}`);
    expect(refused.status).toBe(403);
    expect(refused.body).not.toContain('video.ready');
  });

  it('a request without a Host is refused, over HTTP/1.0 and HTTP/1.1', async () => {
    const old = await raw('GET /api/info HTTP/1.0');
    expect(old.status).toBe(403);
    expect(old.body).not.toContain('"mode"');
    // HTTP/1.1 requires Host: Node refuses the request before the inspector sees it.
    expect((await raw('GET /api/info HTTP/1.1')).status).toBe(400);
  });
});

describe('replay is taken only from the inspector’s own page', () => {
  it('the page’s own request replays', async () => {
    const before = handler.received.length;
    const answer = await replayRequest(pageHeaders());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ id, answer: { status: 200 } });
    expect(handler.received.length).toBe(before + 1);
  });

  it.each([
    ['a foreign Host', { Host: `evil.example:1234`, Origin: 'http://evil.example:1234' }, 403, 'forbidden: the inspector answers only to 127.0.0.1 and localhost\n'],
    ['a foreign Host with our Origin', { Host: 'evil.example' }, 403, 'forbidden: the inspector answers only to 127.0.0.1 and localhost\n'],
    ['no Origin', { Origin: undefined }, 403, '{"error":"forbidden: cross-origin request"}'],
    ['a cross-site Origin', { Origin: 'http://evil.example' }, 403, '{"error":"forbidden: cross-origin request"}'],
    ['Origin null (a sandboxed frame or a file)', { Origin: 'null' }, 403, '{"error":"forbidden: cross-origin request"}'],
    ['another loopback port', { Origin: 'http://127.0.0.1:1' }, 403, '{"error":"forbidden: cross-origin request"}'],
    ['another scheme', { Origin: 'https://127.0.0.1' }, 403, '{"error":"forbidden: cross-origin request"}'],
    ['Sec-Fetch-Site cross-site', { 'Sec-Fetch-Site': 'cross-site' }, 403, '{"error":"forbidden: cross-site request"}'],
    ['Sec-Fetch-Site same-site', { 'Sec-Fetch-Site': 'same-site' }, 403, '{"error":"forbidden: cross-site request"}'],
    ['no session token', { 'X-Hsw-Token': undefined }, 403, '{"error":"forbidden: missing or wrong session token"}'],
    ['a form post (text/plain)', { 'Content-Type': 'text/plain' }, 415, '{"error":"send JSON (content-type: application/json)"}'],
  ] as [string, Record<string, string | undefined>, number, string][])('refuses %s, and nothing is sent', async (_name, change, status, body) => {
    const before = handler.received.length;
    const headers = { ...pageHeaders(), ...change };
    const answer = await replayRequest(headers);
    expect(answer.status).toBe(status);
    expect(answer.body).toBe(body);
    expect(handler.received.length).toBe(before);
  });

  it('refuses a replay without a Host (HTTP/1.0), and nothing is sent', async () => {
    const before = handler.received.length;
    const answer = await replayRequest({ ...pageHeaders(), Host: undefined }, '1.0');
    expect(answer.status).toBe(403);
    expect(handler.received.length).toBe(before);
  });
});
