/**
 * The picture of a simulate run that the page draws (`simulate --html`, `inspect --report`):
 * totals, attempts aggregated into time buckets, and per-event detail only for the failing
 * events, the worst ones and a sample. Shared by the Node side that builds it and the page.
 */

/** The id of the inline `<script type="application/json">` that carries the data in an HTML report. */
export const STORM_DATA_ID = 'hsw-storm';

/** How an attempt ended, in drawing order. */
export const OUTCOMES = ['2xx', 'duplicate', 'non-2xx', 'timeout', 'unreachable', 'bad-answer', 'error', 'answer-lost', 'outage'] as const;
export type OutcomeName = (typeof OUTCOMES)[number];

/** [run ms when sent, attempt number, copy (0: the original), status, outcome index, latency ms] */
export type StormAttempt = [at: number, attempt: number, copy: number, status: number | null, outcome: number, latencyMs: number];

export interface StormEvent {
  index: number;
  type: string | null;
  videoId: number | null;
  delivered: boolean;
  exhausted: boolean;
  /** The original got a 2xx; a duplicate copy never did (see EventOutcome). */
  duplicateRefused: boolean;
  tooSlow: boolean;
  duplicatesSent: number;
  /** The start of the handler's last non-2xx answer body, printable. */
  answer?: string;
  /** Why it was kept: it failed, it was among the worst, or it is in the sample of the rest. */
  why: 'failing' | 'worst' | 'sample';
  attempts: StormAttempt[];
}

export interface StormData {
  format: 'heapstream-webhooks/storm@1';
  summary: {
    tool: string;
    target: string;
    scenario: string | null;
    startedAt: string;
    durationMs: number;
    seed: number;
    /** HeapStream time = run time × timeScale. */
    timeScale: number;
    /** Why the run stopped before every event finished; null when it did not. */
    interrupted: string | null;
    /** What a reader should know that does not fail the verdict. */
    warnings: string[];
    verdict: { ok: boolean; reasons: string[] };
    totals: { events: number; delivered: number; exhausted: number; tooSlow: number; attempts: number; retries: number; duplicatesSent: number; unfinished: number };
    latencyMs: { p50: number | null; p95: number | null; p99: number | null; max: number | null };
    maxInFlight: number;
    reproduce: string;
    /** With a state oracle: the final state against the reference run's, and the minimal reproduction, as lines. */
    effects?: string[];
  };
  /** Event types, `(none)` for bodies without one; per-type arrays follow this order. */
  types: string[];
  buckets: {
    widthMs: number;
    count: number;
    /** Per type: attempts per bucket and outcome, flat: [bucket × OUTCOMES.length + outcome]. */
    byType: number[][];
    /** The most requests in flight at once within each bucket. */
    inFlight: number[];
    /** Latency percentiles of the attempts sent within each bucket. */
    p50: (number | null)[];
    p99: (number | null)[];
  };
  /** The simulated outage, in run ms from the start. */
  outage: { endMs: number } | null;
  /** What landed once the outage was over. */
  recovery: { firstAttemptAt: number; windowMs: number; attempts: number } | null;
  histogram: {
    /** Upper edges of the latency bins, ms; a last bin holds everything slower. */
    edgesMs: number[];
    /** Per type: attempts per bin (edgesMs.length + 1 bins), then one for attempts never sent (outage). */
    byType: number[][];
  };
  /** Index k: events whose original delivery took k attempts (0: never attempted). */
  attemptsPerEvent: number[];
  events: StormEvent[];
  kept: { failing: number; failingTotal: number; sample: number; worst: number };
}
