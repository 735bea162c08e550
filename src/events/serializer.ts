/**
 * Serializes events the way HeapStream does. Everything about its wire format points to
 * Python's `json.dumps(..., sort_keys=True)`: the documented keys are in sorted order,
 * floats keep their decimal point (`-1.0`), timestamps end in `+0000`. So we write
 * `", "` / `": "` separators, sorted keys, ASCII-only strings and Python float reprs.
 * A handler that parses `-1.0` as an integer must fail here as it would in production.
 */
import { FLOAT_PATHS } from './catalog.js';

export interface SerializeOptions {
  /** Dotted paths written as floats even when the value is integral. */
  floatPaths?: ReadonlySet<string>;
}

export function serializeEvent(value: unknown, options: SerializeOptions = {}): string {
  const floatPaths = options.floatPaths ?? FLOAT_PATHS;
  let index = indexes.get(floatPaths);
  if (!index) {
    index = new FloatPathIndex(floatPaths);
    indexes.set(floatPaths, index);
  }
  return write(value, '', index);
}

/** How many remembered names per path (and quoted keys) at most: hostile input cannot grow them without bound. */
const REMEMBERED = 256;

/**
 * Which paths can hold a float, answered without building path strings on every event.
 * A value whose path is no string prefix of a float path has none at or below it, so its
 * subtree is written with no path at all. A path's children are remembered by key, so the
 * same event shape costs map lookups instead of string concatenation and hashing.
 */
class FloatPathIndex {
  private readonly prefixes = new Set<string>();
  private readonly children = new Map<string, Map<string, string | null>>();
  private readonly itemPaths = new Map<string, string | null>();

  constructor(readonly floatPaths: ReadonlySet<string>) {
    for (const path of floatPaths) for (let end = 0; end <= path.length; end++) this.prefixes.add(path.slice(0, end));
  }

  /** `path.key` (or `key` at the top), if a float path can lie at or below it. */
  child(path: string, key: string): string | undefined {
    let byKey = this.children.get(path);
    if (byKey === undefined) {
      byKey = new Map();
      this.children.set(path, byKey);
    }
    let child = byKey.get(key);
    if (child === undefined) {
      const full = path ? `${path}.${key}` : key;
      child = this.prefixes.has(full) ? full : null;
      if (byKey.size < REMEMBERED) byKey.set(key, child);
    }
    return child ?? undefined;
  }

  /** `path[]`, if a float path can lie at or below an item of the array at `path`. */
  items(path: string): string | undefined {
    let items = this.itemPaths.get(path);
    if (items === undefined) {
      items = this.prefixes.has(`${path}[]`) ? `${path}[]` : null;
      if (this.itemPaths.size < REMEMBERED) this.itemPaths.set(path, items);
    }
    return items ?? undefined;
  }
}

const indexes = new WeakMap<ReadonlySet<string>, FloatPathIndex>();

/** `path` is undefined below the float paths' prefixes: no number there is forced to a float. */
function write(value: unknown, path: string | undefined, index: FloatPathIndex): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return path !== undefined && index.floatPaths.has(path) ? pythonFloat(value) : pythonNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) {
    const itemPath = path === undefined ? undefined : index.items(path);
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ', ') + write(value[i], itemPath, index);
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const keys = sortedKeys(value);
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      out += `${i === 0 ? '' : ', '}${quotedKey(key)}: ${write((value as Record<string, unknown>)[key], path === undefined ? undefined : index.child(path, key), index)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`cannot serialize a ${typeof value}`);
}

/** Keys repeat from event to event: each is quoted once. */
const quotedKeys = new Map<string, string>();

function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = pythonString(key);
    if (quotedKeys.size < REMEMBERED) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** The keys in code-unit order; events are built in that order already, so mostly no sort. */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  }
  return keys;
}

function pythonNumber(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? String(value) : pythonFloat(value);
}

/** Python's float repr: shortest round-trip digits, `.0` on integral values, `e-05` exponents. */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  // Python writes fixed notation for exponents -4 to 15, as JS does, with the same shortest
  // digits; this is every value an event carries, so it is checked first (a hot path).
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) {
    const fixed = String(value);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

// Printable ASCII without `"` and `\`: JSON and Python write such a string as it is.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** JSON string with Python's ensure_ascii: everything outside ASCII as \uXXXX. */
function pythonString(value: string): string {
  if (PLAIN.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const DAY_MS = 86_400_000;
/** The last day written (`2024-10-10T`): a run's events fall on the same day again and again. */
let lastDay = Number.NaN;
let lastDayText = '';

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `2024-10-10T10:10:10.000010+0000`: UTC, microseconds, offset without a colon. */
export function formatTimestamp(date: Date, microseconds = date.getUTCMilliseconds() * 1000): string {
  const ms = date.getTime();
  const day = Math.floor(ms / DAY_MS);
  // The date part as toISOString() writes it (extended years too); an invalid date is NaN
  // here, never equal, and toISOString() throws for it as before.
  if (day !== lastDay) {
    const iso = new Date(day * DAY_MS).toISOString();
    lastDayText = iso.slice(0, iso.indexOf('T') + 1);
    lastDay = day;
  }
  const second = Math.floor((ms - day * DAY_MS) / 1000);
  const micros = String(Math.max(0, Math.min(999_999, Math.trunc(microseconds)))).padStart(6, '0');
  return `${lastDayText}${twoDigits(Math.floor(second / 3600))}:${twoDigits(Math.floor(second / 60) % 60)}:${twoDigits(second % 60)}.${micros}+0000`;
}
