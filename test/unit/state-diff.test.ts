import { describe, expect, it } from 'vitest';
import { diffStates, normalizeState, parsePathPattern, type StateValue } from '../../src/simulate/effects/state-diff.js';

const diff = (a: StateValue, b: StateValue, rules = {}): string[] => diffStates(normalizeState(a, rules), normalizeState(b, rules)).map((d) => d.text);

describe('state differences, path by path', () => {
  it('names changed values, rows added, keys missing, with numeric keys in brackets', () => {
    expect(diff({ videos: { 500: { status: 'ready' } }, charges: [{ id: 1 }] }, { videos: { 500: { status: 'encoding' } }, charges: [{ id: 1 }, { id: 2 }] })).toEqual([
      'charges: 1 row → 2 rows',
      'videos[500].status: "ready" → "encoding"',
    ]);
    expect(diff({ a: 1 }, { a: 1, b: null })).toEqual(['b: (absent) → null']);
    expect(diff({ 'content-type': 'x' }, {})).toEqual(['["content-type"]: "x" → (absent)']);
    expect(diff([1], { rows: [] })).toEqual(['(state): [1] → {"rows":[]}']);
    expect(diff({ a: { b: 1, c: 2 } }, { a: { c: 2, b: 1 } })).toEqual([]);
  });

  it('ignores volatile paths: a bare key at any depth, wildcards, **', () => {
    const a = { updated_at: 1, rows: [{ id: 'x1', updated_at: 5, n: 1 }], meta: { created_at: 1 } };
    const b = { updated_at: 2, rows: [{ id: 'y7', updated_at: 9, n: 1 }], meta: { created_at: 2 } };
    expect(diff(a, b)).toHaveLength(4);
    expect(diff(a, b, { ignore: ['updated_at', 'rows[*].id', '**.created_at'] })).toEqual([]);
    expect(diff(a, b, { ignore: ['rows[0].id'] })).toEqual(['meta.created_at: 1 → 2', 'rows[0].updated_at: 5 → 9', 'updated_at: 1 → 2']);
    expect(parsePathPattern('a["x.y"][*].b')).toEqual(['a', 'x.y', '*', 'b']);
  });

  it('compares arrays in order unless their path is marked unordered', () => {
    const a = { rows: [{ v: 1 }, { v: 2 }], tags: ['a', 'b'] };
    const b = { rows: [{ v: 2 }, { v: 1 }], tags: ['b', 'a'] };
    expect(diff(a, b)).toEqual([
      'rows: the same 2 rows in another order (compare it unordered if the order does not matter)',
      'tags: the same 2 rows in another order (compare it unordered if the order does not matter)',
    ]);
    expect(diff(a, b, { unordered: ['rows'] })).toEqual(['tags: the same 2 rows in another order (compare it unordered if the order does not matter)']);
    expect(diff({ rows: [{ v: 1 }, { v: 2 }] }, { rows: [{ v: 2 }, { v: 3 }] })).toEqual(['rows[0].v: 1 → 2', 'rows[1].v: 2 → 3']);
    expect(diff({ rows: [{ v: 1 }, { v: 1 }] }, { rows: [{ v: 1 }, { v: 2 }] }, { unordered: ['rows'] })).toEqual(['rows[1].v: 1 → 2']);
  });

  it('shows hostile values printable and cut', () => {
    const [line] = diff({ s: 'ok' }, { s: `\u001b]0;pwned\u0007${'x'.repeat(100)}` });
    expect(line).not.toContain('\u001b');
    expect(line).toContain('\\u001b]0;pwned');
    expect(line?.endsWith('…')).toBe(true);
  });
});
