/**
 * Settings that would make a run meaningless are refused before anything is sent: a run
 * that passes because the scenario never happened is worse than no run. The CLI and the
 * library share these rules; each passes the names its users know the options by.
 */
import { UsageError } from '../errors.js';
import { formatDuration } from './schedule.js';
import type { SimulateSettings } from './types.js';
import { OPTION_NAMES, type OptionNames } from './option-table.js';

/**
 * The shortest span of HeapStream time (a retry delay, the outage, the duplicate window)
 * may last in run time. Node's timers count whole milliseconds: a shorter wait fires at
 * once, so a schedule compressed below this collapses and its retries become back-to-back
 * re-sends (and a shorter outage is over before the first attempt goes out).
 */
export const MIN_RUN_SPAN_MS = 1;

/** How the user set the compression, for messages that say what to give instead. */
export interface Compression {
  withinMs?: number;
  timeScale?: number;
}

/** HeapStream time at which attempt `n` (1-based) is due, for an event first sent at 0. */
export function attemptDueAt(schedule: readonly number[], n: number): number {
  let at = 0;
  for (let retry = 1; retry < n; retry++) at += schedule[Math.min(retry - 1, schedule.length - 1)] ?? 0;
  return at;
}

export interface CheckContext {
  compression: Compression;
  scenario: string | null;
  /** What the options are called where they came from (default: `simulate()`'s). */
  names?: OptionNames | undefined;
  /**
   * The run is on virtual time (VirtualClock): its timers jump to the due time instead of
   * waiting, so no compression collapses a span and MIN_RUN_SPAN_MS does not apply.
   */
  virtualTime?: boolean;
}

/** Throws a UsageError (code HSW_BAD_OPTIONS) naming the first setting that makes the run meaningless, and the fix. */
export function checkSettings(settings: SimulateSettings, context: CheckContext): void {
  const names = context.names ?? OPTION_NAMES;
  const fail = (message: string): never => {
    throw new UsageError(message, 'HSW_BAD_OPTIONS');
  };
  const { scenario } = context;

  if (settings.timeoutMs < 1) fail(`${names.timeout} ${settings.timeoutMs} ms fails every attempt before it is sent; HeapStream's timeout is 5 s (${names.timeout} 5s)`);
  if (settings.duplicateRate > 0 && settings.duplicates > 0) {
    fail(`${names.duplicateRate} ${settings.duplicateRate} and ${names.duplicates} ${settings.duplicates} both set how many duplicates are sent; give one`);
  }
  if (settings.answerLoss >= 1) fail(`${names.answerLoss} ${settings.answerLoss} loses every answer, so no event can ever be delivered; give less than 1 (scenario flaky uses 0.3)`);
  if (settings.networkLatencyMs > 0 && settings.networkLatencyMs >= settings.timeoutMs) {
    fail(`${names.networkLatency} ${formatDuration(settings.networkLatencyMs)} can use up the whole ${names.timeout} ${formatDuration(settings.timeoutMs)}, leaving the handler no time; give less than the timeout`);
  }
  if (settings.maxLatencyMs !== undefined) {
    if (settings.maxLatencyMs < 1) fail(`${names.maxLatency} ${settings.maxLatencyMs} ms calls every accepted attempt too slow; give at least 1 ms`);
    if (settings.maxLatencyMs >= settings.timeoutMs) {
      fail(`${names.maxLatency} ${formatDuration(settings.maxLatencyMs)} can never fail an event: an attempt that slow has already timed out (${names.timeout} ${formatDuration(settings.timeoutMs)}); give less than the timeout`);
    }
  }

  // A scenario whose defining setting was turned off would pass without happening.
  if (scenario === 'outage' && settings.outageMs === 0) fail(`scenario outage with ${names.outage} 0 has no outage; give a positive ${names.outage} or another scenario`);
  if (scenario === 'flaky' && settings.answerLoss === 0) fail(`scenario flaky with ${names.answerLoss} 0 loses no answers; give a positive ${names.answerLoss} or another scenario`);
  if (scenario === 'slow' && settings.networkLatencyMs === 0) fail(`scenario slow with ${names.networkLatency} 0 adds no latency; give a positive ${names.networkLatency} or another scenario`);
  if (scenario === 'duplicates' && settings.duplicateRate === 0 && settings.duplicates === 0) {
    fail(`scenario duplicates with ${names.duplicateRate} 0 sends no duplicates; give a positive ${names.duplicateRate} or ${names.duplicates}, or another scenario`);
  }

  if (scenario === 'concurrent-duplicates' && !settings.concurrentDuplicates) fail(`scenario concurrent-duplicates with ${names.concurrentDuplicates} 0 sends no copies; give a positive ${names.concurrentDuplicates} or another scenario`);

  if (settings.outageMs > 0) {
    const last = attemptDueAt(settings.schedule, settings.maxAttempts);
    if (settings.outageMs > last) {
      fail(
        `${names.outage} ${formatDuration(settings.outageMs)} outlasts every attempt (the last, attempt ${settings.maxAttempts}, is due at ${formatDuration(last)}), so no event could be delivered whatever the handler does; give a shorter ${names.outage} or more ${names.maxAttempts}`,
      );
    }
  }
  if (!context.virtualTime) checkCompression(settings, context.compression, names);
}

