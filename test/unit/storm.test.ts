import { describe, expect, it } from 'vitest';
import { StormBuilder, outcomeOf, reproduceCommand } from '../../src/simulate/storm-picture.js';
import { OUTCOMES } from '../../src/simulate/storm-types.js';
import type { ReportSummary } from '../../src/simulate/report.js';
import type { AttemptRecord, EventOutcome } from '../../src/simulate/types.js';

function report(overrides: Partial<ReportSummary> = {}): ReportSummary {
  return {
    tool: 'heapstream-webhooks/test',
    target: 'http://127.0.0.1:3000/hook',
    scenario: null,
    command: null,
    startedAt: '2026-11-27T10:00:00.000Z',
    durationMs: 1_000,
    settings: { schedule: ['1m', '5m'], clock: 'real', timeScale: 60, maxAttempts: 3, lastAttemptDueMs: 360_000, timeoutMs: 5_000, concurrency: 10, duplicateRate: 0, duplicates: 0, reorder: false, outage: null, answerLoss: 0, networkLatencyMs: 0, maxLatencyMs: null, seed: 7 },
    totals: { events: 0, delivered: 0, exhausted: 0, duplicatesRefused: 0, tooSlow: 0, attempts: 0, retries: 0, timeouts: 0, unreachable: 0, badAnswers: 0, errors: 0, outageFailures: 0, answersLost: 0, non2xx: {}, duplicatesSent: 0, unfinished: 0 },
    latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
    maxInFlight: 2,
    scheduler: { maxPending: 0, loopStallMs: 0, scheduledAttempts: 0, latenessMs: { p50: 0, p95: 0, p99: 0, max: 0 }, behind: null },
    recovery: null,
    check: null,
    verdict: { ok: true, reasons: [] },
    warnings: [],
    interrupted: null,
    worstEvents: [],
    ...overrides,
  };
}

function attempt(at: number, fields: Partial<AttemptRecord> = {}): AttemptRecord {
  return { attempt: 1, copy: 0, at, delayedMs: 0, status: 200, error: null, latencyMs: 10, ok: true, ...fields };
}

function event(index: number, attempts: AttemptRecord[], fields: Partial<EventOutcome> = {}): EventOutcome {
  return { index, type: 'video.ready', videoId: index, source: 'synthetic', delivered: true, exhausted: false, duplicateRefused: false, tooSlow: false, duplicatesSent: 0, attempts, ...fields };
}

const o = (name: (typeof OUTCOMES)[number]): number => OUTCOMES.indexOf(name);

