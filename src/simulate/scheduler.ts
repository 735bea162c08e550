/**
 * One timer over a priority queue: the timer is armed for the earliest due item only, and
 * re-armed when something earlier arrives or after it fires. The owner may also `poll()`
 * between timer firings (the engine does whenever an attempt ends), so a busy event loop
 * does not hold due retries back.
 */
import type { Clock, TimerHandle } from './clock.js';
import { MinHeap } from './heap.js';

export class Scheduler<T> {
  private readonly heap = new MinHeap<T>();
  private timer: TimerHandle | undefined;
  private armedFor = Infinity;
  private rearm = false;
  private stopped = false;

  /**
   * @param run receives each item once it is due
   * @param afterRun called once after a timer firing handed items over
   */
  constructor(
    private readonly clock: Clock,
    private readonly run: (item: T, due: number) => void,
    private readonly afterRun?: () => void,
  ) {}

  get size(): number {
    return this.heap.size;
  }

  schedule(due: number, item: T): void {
    this.heap.push(due, item);
    if (this.stopped || due >= this.armedFor) return;
    if (this.timer === undefined) {
      this.arm();
      return;
    }
    // Moving an armed timer earlier is deferred to the end of the current job, so that
    // scheduling 10,000 items in one go costs one timer, not 10,000 set-and-clear pairs.
    if (!this.rearm) {
      this.rearm = true;
      queueMicrotask(() => {
        this.rearm = false;
        this.arm();
      });
    }
  }

  /** Hands over everything already due; returns how many items that was. */
  poll(): number {
    if (this.stopped) return 0;
    const now = this.clock.now();
    let count = 0;
    for (;;) {
      const key = this.heap.peekKey();
      if (key === undefined || key > now) break;
      const entry = this.heap.pop() as { key: number; item: T };
      this.run(entry.item, entry.key);
      count++;
    }
    return count;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    if (this.stopped) return;
    const next = this.heap.peekKey();
    if (next === this.armedFor && this.timer !== undefined) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    if (next === undefined) {
      this.timer = undefined;
      this.armedFor = Infinity;
      return;
    }
    this.armedFor = next;
    this.timer = this.clock.setTimer(() => this.fire(), next - this.clock.now());
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    if (this.poll() > 0) this.afterRun?.();
    this.arm();
  }
}
