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
  return write(value, '', floatPaths, prefixesOf(floatPaths));
}

/**
 * Every string prefix of every float path. A value whose path is not among them has no float
 * path at or below it, so its subtree is written without building path strings (`write`
 * with no path): the same bytes, and most of an event's fields skip the path work.
 */
const prefixCache = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();

function prefixesOf(floatPaths: ReadonlySet<string>): ReadonlySet<string> {
  let prefixes = prefixCache.get(floatPaths);
  if (!prefixes) {
    const all = new Set<string>();
    for (const path of floatPaths) for (let end = 0; end <= path.length; end++) all.add(path.slice(0, end));
    prefixes = all;
    prefixCache.set(floatPaths, prefixes);
  }
  return prefixes;
}

/** `path` is undefined below the float paths' prefixes: no number there is forced to a float. */
function write(value: unknown, path: string | undefined, floatPaths: ReadonlySet<string>, prefixes: ReadonlySet<string>): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return path !== undefined && floatPaths.has(path) ? pythonFloat(value) : pythonNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return pythonString(value);
  if (Array.isArray(value)) {
    const itemPath = path !== undefined && prefixes.has(`${path}[]`) ? `${path}[]` : undefined;
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ', ') + write(value[i], itemPath, floatPaths, prefixes);
    return `${out}]`;
  }
  if (typeof value === 'object') {
    const keys = sortedKeys(value);
    let out = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      let childPath: string | undefined;
      if (path !== undefined) {
        childPath = path ? `${path}.${key}` : key;
        if (!prefixes.has(childPath)) childPath = undefined;
      }
      out += `${i === 0 ? '' : ', '}${pythonString(key)}: ${write((value as Record<string, unknown>)[key], childPath, floatPaths, prefixes)}`;
    }
    return `${out}}`;
  }
  throw new TypeError(`cannot serialize a ${typeof value}`);
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

/** `2024-10-10T10:10:10.000010+0000`: UTC, microseconds, offset without a colon. */
export function formatTimestamp(date: Date, microseconds = date.getUTCMilliseconds() * 1000): string {
  const iso = date.toISOString(); // 2024-10-10T10:10:10.123Z
  const micros = String(Math.max(0, Math.min(999_999, Math.trunc(microseconds)))).padStart(6, '0');
  return `${iso.slice(0, 19)}.${micros}+0000`;
}
