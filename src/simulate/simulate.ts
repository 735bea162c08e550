/**
 * `simulate()`: HeapStream's delivery semantics against a handler, from a project's own
 * tests. The CLI's `simulate` runs the same engine (`runSimulation`, `runEngine`), and its
 * `--report` file holds the report this resolves to.
 */
import { openTarget, type OpenTarget } from '../delivery/targets.js';
import { ExitCode, HswError, optionError } from '../errors.js';
import { findCatalogEntry } from '../events/catalog.js';
import { createRandom } from '../events/random.js';
import { userAgent } from '../version.js';
import { VirtualClock, realClock } from './clock.js';
import { SimulationEngine, type Deliver, type EngineResult, type EngineStats } from './engine.js';
import type { EventStore } from './event-store.js';
import { buildReport, fullReport, type FullReport, type SimulateReport } from './report.js';
import { resolveSimulation, type SimulateOptions, type SimulatedAttempt } from './settings.js';
import { eventsFromFixtures, storeFixtures, synthesizeEvents } from './sources.js';
import type { EventOutcome, SimulateSettings } from './types.js';

export interface SimulationRun {
  /** The summary; `fullReport(report, result)` adds every event. */
  report: SimulateReport;
  result: EngineResult;
  /** The signal stopped the run before every event finished. */
  aborted: boolean;
}

/** What only the CLI needs on top of the library options. */
export interface RunHooks {
  /** Something a person should know (an event type not in the catalog). */
  warn?(message: string): void;
  /** Called as the run starts: what it will do, and its live counters (a progress bar). */
  onStart?(run: RunStart): void;
}

export interface RunStart {
  settings: SimulateSettings;
  events: number;
  target: string;
  stats: () => EngineStats;
}

export async function simulate(options: SimulateOptions): Promise<FullReport> {
  if (options === null || typeof options !== 'object') throw optionError('options', 'must be an object: simulate({ target, ... })');
  options.signal?.throwIfAborted();
  const run = await runSimulation(options);
  if (run.aborted) throw options.signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
  return fullReport(run.report, run.result);
}

/** Options checked, events loaded or synthesized, the target opened, the engine run. */
export async function runSimulation(options: SimulateOptions, hooks: RunHooks = {}): Promise<SimulationRun> {
  const { settings, virtualTime, scenario, count } = resolveSimulation(options);
  const events = await loadEvents(options, count, settings.seed, hooks.warn);
  const target = await openTarget(options.target, { ...(options.path !== undefined ? { path: options.path } : {}), connections: settings.concurrency, keepAliveTimeoutMs: 10_000 });
  try {
    return await runEngine({
      settings,
      events,
      target,
      virtualTime,
      scenario,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(hooks.onStart ? { onStart: hooks.onStart } : {}),
    });
  } finally {
    await target.close();
  }
}

async function loadEvents(options: SimulateOptions, count: number, seed: number, warn?: (message: string) => void): Promise<EventStore> {
  const { fixtures } = options;
  if (fixtures !== undefined) {
    const list = typeof fixtures === 'string' ? [fixtures] : fixtures;
    let store: EventStore;
    if (list.every((item) => typeof item === 'string')) {
      const loaded = await eventsFromFixtures(list as readonly string[]);
      if (loaded.invalid.length > 0) {
        throw new HswError('HSW_FIXTURE_INVALID', loaded.invalid.map((bad) => bad.reason).join('\n       '), { exitCode: ExitCode.usage });
      }
      store = loaded.store;
    } else {
      store = storeFixtures(list.filter((item) => typeof item !== 'string'));
    }
    if (store.count === 0) {
      const where = list.length > 0 && list.every((item) => typeof item === 'string') ? (list as readonly string[]).join(', ') : 'the fixtures given';
      throw new HswError('HSW_NO_FIXTURES', `no fixtures in ${where}; record some with \`listen\` or \`trigger --save\``, { exitCode: ExitCode.usage });
    }
    return store;
  }
  if (options.type !== undefined && !findCatalogEntry(options.type)) {
    warn?.(`"${options.type}" is not in the catalog (see trigger --list); synthesizing the base template with that event_type`);
  }
  return synthesizeEvents({ count, ...(options.type !== undefined ? { type: options.type } : {}), seed });
}

export interface EngineRun {
  settings: SimulateSettings;
  events: EventStore;
  target: OpenTarget;
  /** HeapStream time jumps ahead whenever no delivery is in progress (VirtualClock). */
  virtualTime: boolean;
  scenario: string | null;
  signal?: AbortSignal;
  onAttempt?(attempt: SimulatedAttempt): void;
  onEvent?(event: EventOutcome): void;
  onStart?(run: RunStart): void;
}

/** One run of the engine against an open target, and its report. */
export async function runEngine(run: EngineRun): Promise<SimulationRun> {
  const { settings, events, target } = run;
  const order = events.order({ reorder: settings.reorder, window: settings.reorderWindow, seed: settings.seed });
  const virtual = run.virtualTime ? new VirtualClock() : undefined;
  const url = target.url;
  const send: Deliver = (body, headers, timeoutMs) => target.deliver({ url, method: 'POST', headers, body, timeoutMs });
  const { onAttempt, onEvent } = run;
  const engine: SimulationEngine = new SimulationEngine(
    {
      settings,
      clock: virtual ?? realClock,
      random: createRandom(settings.seed),
      deliver: virtual ? (body, headers, timeoutMs) => virtual.hold(() => send(body, headers, timeoutMs)) : send,
      ...(onAttempt ? { onAttempt: (index: number, attempt) => onAttempt({ ...attempt, index, type: events.type(index), videoId: events.videoId(index) }) } : {}),
      ...(onEvent ? { onEventFinished: (index: number) => onEvent(engine.outcome(index)) } : {}),
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
  }
  const report = buildReport({ result, settings, target: target.label, scenario: run.scenario, tool: userAgent(), startedAt, clock: virtual ? 'virtual' : 'real' });
  if (aborted) {
    report.verdict.ok = false;
    report.verdict.reasons.push(`stopped after ${engine.stats.finished} of ${order.length} events had finished`);
  }
  return { report, result, aborted };
}
