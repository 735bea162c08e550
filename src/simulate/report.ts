/**
 * The simulate report: totals, latency percentiles, scheduler punctuality, the verdict, the
 * worst events, and (written to the file, streamed one event per line) every attempt of
 * every event. A run stopped early (a signal, the app under test exiting) is reported too,
 * with what ran so far.
 */
import { AttemptLog } from './attempt-log.js';
import type { EngineResult } from './engine.js';
import { writeEventFile, type EventFileFormat } from './event-file.js';
import { behindScheduleWarning, scheduleKeeping, type ScheduleKeeping } from './lateness.js';
import { percentiles, type Percentiles } from './percentiles.js';
import { formatDuration } from './schedule.js';
import type { EffectsReport } from './effects/types.js';
import type { EventOutcome, SimulateSettings } from './types.js';
import { attemptDueAt, type Compression } from './validate.js';
import { OPTION_NAMES, type OptionNames } from './option-table.js';
import { round } from '../round.js';

/** How many events the report names as the worst (GitHub shows at most 10 annotations). */
export const WORST_EVENTS = 10;

/** The signals that stop a run and still get its report written. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/** The report without its events: what the CLI prints from, and the file's head. */
export interface ReportSummary {
  tool: string;
  target: string;
  scenario: string | null;
  /** The command line that repeats this run (seed included), when it came from the CLI. */
  command: string | null;
  startedAt: string;
  durationMs: number;
  settings: {
    schedule: string[];
    /** `virtual`: HeapStream time jumped ahead between deliveries (in-process targets). */
    clock: 'virtual' | 'real';
    timeScale: number;
    maxAttempts: number;
    /** HeapStream time from an event's first attempt to its last (attempt maxAttempts), as modeled. */
    lastAttemptDueMs: number;
    timeoutMs: number;
    concurrency: number;
    duplicateRate: number;
    duplicates: number;
    /** Set when copies were sent at the same moment as the original. */
    concurrentDuplicates?: number;
    reorder: boolean;
    outage: string | null;
    answerLoss: number;
    networkLatencyMs: number;
    maxLatencyMs: number | null;
    seed: number;
  };
  totals: {
    events: number;
    delivered: number;
    exhausted: number;
    /** Of the exhausted: the original got a 2xx, a duplicate copy never did. */
    duplicatesRefused: number;
    tooSlow: number;
    attempts: number;
    retries: number;
    timeouts: number;
    unreachable: number;
    /** The handler was reached and answered with something that is not HTTP. */
    badAnswers: number;
    errors: number;
    outageFailures: number;
    answersLost: number;
    non2xx: Record<string, number>;
    duplicatesSent: number;
    /** Neither delivered nor exhausted: the run stopped before they finished. */
    unfinished: number;
  };
  latencyMs: Percentiles;
  maxInFlight: number;
  /** Whether retries and duplicates went out when they were due (see lateness.ts). */
  scheduler: { maxPending: number } & ScheduleKeeping;
  /** Set when an outage was simulated: what landed once it was over. */
  recovery: { at: number; firstAttemptAt: number | null; attemptsWithinBurst: number; burstWindowMs: number } | null;
  check: { command: string; exitCode: number | null } | null;
  /** With a state oracle: the scenario run's final state against the reference run's, and the shrunk reproduction. */
  effects?: EffectsReport;
  verdict: { ok: boolean; reasons: string[] };
  /** What a reader should know that does not fail the verdict (the run fell behind schedule). */
  warnings: string[];
  /** Set when the run stopped before every event finished. */
  interrupted: { signal: StopSignal | null; reason: string; finishedEvents: number } | null;
  /** Failed events first, then those with the most failed attempts; at most WORST_EVENTS, none that never failed. */
  worstEvents: EventOutcome[];
}

export interface ReportInput {
  result: EngineResult;
  settings: SimulateSettings;
  target: string;
  scenario: string | null;
  tool: string;
  startedAt: Date;
  /** `virtual`: HeapStream time jumped ahead between deliveries. */
  clock: 'virtual' | 'real';
  /** How the compression was given, and the option names, for the warnings' advice. */
  compression: Compression;
  names?: OptionNames | undefined;
  command?: string | null;
  /** The longest the event loop was held up during a real-clock run, ms (see lateness.ts). */
  loopStallMs?: number;
  /** The run stopped early: by this signal (null: by something else), for this reason. */
  stopped?: { signal: StopSignal | null; reason: string } | undefined;
}

