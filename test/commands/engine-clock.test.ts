/**
 * The engine's clock and deliver seams: a ManualClock stepped by hand, the VirtualClock
 * that in-process targets run on, simulated latency on the run's clock, and onAttempt.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../src/http/types.js';
import { createRandom } from '../../src/events/random.js';
import { ManualClock, VirtualClock, type Clock } from '../../src/simulate/clock.js';
import { SimulationEngine, type Deliver } from '../../src/simulate/engine.js';
import { DEFAULT_SCHEDULE } from '../../src/simulate/schedule.js';
import { synthesizeEvents } from '../../src/simulate/sources.js';
import type { AttemptRecord, SimulateSettings } from '../../src/simulate/types.js';
import { engineSettings } from '../helpers/engine.js';

const MINUTE = 60_000;
/** Minutes after the start at which the default schedule makes its 10 attempts. */
const SCHEDULE_MINUTES = [0, 1, 6, 21, 51, 111, 231, 471, 951, 1431];

/** The default 24 h schedule at HeapStream time, ten in flight. */
function settings(overrides: Partial<SimulateSettings> = {}): SimulateSettings {
  return engineSettings({ schedule: DEFAULT_SCHEDULE, scale: 1, maxAttempts: 10, concurrency: 10, ...overrides });
}

const failing: Deliver = () => Promise.resolve<DeliveryResult>({ ok: false, status: 500, durationMs: 1 });

function engine(clock: Clock, deliver: Deliver, events: number, overrides: Partial<SimulateSettings> = {}, onAttempt?: (event: number, attempt: AttemptRecord) => void) {
  const store = synthesizeEvents({ count: events, type: 'video.ready', seed: 1 });
  const sim = new SimulationEngine({ settings: settings(overrides), clock, random: createRandom(1), deliver, ...(onAttempt ? { onAttempt } : {}) }, store);
  return { sim, order: store.order({ reorder: false, window: 10, seed: 1 }) };
}

describe('the engine on a ManualClock', () => {
  it('makes the 10 attempts of the 24-hour schedule at their exact minutes, as the clock is stepped', async () => {
    const clock = new ManualClock();
    const { sim, order } = engine(clock, failing, 1);
    let finished = false;
    const run = sim.run(order).then((result) => {
      finished = true;
      return result;
    });
    for (let minute = 0; minute <= 1_440 && !finished; minute++) {
      // Let the attempt in flight settle and schedule its retry, then move on a minute.
      await new Promise((resolve) => setImmediate(resolve));
      clock.advance(MINUTE);
    }
    const result = await run;
    expect(result.outcome(0).attempts.map((a) => a.at / MINUTE)).toEqual(SCHEDULE_MINUTES);
    expect(result.outcomeFlags(0)).toMatchObject({ exhausted: true, delivered: false });
  });
});

describe('VirtualClock', () => {
  it('jumps to each timer in due order when nothing holds it', async () => {
    const clock = new VirtualClock();
    const fired: [string, number][] = [];
    await new Promise<void>((resolve) => {
      clock.setTimer(() => fired.push(['late', clock.now()]), 3_600_000);
      const early = clock.setTimer(() => fired.push(['cleared', clock.now()]), 10);
      clock.setTimer(() => fired.push(['early', clock.now()]), 60_000);
      clock.setTimer(resolve, 86_400_000);
      clock.clearTimer(early);
    });
    expect(fired).toEqual([
      ['early', 60_000],
      ['late', 3_600_000],
    ]);
    expect(clock.now()).toBe(86_400_000);
  });

  it('stands still while held, however long the work takes in real time', async () => {
    const clock = new VirtualClock();
    let firedAt: number | undefined;
    clock.setTimer(() => (firedAt = clock.now()), 1_000);
    const work = clock.hold(() => new Promise((resolve) => setTimeout(resolve, 30)));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(firedAt).toBeUndefined();
    expect(clock.now()).toBe(0);
    await work;
    await new Promise((resolve) => setImmediate(resolve));
    expect(firedAt).toBe(1_000);
  });

  it('runs the 24-hour schedule for 20 events in well under a second, reporting HeapStream time', async () => {
    const clock = new VirtualClock();
    const seen: [number, AttemptRecord][] = [];
    const { sim, order } = engine(clock, failing, 20, {}, (event, attempt) => seen.push([event, attempt]));
    const started = performance.now();
    const result = await sim.run(order);
    // Against the time it stands for: a thousand times faster than HeapStream's 24 hours at the very least.
    expect(performance.now() - started).toBeLessThan(result.durationMs / 1_000);
    expect(result.log.count).toBe(200);
    expect(result.durationMs).toBe(1_431 * MINUTE);
    for (const index of order) expect(result.outcome(index).attempts.map((a) => a.at / MINUTE)).toEqual(SCHEDULE_MINUTES);
    // onAttempt hands over each attempt exactly as the report will show it.
    expect(seen).toHaveLength(200);
    for (const [event, attempt] of seen) expect(result.outcome(event).attempts).toContainEqual(attempt);
  });

  it('spends simulated network latency on the run clock, not in real time', async () => {
    const clock = new VirtualClock();
    const ok: Deliver = () => Promise.resolve<DeliveryResult>({ ok: true, status: 200, durationMs: 1 });
    const { sim, order } = engine(clock, ok, 20, { networkLatencyMs: 3_000 });
    const started = performance.now();
    const result = await sim.run(order);
    const latencies = order.reduce<number[]>((all, index) => [...all, ...result.outcome(index).attempts.map((a) => a.latencyMs)], []);
    expect(Math.max(...latencies)).toBeGreaterThan(1_000);
    // Spent in real time, one attempt's latency alone would take longer than the whole run did.
    expect(performance.now() - started).toBeLessThan(Math.max(...latencies));
    expect(result.durationMs).toBeGreaterThan(1_000);
  });
});
