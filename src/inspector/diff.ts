/**
 * Compare two deliveries: the JSON paths where they differ, nothing else. Numbers compare by
 * their text, so `-1.0` against `-1` is a difference (a typed handler sees a float in one and
 * an integer in the other). Pure: the page and tests call it alike.
 */
import { jsonText, parseJson, type JsonError, type JsonNode, type ParsedJson } from './json.js';

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
  | { kind: 'text'; equal: boolean; errors: { before: JsonError | null; after: JsonError | null } };

export function compareBodies(before: string, after: string): CompareResult {
  const a = parseJson(before);
  const b = parseJson(after);
  if (a.ok && b.ok) return { kind: 'json', differences: diffJson(a.value, b.value) };
  return { kind: 'text', equal: before === after, errors: { before: a.ok ? null : a.error, after: b.ok ? null : b.error } };
}

export function diffJson(before: ParsedJson, after: ParsedJson): DiffEntry[] {
  const out: DiffEntry[] = [];
  const textA = (node: JsonNode): string => jsonText(node, before.text);
  const textB = (node: JsonNode): string => jsonText(node, after.text);
  const walk = (a: JsonNode, b: JsonNode, path: string): void => {
    if (a.kind === 'object' && b.kind === 'object') {
      // With duplicate keys the last one counts, as in JSON.parse and most handlers.
      const left = new Map(a.members.map((m) => [m.key, m.value]));
      const right = new Map(b.members.map((m) => [m.key, m.value]));
      for (const [key, value] of left) {
        const other = right.get(key);
        if (other === undefined) out.push({ path: joinKey(path, key), kind: 'removed', before: textA(value) });
        else walk(value, other, joinKey(path, key));
      }
      for (const [key, value] of right) if (!left.has(key)) out.push({ path: joinKey(path, key), kind: 'added', after: textB(value) });
      return;
    }
    if (a.kind === 'array' && b.kind === 'array') {
      for (let k = 0; k < Math.max(a.items.length, b.items.length); k++) {
        const x = a.items[k];
        const y = b.items[k];
        if (x === undefined) out.push({ path: `${path}[${k}]`, kind: 'added', after: textB(y as JsonNode) });
        else if (y === undefined) out.push({ path: `${path}[${k}]`, kind: 'removed', before: textA(x) });
        else walk(x, y, `${path}[${k}]`);
      }
      return;
    }
    const x = textA(a);
    const y = textB(b);
    if (x !== y) out.push({ path, kind: 'changed', before: x, after: y });
  };
  walk(before.root, after.root, '');
  return out;
}

function joinKey(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}
