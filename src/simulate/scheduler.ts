/**
 * One timer over a priority queue: the timer is armed for the earliest due item only, and
 * re-armed when something earlier arrives or after it fires. Lateness (fire time minus due
 * time) is recorded, because a scheduler that runs late distorts the retry schedule it is
 * meant to emulate.
 */
import type { Clock, TimerHandle } from './clock.js';
import { MinHeap } from './heap.js';

export class Scheduler<T> {
  private readonly heap = new MinHeap<T>();
  private timer: TimerHandle | undefined;
  private armedFor = Infinity;
  private stopped = false;
  /** Lateness samples in ms, one per item run (bounded by the caller's sampling). */
  readonly lateness: number[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly run: (item: T, due: number) => void,
    private readonly recordLateness = true,
  ) {}

  get size(): number {
    return this.heap.size;
  }

  schedule(due: number, item: T): void {
    this.heap.push(due, item);
    if (due < this.armedFor) this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private arm(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    const next = this.heap.peekKey();
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
    const now = this.clock.now();
    // Everything due by now runs in due order; items scheduled meanwhile wait for the re-arm.
    while (!this.stopped) {
      const key = this.heap.peekKey();
      if (key === undefined || key > now) break;
      const entry = this.heap.pop() as { key: number; item: T };
      if (this.recordLateness) this.lateness.push(this.clock.now() - entry.key);
      this.run(entry.item, entry.key);
    }
    this.arm();
  }
}
