/**
 * The differential verdict. Before the scenario run: the empty state, then the reference
 * run (each event once, in timestamp order, one at a time, nothing lost), then a reset that
 * must bring the empty state back. During it: the sequence of deliveries that reached the
 * handler. After it: its final state against the reference, path by path, and when they
 * differ, the sequence shrunk (ddmin) to a 1-minimal one that still ends in a state
 * different from its own reference, named and put in words.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HeaderMap } from '../../http/types.js';
import type { OpenTarget } from '../../delivery/targets.js';
import { ExitCode, HswError } from '../../errors.js';
import type { EventStore } from '../event-store.js';
import { ddmin } from './ddmin.js';
import { classify } from './kinds.js';
import type { StateOracle } from './oracle.js';
import { diffStates, normalizeState, type DiffRules, type StateDifference, type StateValue } from './state-diff.js';
import { TrialRunner, sameState } from './trials.js';
import { FAILURE_TITLES, MAX_DIFFERENCES, type Delivery, type EffectsReport } from './types.js';

/** Sequence runs a shrink may use; past it, the smallest failing sequence so far is reported. */
export const MAX_TRIALS = 2_000;

export interface EffectsSetup {
  target: OpenTarget;
  events: EventStore;
  /** Event indexes in timestamp order. */
  byTime: Uint32Array;
  headers?: HeaderMap | undefined;
  timeoutMs: number;
  oracle: StateOracle;
  rules: DiffRules;
  /** How long a handler that timed out gets to finish before the next step (default: the timeout). */
  settleMs?: number;
  /** Aborting stops the shrinking; the report keeps the difference and says so. */
  signal?: AbortSignal;
}

export class EffectsCheck {
  readonly deliveries: Delivery[] = [];
  private readonly runner: TrialRunner;
  private readonly rank: Uint32Array;
  private empty: StateValue = null;
  private reference: StateValue = null;
  private timedOut = false;

  constructor(private readonly setup: EffectsSetup) {
    this.rank = new Uint32Array(setup.events.count);
    setup.byTime.forEach((event, position) => (this.rank[event] = position));
    this.runner = new TrialRunner({ ...setup, settleMs: this.settleMs, rank: this.rank });
  }

  get settleMs(): number {
    return this.setup.settleMs ?? this.setup.timeoutMs;
  }

  /** Empty state, reference run, and a reset shown to empty the state; leaves the state empty. */
  async before(): Promise<void> {
    const { oracle, rules } = this.setup;
    this.empty = (await this.runner.run([])).state;
    this.reference = (await this.runner.run(this.runner.reference(this.setup.byTime))).state;
    await oracle.reset();
    const after = normalizeState(await oracle.read(), rules);
    if (!sameState(after, this.empty)) {
      const difference = diffStates(this.empty, after)[0]?.text ?? '';
      throw new HswError('HSW_RESET_INEFFECTIVE', `${oracle.resetName} did not empty the state that ${oracle.stateName} reads (after the reference run, a reset left ${difference.replace(/^(.*): (.*) → (.*)$/, '$1 at $3, not $2')}); make it remove what the handler wrote, or ignore that path`, { exitCode: ExitCode.usage });
    }
  }

  /** The engine's onSend: an attempt that reached the handler. */
  record(event: number, copy: number, attempt: number, moment: number): void {
    this.deliveries.push({ event, copy, attempt, moment });
  }

  /** The engine's deliveries pass through here: an attempt that timed out holds the run while the handler may finish. */
  async settleAfter<T extends { error?: { kind: string } }>(result: T, hold: boolean): Promise<T> {
    if (result.error?.kind === 'timeout') {
      this.timedOut = true;
      if (hold) await sleep(this.settleMs);
    }
    return result;
  }

  /** The scenario run is over: its state against the reference, and the shrunk reproduction. */
  async after(onShrink?: () => void): Promise<EffectsReport> {
    const { oracle, rules, events } = this.setup;
    if (this.timedOut) await sleep(this.settleMs);
    const scenario = normalizeState(await oracle.read(), rules);
    const differences = diffStates(this.reference, scenario);
    const report: EffectsReport = {
      ok: differences.length === 0,
      referenceDeliveries: events.count,
      scenarioDeliveries: this.deliveries.length,
      differences: differences.slice(0, MAX_DIFFERENCES),
      differenceCount: differences.length,
      kind: null,
      title: null,
      reproduction: null,
      trials: 0,
      shrinkMs: 0,
      note: null,
    };
    if (report.ok) return report;
    onShrink?.();
    const started = performance.now();
    try {
      await this.shrink(report);
    } catch (error) {
      if (!this.setup.signal?.aborted) throw error;
      report.note = 'stopped while shrinking: no reproduction';
    }
    report.shrinkMs = Math.round(performance.now() - started);
    report.trials = this.runner.runs;
    return report;
  }

