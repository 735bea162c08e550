/**
 * Builds the storm picture from a simulate report and its events, one event at a time, so
 * a million events (from the engine's attempt log or from a report file read line by line)
 * never sit in memory as objects: attempts go into fixed time buckets and typed arrays, and
 * only the failing events, the worst ones and a sample keep their detail.
 */
import { createRandom } from '../events/random.js';
import { percentile } from './percentiles.js';
import type { ReportSummary } from './report.js';
import { effectsLines } from './effects/text.js';
import type { AttemptRecord, EventOutcome } from './types.js';
import { grown } from './typed-arrays.js';
import { lastAnswer } from './outcome-text.js';
import { OUTCOMES, type OutcomeName, type StormAttempt, type StormData, type StormEvent } from './storm-types.js';

export interface StormOptions {
  /** About this many time buckets across the run. */
  buckets?: number;
  /** Failing events kept with their attempts; the rest are only counted. */
  keepFailing?: number;
  /** Events kept from the others, chosen at random (seeded by the run's seed). */
  sample?: number;
  /** The worst events, always kept. */
  worst?: number;
}

const OUTCOME_INDEX = new Map<OutcomeName, number>(OUTCOMES.map((name, i) => [name, i]));
const O = OUTCOMES.length;
const HISTOGRAM_EDGES_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000];
const NOT_SENT = OUTCOME_INDEX.get('outage') as number;

export function outcomeOf(attempt: Pick<AttemptRecord, 'error' | 'status' | 'copy'>): number {
  // An answer cut off mid-body counts with the other errors, as in the report's totals.
  if (attempt.error !== null) return OUTCOME_INDEX.get(attempt.error === 'cut-off' ? 'error' : attempt.error) as number;
  if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) return OUTCOME_INDEX.get(attempt.copy > 0 ? 'duplicate' : '2xx') as number;
  return OUTCOME_INDEX.get('non-2xx') as number;
}

/** A bucket width of 1, 2 or 5 × 10^k ms, so that axis labels come out round. */
function niceWidth(durationMs: number, target: number): number {
  const raw = Math.max(1, durationMs / target);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) if (step * power >= raw) return step * power;
  return 10 * power;
}

type Scored = { score: number; event: StormEvent };

export class StormBuilder {
  private readonly widthMs: number;
  private readonly bucketCount: number;
  private readonly types: string[] = [];
  private readonly typeIndex = new Map<string, number>();
  private readonly counts: Uint32Array[] = [];
  private readonly histograms: Uint32Array[] = [];
  private readonly attemptsPerEvent: number[] = [];
  /** Sent attempts: latency and bucket (for percentiles), start and end (for in flight). */
  private latency = new Float32Array(4096);
  private latencyBucket = new Uint16Array(4096);
  private starts = new Float64Array(4096);
  private ends = new Float64Array(4096);
  private sent = 0;
  private readonly failing: StormEvent[] = [];
  private failingTotal = 0;
  private readonly sample: StormEvent[] = [];
  private others = 0;
  private worst: Scored[] = [];
  private readonly random: () => number;
  private readonly options: Required<StormOptions>;

  constructor(
    private readonly report: ReportSummary,
    options: StormOptions = {},
  ) {
    this.options = { buckets: 240, keepFailing: 2_000, sample: 300, worst: 20, ...options };
    this.widthMs = niceWidth(Math.max(1, report.durationMs), this.options.buckets);
    this.bucketCount = Math.max(1, Math.ceil(Math.max(1, report.durationMs) / this.widthMs));
    this.random = createRandom(report.settings.seed);
  }

  add(outcome: EventOutcome): void {
    const type = this.typeOf(outcome.type);
    const counts = this.counts[type] as Uint32Array;
    const histogram = this.histograms[type] as Uint32Array;
    let originalAttempts = 0;
    let slowest = 0;
    const attempts: StormAttempt[] = [];
    for (const attempt of outcome.attempts) {
      const o = outcomeOf(attempt);
      const bucket = Math.min(this.bucketCount - 1, Math.max(0, Math.floor(attempt.at / this.widthMs)));
      counts[bucket * O + o] = (counts[bucket * O + o] as number) + 1;
      if (attempt.copy === 0) originalAttempts++;
      // A tenth of a millisecond is finer than any chart draws, and keeps the file small.
      attempts.push([tenth(attempt.at), attempt.attempt, attempt.copy, attempt.status, o, tenth(attempt.latencyMs)]);
      if (o === NOT_SENT) {
        histogram[HISTOGRAM_EDGES_MS.length + 1] = (histogram[HISTOGRAM_EDGES_MS.length + 1] as number) + 1;
        continue;
      }
      slowest = Math.max(slowest, attempt.latencyMs);
      let bin = 0;
      while (bin < HISTOGRAM_EDGES_MS.length && attempt.latencyMs >= (HISTOGRAM_EDGES_MS[bin] as number)) bin++;
      histogram[bin] = (histogram[bin] as number) + 1;
      this.addSent(attempt.at, attempt.latencyMs, bucket);
    }
    this.attemptsPerEvent[originalAttempts] = (this.attemptsPerEvent[originalAttempts] ?? 0) + 1;
    this.keep(outcome, attempts, slowest);
  }

