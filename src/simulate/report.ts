/**
 * The simulate report: per event, every attempt; totals; latency percentiles; the verdict.
 */
import type { EngineResult } from './engine.js';
import { formatDuration } from './schedule.js';
import type { EventOutcome, SimulateSettings } from './types.js';

export interface SimulateReport {
  tool: string;
  target: string;
  scenario: string | null;
  startedAt: string;
  durationMs: number;
  settings: {
    schedule: string[];
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
  latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
  maxInFlight: number;
  /** How punctual the retry scheduler was: fire time minus due time. */
  scheduler: { maxPending: number; latenessMs: { p50: number | null; p99: number | null; max: number | null } };
  /** Set when an outage was simulated: what landed once it was over. */
  recovery: { at: number; firstAttemptAt: number | null; attemptsWithinBurst: number; burstWindowMs: number } | null;
  check: { command: string; exitCode: number | null } | null;
  verdict: { ok: boolean; reasons: string[] };
  events: EventOutcome[];
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function buildReport(input: { result: EngineResult; settings: SimulateSettings; target: string; scenario: string | null; tool: string; startedAt: Date }): SimulateReport {
  const { result, settings } = input;
  const totals: SimulateReport['totals'] = {
    events: result.outcomes.length,
    delivered: 0,
    exhausted: 0,
    tooSlow: 0,
    attempts: 0,
    retries: 0,
    timeouts: 0,
    unreachable: 0,
    errors: 0,
    outageFailures: 0,
    answersLost: 0,
    non2xx: {},
    duplicatesSent: 0,
  };
  for (const outcome of result.outcomes) {
    if (outcome.delivered) totals.delivered++;
    if (outcome.exhausted) totals.exhausted++;
    if (outcome.tooSlow) totals.tooSlow++;
    totals.duplicatesSent += outcome.duplicatesSent;
    for (const attempt of outcome.attempts) {
      totals.attempts++;
      if (attempt.attempt > 1) totals.retries++;
      if (attempt.error === 'timeout') totals.timeouts++;
      else if (attempt.error === 'unreachable') totals.unreachable++;
      else if (attempt.error === 'error') totals.errors++;
      else if (attempt.error === 'outage') totals.outageFailures++;
      else if (attempt.error === 'answer-lost') totals.answersLost++;
      if (attempt.status !== null && (attempt.status < 200 || attempt.status >= 300) && attempt.error !== 'outage') {
        totals.non2xx[attempt.status] = (totals.non2xx[attempt.status] ?? 0) + 1;
      }
    }
  }
  const sorted = Float64Array.from(result.latencies).sort();
  const reasons: string[] = [];
  if (totals.exhausted > 0) reasons.push(`${totals.exhausted} of ${totals.events} events never got a 2xx within ${settings.maxAttempts} attempts`);
  if (totals.tooSlow > 0) reasons.push(`${totals.tooSlow} events were accepted slower than --max-latency ${settings.maxLatencyMs} ms`);

  return {
    tool: input.tool,
    target: input.target,
    scenario: input.scenario,
    startedAt: input.startedAt.toISOString(),
    durationMs: Math.round(result.durationMs),
    settings: {
      schedule: settings.schedule.map(formatDuration),
      timeScale: Math.round(settings.scale * 1000) / 1000,
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
    latencyMs: { p50: percentile([...sorted], 50), p95: percentile([...sorted], 95), p99: percentile([...sorted], 99), max: sorted.length ? (sorted[sorted.length - 1] as number) : null },
    maxInFlight: result.maxInFlight,
    scheduler: { maxPending: result.maxPending, latenessMs: latenessSummary(result.lateness) },
    recovery: result.outageEndsAt === null ? null : recovery(result.outcomes, result.outageEndsAt),
    check: null,
    verdict: { ok: reasons.length === 0, reasons },
    events: result.outcomes,
  };
}

/** The burst after an outage: attempts that reached the handler within a short window of the first one. */
function recovery(outcomes: readonly EventOutcome[], at: number): NonNullable<SimulateReport['recovery']> {
  const after = outcomes
    .flatMap((o) => o.attempts)
    .filter((a) => a.error !== 'outage' && a.at >= at)
    .map((a) => a.at)
    .sort((a, b) => a - b);
  const first = after[0] ?? null;
  const burstWindowMs = 1_000;
  return { at: Math.round(at), firstAttemptAt: first, attemptsWithinBurst: first === null ? 0 : after.filter((t) => t - first <= burstWindowMs).length, burstWindowMs };
}

function latenessSummary(samples: readonly number[]): SimulateReport['scheduler']['latenessMs'] {
  const sorted = [...Float64Array.from(samples).sort()];
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.length ? (sorted[sorted.length - 1] as number) : null) };
}
