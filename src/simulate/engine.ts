/**
 * The delivery engine: HeapStream's semantics against a handler. Each event starts as a
 * chain of attempts (copy 0); a failed attempt is retried on the compressed schedule; an
 * acknowledged one may spawn duplicate chains (copies 1..n). First attempts are fed from the
 * delivery order as slots free up; retries and duplicates wait in one scheduler (one timer
 * over a heap, also polled whenever an attempt ends) and then in a FIFO for a slot.
 * Results go to a columnar attempt log, so memory stays flat at 100,000 events.
 */
import { answerText } from '../delivery/answer.js';
import type { DeliveryResult, HeaderMap } from '../http/types.js';
import type { Random } from '../events/random.js';
import { AttemptLog, type AttemptInput } from './attempt-log.js';
import { wait, type Clock } from './clock.js';
import { duplicateDelays } from './duplicate-plan.js';
import type { EventStore } from './event-store.js';
import { RetryPolicy } from './policy.js';
import { Scheduler } from './scheduler.js';
import type { AttemptRecord, EventOutcome, SimulateSettings } from './types.js';

/** Sends one attempt; the engine passes the timeout left after simulated network latency. */
export type Deliver = (body: Buffer, headers: HeaderMap, timeoutMs: number) => Promise<DeliveryResult>;

/** A chain waiting for, or making, its next attempt. */
interface Job {
  event: number;
  copy: number;
  /** Attempts this chain has made so far. */
  attempts: number;
  due: number;
  /** Shared by copies sent at the same moment (concurrentDuplicates); retries get their own. */
  moment?: number;
}

const EXHAUSTED = 1;
const TOO_SLOW = 2;
const FINISHED = 4;
/** A duplicate copy's chain ran out of attempts: the handler refused a copy (the original got its 2xx first). */
const COPY_REFUSED = 8;

export interface OutcomeFlags {
  delivered: boolean;
  exhausted: boolean;
  duplicateRefused: boolean;
  tooSlow: boolean;
  duplicatesSent: number;
}

export interface EngineStats {
  events: number;
  finished: number;
  delivered: number;
  exhausted: number;
  inFlight: number;
  maxInFlight: number;
  pendingRetries: number;
  waitingForSlot: number;
  attempts: number;
}

export interface EngineResult {
  events: number;
  log: AttemptLog;
  /** One event's outcome, built on demand (for reports and NDJSON lines). */
  outcome(index: number): EventOutcome;
  /** One event's outcome without its attempts. */
  outcomeFlags(index: number): OutcomeFlags;
  /** Event indexes in delivery order. */
  order: Uint32Array;
  /** The most retries and duplicates waiting in the scheduler at once. */
  maxPending: number;
  maxInFlight: number;
  durationMs: number;
  /** Run time (ms since start) at which a simulated outage ended, if there was one. */
  outageEndsAt: number | null;
}

export interface EngineOptions {
  settings: SimulateSettings;
  clock: Clock;
  random: Random;
  deliver: Deliver;
  /** Each attempt as the report will show it, once it is over. */
  onAttempt?(event: number, attempt: AttemptRecord): void;
  onEventFinished?(index: number): void;
  /**
   * Each attempt as it goes to the handler (never during an outage), in the order sent:
   * the delivery sequence the state oracle replays. Copies sent together share `moment`.
   */
  onSend?(event: number, copy: number, attempt: number, moment: number): void;
}