  finish(): StormData {
    const { report } = this;
    const recovery = report.recovery;
    return {
      format: 'heapstream-webhooks/storm@1',
      summary: {
        tool: report.tool,
        target: report.target,
        scenario: report.scenario,
        startedAt: report.startedAt,
        durationMs: report.durationMs,
        seed: report.settings.seed,
        timeScale: report.settings.timeScale,
        interrupted: report.interrupted?.reason ?? null,
        warnings: report.warnings,
        verdict: report.verdict,
        totals: {
          events: report.totals.events,
          delivered: report.totals.delivered,
          exhausted: report.totals.exhausted,
          tooSlow: report.totals.tooSlow,
          attempts: report.totals.attempts,
          retries: report.totals.retries,
          duplicatesSent: report.totals.duplicatesSent,
          unfinished: report.totals.unfinished,
        },
        latencyMs: report.latencyMs,
        maxInFlight: report.maxInFlight,
        reproduce: reproduceCommand(report),
        ...(report.effects ? { effects: effectsLines(report.effects) } : {}),
      },
      types: this.types,
      buckets: { widthMs: this.widthMs, count: this.bucketCount, byType: this.counts.map((c) => Array.from(c)), inFlight: this.inFlight(), ...this.percentiles() },
      outage: recovery ? { endMs: recovery.at } : null,
      recovery: recovery && recovery.firstAttemptAt !== null ? { firstAttemptAt: recovery.firstAttemptAt, windowMs: recovery.burstWindowMs, attempts: recovery.attemptsWithinBurst } : null,
      histogram: { edgesMs: HISTOGRAM_EDGES_MS, byType: this.histograms.map((h) => Array.from(h)) },
      attemptsPerEvent: Array.from({ length: this.attemptsPerEvent.length }, (_, k) => this.attemptsPerEvent[k] ?? 0),
      events: [...this.failing, ...this.worst.map((w) => w.event), ...this.sample].sort((a, b) => a.index - b.index),
      kept: { failing: this.failing.length, failingTotal: this.failingTotal, sample: this.sample.length, worst: this.worst.length },
    };
  }

  private typeOf(name: string | null): number {
    const label = name ?? '(none)';
    let index = this.typeIndex.get(label);
    if (index === undefined) {
      index = this.types.push(label) - 1;
      this.typeIndex.set(label, index);
      this.counts.push(new Uint32Array(this.bucketCount * O));
      this.histograms.push(new Uint32Array(HISTOGRAM_EDGES_MS.length + 2));
    }
    return index;
  }

  private addSent(at: number, latencyMs: number, bucket: number): void {
    const i = this.sent++;
    if (i >= this.latency.length) {
      const size = this.latency.length * 2;
      this.latency = grown(this.latency, size);
      this.latencyBucket = grown(this.latencyBucket, size);
      this.starts = grown(this.starts, size);
      this.ends = grown(this.ends, size);
    }
    this.latency[i] = latencyMs;
    this.latencyBucket[i] = bucket;
    this.starts[i] = at;
    this.ends[i] = at + latencyMs;
  }

