/**
 * HeapStream's retry schedule is not published; we model one (README, simulate): delays before each
 * retry of 1m, 5m, 15m, 30m, 1h, 2h, 4h, 8h, 8h — 10 attempts over about 24 hours.
 * Schedules are written in HeapStream time and compressed to run time by a scale factor.
 */
import { parseDurationText } from '../duration.js';
import { optionError } from '../errors.js';

export const DEFAULT_SCHEDULE_TEXT = '1m,5m,15m,30m,1h,2h,4h,8h,8h';

/** "1m,5m,15m": the delays before each retry, in HeapStream time. */
export function parseSchedule(text: string): number[] {
  const delays = text.split(',').map((part) => parseDurationText(part));
  if (delays.some((delay) => delay === undefined)) {
    throw optionError('schedule', `"${text}" is not a list of durations; e.g. "1m,5m,15m" (units ms, s, m, h, d; a bare number is milliseconds)`);
  }
  return delays as number[];
}

export const DEFAULT_SCHEDULE: readonly number[] = parseSchedule(DEFAULT_SCHEDULE_TEXT);

/** How many times faster than HeapStream the run goes. */
export function timeScale(schedule: readonly number[], options: { timeScale?: number; withinMs?: number }): number {
  if (options.timeScale !== undefined) return options.timeScale;
  const total = schedule.reduce((sum, delay) => sum + delay, 0);
  if (options.withinMs !== undefined && total > 0) return total / Math.max(options.withinMs, 1);
  return 1;
}

/** "1m" for 60000, "1h30m" for 5400000: for people reading a report. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out || '0s';
}
