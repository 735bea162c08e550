/**
 * A body is kept byte for byte: a signature over the raw bytes (or a handler that parses
 * them strictly) sees in a replay exactly what arrived. Whitespace at either end, CRLF line
 * ends, a byte-order mark and a final newline are where "tidying" text loses bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenSession } from '../../src/listen/session.js';
import type { ListenEvent, ListenReporter } from '../../src/listen/types.js';
import { replay } from '../../src/replay/replay.js';
import { readFixture } from '../../src/store/read.js';
import { makeFixture, saveFixture } from '../../src/store/write.js';
import { TestHandler } from '../helpers/handler.js';
import { waitUntil } from '../helpers/time.js';

const BODIES: Record<string, string> = {
  'leading and trailing whitespace': ' \t\n {"event_type": "video.ready"} \t ',
  'CRLF line ends': '{\r\n  "event_type": "video.ready",\r\n  "video": {"id": 1}\r\n}\r\n',
  'a byte-order mark': '\uFEFF{"event_type": "video.ready"}',
  'a trailing newline': '{"event_type": "video.ready"}\n',
  'all of them, not JSON': '\uFEFF  line one\r\nline two  \r\n\n',
};
const CASES = Object.entries(BODIES).map(([name, text]) => [name, Buffer.from(text, 'utf8')] as const);

let dir: string;
let handler: TestHandler;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-bytes-'));
  handler = await new TestHandler((received) => ({ status: 200, body: received.body.toString('utf8') })).start();
});
afterEach(async () => {
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('bodies keep every byte', () => {
  it.each(CASES)('a saved fixture with %s reads back and replays the same bytes', async (_name, bytes) => {
    const file = await saveFixture(dir, makeFixture({ via: 'local', method: 'POST', path: '/hook', headers: { 'content-type': 'application/json' }, body: bytes }));
    const loaded = await readFixture(file);
    expect(loaded.body.equals(bytes)).toBe(true);
    const result = await replay({ target: handler.url, fixtures: [file] });
    expect(result.deliveries[0]?.result.ok).toBe(true);
    expect(handler.received[0]?.body.equals(bytes)).toBe(true);
  });

  it.each(CASES)('listen records a webhook with %s, and the handler’s answer, byte for byte', async (_name, bytes) => {
    const events: ListenEvent[] = [];
    let localUrl = '';
    const reporter: ListenReporter = { ready: (info) => (localUrl = info.localUrl), tidied() {}, tunnel() {}, event: (e) => events.push(e), rejected() {}, warn() {} };
    const session = new ListenSession({ port: 0, path: '/hook', maxBodyBytes: 1024, forwardTo: new URL(handler.url), forwardTimeoutMs: 5_000, ack: false, recordDir: dir, shutdownGraceMs: 100, reporter });
    await session.start();
    try {
      const answer = await request(localUrl, { method: 'POST', body: bytes, headers: { 'content-type': 'application/json' } });
      expect(Buffer.from(await answer.body.arrayBuffer()).equals(bytes)).toBe(true);
      const recorded = await waitUntil(() => events[0]?.fixture, 'the fixture to be recorded');
      expect(handler.received[0]?.body.equals(bytes)).toBe(true);
      const loaded = await readFixture(recorded);
      expect(loaded.body.equals(bytes)).toBe(true);
      // The handler's answer (the same bytes echoed) is kept exactly as well.
      expect(loaded.fixture.response?.body).toBe(bytes.toString('utf8'));
    } finally {
      await session.stop();
    }
  });
});