  /** Failing events (up to a cap), the worst by a score, and a seeded reservoir of the rest. */
  private keep(outcome: EventOutcome, attempts: StormAttempt[], slowest: number): void {
    const failed = outcome.exhausted || outcome.tooSlow;
    const event = (why: StormEvent['why']): StormEvent => ({
      index: outcome.index,
      type: outcome.type,
      videoId: outcome.videoId,
      delivered: outcome.delivered,
      exhausted: outcome.exhausted,
      duplicateRefused: outcome.duplicateRefused,
      tooSlow: outcome.tooSlow,
      duplicatesSent: outcome.duplicatesSent,
      ...(lastAnswer(outcome) ? { answer: lastAnswer(outcome) as string } : {}),
      why,
      attempts,
    });
    if (failed) {
      this.failingTotal++;
      if (this.failing.length < this.options.keepFailing) {
        this.failing.push(event('failing'));
        return;
      }
    }
    const score = (outcome.exhausted ? 4e12 : 0) + (outcome.tooSlow ? 2e12 : 0) + attempts.length * 1e7 + slowest;
    const worst = this.worst;
    if (this.options.worst > 0 && (worst.length < this.options.worst || score > (worst[worst.length - 1] as Scored).score)) {
      worst.push({ score, event: event('worst') });
      worst.sort((a, b) => b.score - a.score);
      if (worst.length > this.options.worst) {
        const dropped = (worst.pop() as Scored).event;
        if (!dropped.exhausted && !dropped.tooSlow) this.offerSample(dropped);
      }
      return;
    }
    if (!failed) this.offerSample(event('sample'));
  }

  private offerSample(event: StormEvent): void {
    event.why = 'sample';
    const seen = ++this.others;
    if (this.sample.length < this.options.sample) this.sample.push(event);
    else {
      const slot = Math.floor(this.random() * seen);
      if (slot < this.options.sample) this.sample[slot] = event;
    }
  }

  /** The most requests in flight at once within each bucket: a sweep over starts and ends. */
  private inFlight(): number[] {
    const n = this.sent;
    const starts = this.starts.subarray(0, n).sort();
    const ends = this.ends.subarray(0, n).sort();
    const out: number[] = [];
    let i = 0;
    let j = 0;
    let current = 0;
    for (let b = 0; b < this.bucketCount; b++) {
      const end = (b + 1) * this.widthMs;
      let max = current;
      // An attempt that ends as another starts frees its slot first.
      while ((i < n && (starts[i] as number) < end) || (j < n && (ends[j] as number) < end)) {
        if (j < n && (i >= n || (ends[j] as number) <= (starts[i] as number))) {
          current--;
          j++;
        } else {
          current++;
          i++;
          if (current > max) max = current;
        }
      }
      out.push(max);
    }
    return out;
  }

  private percentiles(): { p50: (number | null)[]; p99: (number | null)[] } {
    const n = this.sent;
    const offsets = new Uint32Array(this.bucketCount + 1);
    for (let k = 0; k < n; k++) {
      const slot = (this.latencyBucket[k] as number) + 1;
      offsets[slot] = (offsets[slot] as number) + 1;
    }
    for (let b = 0; b < this.bucketCount; b++) offsets[b + 1] = (offsets[b + 1] as number) + (offsets[b] as number);
    const grouped = new Float32Array(n);
    const fill = offsets.slice(0, this.bucketCount);
    for (let k = 0; k < n; k++) {
      const bucket = this.latencyBucket[k] as number;
      const at = fill[bucket] as number;
      fill[bucket] = at + 1;
      grouped[at] = this.latency[k] as number;
    }
    const p50: (number | null)[] = [];
    const p99: (number | null)[] = [];
    const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
    for (let b = 0; b < this.bucketCount; b++) {
      const slice = grouped.subarray(offsets[b], offsets[b + 1]).sort();
      p50.push(round(percentile(slice, 50)));
      p99.push(round(percentile(slice, 99)));
    }
    return { p50, p99 };
  }
}

function tenth(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The command that runs the same simulation again: the report's own, else one made from its settings. */
export function reproduceCommand(report: ReportSummary): string {
  if (report.command) return report.command;
  const s = report.settings;
  const parts = ['heapstream-webhooks simulate', `--to ${report.target}`];
  if (report.scenario) parts.push(`--scenario ${report.scenario}`);
  parts.push(`--events ${report.totals.events}`, `--schedule ${s.schedule.join(',')}`, `--time-scale ${s.timeScale}`, `--max-attempts ${s.maxAttempts}`, `--timeout ${s.timeoutMs}`, `--concurrency ${s.concurrency}`);
  if (s.duplicateRate > 0) parts.push(`--duplicate-rate ${s.duplicateRate}`);
  if (s.duplicates > 0) parts.push(`--duplicates ${s.duplicates}`);
  if (s.reorder) parts.push('--reorder');
  if (s.outage) parts.push(`--outage ${s.outage}`);
  if (s.answerLoss > 0) parts.push(`--answer-loss ${s.answerLoss}`);
  if (s.networkLatencyMs > 0) parts.push(`--network-latency ${s.networkLatencyMs}`);
  if (s.maxLatencyMs !== null) parts.push(`--max-latency ${s.maxLatencyMs}`);
  parts.push(`--seed ${s.seed}`);
  return parts.join(' ');
}
