/**
 * The state oracle in-process: handlers with one known effect bug each (Express and a plain
 * Node listener) are caught by the differential verdict, shrunk to their expected minimal
 * reproduction and named; their corrected versions pass. Virtual time throughout.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import type { SimulateOptions } from '../../src/simulate/simulate-options.js';
import { createLogic, expressApp, nodeListener, type Bug } from '../helpers/buggy-handlers.js';

/**
 * A timeout short enough for tests. The slow handler's work outlasts it, as 6 s outlasts
 * HeapStream's 5 s, and ends within the settle after it (as long again): by margins that a
 * busy machine does not eat.
 */
const TIMEOUT = 100;
const WORK = TIMEOUT * 1.5;

// Rows are inserted in whatever order deliveries finish: compared as a multiset.
const runs: Record<Bug, Omit<SimulateOptions, 'target'>> = {
  'insert-per-delivery': { events: 14, duplicates: 1, seed: 4, stateUnordered: ['rows'] },
  'last-write-wins': { events: 14, reorder: true, seed: 2 },
  'check-then-insert': { events: 6, scenario: 'concurrent-duplicates', seed: 1, stateUnordered: ['rows'] },
  'commit-after-timeout': { events: 2, type: 'video.created', maxAttempts: 2, timeout: TIMEOUT, seed: 1, stateUnordered: ['rows'] },
};

const expected: Record<Bug, { kind: string; words: RegExp; difference: RegExp }> = {
  'insert-per-delivery': { kind: 'duplicate-processed-twice', words: /^the same `video\.created` \(video \d+\) delivered twice → rows: 1 row → 2 rows$/, difference: /^rows: \d+ rows? → \d+ rows$/ },
  'last-write-wins': { kind: 'older-after-newer', words: /^`video\.\w+` \(video (\d+)\) then `video\.\w+` \(video \1\) → videos\[\1\]\.status: "\w+" → "\w+"$/, difference: /^videos\[\d+\]\.status: "\w+" → "\w+"$/ },
  'check-then-insert': { kind: 'concurrent-duplicates', words: /^two copies of `video\.\w+` \(video \d+\) at the same moment → rows: 1 row → 2 rows$/, difference: /^rows: 6 rows → 12 rows$/ },
  'commit-after-timeout': { kind: 'processed-after-timeout', words: /^`video\.created` \(video \d+\) timed out, its work was committed after HeapStream gave up, and its retry processed it again → rows: 1 row → 2 rows$/, difference: /^rows: 2 rows → 4 rows$/ },
};

const adapters = { express: expressApp, 'Node listener': nodeListener } as const;

describe.each(Object.entries(adapters))('the state oracle with %s handlers', (_name, adapt) => {
  it.each(Object.keys(runs) as Bug[])('%s: detected, shrunk to its minimal reproduction and named; the corrected handler passes', async (bug) => {
    const buggy = createLogic(bug, false, { workMs: WORK });
    const report = await simulate({ target: adapt(buggy), path: '/webhooks', state: buggy.state, reset: buggy.reset, ...runs[bug] });
    const effects = report.effects;
    expect(effects?.ok).toBe(false);
    expect(effects?.differences[0]?.text).toMatch(expected[bug].difference);
    expect(effects?.kind).toBe(expected[bug].kind);
    const repro = effects?.reproduction;
    expect(repro?.oneMinimal).toBe(true);
    expect(repro?.words).toMatch(expected[bug].words);
    expect(repro?.deliveries).toHaveLength(2);
    if (bug === 'commit-after-timeout') {
      // The timed-out attempt, then its retry.
      expect(repro?.deliveries.map((d) => [d.index, d.attempt, d.result])).toEqual([
        [repro?.deliveries[0]?.index, 1, 'timeout'],
        [repro?.deliveries[0]?.index, 2, 'timeout'],
      ]);
      expect(repro?.deliveries[0]?.committedAfterTimeout).toBe(true);
    }
    if (bug === 'check-then-insert') expect(repro?.deliveries.map((d) => d.together)).toEqual([false, true]);
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons.at(-1)).toContain(`${effects?.title}: ${repro?.words}`);
    expect(effects?.trials).toBeGreaterThan(0);

    const fixed = createLogic(bug, true, { workMs: WORK });
    const passing = await simulate({ target: adapt(fixed), path: '/webhooks', state: fixed.state, reset: fixed.reset, ...runs[bug] });
    expect(passing.effects).toMatchObject({ ok: true, differences: [], reproduction: null, kind: null });
    expect(passing.verdict).toEqual({ ok: true, reasons: [] });
  });
});

