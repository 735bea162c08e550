import { describe, expect, it } from 'vitest';
import { scheduleKeeping } from '../../src/simulate/lateness.js';
import { DEFAULT_SCHEDULE } from '../../src/simulate/schedule.js';
import { engineSettings, runOnManualClock } from '../helpers/engine.js';

describe('engine lateness: from due to sent, waiting for a slot included', () => {
  it('a retry stuck behind a full concurrency is late by its wait, and the report and warning say so', async () => {
    // One slot, three events, 400 ms per attempt, retries 100 ms (6 s HeapStream time) after a
    // failure: the first attempts hold the slot until 1200 ms, so each retry waits 700 ms for it.
    const { report, result } = await runOnManualClock({ settings: engineSettings(), events: 3, durationMs: 400 });
    const retries = [0, 1, 2].flatMap((i) => result.outcome(i).attempts.filter((a) => a.attempt === 2));
    expect(retries.map((a) => a.delayedMs)).toEqual([700, 700, 700]);
    expect(report.scheduler.scheduledAttempts).toBe(3);
    expect(report.scheduler.latenessMs.max).toBe(700);
    expect(report.scheduler.behind).toEqual({ attempts: 3, maxMs: 700, maxHeapStreamMs: 42_000, worstGapHeapStreamMs: 6_000, worstShareOfGap: 7 });
    expect(report.warnings).toEqual([
      'behind schedule: 3 of 3 retries and duplicates went out later than a tenth of the gap before them, up to 42s late in HeapStream time (700 ms of run time, one 700% of its 6s gap), so the handler did not see the modeled schedule; give more concurrency (now 1) or a smaller timeScale (now 60)',
    ]);
  });

  it('with slots to spare the schedule is kept: no lateness, no warning', async () => {
    const { report } = await runOnManualClock({ settings: engineSettings({ concurrency: 3 }), events: 3, durationMs: 400 });
    expect(report.scheduler.latenessMs.max).toBe(0);
    expect(report.scheduler.behind).toBeNull();
    expect(report.warnings).toEqual([]);
  });

  it('lateness is judged against the gap it stretches: the same 300 ms is behind for a 1 s gap, not for a 10 s one', async () => {
    // One slot, two events: event 0's retry falls due `gap` after it failed, while event 1's
    // first attempt (gap + 300 ms long) holds the slot, so it goes out 300 ms late; event 1's
    // retry in turn waits as long for event 0's.
    const run = (gapMs: number) => runOnManualClock({ settings: engineSettings({ schedule: [gapMs * 60], maxAttempts: 2 }), events: 2, durationMs: gapMs + 300 });
    const short = await run(1_000);
    const long = await run(10_000);
    expect(short.report.scheduler.latenessMs.max).toBe(300);
    expect(long.report.scheduler.latenessMs.max).toBe(300);
    expect(short.report.scheduler.behind).toMatchObject({ attempts: 2, worstShareOfGap: 0.3 });
    expect(long.report.scheduler.behind).toBeNull();
    expect(long.report.warnings).toEqual([]);
  });

  it("the default compression, retries 60 ms late (what a busy 2-core machine adds): no warning", async () => {
    // The default schedule within 30 s: the 1m gap lasts 21 ms. Event 1's first attempt
    // (81 ms) holds the one slot while event 0's first retry falls due: it goes out 60 ms late.
    const settings = engineSettings({ schedule: [...DEFAULT_SCHEDULE], scale: DEFAULT_SCHEDULE.reduce((sum, delay) => sum + delay, 0) / 30_000, maxAttempts: 2 });
    const { report } = await runOnManualClock({ settings, events: 2, durationMs: 81 });
    expect(report.scheduler.latenessMs.max).toBeCloseTo(60, 0);
    expect(report.scheduler.behind).toBeNull();
    expect(report.warnings).toEqual([]);
  });

  it('lateness within what a loaded machine adds is not behind, even against a short gap', async () => {
    // 100 ms late against a 100 ms gap: the noise of a busy machine, not a bunched schedule.
    const { report } = await runOnManualClock({ settings: engineSettings({ schedule: [100 * 60], concurrency: 1 }), events: 2, durationMs: 200 });
    expect(report.scheduler.latenessMs.max).toBe(100);
    expect(report.scheduler.behind).toBeNull();
  });

  it("lateness the machine's own stalls explain (the event loop held up that long) is not behind", async () => {
    const { result } = await runOnManualClock({ settings: engineSettings(), events: 3, durationMs: 400 });
    // The same 700 ms waits: behind without a stall, noise after a 600 ms one (×1.2 margin).
    expect(scheduleKeeping(result, engineSettings(), 0).behind).not.toBeNull();
    expect(scheduleKeeping(result, engineSettings(), 600)).toMatchObject({ loopStallMs: 600, behind: null });
  });

  it('counts duplicate copies as scheduled, first attempts not', async () => {
    // Everything succeeds; one duplicate per event, due within 50 ms (3 s HeapStream time).
    const { report } = await runOnManualClock({ settings: engineSettings({ concurrency: 1, duplicates: 1, duplicateWindowMs: 3_000 }), events: 4, durationMs: 100, answer: () => 200 });
    expect(report.totals.duplicatesSent).toBe(4);
    expect(report.scheduler.scheduledAttempts).toBe(4);
    // The copies wait behind the first attempts (400 ms of them) although due within 50 ms.
    expect(report.scheduler.behind?.attempts).toBeGreaterThan(0);
  });
});
