/**
 * `simulate()`: HeapStream's delivery semantics against a handler, from a project's own
 * tests. The CLI's `simulate` runs the same two steps (`prepareSimulation`, then
 * `runSimulation`), and its `--report` file holds the report this resolves to.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HeaderMap } from '../http/types.js';
import { checkExtraHeaders } from '../delivery/headers.js';
import { openTarget, type OpenTarget } from '../delivery/targets.js';
import { optionError } from '../errors.js';
import { findCatalogEntry } from '../events/catalog.js';
import { createRandom } from '../events/random.js';
import { userAgent } from '../version.js';
import { VirtualClock, realClock } from './clock.js';
import { SimulationEngine, type Deliver, type EngineResult, type EngineStats } from './engine.js';
import { EffectsCheck, effectsReason } from './effects/check.js';
import { functionOracle, type StateOracle } from './effects/oracle.js';
import { reorderWithinWindows, type EventStore } from './event-store.js';
import { buildReport, fullReport, type SimulateReport, type ReportSummary, type StopSignal } from './report.js';
import { resolveSimulation, type ResolvedSimulation } from './settings.js';
import type { SimulateOptions, SimulatedAttempt } from './simulate-options.js';
import { storeFixtures, synthesizeEvents } from './sources.js';
import { checkRunFiles, RunFiles } from './run-files.js';
import { resolveFixturesOption } from '../store/fixtures-option.js';
import { checkOutputFiles, type OutputFile } from '../store/output-file.js';
import type { EventOutcome, SimulateSettings } from './types.js';
import type { Compression } from './validate.js';
import { OPTION_NAMES, type OptionNames } from './option-table.js';

export interface SimulationRun {
  /** The summary; `fullReport(report, result)` adds every event. */
  report: ReportSummary;
  result: EngineResult;
  /** The signal stopped the run before every event finished. */
  aborted: boolean;
}

/** A run ready to start: options resolved and checked, events loaded or synthesized. */
export interface PreparedSimulation extends ResolvedSimulation {
  options: SimulateOptions;
  events: EventStore;
  /** What the options are called where they came from, for the report's advice. */
  names: OptionNames;
  /** The headers option, checked: added to every delivery. */
  headers?: HeaderMap;
}

/** What only the CLI needs on top of the library options, before the run. */
export interface PrepareHooks {
  /** The CLI's flag names, for messages (default: the library's option names). */
  names?: OptionNames;
  /** Something a person should know (an event type not in the catalog). */
  warn?(message: string): void;
  /** Files the caller writes too (the app's log, GitHub's), checked after the run's own. */
  outputFiles?: readonly OutputFile[];
}

/** What only the CLI needs on top of the library options, during the run. */
export interface RunHooks {
  /** Called as the run starts: what it will do, and its live counters (a progress bar). */
  onStart?(run: RunStart): void;
  /** The command line that repeats the run, for the report. */
  command?: string;
  /** Why the signal stopped the run, for the report (default: "stopped", no signal). */
  stopReason?(): { signal: StopSignal | null; reason: string } | undefined;
  /** Event `index` is over (its outcome is final), for files written while the run goes. */
  onEventFinished?(index: number, outcome: (index: number) => EventOutcome): void;
  /** The state oracle when it is not the library's functions (the CLI's --state and --reset). */
  oracle?: StateOracle;
  /** The state checks begin (reference run) or the shrinking begins, for progress lines. */
  onEffects?(phase: 'reference' | 'shrink'): void;
}

export interface RunStart {
  settings: SimulateSettings;
  events: number;
  target: string;
  stats: () => EngineStats;
}

export async function simulate(options: SimulateOptions): Promise<SimulateReport> {
  if (options === null || typeof options !== 'object') throw optionError('options', 'must be an object: simulate({ target, ... })');
  options.signal?.throwIfAborted();
  const prepared = await prepareSimulation(options);
  const files = await RunFiles.open(options, { count: prepared.events.count, settings: prepared.settings });
  try {
    const run = await runSimulation(prepared, { onEventFinished: files.onEventFinished });
    // A stopped run's files still say what ran, as the command's do.
    await files.complete(run.report, run.result);
    await files.write(run.report, run.result);
    // Aborted during the run, or while shrinking after it.
    if (run.aborted || options.signal?.aborted) throw options.signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
    return fullReport(run.report, run.result);
  } finally {
    await files.discard();
  }
}