/** What `--report` writes and `simulate()` resolves to: the summary and every event. */
export type SimulateReport = ReportSummary & { events: EventOutcome[] };

export function buildReport(input: ReportInput): ReportSummary {
  const { result, settings } = input;
  const totals: ReportSummary['totals'] = {
    events: result.events,
    delivered: 0,
    exhausted: 0,
    duplicatesRefused: 0,
    tooSlow: 0,
    attempts: result.log.count,
    retries: 0,
    timeouts: 0,
    unreachable: 0,
    badAnswers: 0,
    errors: 0,
    outageFailures: 0,
    answersLost: 0,
    non2xx: {},
    duplicatesSent: 0,
    unfinished: 0,
  };
  for (const index of result.order) {
    const outcome = result.outcomeFlags(index);
    if (outcome.delivered) totals.delivered++;
    if (outcome.exhausted) totals.exhausted++;
    if (outcome.duplicateRefused) totals.duplicatesRefused++;
    if (!outcome.delivered && !outcome.exhausted) totals.unfinished++;
    if (outcome.tooSlow) totals.tooSlow++;
    totals.duplicatesSent += outcome.duplicatesSent;
  }
  const columns = result.log.columns();
  const latencies = new Float64Array(columns.latency.length);
  let sent = 0;
  /** How the attempts of duplicate copies were refused: "409" → count. */
  const copiesRefusedWith = new Map<string, number>();
  for (let i = 0; i < result.log.count; i++) {
    const error = AttemptLog.errorName(columns.error[i] as number);
    const status = columns.status[i] as number;
    if ((columns.attempt[i] as number) > 1) totals.retries++;
    if (error === 'timeout') totals.timeouts++;
    else if (error === 'unreachable') totals.unreachable++;
    else if (error === 'bad-answer') totals.badAnswers++;
    else if (error === 'error' || error === 'cut-off') totals.errors++;
    else if (error === 'outage') totals.outageFailures++;
    else if (error === 'answer-lost') totals.answersLost++;
    if (error !== 'outage') latencies[sent++] = columns.latency[i] as number;
    if (status !== -1 && (status < 200 || status >= 300) && error !== 'outage') totals.non2xx[status] = (totals.non2xx[status] ?? 0) + 1;
    if ((columns.copy[i] as number) > 0 && (error !== null || status < 200 || status >= 300)) {
      const how = status !== -1 ? String(status) : error === 'bad-answer' ? 'bad answer' : (error ?? 'failed');
      copiesRefusedWith.set(how, (copiesRefusedWith.get(how) ?? 0) + 1);
    }
  }
  const names = input.names ?? OPTION_NAMES;
  const finishedEvents = totals.events - totals.unfinished;
  const reasons: string[] = [];
  if (input.stopped) reasons.push(`${input.stopped.reason} after ${finishedEvents} of ${totals.events} events finished`);
  const neverAccepted = totals.exhausted - totals.duplicatesRefused;
  if (neverAccepted > 0) reasons.push(`${neverAccepted} of ${totals.events} events never got a 2xx within ${settings.maxAttempts} attempts`);
  if (totals.duplicatesRefused > 0) {
    const how = [...copiesRefusedWith].map(([what, n]) => `${what}×${n}`).join(', ');
    reasons.push(
      `${totals.duplicatesRefused} of ${totals.events} events got a 2xx on their first delivery, but a duplicate copy was refused (${how}), ` +
        `and HeapStream would retry such a copy for ${formatDuration(attemptDueAt(settings.schedule, settings.maxAttempts))}: a handler must answer 2xx to a copy of an event it has already processed`,
    );
  }
  if (totals.tooSlow > 0) reasons.push(`${totals.tooSlow} events were accepted slower than ${names.maxLatency} ${settings.maxLatencyMs} ms`);
  const keeping = scheduleKeeping(result, settings, input.loopStallMs ?? 0);
  const behind = behindScheduleWarning(keeping, settings, { compression: input.compression, names });

  return {
    tool: input.tool,
    target: input.target,
    scenario: input.scenario,
    command: input.command ?? null,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(result.durationMs),
    settings: {
      schedule: settings.schedule.map(formatDuration),
      clock: input.clock,
      timeScale: round(settings.scale, 3),
      maxAttempts: settings.maxAttempts,
      lastAttemptDueMs: attemptDueAt(settings.schedule, settings.maxAttempts),
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      duplicateRate: settings.duplicateRate,
      duplicates: settings.duplicates,
      ...(settings.concurrentDuplicates ? { concurrentDuplicates: settings.concurrentDuplicates } : {}),
      reorder: settings.reorder,
      outage: settings.outageMs > 0 ? formatDuration(settings.outageMs) : null,
      answerLoss: settings.answerLoss,
      networkLatencyMs: settings.networkLatencyMs,
      maxLatencyMs: settings.maxLatencyMs ?? null,
      seed: settings.seed,
    },
    totals,
    latencyMs: percentiles(latencies.subarray(0, sent)),
    maxInFlight: result.maxInFlight,
    scheduler: { maxPending: result.maxPending, ...keeping },
    recovery: result.outageEndsAt === null ? null : recovery(result, result.outageEndsAt),
    check: null,
    verdict: { ok: reasons.length === 0, reasons },
    warnings: behind ? [behind] : [],
    interrupted: input.stopped ? { ...input.stopped, finishedEvents } : null,
    worstEvents: worstEvents(result),
  };
}