  /**
   * Most effect bugs live within one video's events (a duplicate, an older status after a
   * newer one): each video's deliveries are tried alone first, in order, so that ddmin starts
   * from a handful of deliveries rather than thousands (a 500-event storm: 84 trials and
   * 1.7 s in-process before, see `npm run bench -- effects`). All of them together cost
   * about two trials of the whole sequence; when none fails alone (the bug spans videos),
   * undefined, and ddmin starts from the whole sequence.
   */
  private async oneVideo(fails: Fails): Promise<readonly Delivery[] | undefined> {
    const { events } = this.setup;
    const byVideo = new Map<number | null, Delivery[]>();
    for (const delivery of this.deliveries) {
      const video = events.videoId(delivery.event);
      let group = byVideo.get(video);
      if (!group) byVideo.set(video, (group = []));
      group.push(delivery);
    }
    if (byVideo.size > 1) for (const group of byVideo.values()) if (await fails(group)) return group;
    return undefined;
  }

  private async shrink(report: EffectsReport): Promise<void> {
    const { events } = this.setup;
    const runner = this.runner;
    runner.runs = 0;
    const references = new Map<string, StateValue>();
    const verdicts = new Map<string, boolean>();
    const fails = async (sequence: readonly Delivery[]): Promise<boolean> => {
      this.setup.signal?.throwIfAborted();
      if (runner.isOwnReference(sequence)) return false;
      const key = sequence.map((d) => `${d.event}.${d.copy}.${d.attempt}.${d.moment}`).join(' ');
      const known = verdicts.get(key);
      if (known !== undefined) return known;
      const reference = runner.reference(sequence.map((d) => d.event));
      const referenceKey = reference.map((d) => d.event).join(' ');
      let expected = references.get(referenceKey);
      if (expected === undefined) {
        expected = (await runner.run(reference)).state;
        references.set(referenceKey, expected);
      }
      const differs = !sameState(expected, (await runner.run(sequence)).state);
      verdicts.set(key, differs);
      return differs;
    };
    // The whole sequence's reference is the reference run's: no need to run it again.
    references.set(runner.reference(this.deliveries.map((d) => d.event)).map((d) => d.event).join(' '), this.reference);
    let start = await this.oneVideo(fails);
    if (!start) {
      if (!(await fails(this.deliveries))) {
        report.kind = 'concurrency-race';
        report.title = FAILURE_TITLES['concurrency-race'];
        report.note = `the ${this.deliveries.length} deliveries of the scenario run, replayed one at a time in the same order, end in the reference state: the difference comes from deliveries that overlapped; run with concurrency 1 to tell which`;
        return;
      }
      start = this.deliveries;
    }
    const minimal = await ddmin(start, fails, { maxTrials: MAX_TRIALS, trialsUsed: () => runner.runs });
    // The minimal sequence once more, reading the state after each step, to say what each did.
    const referenceState = (await runner.run(runner.reference(minimal.items.map((d) => d.event)))).state;
    const traced = await runner.run(minimal.items, true);
    const own: StateDifference[] = diffStates(referenceState, traced.state);
    const effect = own.length === 0 ? 'the state differs' : `${own[0]?.text}${own.length > 1 ? ` (and ${own.length - 1} more)` : ''}`;
    const named = classify(traced.steps, this.empty, effect, events, this.rank);
    report.kind = named.kind;
    report.title = FAILURE_TITLES[named.kind];
    report.reproduction = { deliveries: named.deliveries, words: named.words, differences: own, oneMinimal: minimal.oneMinimal };
    if (own.length === 0) report.note = 'the minimal sequence did not differ when replayed once more: the handler is not deterministic';
    if (!minimal.oneMinimal) report.note = `stopped after ${MAX_TRIALS} runs: the sequence still fails but may not be 1-minimal`;
  }
}

/** Sub-sequences worth trying before ddmin. */
type Fails = (sequence: readonly Delivery[]) => Promise<boolean>;

/** The verdict's reason, one line: what differs and the reproduction. */
export function effectsReason(effects: EffectsReport): string {
  const first = effects.differences.slice(0, 3).map((d) => d.text).join('; ');
  const more = effects.differenceCount > 3 ? `; and ${effects.differenceCount - 3} more` : '';
  const repro = effects.reproduction ? `; ${effects.title}: ${effects.reproduction.words}` : effects.title ? `; ${effects.title}` : '';
  return `the final state differs from the reference run (each event once, in order): ${first}${more}${repro}`;
}
