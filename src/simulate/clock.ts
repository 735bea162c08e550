/**
 * Time for the scheduler, injected so that tests run a 24-hour schedule in milliseconds.
 */
import { MinHeap } from './heap.js';

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

export const realClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, delayMs) => setTimeout(callback, Math.max(0, delayMs)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A clock that only moves when told to; timers fire in due order as it passes them. */
export class ManualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { due: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { due: this.time + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete((handle as { id: number }).id);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let next: [number, { due: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].due <= target && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].due;
      next[1].callback();
    }
    this.time = target;
  }
}

/** A promise that resolves after `ms` on `clock` (real or virtual time alike). */
export function wait(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(resolve, ms));
}

/**
 * Virtual time for in-process targets. It stands still while real work is in progress
 * (`hold()`: a delivery to the handler) and, once nothing is, jumps straight to the next
 * timer: a 24-hour retry schedule costs only the handler's own run time. Jumps happen one
 * macrotask after the work settles (`setImmediate`), so promise chains that schedule the
 * next timers have run by then.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private nextId = 1;
  private busy = 0;
  private stepQueued = false;
  private readonly due = new MinHeap<number>();
  private readonly callbacks = new Map<number, () => void>();

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.callbacks.set(id, callback);
    this.due.push(this.time + Math.max(0, delayMs), id);
    this.queueStep();
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.callbacks.delete((handle as { id: number }).id);
  }

  /** Runs real work; virtual time does not move until it settles. */
  async hold<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.busy--;
      this.queueStep();
    }
  }

  private queueStep(): void {
    if (this.stepQueued) return;
    this.stepQueued = true;
    setImmediate(() => {
      this.stepQueued = false;
      this.step();
    });
  }

  private step(): void {
    if (this.busy > 0) return;
    for (;;) {
      const entry = this.due.pop();
      if (!entry) return;
      const callback = this.callbacks.get(entry.item);
      // Cleared timers stay in the heap until they come up.
      if (!callback) continue;
      this.callbacks.delete(entry.item);
      this.time = Math.max(this.time, entry.key);
      callback();
      this.queueStep();
      return;
    }
  }
}
