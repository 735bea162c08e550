import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/options/flags.js';
import { DEFAULT_SCHEDULE, timeScale } from '../../src/simulate/schedule.js';
import type { SimulateSettings } from '../../src/simulate/types.js';
import { ceilDuration, checkSettings, type Compression } from '../../src/simulate/validate.js';
import { OPTION_NAMES, type OptionNames } from '../../src/simulate/option-table.js';
import { engineSettings } from '../helpers/engine.js';

const FLAGS: OptionNames = Object.fromEntries(Object.keys(OPTION_NAMES).map((key) => [key, `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`])) as unknown as OptionNames;

function settings(overrides: Partial<SimulateSettings> = {}, compression: Compression = { withinMs: 30_000 }): SimulateSettings {
  const schedule = overrides.schedule ?? DEFAULT_SCHEDULE;
  return engineSettings({ schedule, scale: timeScale(schedule, compression), maxAttempts: schedule.length + 1, concurrency: 10, ...overrides });
}

/** The error checkSettings throws, or undefined when the settings are accepted. */
function problem(s: SimulateSettings, compression: Compression = { withinMs: 30_000 }, scenario: string | null = null): { code: string; message: string } | undefined {
  try {
    checkSettings(s, { compression, scenario, names: FLAGS });
    return undefined;
  } catch (error) {
    return error as { code: string; message: string };
  }
}

