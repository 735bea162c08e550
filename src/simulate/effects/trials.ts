/**
 * A trial: reset the app, send a sequence of deliveries one step at a time (copies that
 * were sent together go together), read the state. The reference of a sequence is its
 * events once each, in timestamp order, one at a time. A handler that timed out may still
 * be working: before the next step or the state read it gets `settleMs` to finish, as
 * HeapStream's next retry would come minutes later.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult, HeaderMap } from '../../http/types.js';
import type { OpenTarget } from '../../delivery/targets.js';
import type { EventStore } from '../event-store.js';
import type { StateOracle } from './oracle.js';
import { canonical, normalizeState, type DiffRules, type StateValue } from './state-diff.js';
import type { Delivery } from './types.js';

export interface TrialStep {
  deliveries: Delivery[];
  results: DeliveryResult[];
  /** The state after the step (traced runs only). */
  state?: StateValue;
  /** The state read the moment a delivery of this step timed out, before the settle. */
  atTimeout?: StateValue;
}

export interface TrialRun {
  state: StateValue;
  steps: TrialStep[];
}

export interface TrialSetup {
  target: OpenTarget;
  events: EventStore;
  headers?: HeaderMap | undefined;
  timeoutMs: number;
  settleMs: number;
  oracle: StateOracle;
  rules: DiffRules;
  /** Each event's position in timestamp order. */
  rank: Uint32Array;
  signal?: AbortSignal | undefined;
}

export class TrialRunner {
  /** Sequence runs so far (references included). */
  runs = 0;

  constructor(private readonly setup: TrialSetup) {}

  /** Reset, the deliveries, the state (normalized); `trace` reads the state after every step too. */
  async run(sequence: readonly Delivery[], trace = false): Promise<TrialRun> {
    const { oracle, rules } = this.setup;
    this.runs++;
    await oracle.reset();
    const steps: TrialStep[] = [];
    for (const group of groups(sequence)) {
      this.setup.signal?.throwIfAborted();
      const results = await Promise.all(group.map((delivery) => this.deliver(delivery)));
      const step: TrialStep = { deliveries: group, results };
      if (results.some((result) => result.error?.kind === 'timeout')) {
        if (trace) step.atTimeout = normalizeState(await oracle.read(), rules);
        await sleep(this.setup.settleMs);
      }
      if (trace) step.state = normalizeState(await oracle.read(), rules);
      steps.push(step);
    }
    return { state: normalizeState(await oracle.read(), rules), steps };
  }

  /** The reference sequence of a set of events: each once, first attempt, timestamp order. */
  reference(events: Iterable<number>): Delivery[] {
    const { rank } = this.setup;
    return [...new Set(events)].sort((a, b) => (rank[a] as number) - (rank[b] as number)).map((event, i) => ({ event, copy: 0, attempt: 1, moment: -1 - i }));
  }

  /**
   * Whether a sequence is its own reference (each event once, in timestamp order, nothing
   * sent together): then it cannot end differently, and no trial is needed.
   */
  isOwnReference(sequence: readonly Delivery[]): boolean {
    const { rank } = this.setup;
    let last = -1;
    const seen = new Set<number>();
    for (let i = 0; i < sequence.length; i++) {
      const delivery = sequence[i] as Delivery;
      if (seen.has(delivery.event)) return false;
      seen.add(delivery.event);
      const position = rank[delivery.event] as number;
      if (position < last) return false;
      last = position;
      if (i > 0 && (sequence[i - 1] as Delivery).moment === delivery.moment) return false;
    }
    return true;
  }

  private deliver(delivery: Delivery): Promise<DeliveryResult> {
    const { target, events, headers, timeoutMs } = this.setup;
    const own = events.headers(delivery.event);
    return target.deliver({ url: target.url, method: 'POST', headers: headers ? { ...own, ...headers } : own, body: events.body(delivery.event), timeoutMs });
  }
}

/** Consecutive deliveries sent at the same moment form one step. */
function groups(sequence: readonly Delivery[]): Delivery[][] {
  const out: Delivery[][] = [];
  for (const delivery of sequence) {
    const last = out[out.length - 1];
    if (last && (last[0] as Delivery).moment === delivery.moment) last.push(delivery);
    else out.push([delivery]);
  }
  return out;
}

export const sameState = (a: StateValue, b: StateValue): boolean => canonical(a) === canonical(b);
