/**
 * The state oracle in-process: handlers with one known effect bug each (Express and a plain
 * Node listener) are caught by the differential verdict, shrunk to their expected minimal
 * reproduction and named; their corrected versions pass. Virtual time throughout.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import type { SimulateOptions } from '../../src/simulate/settings.js';
import { createLogic, expressApp, nodeListener, type Bug } from '../helpers/buggy-handlers.js';

/** A timeout short enough for tests; the slow handler's work is 6/5 of it, as 6 s is of 5 s. */
const TIMEOUT = 40;

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
    const buggy = createLogic(bug, false, { workMs: TIMEOUT * 1.2 });
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

    const fixed = createLogic(bug, true, { workMs: TIMEOUT * 1.2 });
    const passing = await simulate({ target: adapt(fixed), path: '/webhooks', state: fixed.state, reset: fixed.reset, ...runs[bug] });
    expect(passing.effects).toMatchObject({ ok: true, differences: [], reproduction: null, kind: null });
    expect(passing.verdict).toEqual({ ok: true, reasons: [] });
  });
});