/**
 * Options resolved and checked, events loaded or synthesized: everything that can refuse
 * the run, before anything is sent (and before the CLI starts the app under test).
 */
export async function prepareSimulation(options: SimulateOptions, hooks: PrepareHooks = {}): Promise<PreparedSimulation> {
  const names = hooks.names ?? OPTION_NAMES;
  // A file that cannot be written fails first: it would otherwise fail only once the run is over.
  await checkRunFiles(options, names);
  await checkOutputFiles(hooks.outputFiles ?? []);
  const resolved = resolveSimulation(options, names);
  const headers = options.headers ? checkExtraHeaders(options.headers) : undefined;
  const events = await loadEvents(options, resolved.count, resolved.settings.seed, hooks.warn);
  return { ...resolved, options, events, names, ...(headers ? { headers } : {}) };
}

/** The target opened, the engine run, the report built; with a state oracle, the differential verdict too. */
export async function runSimulation(prepared: PreparedSimulation, hooks: RunHooks = {}): Promise<SimulationRun> {
  const { options, settings } = prepared;
  const oracle = hooks.oracle ?? (options.state && options.reset ? functionOracle(options.state, options.reset) : undefined);
  // Copies sent together need connections of their own, or they would queue and never race.
  const connections = settings.concurrency * (1 + (settings.concurrentDuplicates ?? 0));
  const target = await openTarget(options.target, { ...(options.path !== undefined ? { path: options.path } : {}), connections, keepAliveTimeoutMs: 10_000 });
  try {
    const byTime = prepared.events.order({ reorder: false, window: settings.reorderWindow, seed: settings.seed });
    const order = settings.reorder ? reorderWithinWindows(Uint32Array.from(byTime), settings.reorderWindow, settings.seed) : byTime;
    const effects = oracle
      ? new EffectsCheck({
          target,
          events: prepared.events,
          byTime,
          headers: prepared.headers,
          timeoutMs: settings.timeoutMs,
          oracle,
          rules: { ...(options.stateIgnore ? { ignore: options.stateIgnore } : {}), ...(options.stateUnordered ? { unordered: options.stateUnordered } : {}) },
          ...(options.signal ? { signal: options.signal } : {}),
        })
      : undefined;
    if (effects) {
      hooks.onEffects?.('reference');
      try {
        await effects.before();
      } catch (error) {
        // Stopped during the reference run: the engine, aborted at once, reports it.
        if (!options.signal?.aborted) throw error;
      }
    }
    const run = await runEngine({
      settings,
      events: prepared.events,
      order,
      target,
      virtualTime: prepared.virtualTime,
      scenario: prepared.scenario,
      compression: prepared.compression,
      names: prepared.names,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(prepared.headers ? { headers: prepared.headers } : {}),
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(effects ? { effects } : {}),
      ...hooks,
    });
    if (effects && !run.aborted) {
      const found = await effects.after(() => hooks.onEffects?.('shrink'));
      run.report.effects = found;
      if (!found.ok) {
        run.report.verdict.ok = false;
        run.report.verdict.reasons.push(effectsReason(found));
      }
    }
    return run;
  } finally {
    await target.close();
  }
}

async function loadEvents(options: SimulateOptions, count: number, seed: number, warn?: (message: string) => void): Promise<EventStore> {
  if (options.fixtures !== undefined) return storeFixtures(await resolveFixturesOption(options.fixtures));
  if (options.type !== undefined && !findCatalogEntry(options.type)) {
    warn?.(`"${options.type}" is not in the catalog (see trigger --list); synthesizing the base template with that event_type`);
  }
  return synthesizeEvents({ count, ...(options.type !== undefined ? { type: options.type } : {}), seed });
}

