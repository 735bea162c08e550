/**
 * Checks for library option values (`simulate()`, `replay()`): JavaScript callers can pass
 * anything. Errors name the option, the value and what would do (optionError), and the CLI
 * words them as flags. Flag strings are parsed in flags.ts before they get here.
 */
import { parseDurationText } from '../duration.js';
import { optionError } from '../errors.js';

/** Milliseconds, or a string such as `"30s"`, `"1.5m"`, `"8h"`. */
export type Duration = number | string;

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function wholeNumber(option: string, value: unknown, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
    throw optionError(option, `${show(value)} is not ${range}`);
  }
  return value;
}

export function ratio(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw optionError(option, `${show(value)} is not a number from 0 to 1; e.g. 0.1`);
  }
  return value;
}

export function positiveNumber(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw optionError(option, `${show(value)} is not a positive number`);
  return value;
}

export function duration(option: string, value: unknown): number {
  const ms = typeof value === 'number' ? (Number.isFinite(value) && value >= 0 ? value : undefined) : typeof value === 'string' ? parseDurationText(value) : undefined;
  if (ms === undefined) throw optionError(option, `${show(value)} is not a duration; give milliseconds or a string such as "30s" (units ms, s, m, h, d)`);
  return ms;
}

export function flag(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw optionError(option, `${show(value)} is not true or false`);
  return value;
}