describe('scenario concurrent-duplicates', () => {
  it("sends every event's copies at the same moment: in flight together, over the concurrency limit, counted as duplicates", async () => {
    const inFlight = new Map<string, number>();
    const together: number[] = [];
    let release: () => void = () => undefined;
    const target = {
      async fetch(request: Request): Promise<Response> {
        const body = await request.text();
        const n = (inFlight.get(body) ?? 0) + 1;
        inFlight.set(body, n);
        together.push(n);
        // The first copy waits for the second: it can only arrive while the first is in flight.
        if (n === 1) await new Promise<void>((resolve) => (release = resolve));
        else release();
        return new Response(null, { status: 204 });
      },
    };
    const report = await simulate({ target, events: 5, scenario: 'concurrent-duplicates', concurrency: 1, seed: 1 });
    expect(together).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(report.totals).toMatchObject({ delivered: 5, attempts: 10, duplicatesSent: 5 });
    expect(report.maxInFlight).toBe(2);
    expect(report.settings.concurrentDuplicates).toBe(1);
  });
});

describe('the words of a reproduction', () => {
  it('a lost answer, retried after a newer event: "`video.ready` then a late retry of `video.encoding`"', async () => {
    const app = createLogic('last-write-wins', false);
    const report = await simulate({ target: nodeListener(app), events: 7, scenario: 'flaky', seed: 2, state: app.state, reset: app.reset });
    expect(report.effects?.kind).toBe('older-after-newer');
    expect(report.effects?.reproduction?.words).toMatch(/^`video\.ready` \(video (\d+)\) then a late retry of `video\.encoding` \(video \1\) → videos\[\1\]\.status: "ready" → "encoding"$/);
    expect(report.effects?.reproduction?.deliveries.map((d) => [d.type, d.attempt])).toEqual([
      ['video.ready', 1],
      ['video.encoding', 2],
    ]);
  });
});

