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

describe('serializeEvent with float paths', () => {
  /** The plain route: a path string for every value, checked against the set. */
  function reference(value: unknown, path: string, floatPaths: ReadonlySet<string>): string {
    if (value === null) return 'null';
    if (typeof value === 'number') return floatPaths.has(path) ? pythonFloat(value) : Number.isInteger(value) ? String(value) : pythonFloat(value);
    if (typeof value === 'boolean' || typeof value === 'string') return serializeEvent(value);
    if (Array.isArray(value)) return `[${value.map((item) => reference(item, `${path}[]`, floatPaths)).join(', ')}]`;
    const record = value as Record<string, unknown>;
    const parts = Object.keys(record)
      .sort()
      .map((key) => `${serializeEvent(key)}: ${reference(record[key], path ? `${path}.${key}` : key, floatPaths)}`);
    return `{${parts.join(', ')}}`;
  }

  it('forces floats at nested, array and dotted-key paths exactly as the path strings say', () => {
    const floatPaths = new Set(['a.b', 'list[].n', 'deep.x[][]', 'a.b.c']);
    const value = { a: { b: 3, c: 1 }, 'a.b': 4, list: [{ n: 1, m: 2 }, { n: 2 }], deep: { x: [[1, 2], [3]] }, other: 5 };
    expect(serializeEvent(value, { floatPaths })).toBe(
      '{"a": {"b": 3.0, "c": 1}, "a.b": 4.0, "deep": {"x": [[1.0, 2.0], [3.0]]}, "list": [{"m": 2, "n": 1.0}, {"n": 2.0}], "other": 5}',
    );
  });

  it('writes the same bytes as the plain route over 2,000 random values', () => {
    let state = 7;
    const next = (): number => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const keys = ['x', 'a', 'b', 'a.b', 'c[]', 'é', 'B'];
    const build = (depth: number): unknown => {
      const roll = next();
      if (depth > 3 || roll < 0.3) return next() < 0.5 ? Math.floor(next() * 100) : next() < 0.5 ? next() * 10 : 'text';
      if (roll < 0.5) return Array.from({ length: Math.floor(next() * 3) }, () => build(depth + 1));
      return Object.fromEntries(keys.filter(() => next() < 0.5).map((key) => [key, build(depth + 1)]));
    };
    const paths = ['a', 'a.b', 'b[]', 'a.b.x', 'c[][]', 'x.a', 'a[].b', 'é'];
    for (let i = 0; i < 2_000; i++) {
      const floatPaths = new Set(paths.filter(() => next() < 0.4));
      const value = build(0);
      expect(serializeEvent(value, { floatPaths })).toBe(reference(value, '', floatPaths));
    }
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

  it('writes what toISOString writes over 20,000 instants, days repeated and not, extended years, and refuses an invalid date', () => {
    let at = Date.parse('1969-12-31T23:59:55Z');
    const instants = [-8.64e15, 8.64e15, Date.parse('0000-01-01T00:00:00Z'), Date.parse('-000001-12-31T23:59:59.999Z'), 253402300799999, 253402300800000];
    for (let i = 0; i < 20_000; i++) instants.push((at += [0, 1, 999, 1_000, 59_999, 3_600_000, 86_399_999, 86_400_000, 7 * 86_400_000 + 17][i % 9] as number));
    for (const instant of instants) {
      const date = new Date(instant);
      const iso = date.toISOString();
      expect(formatTimestamp(date, 7), iso).toBe(`${iso.slice(0, iso.indexOf('.'))}.000007+0000`);
    }
    expect(() => formatTimestamp(new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe('the serializer fast paths agree with the general ones', () => {
  /** Python's repr by the general route (exponent first), as written before the fast path. */
  function reference(value: number): string {
    if (Object.is(value, -0)) return '-0.0';
    const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
    const exponent = Number(exponentText);
    if (exponent >= -4 && exponent < 16) {
      const fixed = String(value);
      return fixed.includes('.') ? fixed : `${fixed}.0`;
    }
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }

  it('pythonFloat: the same text for edge values and 20,000 random doubles of every magnitude', () => {
    const values = [0, -0, 1e-4, 9.99999e-5, 1e16, 9999999999999998, 1e15, -1, -1.0, 0.1, 123.456, 5e-324, 1.7976931348623157e308];
    let seed = 12345;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) values.push((next() - 0.5) * 10 ** Math.floor(next() * 40 - 20));
    for (const value of values) expect(pythonFloat(value), String(value)).toBe(reference(value));
  });

  it('strings: plain ASCII as it is, everything else escaped as Python would', () => {
    const body = serializeEvent({ a: 'plain text 123', b: 'quote " and \\ backslash', c: 'tab\tnew\nline', d: 'café ☃ 😀', e: '\u007f' });
    expect(body).toBe('{"a": "plain text 123", "b": "quote \\" and \\\\ backslash", "c": "tab\\tnew\\nline", "d": "caf\\u00e9 \\u2603 \\ud83d\\ude00", "e": "\\u007f"}');
  });
});