describe('storm picture', () => {
  it('classifies each attempt by how it ended', () => {
    expect(OUTCOMES[outcomeOf({ error: null, status: 204, copy: 0 })]).toBe('2xx');
    expect(OUTCOMES[outcomeOf({ error: null, status: 200, copy: 1 })]).toBe('duplicate');
    expect(OUTCOMES[outcomeOf({ error: null, status: 500, copy: 1 })]).toBe('non-2xx');
    expect(OUTCOMES[outcomeOf({ error: 'outage', status: 503, copy: 0 })]).toBe('outage');
    expect(OUTCOMES[outcomeOf({ error: 'answer-lost', status: 200, copy: 0 })]).toBe('answer-lost');
    expect(OUTCOMES[outcomeOf({ error: 'timeout', status: null, copy: 0 })]).toBe('timeout');
  });

  it('counts fail-first-2 runs into buckets, histogram bins and attempts per event', () => {
    const builder = new StormBuilder(report(), { buckets: 10 });
    for (let i = 0; i < 4; i++) {
      builder.add(event(i, [attempt(5 + i, { status: 500, ok: false }), attempt(305 + i, { attempt: 2, status: 500, ok: false }), attempt(605 + i, { attempt: 3, latencyMs: 120 })]));
    }
    const data = builder.finish();
    expect(data.buckets).toMatchObject({ widthMs: 100, count: 10 });
    const counts = data.buckets.byType[0] as number[];
    const at = (bucket: number, outcome: number): number => counts[bucket * OUTCOMES.length + outcome] as number;
    expect([at(0, o('non-2xx')), at(3, o('non-2xx')), at(6, o('2xx'))]).toEqual([4, 4, 4]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    const bins = data.histogram.byType[0] as number[];
    expect(bins.reduce((a, b) => a + b, 0)).toBe(12);
    expect(bins[data.histogram.edgesMs.indexOf(20)]).toBe(8); // 10 ms: below 20, at or above 10
    expect(bins[data.histogram.edgesMs.indexOf(200)]).toBe(4);
    expect(data.attemptsPerEvent).toEqual([0, 0, 0, 4]);
    expect(data.buckets.p50[0]).toBe(10);
    expect(data.buckets.p99[6]).toBe(120);
    expect(data.buckets.p50[1]).toBeNull();
  });

  it('measures the most requests in flight per bucket from starts and ends', () => {
    const builder = new StormBuilder(report(), { buckets: 10 });
    builder.add(event(0, [attempt(10, { latencyMs: 250 })]));
    builder.add(event(1, [attempt(20, { latencyMs: 30 })]));
    builder.add(event(2, [attempt(150, { latencyMs: 10 })]));
    expect(builder.finish().buckets.inFlight.slice(0, 4)).toEqual([2, 2, 1, 0]);
  });

  it('counts attempts never sent (outage) in the histogram, apart from latencies, and marks the outage and the burst', () => {
    const builder = new StormBuilder(report({ recovery: { at: 400, firstAttemptAt: 410.5, attemptsWithinBurst: 2, burstWindowMs: 1_000 } }), { buckets: 10 });
    builder.add(event(0, [attempt(0, { error: 'outage', status: 503, ok: false, latencyMs: 0 }), attempt(410.5, { attempt: 2 })]));
    builder.add(event(1, [attempt(0, { error: 'outage', status: 503, ok: false, latencyMs: 0 }), attempt(411, { attempt: 2 })]));
    const data = builder.finish();
    const bins = data.histogram.byType[0] as number[];
    expect(bins.at(-1)).toBe(2);
    expect(bins.reduce((a, b) => a + b, 0)).toBe(4);
    expect(data.outage).toEqual({ endMs: 400 });
    expect(data.recovery).toEqual({ firstAttemptAt: 410.5, windowMs: 1_000, attempts: 2 });
    expect(data.buckets.inFlight[0]).toBe(0);
  });

  it('keeps failing events (up to a cap), the worst and a sample, and counts the rest', () => {
    const builder = new StormBuilder(report(), { keepFailing: 2, worst: 1, sample: 3 });
    for (let i = 0; i < 5; i++) builder.add(event(i, [attempt(i, { status: 500, ok: false })], { delivered: false, exhausted: true }));
    for (let i = 5; i < 100; i++) builder.add(event(i, i === 50 ? [attempt(i, { status: 500, ok: false }), attempt(i + 1, { attempt: 2 })] : [attempt(i)]));
    const data = builder.finish();
    expect(data.kept).toEqual({ failing: 2, failingTotal: 5, sample: 3, worst: 1 });
    expect(data.events.filter((e) => e.why === 'failing').map((e) => e.index)).toEqual([0, 1]);
    // The worst of the rest: an exhausted event beyond the cap outranks a retried one.
    expect(data.events.filter((e) => e.why === 'worst').map((e) => e.exhausted)).toEqual([true]);
    expect(data.events.filter((e) => e.why === 'sample').every((e) => !e.exhausted)).toBe(true);
    expect(data.events).toHaveLength(6);
  });

  it('separates event types', () => {
    const builder = new StormBuilder(report());
    builder.add(event(0, [attempt(0)]));
    builder.add(event(1, [attempt(0)], { type: null }));
    const data = builder.finish();
    expect(data.types).toEqual(['video.ready', '(none)']);
    expect(data.histogram.byType.map((bins) => bins.reduce((a, b) => a + b, 0))).toEqual([1, 1]);
  });

  it("uses the report's own command to reproduce the run, else writes one from its settings", () => {
    expect(reproduceCommand(report({ command: 'heapstream-webhooks simulate --to http://x --seed 3' }))).toBe('heapstream-webhooks simulate --to http://x --seed 3');
    expect(reproduceCommand(report({ scenario: 'outage', totals: { ...report().totals, events: 20 } }))).toBe(
      'heapstream-webhooks simulate --to http://127.0.0.1:3000/hook --scenario outage --events 20 --schedule 1m,5m --time-scale 60 --max-attempts 3 --timeout 5000 --concurrency 10 --seed 7',
    );
  });
});
