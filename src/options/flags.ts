/**
 * Parsers for flag values. Each names the flag, the bad value and the fix, and throws a
 * UsageError (exit 2). Used by commands; core code takes already-typed options.
 */
import { parseDurationText } from '../duration.js';
import { UsageError } from '../errors.js';

export function parseInteger(flag: string, value: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
    throw new UsageError(`${flag} "${value}" is not ${range}`, 'HSW_BAD_VALUE');
  }
  return n;
}

export function parseRatio(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`${flag} "${value}" is not a number from 0 to 1; e.g. ${flag} 0.1`, 'HSW_BAD_VALUE');
  }
  return n;
}

export function parsePositiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} "${value}" is not a positive number`, 'HSW_BAD_VALUE');
  }
  return n;
}

/**
 * A duration: `250ms`, `5s`, `1.5m`, `8h`, `1d`; a bare number is milliseconds.
 */
export function parseDuration(flag: string, value: string): number {
  const ms = parseDurationText(value);
  if (ms === undefined) {
    throw new UsageError(`${flag} "${value}" is not a duration; use a number with ms, s, m, h or d, e.g. ${flag} 30s`, 'HSW_BAD_VALUE');
  }
  return ms;
}

/** A point in time: ISO 8601, or a duration before now (`2h` = two hours ago). */
export function parseTime(flag: string, value: string, now = new Date()): Date {
  if (/^\s*\d+(?:\.\d+)?\s*(ms|s|m|h|d)\s*$/.test(value)) return new Date(now.getTime() - parseDuration(flag, value));
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new UsageError(`${flag} "${value}" is not a time; use ISO 8601 (2026-11-27T10:00:00Z) or an age like 2h`, 'HSW_BAD_VALUE');
  }
  return new Date(parsed);
}

/** Commander collector for repeatable flags. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** A size in bytes: `1048576`, `512kb`, `1mb` (binary units). */
export function parseSize(flag: string, value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb?|mb?|gb?)?\s*$/i.exec(value);
  const bytes = match ? Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? 'b').toLowerCase()] ?? 1)) : NaN;
  if (!match || bytes < 1) throw new UsageError(`${flag} "${value}" is not a size; use bytes or kb/mb, e.g. ${flag} 1mb`, 'HSW_BAD_VALUE');
  return bytes;
}
