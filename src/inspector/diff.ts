/**
 * Compare two deliveries: the JSON paths where they differ, nothing else. Numbers compare by
 * their text, so `-1.0` against `-1` is a difference (a typed handler sees a float in one and
 * an integer in the other). Pure: the page and tests call it alike.
 */
import { jsonText, parseJson, type JsonNode, type JsonSyntaxError } from './json.js';

export interface DiffEntry {
  /** `video.asset.duration`, `video.asset.errors[0]`, `["odd key"]`; empty for the root. */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  /** Compact JSON of the value on each side (absent for added / removed). */
  before?: string;
  after?: string;
}

export type CompareResult =
  | { kind: 'json'; differences: DiffEntry[] }
  /** One side (or both) is not JSON: only whether the bytes are equal can be said. */
  | { kind: 'text'; equal: boolean; errors: { before: JsonSyntaxError | null; after: JsonSyntaxError | null } };

export function compareBodies(before: string, after: string): CompareResult {
  const a = parseJson(before);
  const b = parseJson(after);
  if (a.ok && b.ok) return { kind: 'json', differences: diffJson(a.value, b.value) };
  return { kind: 'text', equal: before === after, errors: { before: a.ok ? null : a.error, after: b.ok ? null : b.error } };
}

export function diffJson(before: JsonNode, after: JsonNode, path = ''): DiffEntry[] {
  if (before.kind === 'object' && after.kind === 'object') {
    const out: DiffEntry[] = [];
    // With duplicate keys the last one counts, as in JSON.parse and most handlers.
    const left = new Map(before.entries);
    const right = new Map(after.entries);
    for (const [key, value] of left) {
      const child = joinKey(path, key);
      const other = right.get(key);
      if (other === undefined) out.push({ path: child, kind: 'removed', before: jsonText(value) });
      else out.push(...diffJson(value, other, child));
    }
    for (const [key, value] of right) if (!left.has(key)) out.push({ path: joinKey(path, key), kind: 'added', after: jsonText(value) });
    return out;
  }
  if (before.kind === 'array' && after.kind === 'array') {
    const out: DiffEntry[] = [];
    const length = Math.max(before.items.length, after.items.length);
    for (let k = 0; k < length; k++) {
      const child = `${path}[${k}]`;
      const a = before.items[k];
      const b = after.items[k];
      if (a === undefined) out.push({ path: child, kind: 'added', after: jsonText(b as JsonNode) });
      else if (b === undefined) out.push({ path: child, kind: 'removed', before: jsonText(a) });
      else out.push(...diffJson(a, b, child));
    }
    return out;
  }
  const a = jsonText(before);
  const b = jsonText(after);
  return a === b ? [] : [{ path, kind: 'changed', before: a, after: b }];
}

function joinKey(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}
