/**
 * `listen --ui --no-record`: webhooks kept only in memory are bounded by bytes, not only by
 * count, and the page is told when older ones were dropped.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryList, KEPT_IN_MEMORY_BYTES } from '../../src/inspector/entries.js';
import { InspectorServer } from '../../src/inspector/server.js';
import type { ListenEvent } from '../../src/listen/types.js';
import { makeFixture } from '../../src/store/write.js';
import type { Fixture } from '../../src/store/types.js';

const MB = 1_000_000;

/** An unrecorded webhook of `bytes` body bytes, as listen --no-record publishes it. */
function unrecorded(bytes: number, n: number): [ListenEvent, Fixture] {
  const body = Buffer.from(`{"event_type": "video.ready", "n": ${n}, "pad": "${'x'.repeat(bytes)}"}`);
  const fixture = makeFixture({ recordedAt: new Date(Date.UTC(2026, 10, 27, 10, 0, n)), via: 'local', method: 'POST', path: '/', query: '', headers: { 'content-type': 'application/json' }, body });
  const event: ListenEvent = { receivedAt: fixture.recordedAt, via: 'local', type: 'video.ready', videoId: null, json: true, drift: [], status: 200, handler: null, route: null, fixture: null, duplicate: false, retry: false, filtered: false };
  return [event, fixture];
}

let server: InspectorServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('webhooks kept only in memory', () => {
  it('are bounded at 64 MiB by default: 100 webhooks of 1 MB keep the latest 64 or so, never more bytes', () => {
    const entries = new EntryList();
    for (let n = 0; n < 100; n++) entries.addLive(...unrecorded(MB, n));
    const { dropped, keptBytes, limitBytes } = entries.memory;
    expect(limitBytes).toBe(KEPT_IN_MEMORY_BYTES);
    expect(KEPT_IN_MEMORY_BYTES).toBe(64 * 1024 * 1024);
    expect(keptBytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(dropped).toBeGreaterThanOrEqual(100 - 68);
    expect(dropped).toBeLessThan(100 - 60);
    // The list still shows every one; the dropped are marked.
    expect(entries.list()).toHaveLength(100);
    expect(entries.list().filter((entry) => entry.dropped)).toHaveLength(dropped);
  });

  it('the page hears of drops (info, stream), and opening a dropped one says why (410)', async () => {
    server = new InspectorServer({ port: 0, mode: 'listen', memoryLimits: { bytes: 3 * 1024 * 1024, count: 500 } });
    await server.start();
    const origin = `http://127.0.0.1:${server.port}`;
    const stream = await request(`${origin}/api/stream`);
    let buffered = '';
    const memoryEvent = new Promise<string>((resolve) => {
      stream.body.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const match = /event: memory\ndata: (.*)\n\n/.exec(buffered);
        if (match) resolve(match[1] as string);
      });
    });
    const ids: string[] = [];
    for (let n = 0; n < 10; n++) {
      const [event, fixture] = unrecorded(MB, n);
      server.publish(event, fixture);
      ids.push(`live-${n + 1}`);
    }
    expect(JSON.parse(await memoryEvent)).toMatchObject({ dropped: 1, limitBytes: 3 * 1024 * 1024 });
    stream.body.destroy();

    const info = (await (await request(`${origin}/api/info`)).body.json()) as { memory: { dropped: number; keptBytes: number } };
    expect(info.memory.dropped).toBe(7);
    expect(info.memory.keptBytes).toBeLessThanOrEqual(3 * 1024 * 1024);
    const oldest = await request(`${origin}/api/entries/${ids[0] as string}`);
    expect(oldest.statusCode).toBe(410);
    expect(((await oldest.body.json()) as { error: string }).error).toBe('dropped from memory: without recording (--no-record) the inspector keeps the latest 500 webhooks within 3 MiB');
    const newest = await request(`${origin}/api/entries/${ids[9] as string}`);
    expect(newest.statusCode).toBe(200);
    await newest.body.dump();
  });
});
