import { describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../src/simulate/clock.js';
import { MinHeap } from '../../src/simulate/heap.js';
import { RetryPolicy } from '../../src/simulate/policy.js';
import { DEFAULT_SCHEDULE, parseSchedule, timeScale } from '../../src/simulate/schedule.js';
import { Scheduler } from '../../src/simulate/scheduler.js';
import { createRandom } from '../../src/events/random.js';

describe('MinHeap', () => {
  it('pops in key order, ties in insertion order', () => {
    const heap = new MinHeap<string>();
    const random = createRandom(5);
    const keys = Array.from({ length: 1_000 }, () => Math.floor(random() * 100));
    keys.forEach((key, i) => heap.push(key, `${key}:${i}`));
    const popped: string[] = [];
    while (heap.size > 0) popped.push(heap.pop()?.item ?? '');
    const expected = keys.map((key, i) => ({ key, i })).sort((a, b) => a.key - b.key || a.i - b.i).map(({ key, i }) => `${key}:${i}`);
    expect(popped).toEqual(expected);
  });
});

describe('Scheduler on a manual clock', () => {
  it('runs a full 24 h retry schedule in no real time, on the exact minutes', () => {
    const clock = new ManualClock();
    const policy = new RetryPolicy(DEFAULT_SCHEDULE, 10, 0, createRandom(1));
    const ranAt: number[] = [];
    let attempt = 0;
    const scheduler: Scheduler<string> = new Scheduler(clock, () => {
      attempt++;
      ranAt.push(clock.now());
      const delay = policy.nextDelay(attempt);
      if (delay !== undefined) scheduler.schedule(clock.now() + delay, 'retry');
    });
    scheduler.schedule(0, 'first');
    const started = performance.now();
    clock.advance(25 * 3_600_000);
    // Against the time it stands for: a thousand times faster than real time at the very least.
    expect(performance.now() - started).toBeLessThan((25 * 3_600_000) / 1_000);
    const minutes = ranAt.map((t) => t / 60_000);
    expect(minutes).toEqual([0, 1, 6, 21, 51, 111, 231, 471, 951, 1431]);
    expect(attempt).toBe(10);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps one timer for many pending items and runs them in due order', async () => {
    const clock = new ManualClock();
    const order: number[] = [];
    const lateness: number[] = [];
    const scheduler = new Scheduler<number>(clock, (item, due) => {
      order.push(item);
      lateness.push(clock.now() - due);
    });
    const random = createRandom(9);
    const dues = Array.from({ length: 10_000 }, () => Math.floor(random() * 86_400_000));
    dues.forEach((due, i) => scheduler.schedule(due, i));
    // Moving the armed timer earlier happens once, after the current job.
    await Promise.resolve();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(86_400_000);
    expect(order).toHaveLength(10_000);
    const firedDues = order.map((i) => dues[i] as number);
    expect([...firedDues].sort((a, b) => a - b)).toEqual(firedDues);
    expect(Math.max(...lateness)).toBe(0);
  });

  it('re-arms for an item due earlier than the armed one', async () => {
    const clock = new ManualClock();
    const order: string[] = [];
    const scheduler = new Scheduler<string>(clock, (item) => order.push(item));
    scheduler.schedule(1_000, 'late');
    scheduler.schedule(10, 'early');
    await Promise.resolve();
    clock.advance(10);
    expect(order).toEqual(['early']);
    clock.advance(990);
    expect(order).toEqual(['early', 'late']);
  });

  it('poll() hands over what is due without waiting for the timer', () => {
    // A clock whose timers never fire: only poll() can hand items over.
    let now = 0;
    const clock: Clock = { now: () => now, setTimer: () => ({ id: 1 }), clearTimer: () => undefined };
    const handedOver: [string, number][] = [];
    const scheduler = new Scheduler<string>(clock, (item, due) => handedOver.push([item, now - due]));
    scheduler.schedule(5, 'a');
    scheduler.schedule(50, 'b');
    expect(scheduler.poll()).toBe(0);
    now = 60;
    expect(scheduler.poll()).toBe(2);
    expect(handedOver).toEqual([
      ['a', 55],
      ['b', 10],
    ]);
  });
});

describe('RetryPolicy', () => {
  it('stops after max attempts and repeats the last delay past the schedule', () => {
    const policy = new RetryPolicy([100, 200], 5, 0, createRandom(1));
    expect([1, 2, 3, 4, 5].map((n) => policy.nextDelay(n))).toEqual([100, 200, 200, 200, undefined]);
  });

  it('keeps jitter within its fraction', () => {
    const policy = new RetryPolicy([1_000], 100, 0.2, createRandom(3));
    const delays = Array.from({ length: 500 }, () => policy.nextDelay(1) as number);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(800);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_200);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });
});

describe('schedule', () => {
  it('parses durations and compresses 24 h into a given run time', () => {
    expect(parseSchedule('1m, 5m,1h')).toEqual([60_000, 300_000, 3_600_000]);
    const total = DEFAULT_SCHEDULE.reduce((a, b) => a + b, 0);
    expect(total).toBe(1431 * 60_000);
    expect(timeScale(DEFAULT_SCHEDULE, { withinMs: 30_000 })).toBeCloseTo(total / 30_000);
    expect(timeScale(DEFAULT_SCHEDULE, { timeScale: 100, withinMs: 30_000 })).toBe(100);
  });
});
