/**
 * The simulate report: totals, latency percentiles, scheduler punctuality, the verdict,
 * and (written to the file, streamed one event per line) every attempt of every event.
 */
import { AttemptLog } from './attempt-log.js';
import type { EngineResult } from './engine.js';
import { formatDuration } from './schedule.js';
import type { EventOutcome, SimulateSettings } from './types.js';
import { round } from '../round.js';

export interface SimulateReport {
  tool: string;
  target: string;
  scenario: string | null;
  startedAt: string;
  durationMs: number;
  settings: {
    schedule: string[];
    /** `virtual`: HeapStream time jumped ahead between deliveries (in-process targets). */
    clock: 'virtual' | 'real';
    timeScale: number;
    maxAttempts: number;
    timeoutMs: number;
    concurrency: number;
    duplicateRate: number;
    duplicates: number;
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
    tooSlow: number;
    attempts: number;
    retries: number;
    timeouts: number;
    unreachable: number;
    errors: number;
    outageFailures: number;
    answersLost: number;
    non2xx: Record<string, number>;
    duplicatesSent: number;
  };
  latencyMs: Percentiles;
  maxInFlight: number;
  /** How punctual the retry scheduler was: hand-over time minus due time. */
  scheduler: { maxPending: number; latenessMs: Percentiles };
  /** Set when an outage was simulated: what landed once it was over. */
  recovery: { at: number; firstAttemptAt: number | null; attemptsWithinBurst: number; burstWindowMs: number } | null;
  check: { command: string; exitCode: number | null } | null;
  verdict: { ok: boolean; reasons: string[] };
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function percentiles(values: Float64Array): Percentiles {
  values.sort();
  const round2 = (v: number | null): number | null => (v === null ? null : round(v, 2));
  return { p50: round2(percentile(values, 50)), p95: round2(percentile(values, 95)), p99: round2(percentile(values, 99)), max: round2(percentile(values, 100)) };
}

/** What `--report` writes and `simulate()` resolves to: the summary and every event. */
export type FullReport = SimulateReport & { events: EventOutcome[] };

export function buildReport(input: { result: EngineResult; settings: SimulateSettings; target: string; scenario: string | null; tool: string; startedAt: Date; clock: 'virtual' | 'real' }): SimulateReport {
  const { result, settings } = input;
  const totals: SimulateReport['totals'] = {
    events: result.events,
    delivered: 0,
    exhausted: 0,
    tooSlow: 0,
    attempts: result.log.count,
    retries: 0,
    timeouts: 0,
    unreachable: 0,
    errors: 0,
    outageFailures: 0,
    answersLost: 0,
    non2xx: {},
    duplicatesSent: 0,
  };
  for (const index of result.order) {
    const outcome = result.outcomeFlags(index);
    if (outcome.delivered) totals.delivered++;
    if (outcome.exhausted) totals.exhausted++;
    if (outcome.tooSlow) totals.tooSlow++;
    totals.duplicatesSent += outcome.duplicatesSent;
  }
  const columns = result.log.columns();
  const latencies = new Float64Array(columns.latency.length);
  let sent = 0;
  for (let i = 0; i < result.log.count; i++) {
    const error = AttemptLog.errorName(columns.error[i] as number);
    const status = columns.status[i] as number;
    if ((columns.attempt[i] as number) > 1) totals.retries++;
    if (error === 'timeout') totals.timeouts++;
    else if (error === 'unreachable') totals.unreachable++;
    else if (error === 'error') totals.errors++;
    else if (error === 'outage') totals.outageFailures++;
    else if (error === 'answer-lost') totals.answersLost++;
    if (error !== 'outage') latencies[sent++] = columns.latency[i] as number;
    if (status !== -1 && (status < 200 || status >= 300) && error !== 'outage') totals.non2xx[status] = (totals.non2xx[status] ?? 0) + 1;
  }
  const reasons: string[] = [];
  if (totals.exhausted > 0) reasons.push(`${totals.exhausted} of ${totals.events} events never got a 2xx within ${settings.maxAttempts} attempts`);
  if (totals.tooSlow > 0) reasons.push(`${totals.tooSlow} events were accepted slower than the maximum latency of ${settings.maxLatencyMs} ms`);

  return {
    tool: input.tool,
    target: input.target,
    scenario: input.scenario,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(result.durationMs),
    settings: {
      schedule: settings.schedule.map(formatDuration),
      clock: input.clock,
      timeScale: round(settings.scale, 3),
      maxAttempts: settings.maxAttempts,
      timeoutMs: settings.timeoutMs,
      concurrency: settings.concurrency,
      duplicateRate: settings.duplicateRate,
      duplicates: settings.duplicates,
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
    scheduler: { maxPending: result.maxPending, latenessMs: percentiles(Float64Array.from(result.lateness)) },
    recovery: result.outageEndsAt === null ? null : recovery(result, result.outageEndsAt),
    check: null,
    verdict: { ok: reasons.length === 0, reasons },
  };
}

/** The burst after an outage: attempts that reached the handler within a short window of the first one. */
function recovery(result: EngineResult, at: number): NonNullable<SimulateReport['recovery']> {
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
export function fullReport(report: SimulateReport, result: EngineResult): FullReport {
  return { ...report, events: [...reportEvents(result)] };
}

/**
 * Writes the report as JSON: the summary pretty-printed, then `events`, one event per line
 * (diff-friendly, and streamed so 100,000 events never sit in memory as one string).
 */
export async function writeReport(write: (chunk: string) => Promise<void>, report: SimulateReport, result: EngineResult): Promise<void> {
  const head = JSON.stringify(report, null, 2);
  await write(`${head.slice(0, -2)},\n  "events": [`);
  let batch: string[] = [];
  let first = true;
  for (const outcome of reportEvents(result)) {
    batch.push(`${first ? '' : ','}\n    ${JSON.stringify(outcome)}`);
    first = false;
    if (batch.length === 1_000) {
      await write(batch.join(''));
      batch = [];
    }
  }
  await write(`${batch.join('')}\n  ]\n}\n`);
}