export interface EngineRun extends RunHooks {
  settings: SimulateSettings;
  events: EventStore;
  /** Delivery order (default: the events' own, reordered as the settings say). */
  order?: Uint32Array;
  target: OpenTarget;
  /** Records the deliveries for the state oracle, and lets a handler that timed out finish. */
  effects?: EffectsCheck;
  /** HeapStream time jumps ahead whenever no delivery is in progress (VirtualClock). */
  virtualTime: boolean;
  scenario: string | null;
  compression: Compression;
  names?: OptionNames;
  signal?: AbortSignal;
  /** Added to (or replacing) every delivery's headers. */
  headers?: HeaderMap;
  onAttempt?(attempt: SimulatedAttempt): void;
  onEvent?(event: EventOutcome): void;
}

/** One run of the engine against an open target, and its report. */
export async function runEngine(run: EngineRun): Promise<SimulationRun> {
  const { settings, events, target } = run;
  const order = run.order ?? events.order({ reorder: settings.reorder, window: settings.reorderWindow, seed: settings.seed });
  const virtual = run.virtualTime ? new VirtualClock() : undefined;
  const url = target.url;
  const extra = run.headers;
  const { effects } = run;
  const post: Deliver = (body, headers, timeoutMs) => target.deliver({ url, method: 'POST', headers: extra ? { ...headers, ...extra } : headers, body, timeoutMs });
  // On virtual time, HeapStream's next retry comes minutes later: a handler that timed out
  // has long finished by then, so the clock is held while it may still be working.
  const send: Deliver = effects ? async (body, headers, timeoutMs) => effects.settleAfter(await post(body, headers, timeoutMs), Boolean(virtual)) : post;
  const { onAttempt, onEvent, onEventFinished } = run;
  const outcome = (index: number): EventOutcome => engine.outcome(index);
  const engine: SimulationEngine = new SimulationEngine(
    {
      settings,
      clock: virtual ?? realClock,
      random: createRandom(settings.seed),
      deliver: virtual ? (body, headers, timeoutMs) => virtual.hold(() => send(body, headers, timeoutMs)) : send,
      ...(effects ? { onSend: (event: number, copy: number, attempt: number, moment: number) => effects.record(event, copy, attempt, moment) } : {}),
      ...(onAttempt ? { onAttempt: (index: number, attempt) => onAttempt({ ...attempt, index, type: events.type(index), videoId: events.videoId(index) }) } : {}),
      ...(onEvent || onEventFinished
        ? {
            onEventFinished: (index: number) => {
              if (onEvent) onEvent(engine.outcome(index));
              onEventFinished?.(index, outcome);
            },
          }
        : {}),
    },
    events,
  );
  let aborted = false;
  const abort = (): void => {
    aborted = true;
    engine.abort();
    // Ends the deliveries in flight now, rather than when each one's timeout passes.
    target.abort();
  };
  // On the wall clock, how long the event loop was held up: lateness that long is the
  // machine's, not the schedule's (lateness.ts).
  const loopDelay = virtual ? undefined : monitorEventLoopDelay({ resolution: 10 });
  loopDelay?.enable();
  const startedAt = new Date();
  const running = engine.run(order);
  if (run.signal?.aborted) abort();
  else run.signal?.addEventListener('abort', abort, { once: true });
  run.onStart?.({ settings, events: order.length, target: target.label, stats: () => engine.stats });
  let result: EngineResult;
  try {
    result = await running;
  } finally {
    run.signal?.removeEventListener('abort', abort);
    loopDelay?.disable();
  }
  const report = buildReport({
    result,
    settings,
    target: target.label,
    scenario: run.scenario,
    tool: userAgent(),
    startedAt,
    clock: virtual ? 'virtual' : 'real',
    compression: run.compression,
    names: run.names,
    command: run.command ?? null,
    // The histogram counts in nanoseconds; an unused one reports a huge minimum and a max of 0.
    loopStallMs: loopDelay ? loopDelay.max / 1e6 : 0,
    stopped: aborted ? run.stopReason?.() ?? { signal: null, reason: 'stopped' } : undefined,
  });
  return { report, result, aborted };
}
