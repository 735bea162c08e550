/**
 * Synthesized events keep their seed, not their bytes (src/simulate/sources.ts): each body is
 * rebuilt when an attempt needs it. These tests hold the store to what the eager path it
 * replaced kept: the same bytes, columns and delivery order, for the same seed.
 */
import { describe, expect, it } from 'vitest';
import { syntheticHeaders } from '../../src/delivery/request.js';
import { buildEvent, buildFlow } from '../../src/events/builder.js';
import { LIFECYCLE } from '../../src/events/catalog.js';
import { createRandom } from '../../src/events/random.js';
import { EventStore } from '../../src/simulate/event-store.js';
import { synthesizeEvents } from '../../src/simulate/sources.js';

/**
 * The eager path as it was before the store went lazy (git show d9e7210~1:src/simulate/sources.ts):
 * every body built up front and kept, timestamps kept as strings. The oracle for the lazy one.
 */
function eagerEvents(options: { count: number; type?: string; seed: number; now: Date }): EventStore {
  const failing = ['video.created', 'video.uploaded', 'video.encoding', 'video.failed'];
  const random = createRandom(options.seed);
  const now = options.now.getTime();
  const store = new EventStore(syntheticHeaders());
  if (options.type) {
    for (let i = 0; i < options.count; i++) {
      const event = buildEvent(options.type, { seed: Math.floor(random() * 2 ** 31), now: new Date(now - (options.count - i) * 1_000) });
      store.add({ body: event.body, type: event.type, videoId: event.event.video.id, timestamp: event.event.timestamp });
    }
    return store;
  }
  const videos = Math.ceil(options.count / LIFECYCLE.length);
  const start = now - (videos * 2 + LIFECYCLE.length) * 1_000;
  for (let v = 0; v < videos && store.count < options.count; v++) {
    const flow = buildFlow(v % 5 === 4 ? failing : LIFECYCLE, { seed: Math.floor(random() * 2 ** 31), now: new Date(start + v * 2_000), stepMs: 1_000 });
    for (const event of flow) {
      if (store.count >= options.count) break;
      store.add({ body: event.body, type: event.type, videoId: event.event.video.id, timestamp: event.event.timestamp });
    }
  }
  return store;
}

const cases: [string, { count: number; type?: string; seed: number; now: Date }][] = [
  ['one event', { count: 1, seed: 1, now: new Date('2024-10-10T10:10:10.500Z') }],
  // 23 is not a multiple of the lifecycle: the last video's flow is cut short.
  ['interleaved lifecycles, the last one cut short', { count: 23, seed: 7, now: new Date('2024-10-10T10:10:10.500Z') }],
  ['every fifth video failing', { count: 203, seed: 2 ** 31 - 1, now: new Date('2025-01-01T00:00:00.999Z') }],
  ['one type', { count: 57, type: 'video.ready', seed: 42, now: new Date('2024-10-10T10:10:10.000Z') }],
  ['an unknown type', { count: 9, type: 'video.exploded', seed: 3, now: new Date('2024-10-10T10:10:10.000Z') }],
  // Before the epoch: timestamps as numbers are negative there and must still sort like the strings.
  ['one type, before 1970 (what test/helpers/engine.ts builds)', { count: 40, type: 'video.ready', seed: 3, now: new Date(0) }],
  ['lifecycles before 1970', { count: 40, seed: 11, now: new Date(0) }],
];

describe('synthesized events rebuilt from their seed', () => {
  it.each(cases)('%s: the same bytes, columns and order as the eager store', (_name, options) => {
    const lazy = synthesizeEvents(options);
    const eager = eagerEvents(options);
    expect(lazy.count).toBe(options.count);
    expect(lazy.count).toBe(eager.count);
    for (let i = 0; i < eager.count; i++) {
      // Twice: every attempt rebuilds the body, and every rebuild is the same bytes.
      expect(lazy.body(i).toString('utf8')).toBe(eager.body(i).toString('utf8'));
      expect(lazy.body(i).equals(eager.body(i))).toBe(true);
      expect(lazy.type(i)).toBe(eager.type(i));
      expect(lazy.videoId(i)).toBe(eager.videoId(i));
      expect(lazy.headers(i)).toEqual(eager.headers(i));
      expect(lazy.source(i)).toBe(eager.source(i));
    }
    // Numeric timestamp keys sort as the strings did, ties broken by index; with reorder the
    // same windows are shuffled the same way.
    const again = { lazy: synthesizeEvents(options), eager: eagerEvents(options) };
    expect([...lazy.order({ reorder: false, window: 8, seed: options.seed })]).toEqual([...eager.order({ reorder: false, window: 8, seed: options.seed })]);
    expect([...again.lazy.order({ reorder: true, window: 8, seed: options.seed })]).toEqual([...again.eager.order({ reorder: true, window: 8, seed: options.seed })]);
  });

  it('interleaved lifecycles are delivered out of index order (so the order comparison above means something)', () => {
    const order = [...synthesizeEvents({ count: 23, seed: 7, now: new Date('2024-10-10T10:10:10.500Z') }).order({ reorder: false, window: 8, seed: 7 })];
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });
});
