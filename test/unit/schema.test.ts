import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/builder.js';
import { SchemaCollector } from '../../src/events/schema.js';

describe('SchemaCollector over mixed recordings', () => {
  it('gives per type every path, the types seen and how often, next to the model', () => {
    const collector = new SchemaCollector();
    const ready = buildEvent('video.ready', { seed: 1 }).body;
    collector.add(ready);
    collector.add(Buffer.from(ready.replace(/"duration": [\d.]+/, '"duration": 12')));
    collector.add(ready.replace('"status": "ready"', '"status": "ready", "title": "Launch"'));
    collector.add(buildEvent('video.failed', { seed: 2 }).body);
    collector.add('{"event_type": "live_stream.started", "stream": {"id": 7, "tags": ["a", "b"]}}');
    collector.add('{"no_type": true}');
    collector.add('not json');

    const { types, unparseable } = collector.result();
    expect(unparseable).toBe(1);
    expect(types.map((t) => [t.type, t.events, t.known])).toEqual([
      ['live_stream.started', 1, false],
      ['video.failed', 1, true],
      ['video.ready', 3, true],
      [null, 1, false],
    ]);

    const readyFields = types.find((t) => t.type === 'video.ready')?.fields ?? [];
    const field = (path: string): unknown => readyFields.find((f) => f.path === path);
    expect(readyFields.map((f) => f.path)).toEqual([
      'event_type',
      'project_id',
      'timestamp',
      'video',
      'video.asset',
      'video.asset.duration',
      'video.asset.encoding_tier',
      'video.asset.errors',
      'video.asset.id',
      'video.asset.normalize_audio',
      'video.id',
      'video.status',
      'video.title',
      // In the model, never seen: errors stay empty until a video fails.
      'video.asset.errors[]',
    ]);
    expect(field('video.asset.duration')).toEqual({ path: 'video.asset.duration', types: { float: 2, integer: 1 }, events: 3, model: 'float' });
    expect(field('video.title')).toEqual({ path: 'video.title', types: { string: 1 }, events: 1, model: null });
    expect(field('video.asset.errors[]')).toEqual({ path: 'video.asset.errors[]', types: {}, events: 0, model: 'string' });
    expect(types.find((t) => t.type === 'video.failed')?.fields.find((f) => f.path === 'video.asset.errors[]')).toEqual({ path: 'video.asset.errors[]', types: { string: 1 }, events: 1, model: 'string' });
    expect(types.find((t) => t.type === 'live_stream.started')?.fields).toEqual([
      { path: 'event_type', types: { string: 1 }, events: 1, model: null },
      { path: 'stream', types: { object: 1 }, events: 1, model: null },
      { path: 'stream.id', types: { integer: 1 }, events: 1, model: null },
      { path: 'stream.tags', types: { array: 1 }, events: 1, model: null },
      // Two items in one event count once.
      { path: 'stream.tags[]', types: { string: 1 }, events: 1, model: null },
    ]);
  });
});
