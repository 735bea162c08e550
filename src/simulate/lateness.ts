/**
 * Whether the run kept the schedule it emulates. A scheduled attempt (every retry, every
 * duplicate copy) is late by the time from the moment it was due to the moment it was sent,
 * waiting for a free concurrency slot included: a retry that sat 600 ms behind a full
 * `--concurrency` went out hours late in HeapStream time, whatever the timer did. First
 * attempts are left out: every event is due at the start, and the run delivers that backlog
 * as fast as the concurrency allows, as HeapStream would deliver a burst.
 */
import type { EngineResult } from './engine.js';
import { percentiles, type Percentiles } from './percentiles.js';
import { formatDuration } from './schedule.js';
import type { SimulateSettings } from './types.js';
import { MIN_RUN_SPAN_MS, OPTION_NAMES, timedSpans, type Compression, type OptionNames } from './validate.js';

export interface ScheduleKeeping {
  /** Scheduled attempts made (retries and duplicate copies). */
  scheduledAttempts: number;
  /** Due to sent, run time. */
  latenessMs: Percentiles;
  /** Set when attempts went out later than the schedule's finest step. */
  behind: {
    /** Scheduled attempts later than the tolerance. */
    attempts: number;
    maxMs: number;
    /** The worst lateness as HeapStream would have lived it. */
    maxHeapStreamMs: number;
    /** The finest step of the schedule (its shortest delay, outage or duplicate window), HeapStream time. */
    toleranceHeapStreamMs: number;
  } | null;
}

export function scheduleKeeping(result: EngineResult, settings: SimulateSettings): ScheduleKeeping {
  const { attempt, copy, delayed } = result.log.columns();
  const samples = new Float64Array(result.log.count);
  let n = 0;
  for (let i = 0; i < result.log.count; i++) if ((attempt[i] as number) > 1 || (copy[i] as number) > 0) samples[n++] = Math.max(0, delayed[i] as number);
  const scheduled = samples.subarray(0, n);
  // Lateness under one step of the schedule leaves its order intact; more, and a retry can
  // land where the schedule's next one belongs.
  const spans = timedSpans(settings).map((span) => span.ms);
  const toleranceMs = Math.max(MIN_RUN_SPAN_MS, spans.length > 0 ? Math.min(...spans) / settings.scale : 0);
  let late = 0;
  for (const value of scheduled) if (value > toleranceMs) late++;
  const latenessMs = percentiles(scheduled);
  const maxMs = latenessMs.max ?? 0;
  return {
    scheduledAttempts: n,
    latenessMs,
    behind: late === 0 ? null : { attempts: late, maxMs, maxHeapStreamMs: Math.round(maxMs * settings.scale), toleranceHeapStreamMs: Math.round(toleranceMs * settings.scale) },
  };
}

/** The warning for a run that fell behind: how far, and what to change. */
export function behindScheduleWarning(keeping: ScheduleKeeping, settings: SimulateSettings, context: { compression: Compression; names?: OptionNames | undefined }): string | null {
  const { behind } = keeping;
  if (!behind) return null;
  const names = context.names ?? OPTION_NAMES;
  const slower =
    context.compression.timeScale !== undefined
      ? `a smaller ${names.timeScale} (now ${context.compression.timeScale})`
      : `a longer ${names.within}${context.compression.withinMs !== undefined ? ` (now ${formatDuration(context.compression.withinMs)})` : ''}`;
  return (
    `behind schedule: retries and duplicates went out up to ${formatDuration(behind.maxHeapStreamMs)} late in HeapStream time ` +
    `(${Math.round(behind.maxMs)} ms of run time; ${behind.attempts} of ${keeping.scheduledAttempts} more than ${formatDuration(behind.toleranceHeapStreamMs)} late), ` +
    `so the handler did not see the modeled schedule; give more ${names.concurrency} (now ${settings.concurrency}) or ${slower}`
  );
}
