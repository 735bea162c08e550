/**
 * Whether the run kept the schedule it emulates. A scheduled attempt (every retry, every
 * duplicate copy) is late by the time from the moment it was due to the moment it was sent,
 * waiting for a free concurrency slot included: a retry that sat 600 ms behind a full
 * `--concurrency` went out hours late in HeapStream time, whatever the timer did. First
 * attempts are left out: every event is due at the start, and the run delivers that backlog
 * as fast as the concurrency allows, as HeapStream would deliver a burst.
 *
 * Lateness matters against the gap it stretches, not against a fixed span: 30 ms is nothing
 * to an 8-hour gap (10 s of a default run) and a distortion of a 1-minute one only when it
 * outgrows what any busy machine adds. So an attempt counts as behind when it is later than
 * both a tenth of the modeled gap before it and the scheduling noise of a loaded machine.
 * Retries that really bunch up (a full concurrency, a compression too fast for the handler)
 * are late by whole gaps, far past both.
 */
import type { EngineResult } from './engine.js';
import { percentiles, type Percentiles } from './percentiles.js';
import { formatDuration } from './schedule.js';
import type { SimulateSettings } from './types.js';
import type { Compression } from './validate.js';
import { OPTION_NAMES, type OptionNames } from './option-table.js';

/** An attempt later than this share of the gap before it distorts the schedule. */
export const LATE_SHARE_OF_GAP = 0.1;
/**
 * Run-time lateness any loaded machine adds, which says nothing about the run: default runs
 * on a 2-core machine with one core kept busy saw timer stalls of up to 150 ms (a garbage
 * collection, a descheduled process) that made every retry due in them that late at once.
 * A longer stall of the run's own event loop, measured during the run, counts as noise too:
 * it delays every timer alike, where retries that bunch up wait for a slot while the loop
 * is free.
 */
export const SCHEDULING_NOISE_MS = 250;

export interface ScheduleKeeping {
  /** The longest the run's event loop was held up, ms (a loaded machine, a garbage collection): lateness that long is noise. */
  loopStallMs: number;
  /** Scheduled attempts made (retries and duplicate copies). */
  scheduledAttempts: number;
  /** Due to sent, run time. */
  latenessMs: Percentiles;
  /** Set when attempts went out later than a tenth of their gap (and the scheduling noise). */
  behind: {
    /** Scheduled attempts that late. */
    attempts: number;
    maxMs: number;
    /** The worst lateness as HeapStream would have lived it. */
    maxHeapStreamMs: number;
    /** The gap (HeapStream time) before the attempt that was late by the largest share of it, and that share. */
    worstGapHeapStreamMs: number;
    worstShareOfGap: number;
  } | null;
}

/** The modeled gap before a scheduled attempt, run time: its retry delay, or a duplicate copy's window. */
function gapBefore(attempt: number, settings: SimulateSettings): number {
  const { schedule, scale } = settings;
  if (attempt > 1) return (schedule[Math.min(attempt - 2, schedule.length - 1)] ?? 0) / scale;
  // A duplicate copy's first attempt: due anywhere in the window after the acknowledgment.
  return settings.duplicateWindowMs / scale;
}

/** `loopStallMs`: the longest the run's event loop was held up (real clock only; 0 on virtual time). */
export function scheduleKeeping(result: EngineResult, settings: SimulateSettings, loopStallMs = 0): ScheduleKeeping {
  const noiseMs = Math.max(SCHEDULING_NOISE_MS, loopStallMs * 1.2);
  const { attempt, copy, delayed } = result.log.columns();
  const samples = new Float64Array(result.log.count);
  let n = 0;
  let late = 0;
  let worstShare = 0;
  let worstGap = 0;
  for (let i = 0; i < result.log.count; i++) {
    const nth = attempt[i] as number;
    if (nth === 1 && (copy[i] as number) === 0) continue;
    const lateness = Math.max(0, delayed[i] as number);
    samples[n++] = lateness;
    const gap = gapBefore(nth, settings);
    if (lateness <= Math.max(LATE_SHARE_OF_GAP * gap, noiseMs)) continue;
    late++;
    const share = gap > 0 ? lateness / gap : Infinity;
    if (share > worstShare) {
      worstShare = share;
      worstGap = gap;
    }
  }
  const latenessMs = percentiles(samples.subarray(0, n));
  const maxMs = latenessMs.max ?? 0;
  return {
    loopStallMs: Math.round(loopStallMs),
    scheduledAttempts: n,
    latenessMs,
    behind:
      late === 0
        ? null
        : { attempts: late, maxMs, maxHeapStreamMs: Math.round(maxMs * settings.scale), worstGapHeapStreamMs: Math.round(worstGap * settings.scale), worstShareOfGap: Number.isFinite(worstShare) ? Math.round(worstShare * 100) / 100 : 0 },
  };
}

/** The warning for a run that fell behind: how far, against which gap, and what to change. */
export function behindScheduleWarning(keeping: ScheduleKeeping, settings: SimulateSettings, context: { compression: Compression; names?: OptionNames | undefined }): string | null {
  const { behind } = keeping;
  if (!behind) return null;
  const names = context.names ?? OPTION_NAMES;
  const slower =
    context.compression.timeScale !== undefined
      ? `a smaller ${names.timeScale} (now ${context.compression.timeScale})`
      : `a longer ${names.within}${context.compression.withinMs !== undefined ? ` (now ${formatDuration(context.compression.withinMs)})` : ''}`;
  const worst = behind.worstShareOfGap > 0 ? `, one ${Math.round(behind.worstShareOfGap * 100)}% of its ${formatDuration(behind.worstGapHeapStreamMs)} gap` : '';
  return (
    `behind schedule: ${behind.attempts} of ${keeping.scheduledAttempts} retries and duplicates went out later than a tenth of the gap before them, ` +
    `up to ${formatDuration(behind.maxHeapStreamMs)} late in HeapStream time (${Math.round(behind.maxMs)} ms of run time${worst}), ` +
    `so the handler did not see the modeled schedule; give more ${names.concurrency} (now ${settings.concurrency}) or ${slower}`
  );
}