/**
 * The spans of HeapStream time the run depends on: the shortest retry delay the attempts
 * use, the outage, the duplicate window when duplicates are sent. The shortest of them is
 * the finest step the run can show.
 */
export function timedSpans(settings: SimulateSettings): { what: string; ms: number }[] {
  const spans: { what: string; ms: number }[] = [];
  const retries = settings.schedule.slice(0, Math.max(0, settings.maxAttempts - 1)).filter((delay) => delay > 0);
  if (retries.length > 0) spans.push({ what: "the retry schedule's shortest delay", ms: Math.min(...retries) });
  if (settings.outageMs > 0) spans.push({ what: 'the outage', ms: settings.outageMs });
  if ((settings.duplicateRate > 0 || settings.duplicates > 0) && settings.duplicateWindowMs > 0) spans.push({ what: 'the duplicate window', ms: settings.duplicateWindowMs });
  return spans;
}

/** Every span of HeapStream time the run depends on must last at least MIN_RUN_SPAN_MS once compressed. */
function checkCompression(settings: SimulateSettings, compression: Compression, names: OptionNames): void {
  const spans = timedSpans(settings);
  const lost = spans.filter((span) => span.ms / settings.scale < MIN_RUN_SPAN_MS);
  if (lost.length === 0) return;
  const shortest = Math.min(...spans.map((span) => span.ms));
  const maxScale = shortest / MIN_RUN_SPAN_MS;
  const what = lost.map((span) => `${span.what} (${formatDuration(span.ms)} would last ${runTime(span.ms / settings.scale)})`).join(' and ');
  const why = `timers cannot wait less than ${MIN_RUN_SPAN_MS} ms, so it would never happen as modeled`;
  if (compression.timeScale !== undefined) {
    throw new UsageError(`${names.timeScale} ${compression.timeScale} is too fast to carry ${what}: ${why}; give ${names.timeScale} ${Math.floor(maxScale)} or less`, 'HSW_BAD_OPTIONS');
  }
  // --within compresses the whole schedule: scale = total / within.
  const total = settings.schedule.reduce((sum, delay) => sum + delay, 0);
  const given = compression.withinMs !== undefined ? `${names.within} ${formatDuration(compression.withinMs)}` : 'this compression';
  throw new UsageError(`${given} is too short to carry ${what}: ${why}; give ${names.within} ${ceilDuration(total / maxScale)} or more`, 'HSW_BAD_OPTIONS');
}

/** "0.0007 ms", "0.42 ms", "12 ms": run-time spans, which can be far under a millisecond. */
function runTime(ms: number): string {
  return `${Number(ms.toPrecision(2))} ms`;
}

/** A duration at least `ms`, written the way --within takes it: 800ms, 1.5s, 2.5m, 1.2h. */
export function ceilDuration(ms: number): string {
  if (ms < 1_000) return `${Math.ceil(ms)}ms`;
  if (ms < 60_000) return `${Math.ceil(ms / 100) / 10}s`;
  if (ms < 3_600_000) return `${Math.ceil(ms / 6_000) / 10}m`;
  return `${Math.ceil(ms / 360_000) / 10}h`;
}
