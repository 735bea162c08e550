/**
 * Where simulated events come from: recorded fixtures (exact bytes and headers), or
 * synthesized ones (one type, or a mix of interleaved video lifecycles).
 */
import { buildEvent, buildFlow } from '../events/builder.js';
import { LIFECYCLE } from '../events/catalog.js';
import { createRandom } from '../events/random.js';
import { passThroughHeaders } from '../delivery/headers.js';
import { syntheticHeaders } from '../delivery/request.js';
import { loadFixtures } from '../store/read.js';
import type { InvalidFixture, LoadedFixture } from '../store/types.js';
import { EventStore } from './event-store.js';

export async function eventsFromFixtures(paths: readonly string[]): Promise<{ store: EventStore; invalid: InvalidFixture[] }> {
  const { fixtures, invalid } = await loadFixtures(paths);
  return { store: storeFixtures(fixtures), invalid };
}

/** Recorded events, sent with the bytes and headers they arrived with. */
export function storeFixtures(fixtures: readonly LoadedFixture[]): EventStore {
  const store = new EventStore({});
  for (const loaded of fixtures) {
    store.add({
      body: loaded.body,
      headers: passThroughHeaders(loaded.fixture.request.headers),
      type: loaded.event.type,
      videoId: loaded.event.videoId,
      timestamp: loaded.event.timestamp ?? loaded.fixture.recordedAt,
      source: loaded.file,
    });
  }
  return store;
}

/** The lifecycle of one video; every fifth video fails to encode instead of becoming ready. */
const FAILING_LIFECYCLE = ['video.created', 'video.uploaded', 'video.encoding', 'video.failed'];

export function synthesizeEvents(options: { count: number; type?: string; seed: number; now?: Date }): EventStore {
  const random = createRandom(options.seed);
  const now = (options.now ?? new Date()).getTime();
  const store = new EventStore(syntheticHeaders());
  if (options.type) {
    for (let i = 0; i < options.count; i++) {
      const event = buildEvent(options.type, { seed: Math.floor(random() * 2 ** 31), now: new Date(now - (options.count - i) * 1_000) });
      store.add({ body: event.body, type: event.type, videoId: event.event.video.id, timestamp: event.event.timestamp });
    }
    return store;
  }
  // Videos start 2 s apart and step 1 s apart, so their lifecycles interleave like real traffic.
  const videos = Math.ceil(options.count / LIFECYCLE.length);
  const start = now - (videos * 2 + LIFECYCLE.length) * 1_000;
  for (let v = 0; v < videos && store.count < options.count; v++) {
    const flow = buildFlow(v % 5 === 4 ? FAILING_LIFECYCLE : LIFECYCLE, { seed: Math.floor(random() * 2 ** 31), now: new Date(start + v * 2_000), stepMs: 1_000 });
    for (const event of flow) {
      if (store.count >= options.count) break;
      store.add({ body: event.body, type: event.type, videoId: event.event.video.id, timestamp: event.event.timestamp });
    }
  }
  return store;
}