describe('the state oracle refuses what would make a false verdict', () => {
  const app = createLogic('insert-per-delivery', false);
  const target = nodeListener(app);

  const cases: [string, object, string, RegExp][] = [
    ['a state that is not JSON', { state: () => ({ n: 1n }), reset: app.reset }, 'HSW_STATE_INVALID', /^state\(\) returned a value that is not JSON/],
    ['a state of undefined', { state: () => undefined, reset: app.reset }, 'HSW_STATE_INVALID', /^state\(\) returned undefined/],
    ['a state read that fails', { state: () => Promise.reject(new Error('database down')), reset: app.reset }, 'HSW_STATE_FAILED', /^state\(\) threw: database down$/],
    [
      'a reset that fails',
      {
        state: app.state,
        reset: () => {
          throw new Error('locked');
        },
      }, 'HSW_RESET_FAILED', /^reset\(\) threw: locked$/],
    ['a reset that does not empty the state', { state: app.state, reset: () => undefined }, 'HSW_RESET_INEFFECTIVE', /^reset\(\) did not empty the state that state\(\) reads \(after the reference run, a reset left rows at \d+ rows, not 0 rows\)/],
    ['state without reset', { state: app.state }, 'HSW_BAD_VALUE', /^reset is missing: with state, give reset too/],
    ['a state that is not a function', { state: 'http://x', reset: app.reset }, 'HSW_BAD_VALUE', /^state is a string; give a function/],
    ['paths that are not strings', { state: app.state, reset: app.reset, stateIgnore: [1] }, 'HSW_BAD_VALUE', /^stateIgnore \[1\] is not a list of paths/],
  ];
  it.each(cases)('%s: a one-line error with exit code 2', async (_what, options, code, message) => {
    app.reset();
    const error = await simulate({ target, events: 7, seed: 1, ...options }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code, exitCode: 2 });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('shrinking', () => {
  it('is deterministic for a seed: the same reproduction, in the same number of trials', async () => {
    const shrink = async (): Promise<unknown> => {
      const app = createLogic('insert-per-delivery', false);
      const report = await simulate({ target: nodeListener(app), events: 40, scenario: 'duplicates', concurrency: 4, seed: 11, state: app.state, reset: app.reset, stateUnordered: ['rows'] });
      return { reproduction: report.effects?.reproduction, trials: report.effects?.trials, differences: report.effects?.differences };
    };
    const first = await shrink();
    expect(first).toMatchObject({ reproduction: { oneMinimal: true } });
    expect(await shrink()).toEqual(first);
  });

  it('a handler that does its work, then answers 500: the retry does it again, and the reference (each event once) says so', async () => {
    const rows: string[] = [];
    const seen = new Set<string>();
    const target = async (request: Request): Promise<Response> => {
      const body = await request.text();
      rows.push(body);
      // A notification that fails after the insert was committed, the first time.
      if (seen.has(body)) return new Response(null, { status: 204 });
      seen.add(body);
      return new Response(null, { status: 500 });
    };
    const report = await simulate({
      target: { fetch: target },
      events: 8,
      seed: 3,
      state: () => ({ rows: rows.length }),
      reset: () => {
        rows.length = 0;
        seen.clear();
      },
    });
    expect(report.totals).toMatchObject({ delivered: 8, retries: 8 });
    expect(report.effects).toMatchObject({ ok: false, referenceDeliveries: 8, scenarioDeliveries: 16, differences: [{ text: 'rows: 8 → 16' }], kind: 'processed-then-refused' });
    expect(report.effects?.reproduction?.words).toMatch(/^`video\.\w+` \(video \d+\) answered 500 after doing its work, and its retry did it again → rows: 1 → 2$/);
    expect(report.effects?.reproduction?.deliveries.map((d) => [d.attempt, d.result])).toEqual([
      [1, '500'],
      [2, '204'],
    ]);
  });

  it('an abort while shrinking stops it, and simulate() rejects', async () => {
    const app = createLogic('insert-per-delivery', false);
    const controller = new AbortController();
    let reads = 0;
    const state = (): Promise<unknown> => {
      // The empty state, the reference, the check after reset, the scenario's: then shrinking.
      if (++reads === 6) controller.abort(new Error('enough'));
      return app.state();
    };
    await expect(simulate({ target: nodeListener(app), events: 14, duplicates: 1, seed: 4, state, reset: app.reset, signal: controller.signal })).rejects.toThrow('enough');
    expect(reads).toBe(6);
  });

  it('says when the difference does not happen one delivery at a time', async () => {
    // A read-modify-write across events: only deliveries that overlap lose updates.
    let total = 0;
    const target = async (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): Promise<void> => {
      for await (const _chunk of req);
      const read = total;
      await new Promise((resolve) => setTimeout(resolve, 2));
      total = read + 1;
      res.end();
    };
    const report = await simulate({ target, events: 10, seed: 1, state: () => ({ total }), reset: () => void (total = 0) });
    expect(report.effects).toMatchObject({ ok: false, kind: 'concurrency-race', reproduction: null });
    expect(report.effects?.differences[0]?.text).toMatch(/^total: 10 → \d$/);
    expect(report.effects?.note).toMatch(/replayed one at a time in the same order, end in the reference state/);
  });
});
