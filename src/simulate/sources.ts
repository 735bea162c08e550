/**
 * Where simulated events come from: recorded fixtures (exact bytes and headers), or
 * synthesized ones (one type, or a mix of interleaved video lifecycles).
 */
import { flowEvent, flowEventKey } from '../events/builder.js';
import { serializeEvent } from '../events/serializer.js';
import type { HeapStreamEvent } from '../events/types.js';
import { LIFECYCLE } from '../events/catalog.js';
import { createRandom } from '../events/random.js';
import { passThroughHeaders } from '../delivery/headers.js';
import { syntheticHeaders } from '../delivery/request.js';
import type { LoadedFixture } from '../store/types.js';
import { EventStore } from './event-store.js';

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
  // What rebuilds each event: its flow's seed and start, its step (one type: a flow of one).
  const seeds = new Float64Array(options.count);
  const starts = new Float64Array(options.count);
  const steps = new Uint8Array(options.count);
  const flows: (readonly string[])[] = [];
  const flowOf = new Uint8Array(options.count);
  const recipe = (i: number): HeapStreamEvent => flowEvent(flows[flowOf[i] as number] as readonly string[], steps[i] as number, { seed: seeds[i] as number, now: new Date(starts[i] as number), stepMs: 1_000 });
  const store = new EventStore(syntheticHeaders(), undefined, (i) => Buffer.from(serializeEvent(recipe(i)), 'utf8'));
  const add = (flow: number, seed: number, start: number, step: number): void => {
    const i = store.count;
    seeds[i] = seed;
    starts[i] = start;
    steps[i] = step;
    flowOf[i] = flow;
    // Order and filters need only the type, video and instant: the body is built when sent.
    const flowTypes = flows[flow] as readonly string[];
    const { videoId, timestampMicros } = flowEventKey(flowTypes, step, { seed, now: new Date(start), stepMs: 1_000 });
    store.addLazy({ type: flowTypes[step] as string, videoId, timestampKey: timestampMicros });
  };
  if (options.type) {
    flows.push([options.type]);
    for (let i = 0; i < options.count; i++) add(0, Math.floor(random() * 2 ** 31), now - (options.count - i) * 1_000, 0);
    return store;
  }
  flows.push(LIFECYCLE, FAILING_LIFECYCLE);
  // Videos start 2 s apart and step 1 s apart, so their lifecycles interleave like real traffic.
  const videos = Math.ceil(options.count / LIFECYCLE.length);
  const start = now - (videos * 2 + LIFECYCLE.length) * 1_000;
  for (let v = 0; v < videos && store.count < options.count; v++) {
    const flow = v % 5 === 4 ? 1 : 0;
    const seed = Math.floor(random() * 2 ** 31);
    const length = (flows[flow] as readonly string[]).length;
    for (let step = 0; step < length && store.count < options.count; step++) add(flow, seed, start + v * 2_000, step);
  }
  return store;
}