/** Failed events (exhausted, too slow) first, then by failed attempts; events that never failed are not worst. */
function worstEvents(result: EngineResult): EventOutcome[] {
  const { event, status, error } = result.log.columns();
  const failedAttempts = new Uint32Array(result.events);
  for (let i = 0; i < result.log.count; i++) {
    const s = status[i] as number;
    const e = event[i] as number;
    if ((error[i] as number) !== 0 || s < 200 || s >= 300) failedAttempts[e] = (failedAttempts[e] as number) + 1;
  }
  const candidates: { index: number; failed: boolean; failures: number }[] = [];
  for (const index of result.order) {
    const flags = result.outcomeFlags(index);
    const failed = flags.exhausted || flags.tooSlow;
    const failures = failedAttempts[index] as number;
    if (failed || failures > 0) candidates.push({ index, failed, failures });
  }
  candidates.sort((a, b) => Number(b.failed) - Number(a.failed) || b.failures - a.failures || a.index - b.index);
  return candidates.slice(0, WORST_EVENTS).map((candidate) => result.outcome(candidate.index));
}

/** The burst after an outage: attempts that reached the handler within a short window of the first one. */
function recovery(result: EngineResult, at: number): NonNullable<ReportSummary['recovery']> {
  const columns = result.log.columns();
  const after: number[] = [];
  for (let i = 0; i < result.log.count; i++) {
    if (AttemptLog.errorName(columns.error[i] as number) !== 'outage' && (columns.at[i] as number) >= at) after.push(columns.at[i] as number);
  }
  after.sort((a, b) => a - b);
  const first = after[0] ?? null;
  const burstWindowMs = 1_000;
  return {
    at: round(at, 2),
    firstAttemptAt: first === null ? null : round(first, 2),
    attemptsWithinBurst: first === null ? 0 : after.filter((t) => t - first <= burstWindowMs).length,
    burstWindowMs,
  };
}

/** Every event's outcome, by index: the report's `events`, built one at a time. */
export function* reportEvents(result: EngineResult): Generator<EventOutcome> {
  const indexes = [...result.order].sort((a, b) => a - b);
  for (const index of indexes) yield result.outcome(index);
}

/** The report in memory, as `simulate()` returns it: equal to what `writeReport` writes. */
export function fullReport(report: ReportSummary, result: EngineResult): SimulateReport {
  return { ...report, events: [...reportEvents(result)] };
}

/** The report file up to its first event: the summary pretty-printed, `events` opened. */
export function reportHead(report: ReportSummary): string {
  const head = JSON.stringify(report, null, 2);
  return `${head.slice(0, -2)},\n  "events": [`;
}

/** One event of the report file's `events`, one per line; `first` has no leading comma. */
export function reportEventLine(outcome: EventOutcome, first: boolean): string {
  return `${first ? '' : ','}\n    ${JSON.stringify(outcome)}`;
}

export const REPORT_TAIL = '\n  ]\n}\n';

/** The report file: the summary pretty-printed, then `events`, one event per line (diff-friendly). */
export const REPORT_FORMAT: EventFileFormat<ReportSummary> = {
  head: reportHead,
  during: () => (outcome, position) => reportEventLine(outcome, position === 0),
  after: () => (outcome, position) => reportEventLine(outcome, position === 0),
  tail: () => REPORT_TAIL,
};

/** Writes the report file of a finished run. */
export function writeReport(write: (chunk: string) => Promise<void>, report: ReportSummary, result: EngineResult): Promise<void> {
  return writeEventFile(write, REPORT_FORMAT, report, result);
}
