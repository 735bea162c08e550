/**
 * The delivery engine: HeapStream's semantics against a handler. Every event starts as a
 * chain of attempts (copy 0); a failed attempt is retried on the compressed schedule; an
 * acknowledged one may spawn duplicate chains. All pending work sits in one scheduler
 * (one timer over a heap) and a FIFO of due attempts waiting for an in-flight slot.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Random } from '../events/random.js';
import type { DeliveryResult } from '../delivery/types.js';
import type { Clock } from './clock.js';
import { RetryPolicy } from './policy.js';
import { Scheduler } from './scheduler.js';
import type { AttemptRecord, EventOutcome, SimEvent, SimulateSettings } from './types.js';

/** Sends one attempt; the engine passes the timeout left after simulated network latency. */
export type Deliver = (event: SimEvent, timeoutMs: number) => Promise<DeliveryResult>;

interface Chain {
  event: SimEvent;
  outcome: EventOutcome & { pendingChains: number };
  copy: number;
  attempts: number;
}

interface Job {
  chain: Chain;
  due: number;
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
  outcomes: EventOutcome[];
  latencies: number[];
  /** Scheduler lateness samples, ms. */
  lateness: number[];
  /** The most retries (and duplicates) waiting in the scheduler at once. */
  maxPending: number;
  maxInFlight: number;
  startedAt: number;
  durationMs: number;
  /** Run time (ms since start) at which a simulated outage ended, if there was one. */
  outageEndsAt: number | null;
}

export interface EngineOptions {
  settings: SimulateSettings;
  clock: Clock;
  random: Random;
  deliver: Deliver;
  onEventFinished?(outcome: EventOutcome): void;
}

export class SimulationEngine {
  private readonly scheduler: Scheduler<Job>;
  private readonly policy: RetryPolicy;
  private readonly ready: Job[] = [];
  private readyHead = 0;
  private inFlight = 0;
  private maxInFlight = 0;
  private finished = 0;
  private delivered = 0;
  private exhausted = 0;
  private attempts = 0;
  private maxPending = 0;
  private startedAt = 0;
  private outcomes: (EventOutcome & { pendingChains: number })[] = [];
  private readonly latencies: number[] = [];
  private resolveDone: (() => void) | undefined;

  constructor(private readonly options: EngineOptions) {
    const { settings } = options;
    this.policy = new RetryPolicy(
      settings.schedule.map((delay) => delay / settings.scale),
      settings.maxAttempts,
      settings.jitter,
      options.random,
    );
    this.scheduler = new Scheduler<Job>(options.clock, (job) => {
      this.ready.push(job);
      this.pump();
    });
  }

  get stats(): EngineStats {
    return {
      events: this.outcomes.length,
      finished: this.finished,
      delivered: this.delivered,
      exhausted: this.exhausted,
      inFlight: this.inFlight,
      maxInFlight: this.maxInFlight,
      pendingRetries: this.scheduler.size,
      waitingForSlot: this.ready.length - this.readyHead,
      attempts: this.attempts,
    };
  }

  /** Stops scheduling; `run()` resolves with what finished so far. */
  abort(): void {
    this.scheduler.stop();
    this.resolveDone?.();
  }

  /** Delivers every event (in the order given) until each is delivered or exhausted. */
  async run(events: readonly SimEvent[]): Promise<EngineResult> {
    const { clock, settings } = this.options;
    this.startedAt = clock.now();
    this.outcomes = events.map((event) => ({
      index: event.index,
      type: event.type,
      videoId: event.videoId,
      source: event.source,
      delivered: false,
      exhausted: false,
      tooSlow: false,
      duplicatesSent: 0,
      attempts: [],
      pendingChains: 1,
    }));
    const done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    if (events.length === 0) this.resolveDone?.();
    events.forEach((event, i) => {
      const outcome = this.outcomes[i] as Chain['outcome'];
      this.scheduler.schedule(this.startedAt, { chain: { event, outcome, copy: 0, attempts: 0 }, due: this.startedAt });
    });
    await done;
    this.scheduler.stop();
    const outageEndsAt = settings.outageMs > 0 ? settings.outageMs / settings.scale : null;
    return {
      outcomes: this.outcomes.map(({ pendingChains: _pending, ...outcome }) => outcome),
      latencies: this.latencies,
      lateness: this.scheduler.lateness,
      maxPending: this.maxPending,
      maxInFlight: this.maxInFlight,
      startedAt: this.startedAt,
      durationMs: clock.now() - this.startedAt,
      outageEndsAt,
    };
  }

