import { describe, expect, it } from 'vitest';
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
    expect(report.scheduler.behind).toEqual({ attempts: 3, maxMs: 700, maxHeapStreamMs: 42_000, toleranceHeapStreamMs: 6_000 });
    expect(report.warnings).toEqual([
      'behind schedule: retries and duplicates went out up to 42s late in HeapStream time (700 ms of run time; 3 of 3 more than 6s late), so the handler did not see the modeled schedule; give more concurrency (now 1) or a smaller timeScale (now 60)',
    ]);
  });

  it('with slots to spare the schedule is kept: no lateness, no warning', async () => {
    const { report } = await runOnManualClock({ settings: engineSettings({ concurrency: 3 }), events: 3, durationMs: 400 });
    expect(report.scheduler.latenessMs.max).toBe(0);
    expect(report.scheduler.behind).toBeNull();
    expect(report.warnings).toEqual([]);
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
