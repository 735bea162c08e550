/**
 * Where simulated events come from: recorded fixtures (exact bytes and headers), or
 * synthesized ones (one type, or a mix of interleaved video lifecycles).
 */
import { buildEvent, buildFlow } from '../events/builder.js';
import { LIFECYCLE } from '../events/catalog.js';
import { createRandom } from '../events/random.js';
import { passThroughHeaders } from '../delivery/headers.js';
import { loadFixtures } from '../store/read.js';
import type { InvalidFixture } from '../store/types.js';
import { userAgent } from '../version.js';
import type { SimEvent } from './types.js';

export async function eventsFromFixtures(paths: readonly string[]): Promise<{ events: SimEvent[]; invalid: InvalidFixture[] }> {
  const { fixtures, invalid } = await loadFixtures(paths);
  const events = fixtures.map((loaded, index) => ({
    index,
    body: loaded.body,
    headers: passThroughHeaders(loaded.fixture.request.headers),
    type: loaded.event.type,
    videoId: loaded.event.videoId,
    timestamp: loaded.event.timestamp ?? loaded.fixture.recordedAt,
    source: loaded.file,
  }));
  return { events, invalid };
}

/** The lifecycle of one video; every fifth video fails to encode instead of becoming ready. */
const FAILING_LIFECYCLE = ['video.created', 'video.uploaded', 'video.encoding', 'video.failed'];

export function synthesizeEvents(options: { count: number; type?: string; seed: number; now?: Date }): SimEvent[] {
  const random = createRandom(options.seed);
  const now = (options.now ?? new Date()).getTime();
  const headers = { 'content-type': 'application/json', 'user-agent': userAgent() };
  const built: { body: string; type: string; videoId: number; timestamp: string }[] = [];
  if (options.type) {
    for (let i = 0; i < options.count; i++) {
      const event = buildEvent(options.type, { seed: Math.floor(random() * 2 ** 31), now: new Date(now - (options.count - i) * 1_000) });
      built.push({ body: event.body, type: event.type, videoId: event.event.video.id, timestamp: event.event.timestamp });
    }
  } else {
    // Videos start 2 s apart and step 1 s apart, so their lifecycles interleave like real traffic.
    const videos = Math.ceil(options.count / LIFECYCLE.length);
    const start = now - (videos * 2 + LIFECYCLE.length) * 1_000;
    for (let v = 0; v < videos; v++) {
      const flow = buildFlow(v % 5 === 4 ? FAILING_LIFECYCLE : LIFECYCLE, { seed: Math.floor(random() * 2 ** 31), now: new Date(start + v * 2_000), stepMs: 1_000 });
      for (const event of flow) built.push({ body: event.body, type: event.type, videoId: event.event.video.id, timestamp: event.event.timestamp });
    }
    built.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    built.length = Math.min(built.length, options.count);
  }
  return built.map((event, index) => ({ index, body: Buffer.from(event.body, 'utf8'), headers, type: event.type, videoId: event.videoId, timestamp: event.timestamp, source: 'synthetic' }));
}

/** Timestamp order, then, with `reorder`, shuffled within consecutive windows of `window` events. */
export function deliveryOrder(events: readonly SimEvent[], options: { reorder: boolean; window: number; seed: number }): SimEvent[] {
  const ordered = [...events].sort((a, b) => compare(a.timestamp, b.timestamp) || a.index - b.index);
  if (!options.reorder) return ordered;
  const random = createRandom(options.seed ^ 0x5eed);
  for (let start = 0; start < ordered.length; start += options.window) {
    const end = Math.min(start + options.window, ordered.length);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(random() * (i - start + 1));
      [ordered[i], ordered[j]] = [ordered[j] as SimEvent, ordered[i] as SimEvent];
    }
  }
  return ordered;
}

function compare(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
