/**
 * Two states of an app compared path by path: `videos[500].status: "ready" → "encoding"`,
 * `charges: 1 row → 2 rows`. Volatile fields (timestamps, generated ids) are ignored by
 * path pattern, and arrays compare in order unless their path is marked unordered (rows
 * whose order the app does not promise).
 */
import { printable } from '../../text/printable.js';

/** A JSON value: what a state read returns. */
export type StateValue = null | boolean | number | string | StateValue[] | { [key: string]: StateValue };

export interface StateDifference {
  /** `videos[500].status`, `charges`, `` (the whole state). */
  path: string;
  /** In the reference state; absent when the path is missing there, or for arrays of different lengths. */
  reference?: StateValue;
  /** In the compared state; absent when the path is missing there. */
  actual?: StateValue;
  /** One line: `videos[500].status: "ready" → "encoding"`. */
  text: string;
}

export interface DiffRules {
  /** Path patterns to leave out: `updated_at` (that key at any depth), `charges[*].id`, `**.created_at`. */
  ignore?: readonly string[];
  /** Path patterns of arrays compared as multisets. */
  unordered?: readonly string[];
}

/** A pattern as segments: `charges[*].id` → ['charges', '*', 'id']; a bare key matches at any depth. */
export function parsePathPattern(pattern: string): string[] {
  const segments: string[] = [];
  const re = /\[("(?:[^"\\]|\\.)*"|[^\]]*)\]|([^.[\]]+)/g;
  for (const match of pattern.matchAll(re)) {
    const bracket = match[1];
    if (bracket !== undefined) segments.push(bracket.startsWith('"') ? (JSON.parse(bracket) as string) : bracket);
    else segments.push(match[2] as string);
  }
  // `updated_at` alone means that key wherever it is: the usual volatile field.
  if (segments.length === 1 && !pattern.includes('[') && segments[0] !== '**') segments.unshift('**');
  return segments;
}

/** Whether `path` (segments) matches `pattern` (segments, `*` one, `**` any number). */
function matches(pattern: readonly string[], path: readonly string[], p = 0, q = 0): boolean {
  if (p === pattern.length) return q === path.length;
  const segment = pattern[p];
  if (segment === '**') {
    for (let skip = q; skip <= path.length; skip++) if (matches(pattern, path, p + 1, skip)) return true;
    return false;
  }
  if (q === path.length) return false;
  return (segment === '*' || segment === path[q]) && matches(pattern, path, p + 1, q + 1);
}

/** A path as people read it: `videos[500].status`, `rows[0]`, `meta["content-type"]`. */
function formatPath(path: readonly string[]): string {
  let out = '';
  for (const segment of path) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  // Keys come from the app, which stores what webhooks carried.
  return printable(out);
}

/** Keys sorted, so that two equal states serialize alike whatever order the app wrote them in. */
export function canonical(value: StateValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`)
    .join(',')}}`;
}

/** The state with ignored paths removed and unordered arrays sorted: what comparisons see. */
export function normalizeState(state: StateValue, rules: DiffRules = {}): StateValue {
  const ignore = (rules.ignore ?? []).map(parsePathPattern);
  const unordered = (rules.unordered ?? []).map(parsePathPattern);
  const walk = (value: StateValue, path: string[]): StateValue => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      const items = value.map((item, i) => walk(item, [...path, String(i)]));
      if (!unordered.some((pattern) => matches(pattern, path))) return items;
      return items.map((item) => [canonical(item), item] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, item]) => item);
    }
    const out: { [key: string]: StateValue } = {};
    for (const key of Object.keys(value)) {
      const child = [...path, key];
      if (ignore.some((pattern) => matches(pattern, child))) continue;
      out[key] = walk(value[key] as StateValue, child);
    }
    return out;
  };
  return walk(state, []);
}

/** Values in a one-line message: JSON, made printable, long ones cut. */
function showValue(value: StateValue | undefined): string {
  if (value === undefined) return '(absent)';
  const text = printable(JSON.stringify(value));
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const rows = (n: number): string => `${n} ${n === 1 ? 'row' : 'rows'}`;

/**
 * The differences between two normalized states, reference first. Arrays of different
 * lengths are one difference (their lengths): element by element they would shift and
 * every later row would differ.
 */
export function diffStates(reference: StateValue, actual: StateValue): StateDifference[] {
  const out: StateDifference[] = [];
  const visit = (a: StateValue | undefined, b: StateValue | undefined, path: string[]): void => {
    if (a === undefined || b === undefined) {
      const where = formatPath(path) || '(state)';
      const difference: StateDifference = { path: formatPath(path), text: `${where}: ${showValue(a)} → ${showValue(b)}` };
      if (a !== undefined) difference.reference = a;
      if (b !== undefined) difference.actual = b;
      out.push(difference);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) {
        // The lengths say it; the rows themselves could be the whole state.
        out.push({ path: formatPath(path), text: `${formatPath(path) || '(state)'}: ${rows(a.length)} → ${rows(b.length)}` });
        return;
      }
      // The same rows in another order: one difference that says so, not one per row.
      const sorted = (rows: StateValue[]): string => rows.map(canonical).sort().join('\n');
      if (a.length > 1 && canonical(a) !== canonical(b) && sorted(a) === sorted(b)) {
        out.push({ path: formatPath(path), text: `${formatPath(path) || '(state)'}: the same ${rows(a.length)} in another order (compare it unordered if the order does not matter)` });
        return;
      }
      a.forEach((item, i) => visit(item, b[i], [...path, String(i)]));
      return;
    }
    const objectA = a !== null && typeof a === 'object' && !Array.isArray(a);
    const objectB = b !== null && typeof b === 'object' && !Array.isArray(b);
    if (objectA && objectB) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of [...keys].sort()) visit(a[key], b[key], [...path, key]);
      return;
    }
    if (canonical(a) !== canonical(b)) out.push({ path: formatPath(path), reference: a, actual: b, text: `${formatPath(path) || '(state)'}: ${showValue(a)} → ${showValue(b)}` });
  };
  visit(reference, actual, []);
  return out;
}