  private pump(): void {
    const { concurrency } = this.options.settings;
    while (this.inFlight < concurrency && this.readyHead < this.ready.length) {
      const job = this.ready[this.readyHead] as Job;
      this.ready[this.readyHead++] = undefined as unknown as Job;
      void this.attempt(job);
    }
    // Drop the consumed prefix now and then, so the FIFO does not grow without bound.
    if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
  }

  private async attempt(job: Job): Promise<void> {
    const { settings, clock, random } = this.options;
    const { chain } = job;
    chain.attempts++;
    this.attempts++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const started = clock.now();
    const base = { attempt: chain.attempts, copy: chain.copy, at: round(started - this.startedAt), delayedMs: round(started - job.due) };
    let record: AttemptRecord;
    if ((started - this.startedAt) * settings.scale < settings.outageMs) {
      // The endpoint is down for HeapStream: nothing reaches the handler.
      await Promise.resolve();
      record = { ...base, status: 503, error: 'outage', latencyMs: 0, ok: false };
    } else {
      const latency = settings.networkLatencyMs > 0 ? random() * settings.networkLatencyMs : 0;
      if (latency > 0) await sleep(latency);
      const result = await this.options.deliver(chain.event, Math.max(1, settings.timeoutMs - latency));
      const latencyMs = round(result.durationMs + latency);
      this.latencies.push(latencyMs);
      const lost = result.ok && settings.answerLoss > 0 && random() < settings.answerLoss;
      record = {
        ...base,
        status: result.status ?? null,
        error: lost ? 'answer-lost' : (result.error?.kind ?? null),
        ...(result.error?.code ? { errorCode: result.error.code } : {}),
        latencyMs,
        ok: result.ok && !lost,
      };
    }
    this.inFlight--;
    this.complete(job, record);
    this.pump();
  }

  private complete(job: Job, record: AttemptRecord): void {
    const { settings, clock, random } = this.options;
    const { chain } = job;
    const outcome = chain.outcome;
    outcome.attempts.push(record);
    if (record.ok) {
      if (settings.maxLatencyMs !== undefined && record.latencyMs > settings.maxLatencyMs) outcome.tooSlow = true;
      if (chain.copy === 0) this.scheduleDuplicates(chain, clock.now(), random);
      this.finishChain(chain, true);
      return;
    }
    const delay = this.policy.nextDelay(chain.attempts);
    if (delay === undefined) {
      this.finishChain(chain, false);
      return;
    }
    const due = clock.now() + delay;
    this.scheduler.schedule(due, { chain, due });
    this.maxPending = Math.max(this.maxPending, this.scheduler.size);
  }

  private scheduleDuplicates(chain: Chain, now: number, random: Random): void {
    const { settings } = this.options;
    const copies = settings.duplicates + (settings.duplicateRate > 0 && random() < settings.duplicateRate ? 1 : 0);
    const window = settings.duplicateWindowMs / settings.scale;
    for (let copy = 1; copy <= copies; copy++) {
      chain.outcome.pendingChains++;
      chain.outcome.duplicatesSent++;
      const due = now + random() * window;
      this.scheduler.schedule(due, { chain: { event: chain.event, outcome: chain.outcome, copy, attempts: 0 }, due });
    }
  }

  private finishChain(chain: Chain, ok: boolean): void {
    const outcome = chain.outcome;
    if (!ok) outcome.exhausted = true;
    outcome.pendingChains--;
    if (outcome.pendingChains > 0) return;
    outcome.delivered = !outcome.exhausted;
    this.finished++;
    if (outcome.delivered) this.delivered++;
    else this.exhausted++;
    this.options.onEventFinished?.(outcome);
    if (this.finished === this.outcomes.length) this.resolveDone?.();
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
