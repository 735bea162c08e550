import { describe, expect, it } from 'vitest';
import { compareBodies } from '../../src/inspector/diff.js';

const event = (status: string, duration = '-1.0'): string =>
  `{"event_type": "video.ready", "timestamp": "2024-10-10T10:10:10.000010+0000", "video": {"asset": {"duration": ${duration}, "errors": []}, "id": 500, "status": "${status}"}}`;

describe('compareBodies', () => {
  it('lists only the paths that differ', () => {
    expect(compareBodies(event('encoding'), event('ready'))).toEqual({ kind: 'json', differences: [{ path: 'video.status', kind: 'changed', before: '"encoding"', after: '"ready"' }] });
  });

  it('finds nothing between the same JSON written differently', () => {
    expect(compareBodies('{"a": 1, "b": [1, 2]}', '{"b":[1,2],"a":1}')).toEqual({ kind: 'json', differences: [] });
  });

  it('tells -1.0 from -1, as a typed handler would', () => {
    expect(compareBodies(event('ready', '-1.0'), event('ready', '-1'))).toEqual({ kind: 'json', differences: [{ path: 'video.asset.duration', kind: 'changed', before: '-1.0', after: '-1' }] });
  });

  it('names added and removed keys and array items', () => {
    const result = compareBodies('{"a": {"x": 1}, "list": [1, 2, 3]}', '{"a": {"y": 2}, "list": [1, 5]}');
    expect(result).toEqual({
      kind: 'json',
      differences: [
        { path: 'a.x', kind: 'removed', before: '1' },
        { path: 'a.y', kind: 'added', after: '2' },
        { path: 'list[1]', kind: 'changed', before: '2', after: '5' },
        { path: 'list[2]', kind: 'removed', before: '3' },
      ],
    });
  });

  it('quotes keys that are not plain names, and reports a type change at its path', () => {
    expect(compareBodies('{"odd key": {"n": "1"}}', '{"odd key": {"n": 1}}')).toEqual({ kind: 'json', differences: [{ path: '["odd key"].n', kind: 'changed', before: '"1"', after: '1' }] });
    expect(compareBodies('[1]', '{"0": 1}')).toEqual({ kind: 'json', differences: [{ path: '', kind: 'changed', before: '[1]', after: '{"0":1}' }] });
  });

  it('falls back to byte equality when a side is not JSON, saying where it breaks', () => {
    const result = compareBodies('{"a": 1', '{"a": 1}');
    expect(result.kind).toBe('text');
    if (result.kind !== 'text') return;
    expect(result.equal).toBe(false);
    expect(result.errors.before).toMatchObject({ line: 1, column: 8, message: 'unexpected end of input' });
    expect(result.errors.after).toBeNull();
  });
});
