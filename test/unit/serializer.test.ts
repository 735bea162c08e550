import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTimestamp, pythonFloat, serializeEvent } from '../../src/events/serializer.js';

const documentedText = readFileSync(new URL('../data/documented-example.json', import.meta.url), 'utf8');

describe('serializeEvent', () => {
  it('writes the documented example in its documented key order, keeping -1.0', () => {
    const body = serializeEvent(JSON.parse(documentedText));
    expect(body).toBe(
      '{"event_type": "video.created", "project_id": 20, "timestamp": "2024-10-10T10:10:10.000010+0000", "video": {"asset": {"duration": -1.0, "encoding_tier": "full", "errors": [], "id": 22, "normalize_audio": false}, "id": 500, "status": "waiting_for_upload"}}',
    );
  });

  it('sorts keys the way HeapStream does, including keys added by hand', () => {
    expect(serializeEvent({ b: 1, a: { d: true, c: null } })).toBe('{"a": {"c": null, "d": true}, "b": 1}');
  });

  it('escapes non-ASCII like Python json.dumps', () => {
    expect(serializeEvent({ title: 'café ✓' })).toBe('{"title": "caf\\u00e9 \\u2713"}');
  });
});

describe('pythonFloat', () => {
  it.each([
    [-1, '-1.0'],
    [12, '12.0'],
    [12.5, '12.5'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.000015, '1.5e-05'],
    [1e16, '1e+16'],
    [123456789.25, '123456789.25'],
    [-0, '-0.0'],
  ])('%d → %s', (value, text) => {
    expect(pythonFloat(value)).toBe(text);
  });
});

describe('formatTimestamp', () => {
  it('writes UTC with microseconds and +0000', () => {
    expect(formatTimestamp(new Date('2024-10-10T10:10:10.000Z'), 10)).toBe('2024-10-10T10:10:10.000010+0000');
    expect(formatTimestamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678000+0000');
  });
});