export class SimulationEngine {
  private readonly scheduler: Scheduler<Job>;
  private readonly policy: RetryPolicy;
  private readonly log: AttemptLog;
  private readonly pending: Uint16Array;
  private readonly flags: Uint8Array;
  private readonly duplicatesSent: Uint16Array;
  private readonly ready: Job[] = [];
  private readyHead = 0;
  private order: Uint32Array = new Uint32Array(0);
  private cursor = 0;
  private moments = 0;
  private inFlight = 0;
  private maxInFlight = 0;
  private maxPending = 0;
  private finished = 0;
  private delivered = 0;
  private exhausted = 0;
  private startedAt = 0;
  private aborted = false;
  private resolveDone: (() => void) | undefined;
  private lastAnswer: { bytes: Buffer; truncated: boolean; text: string | undefined } | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly store: EventStore,
  ) {
    const { settings } = options;
    this.policy = new RetryPolicy(
      settings.schedule.map((delay) => delay / settings.scale),
      settings.maxAttempts,
      settings.jitter,
      options.random,
    );
    this.scheduler = new Scheduler<Job>(options.clock, (job) => this.ready.push(job), () => this.pump());
    this.log = new AttemptLog(store.count);
    this.pending = new Uint16Array(store.count);
    this.flags = new Uint8Array(store.count);
    this.duplicatesSent = new Uint16Array(store.count);
  }

  get stats(): EngineStats {
    return {
      events: this.order.length,
      finished: this.finished,
      delivered: this.delivered,
      exhausted: this.exhausted,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      pendingRetries: this.scheduler.size,
      waitingForSlot: this.ready.length - this.readyHead + (this.order.length - this.cursor),
      attempts: this.log.count,
    };
  }

  /** Stops scheduling; `run()` resolves with what finished so far. */
  abort(): void {
    this.aborted = true;
    this.scheduler.stop();
    this.resolveDone?.();
  }

  /** Delivers the events in `order` until each is delivered or exhausted. */
  async run(order: Uint32Array): Promise<EngineResult> {
    const { clock, settings } = this.options;
    this.order = order;
    this.startedAt = clock.now();
    const done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    if (order.length === 0) this.resolveDone?.();
    this.pump();
    await done;
    this.scheduler.stop();
    return {
      events: order.length,
      log: this.log,
      outcome: (index) => this.outcome(index),
      outcomeFlags: (index) => this.outcomeFlags(index),
      order,
      maxPending: this.maxPending,
      maxInFlight: this.maxInFlight,
      durationMs: clock.now() - this.startedAt,
      outageEndsAt: settings.outageMs > 0 ? settings.outageMs / settings.scale : null,
    };
  }

  outcomeFlags(index: number): OutcomeFlags {
    const flags = this.flags[index] as number;
    return {
      delivered: (flags & FINISHED) !== 0 && (flags & EXHAUSTED) === 0,
      exhausted: (flags & EXHAUSTED) !== 0,
      duplicateRefused: (flags & COPY_REFUSED) !== 0,
      tooSlow: (flags & TOO_SLOW) !== 0,
      duplicatesSent: this.duplicatesSent[index] as number,
    };
  }

  outcome(index: number): EventOutcome {
    const { delivered, exhausted, duplicateRefused, tooSlow, duplicatesSent } = this.outcomeFlags(index);
    return {
      index,
      type: this.store.type(index),
      videoId: this.store.videoId(index),
      source: this.store.source(index),
      delivered,
      exhausted,
      duplicateRefused,
      tooSlow,
      duplicatesSent,
      attempts: this.log.forEvent(index),
    };
  }

  private pump(): void {
    if (this.aborted) return;
    const { concurrency } = this.options.settings;
    // Retries that came due while attempts were running need not wait for the timer.
    this.scheduler.poll();
    while (this.inFlight < concurrency) {
      if (this.cursor < this.order.length) {
        // First attempts are all due at the start, so they go before any retry.
        const event = this.order[this.cursor++] as number;
        // Concurrent duplicates ride along with the original, over the concurrency limit:
        // they model HeapStream sending copies at the same moment, not a busier queue.
        const together = this.options.settings.concurrentDuplicates ?? 0;
        const moment = this.moments++;
        this.pending[event] = 1 + together;
        this.duplicatesSent[event] = together;
        for (let copy = 0; copy <= together; copy++) void this.attempt({ event, copy, attempts: 0, due: this.startedAt, moment });
      } else if (this.readyHead < this.ready.length) {
        const job = this.ready[this.readyHead] as Job;
        this.ready[this.readyHead++] = undefined as unknown as Job;
        void this.attempt(job);
      } else {
        break;
      }
    }
    // Drop the consumed prefix now and then, so the FIFO does not grow without bound.
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { settings, clock, random } = this.options;
    job.attempts++;
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    const started = clock.now();
    const entry: AttemptInput = { event: job.event, attempt: job.attempts, copy: job.copy, at: started - this.startedAt, delayedMs: started - job.due, status: null, error: null, latencyMs: 0, ok: false };
    if ((started - this.startedAt) * settings.scale < settings.outageMs) {
      // The endpoint is down for HeapStream: nothing reaches the handler.
      await Promise.resolve();
      entry.status = 503;
      entry.error = 'outage';
    } else {
      const latency = settings.networkLatencyMs > 0 ? random() * settings.networkLatencyMs : 0;
      // On the run's clock: in virtual time, simulated latency costs no real time either.
      if (latency > 0) await wait(clock, latency);
      this.options.onSend?.(job.event, job.copy, job.attempts, job.moment ?? this.moments++);
      job.moment = undefined;
      const result = await this.options.deliver(this.store.body(job.event), this.store.headers(job.event), Math.max(1, settings.timeoutMs - latency));
      const lost = result.ok && settings.answerLoss > 0 && random() < settings.answerLoss;
      entry.status = result.status ?? null;
      entry.error = lost ? 'answer-lost' : (result.error?.kind ?? null);
      if (result.error?.code) entry.errorCode = result.error.code;
      entry.latencyMs = result.durationMs + latency;
      entry.ok = result.ok && !lost;
      if (!result.ok && result.response) {
        const answer = this.answerOf(result.response.body, result.response.truncated === true);
        if (answer) entry.answer = answer;
      }
    }
    this.inFlight--;
    if (!this.aborted) {
      this.log.add(entry);
      this.options.onAttempt?.(job.event, this.log.record(this.log.count - 1));
      this.complete(job, entry);
    }
    this.pump();
  }

  /** A failing answer's text; a handler mostly repeats one answer, so the last one is reused when the bytes are the same. */
  private answerOf(body: Buffer, truncated: boolean): string | undefined {
    const last = this.lastAnswer;
    if (last && last.truncated === truncated && last.bytes.equals(body)) return last.text;
    const text = answerText(body, truncated);
    this.lastAnswer = { bytes: Buffer.from(body), truncated, text };
    return text;
  }

  private complete(job: Job, entry: AttemptInput): void {
    const { settings, clock } = this.options;
    if (entry.ok) {
      if (settings.maxLatencyMs !== undefined && entry.latencyMs > settings.maxLatencyMs) this.flags[job.event] = (this.flags[job.event] as number) | TOO_SLOW;
      if (job.copy === 0) this.scheduleDuplicates(job.event, clock.now());
      this.finishChain(job.event, true);
      return;
    }
    const delay = this.policy.nextDelay(job.attempts);
    if (delay === undefined) {
      if (job.copy > 0) this.flags[job.event] = (this.flags[job.event] as number) | COPY_REFUSED;
      this.finishChain(job.event, false);
      return;
    }
    job.due = clock.now() + delay;
    this.scheduler.schedule(job.due, job);
    if (this.scheduler.size > this.maxPending) this.maxPending = this.scheduler.size;
  }

  private scheduleDuplicates(event: number, now: number): void {
    // Drawn per event (duplicate-plan.ts): the same seed gives the same duplicates here and in an Artillery export.
    const delays = duplicateDelays(this.options.settings, event);
    // Copies sent together with the first delivery (concurrent duplicates) come first.
    const first = (this.options.settings.concurrentDuplicates ?? 0) + 1;
    for (let copy = first; copy < first + delays.length; copy++) {
      this.pending[event] = (this.pending[event] as number) + 1;
      this.duplicatesSent[event] = (this.duplicatesSent[event] as number) + 1;
      const due = now + (delays[copy - first] as number);
      this.scheduler.schedule(due, { event, copy, attempts: 0, due });
    }
    if (this.scheduler.size > this.maxPending) this.maxPending = this.scheduler.size;
  }

  private finishChain(event: number, ok: boolean): void {
    if (!ok) this.flags[event] = (this.flags[event] as number) | EXHAUSTED;
    const left = (this.pending[event] as number) - 1;
    this.pending[event] = left;
    if (left > 0) return;
    this.flags[event] = (this.flags[event] as number) | FINISHED;
    this.finished++;
    if ((this.flags[event] as number) & EXHAUSTED) this.exhausted++;
    else this.delivered++;
    this.options.onEventFinished?.(event);
    if (this.finished === this.order.length) this.resolveDone?.();
  }
}
