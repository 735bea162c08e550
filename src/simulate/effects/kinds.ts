/**
 * The minimal sequence named: which known bug it is, and a sentence a person reads in a
 * test failure ("the same `video.created` (video 500) delivered twice → rows: 1 row → 2 rows").
 */
import { printable } from '../../text/printable.js';
import type { EventStore } from '../event-store.js';
import { diffStates, type StateValue } from './state-diff.js';
import type { TrialStep } from './trials.js';
import { sameState } from './trials.js';
import type { Delivery, FailureKind, ReproDelivery } from './types.js';

export interface Classified {
  kind: FailureKind;
  words: string;
  deliveries: ReproDelivery[];
}

/**
 * `steps`: the minimal sequence replayed with a state read after each step; `before`: the
 * state after the reset; `effect`: the sequence's difference from its own reference, as text.
 */
export function classify(steps: readonly TrialStep[], before: StateValue, effect: string, events: EventStore, rank: Uint32Array): Classified {
  const deliveries: ReproDelivery[] = [];
  let previous = before;
  /** Events whose delivery timed out and whose work was committed after it. */
  const committedLate = new Set<number>();
  let retriedAfterLateCommit: number | undefined;
  /** Events whose delivery was answered non-2xx and still changed the state. */
  const refusedWithEffect = new Map<number, number>();
  for (const step of steps) {
    const state = step.state ?? previous;
    const changes = diffStates(previous, state).map((difference) => difference.text);
    const late = step.atTimeout !== undefined && !sameState(step.atTimeout, state);
    step.deliveries.forEach((delivery, i) => {
      const result = step.results[i];
      const timedOut = result?.error?.kind === 'timeout';
      if (committedLate.has(delivery.event)) retriedAfterLateCommit ??= delivery.event;
      if (timedOut && late) committedLate.add(delivery.event);
      const refused = result !== undefined && !result.ok && !result.error && result.status !== undefined;
      if (refused && i === 0 && changes.length > 0 && step.deliveries.length === 1) refusedWithEffect.set(delivery.event, result.status as number);
      deliveries.push({
        index: delivery.event,
        type: events.type(delivery.event),
        videoId: events.videoId(delivery.event),
        copy: delivery.copy,
        attempt: delivery.attempt,
        together: i > 0,
        result: result?.error ? result.error.kind : String(result?.status ?? '-'),
        changes: i === 0 ? changes : [],
        ...(timedOut && late ? { committedAfterTimeout: true } : {}),
      });
    });
    previous = state;
  }

  const sequence = steps.flatMap((step) => step.deliveries);
  const counts = new Map<number, number>();
  for (const delivery of sequence) counts.set(delivery.event, (counts.get(delivery.event) ?? 0) + 1);
  const repeated = [...counts.entries()].find(([, n]) => n > 1);
  const together = steps.find((step) => step.deliveries.length > 1 && new Set(step.deliveries.map((d) => d.event)).size < step.deliveries.length);
  const name = (event: number): string => eventName(events, event);

  if (together) {
    const event = (together.deliveries[0] as Delivery).event;
    return { kind: 'concurrent-duplicates', words: `${count(together.deliveries.length)} copies of ${name(event)} at the same moment → ${effect}`, deliveries };
  }
  if (retriedAfterLateCommit !== undefined) {
    const event = retriedAfterLateCommit;
    return { kind: 'processed-after-timeout', words: `${name(event)} timed out, its work was committed after HeapStream gave up, and its retry processed it again → ${effect}`, deliveries };
  }
  const refusedThenRetried = [...refusedWithEffect.keys()].find((event) => (counts.get(event) ?? 0) > 1);
  if (refusedThenRetried !== undefined) {
    return { kind: 'processed-then-refused', words: `${name(refusedThenRetried)} answered ${refusedWithEffect.get(refusedThenRetried)} after doing its work, and its retry did it again → ${effect}`, deliveries };
  }
  if (repeated) {
    const [event, n] = repeated;
    return { kind: 'duplicate-processed-twice', words: `the same ${name(event)} delivered ${n === 2 ? 'twice' : `${n} times`} → ${effect}`, deliveries };
  }
  const outOfOrder = sequence.some((delivery, i) => i > 0 && (rank[delivery.event] as number) < (rank[(sequence[i - 1] as Delivery).event] as number));
  const words = sequence.map((delivery, i) => describeDelivery(events, delivery, i > 0 && (rank[delivery.event] as number) < (rank[(sequence[i - 1] as Delivery).event] as number))).join(' then ');
  return { kind: outOfOrder ? 'older-after-newer' : 'state-differs', words: `${words} → ${effect}`, deliveries };
}

/** `` `video.created` (video 500) ``: printable, since the type comes from a fixture. */
function eventName(events: EventStore, event: number): string {
  const videoId = events.videoId(event);
  return `\`${printable(events.type(event) ?? 'event')}\`${videoId !== null ? ` (video ${videoId})` : ''}`;
}

/** A delivery in a sentence: "a late retry of `video.encoding` (video 500)", "a duplicate of …". */
function describeDelivery(events: EventStore, delivery: Delivery, late: boolean): string {
  const what = delivery.copy > 0 ? 'a duplicate of ' : delivery.attempt > 1 ? 'a retry of ' : '';
  return `${late && what ? `a late ${what.slice(2)}` : what}${eventName(events, delivery.event)}`;
}

function count(n: number): string {
  return ['no', 'one', 'two', 'three', 'four', 'five'][n] ?? String(n);
}