describe('checkSettings: the compression must carry the schedule, the outage and the duplicate window', () => {
  it('accepts the defaults, and the smallest --within it suggests', () => {
    expect(problem(settings())).toBeUndefined();
    const within = { withinMs: 1 };
    const error = problem(settings({}, within), within);
    expect(error?.code).toBe('HSW_BAD_OPTIONS');
    // 1m of a 1431m schedule squeezed into 1 ms lasts 0.0007 ms.
    expect(error?.message).toMatch(/^--within 1ms is too short to carry the retry schedule's shortest delay \(1m would last 0\.0007 ms\)/);
    expect(error?.message).toMatch(/give --within 1\.5s or more$/);
    const suggested = { withinMs: parseDuration('--within', '1.5s') };
    expect(problem(settings({}, suggested), suggested)).toBeUndefined();
    // Just under the bound (1431 ms: the 1m delay would last 0.9993 ms) is refused.
    const under = { withinMs: 1_430 };
    expect(problem(settings({}, under), under)?.code).toBe('HSW_BAD_OPTIONS');
  });

  it('--within 0 with the outage scenario names both spans that would vanish', () => {
    const within = { withinMs: 0 };
    const message = problem(settings({ outageMs: 3_600_000 }, within), within, 'outage')?.message;
    expect(message).toMatch(/--within 0ms is too short to carry the retry schedule's shortest delay .* and the outage \(1h would last/);
  });

  it('an outage alone sets the bound when no retry is in play', () => {
    // One attempt only: no retry delay to carry, but a 10 s outage (which outlasts it) is refused.
    const within = { withinMs: 2_000 };
    expect(problem(settings({ maxAttempts: 1, outageMs: 10_000 }, within), within)?.message).toMatch(/--outage 10s outlasts every attempt \(the last, attempt 1, is due at 0ms\)/);
  });

  it('counts only the delays the attempts use, and the duplicate window only when duplicates are sent', () => {
    const schedule = [100, 60_000];
    const within = { withinMs: 50 };
    // 100 ms of 60.1 s in 50 ms: 0.08 ms. With 2 attempts only that delay is used…
    expect(problem(settings({ schedule, maxAttempts: 2 }, within), within)?.message).toMatch(/shortest delay \(100ms would last 0\.083 ms\).*give --within 601ms or more/);
    // …and without retries there is nothing to carry.
    expect(problem(settings({ schedule, maxAttempts: 1 }, within), within)).toBeUndefined();
    const tiny = settings({ duplicateWindowMs: 1_000 });
    expect(problem(tiny)).toBeUndefined();
    expect(problem({ ...tiny, duplicates: 1 })?.message).toMatch(/the duplicate window \(1s would last 0\.35 ms\).*give --within 1\.5m or more/);
  });

  it('--time-scale gets the largest scale that works', () => {
    const compression = { timeScale: 100_000 };
    const message = problem(settings({}, compression), compression)?.message;
    expect(message).toMatch(/^--time-scale 100000 is too fast to carry the retry schedule's shortest delay \(1m would last 0\.6 ms\).*give --time-scale 60000 or less$/);
    const fits = { timeScale: 60_000 };
    expect(problem(settings({}, fits), fits)).toBeUndefined();
  });

  it('ceilDuration never rounds below what it is given', () => {
    for (const ms of [0.2, 999.1, 1_431, 59_999, 60_001, 3_599_999, 86_400_001]) expect(parseDuration('x', ceilDuration(ms))).toBeGreaterThanOrEqual(ms);
  });
});

describe('checkSettings: combinations that make a run meaningless', () => {
  it.each([
    ['--timeout 0', { timeoutMs: 0 }, null, /^--timeout 0 ms fails every attempt/],
    ['--duplicate-rate with --duplicates', { duplicateRate: 0.5, duplicates: 2 }, null, /--duplicate-rate 0\.5 and --duplicates 2 both set how many duplicates are sent; give one/],
    ['--answer-loss 1', { answerLoss: 1 }, null, /--answer-loss 1 loses every answer/],
    ['--network-latency ≥ --timeout', { networkLatencyMs: 5_000 }, null, /--network-latency 5s can use up the whole --timeout 5s/],
    ['--max-latency 0', { maxLatencyMs: 0 }, null, /--max-latency 0 ms calls every accepted attempt too slow/],
    ['--max-latency ≥ --timeout', { maxLatencyMs: 5_000 }, null, /--max-latency 5s can never fail an event/],
    ['scenario outage with --outage 0', {}, 'outage', /scenario outage with --outage 0 has no outage/],
    ['scenario flaky with --answer-loss 0', {}, 'flaky', /scenario flaky with --answer-loss 0 loses no answers/],
    ['scenario slow with --network-latency 0', {}, 'slow', /scenario slow with --network-latency 0 adds no latency/],
    ['scenario duplicates without duplicates', {}, 'duplicates', /scenario duplicates with --duplicate-rate 0 sends no duplicates/],
    ['an outage past the last attempt', { outageMs: 3_600_000, maxAttempts: 4 }, 'outage', /--outage 1h outlasts every attempt \(the last, attempt 4, is due at 21m\)/],
  ] as const)('refuses %s', (_name, overrides, scenario, message) => {
    const error = problem(settings(overrides as Partial<SimulateSettings>), { withinMs: 30_000 }, scenario);
    expect(error?.code).toBe('HSW_BAD_OPTIONS');
    expect(error?.message).toMatch(message);
  });

  it('accepts the scenarios as preset, and an outage that ends before the last attempt', () => {
    expect(problem(settings({ outageMs: 3_600_000 }), { withinMs: 30_000 }, 'outage')).toBeUndefined();
    expect(problem(settings({ answerLoss: 0.3 }), { withinMs: 30_000 }, 'flaky')).toBeUndefined();
    expect(problem(settings({ networkLatencyMs: 3_000 }), { withinMs: 30_000 }, 'slow')).toBeUndefined();
    expect(problem(settings({ duplicateRate: 1, reorder: true }), { withinMs: 30_000 }, 'duplicates')).toBeUndefined();
    expect(problem(settings({ outageMs: 20 * 60_000, maxAttempts: 4 }))).toBeUndefined();
  });

  it("speaks of simulate()'s option names by default", () => {
    expect(() => checkSettings(settings({ timeoutMs: 0 }), { compression: { withinMs: 30_000 }, scenario: null })).toThrow(/^timeout 0 ms/);
    const within = { withinMs: 1 };
    expect(() => checkSettings(settings({}, within), { compression: within, scenario: null })).toThrow(/^within 1ms is too short .*give within 1\.5s or more$/);
  });

  it('on virtual time, no compression is too fast (timers jump to the due time), and the other rules still hold', () => {
    const within = { withinMs: 1 };
    expect(() => checkSettings(settings({ outageMs: 3_600_000 }, within), { compression: within, scenario: 'outage', virtualTime: true })).not.toThrow();
    expect(() => checkSettings(settings({ answerLoss: 1 }, within), { compression: within, scenario: null, virtualTime: true })).toThrow(/^answerLoss 1 loses every answer/);
  });
});
