/**
 * `simulate()` options, as the library takes them, resolved into engine settings: checked,
 * defaulted like the CLI's flags, with a scenario's presets under whatever was given.
 */
import type { HeaderMap } from '../http/types.js';
import { HEAPSTREAM_TIMEOUT_MS } from '../delivery/send.js';
import type { Target } from '../delivery/targets.js';
import { optionError } from '../errors.js';
import { closestName } from '../suggest.js';
import { duration, flag, positiveNumber, ratio, wholeNumber, type Duration } from '../options/values.js';
import type { FixturesOption } from '../store/fixtures-option.js';
import { SCENARIOS, isScenario, type ScenarioName } from './scenarios.js';
import { DEFAULT_SCHEDULE, parseSchedule, timeScale } from './schedule.js';
import type { AttemptRecord, EventOutcome, SimulateSettings } from './types.js';
import { checkSettings, OPTION_NAMES, type Compression, type OptionNames } from './validate.js';

/** One attempt, as the report lists it, with the event it belongs to. */
export interface SimulatedAttempt extends AttemptRecord {
  /** The event's index in the report's `events`. */
  index: number;
  type: string | null;
  videoId: number | null;
}

export interface SimulateOptions {
  /** A URL, an object with `fetch(request)` (Hono), or a Node `(req, res)` listener (Express). */
  target: Target;
  /** In-process targets: the request path (default `/`). A URL carries its own. */
  path?: string;
  /** How many events to synthesize (default 20): interleaved video lifecycles, or `type` only. */
  events?: number;
  type?: string;
  /** Recorded fixtures instead of synthesized events: files, directories, loaded fixtures, or what `loadFixtures()` returns. */
  fixtures?: FixturesOption;
  /** Presets; options given explicitly win. */
  scenario?: ScenarioName;
  /** Delays before each retry in HeapStream time: ms, or `"1m,5m,15m"` (default 1m,5m,15m,30m,1h,2h,4h,8h,8h). */
  schedule?: readonly Duration[] | string;
  /** Attempts per event, the first included (default: schedule length + 1). */
  maxAttempts?: number;
  /** Randomize each retry delay by up to ± this fraction (0..1). */
  jitter?: number;
  /** Squeeze the whole schedule into this much time (real time: default 30s; virtual: none). */
  within?: Duration;
  /** Run the schedule this many times faster than HeapStream (instead of `within`). */
  timeScale?: number;
  /** Per-attempt timeout, always real time (default 5s, HeapStream's). */
  timeout?: Duration;
  /** Requests in flight at most (default 10). */
  concurrency?: number;
  /** Chance (0..1) that an acknowledged event is sent again within `duplicateWindow`. */
  duplicateRate?: number;
  /** Extra copies of every acknowledged event (instead of `duplicateRate`, a scenario's included). */
  duplicates?: number;
  /** Copies of every event sent at the same moment as its first attempt (scenario concurrent-duplicates: 1). */
  concurrentDuplicates?: number;
  /** HeapStream time within which duplicates follow the acknowledgment (default 5m). */
  duplicateWindow?: Duration;
  /** Deliver out of timestamp order within windows of `reorderWindow` events (default 10). */
  reorder?: boolean;
  reorderWindow?: number;
  /** HeapStream time from the start during which every attempt fails (scenario outage: 1h). */
  outage?: Duration;
  /** Chance (0..1) that a 2xx answer is lost, so the event is retried (scenario flaky: 0.3). */
  answerLoss?: number;
  /** Up to this much simulated latency per attempt, counted in the timeout (scenario slow: 3s). */
  networkLatency?: Duration;
  /** Also fail the verdict when an accepted attempt took longer than this. */
  maxLatency?: Duration;
  /** The same seed, the same run (default: random; the report names it). */
  seed?: number;
  /** Added to (or replacing) every delivery's headers, e.g. an Authorization your handler checks. */
  headers?: HeaderMap;
  /**
   * `virtual` (the default for in-process targets): HeapStream time jumps ahead whenever no
   * delivery is in progress, so a 24-hour schedule takes as long as the handler's own work.
   * `real` (the default for URLs): the schedule runs on the wall clock, compressed by `within`.
   */
  clock?: 'virtual' | 'real';
  /**
   * The app's state as JSON, read after a run: with it, the run is also judged by what the
   * handler did. A reference run (each event once, in timestamp order, one at a time) and the
   * scenario run must end in equal states; when they do not, the report names the difference
   * and the smallest sequence of deliveries that reproduces it. Needs `reset`.
   */
  state?: () => unknown;
  /** Empties the app's state; called before the reference run, the scenario run and each trial. */
  reset?: () => unknown;
  /** State paths to ignore: `updated_at` (that key anywhere), `charges[*].id`, `**.created_at`. */
  stateIgnore?: readonly string[];
  /** State paths of arrays compared regardless of order: `charges`, `videos[*].events`. */
  stateUnordered?: readonly string[];
  /** Aborting stops the run: deliveries in flight fail at once and `simulate()` rejects. */
  signal?: AbortSignal;
  /** Each attempt once it is over (progress, logging). */
  onAttempt?(attempt: SimulatedAttempt): void;
  /** Each event once it is delivered or exhausted, with all its attempts. */
  onEvent?(event: EventOutcome): void;
}

export interface ResolvedSimulation {
  settings: SimulateSettings;
  virtualTime: boolean;
  scenario: ScenarioName | null;
  /** How the compression was given (nothing, on virtual time without `within` or `timeScale`). */
  compression: Compression;
  count: number;
}

const KNOWN_OPTIONS = new Set([
  'target', 'path', 'events', 'type', 'fixtures', 'scenario', 'schedule', 'maxAttempts', 'jitter', 'within', 'timeScale', 'timeout', 'concurrency',
  'duplicateRate', 'duplicates', 'concurrentDuplicates', 'duplicateWindow', 'reorder', 'reorderWindow', 'outage', 'answerLoss', 'networkLatency', 'maxLatency', 'seed', 'headers', 'clock',
  'signal', 'onAttempt', 'onEvent', 'state', 'reset', 'stateIgnore', 'stateUnordered',
]);

export function isInProcess(target: Target): boolean {
  return typeof target !== 'string' && !(target instanceof URL);
}

/**
 * The options as engine settings, refused when they would make the run meaningless
 * (checkSettings, whose messages use `names`: the CLI passes its flags).
 */
export function resolveSimulation(options: SimulateOptions, names: OptionNames = OPTION_NAMES): ResolvedSimulation {
  // A misspelt option would otherwise be ignored without a word, and the run not be the one meant.
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const suggestion = closestName(key, KNOWN_OPTIONS);
      throw optionError(key, suggestion ? `is not a simulate() option; did you mean ${suggestion}?` : 'is not a simulate() option; see SimulateOptions (e.g. duplicateRate, maxAttempts, timeout)');
    }
  }
  if (options.scenario !== undefined && !isScenario(options.scenario)) {
    throw optionError('scenario', `${JSON.stringify(options.scenario)} is not a scenario; use one of ${Object.keys(SCENARIOS).join(', ')}`);
  }
  if (options.within !== undefined && options.timeScale !== undefined) throw optionError('within', 'and timeScale both set the compression; give one');
  if (options.fixtures !== undefined && options.type !== undefined) throw optionError('type', 'synthesizes events, fixtures replays recorded ones; give one');
  if (options.clock !== undefined && options.clock !== 'virtual' && options.clock !== 'real') throw optionError('clock', `${JSON.stringify(options.clock)} is neither "virtual" nor "real"`);
  checkStateOptions(options);
  const virtualTime = (options.clock ?? (isInProcess(options.target) ? 'virtual' : 'real')) === 'virtual';
  const preset: Partial<SimulateSettings> = options.scenario ? SCENARIOS[options.scenario].settings : {};

  const schedule = resolveSchedule(options.schedule);
  const compression: Compression = {};
  if (options.timeScale !== undefined) compression.timeScale = positiveNumber('timeScale', options.timeScale);
  else if (options.within !== undefined) compression.withinMs = duration('within', options.within);
  // Virtual time needs no compression: the report then shows HeapStream time as it is.
  else if (!virtualTime) compression.withinMs = 30_000;

  const settings: SimulateSettings = {
    schedule,
    scale: timeScale(schedule, compression),
    maxAttempts: options.maxAttempts === undefined ? schedule.length + 1 : wholeNumber('maxAttempts', options.maxAttempts, { min: 1, max: 1_000 }),
    jitter: options.jitter === undefined ? 0 : ratio('jitter', options.jitter),
    timeoutMs: options.timeout === undefined ? HEAPSTREAM_TIMEOUT_MS : duration('timeout', options.timeout),
    concurrency: options.concurrency === undefined ? 10 : wholeNumber('concurrency', options.concurrency, { min: 1, max: 10_000 }),
    // Explicit `duplicates` replace the duplicates scenario's rate instead of adding to it.
    duplicateRate: options.duplicateRate !== undefined ? ratio('duplicateRate', options.duplicateRate) : options.duplicates !== undefined ? 0 : preset.duplicateRate ?? 0,
    duplicates: options.duplicates === undefined ? 0 : wholeNumber('duplicates', options.duplicates, { max: 100 }),
    concurrentDuplicates: options.concurrentDuplicates === undefined ? preset.concurrentDuplicates ?? 0 : wholeNumber('concurrentDuplicates', options.concurrentDuplicates, { max: 100 }),
    duplicateWindowMs: options.duplicateWindow === undefined ? 300_000 : duration('duplicateWindow', options.duplicateWindow),
    reorder: options.reorder === undefined ? preset.reorder ?? false : flag('reorder', options.reorder),
    reorderWindow: options.reorderWindow === undefined ? 10 : wholeNumber('reorderWindow', options.reorderWindow, { min: 2 }),
    outageMs: options.outage === undefined ? preset.outageMs ?? 0 : duration('outage', options.outage),
    answerLoss: options.answerLoss === undefined ? preset.answerLoss ?? 0 : ratio('answerLoss', options.answerLoss),
    networkLatencyMs: options.networkLatency === undefined ? preset.networkLatencyMs ?? 0 : duration('networkLatency', options.networkLatency),
    seed: options.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : wholeNumber('seed', options.seed),
  };
  if (options.maxLatency !== undefined) settings.maxLatencyMs = duration('maxLatency', options.maxLatency);
  const count = options.events === undefined ? 20 : wholeNumber('events', options.events, { min: 1, max: 10_000_000 });
  const scenario = options.scenario ?? null;
  checkSettings(settings, { compression, scenario, names, virtualTime });
  return { settings, virtualTime, scenario, compression, count };
}

function resolveSchedule(schedule: SimulateOptions['schedule']): number[] {
  if (schedule === undefined) return [...DEFAULT_SCHEDULE];
  if (typeof schedule === 'string') return parseSchedule(schedule);
  if (!Array.isArray(schedule) || schedule.length === 0) {
    throw optionError('schedule', `${JSON.stringify(schedule)} is not a list of delays; e.g. [60_000, 300_000] or "1m,5m"`);
  }
  return schedule.map((delay: Duration, i) => duration(`schedule[${i}]`, delay));
}

/** The state oracle's options: both functions or neither, path lists of strings. */
function checkStateOptions(options: SimulateOptions): void {
  if (options.state !== undefined && typeof options.state !== 'function') throw optionError('state', `is a ${typeof options.state}; give a function that returns the app's state as JSON: state: async () => ({ rows })`);
  if (options.reset !== undefined && typeof options.reset !== 'function') throw optionError('reset', `is a ${typeof options.reset}; give a function that empties the app's state: reset: async () => { rows.length = 0 }`);
  if (options.state && !options.reset) throw optionError('reset', "is missing: with state, give reset too, which empties the app's state (the reference run and every trial start from empty)");
  if (options.reset && !options.state) throw optionError('state', 'is missing: reset is only used with state, which reads the app state to compare');
  for (const key of ['stateIgnore', 'stateUnordered'] as const) {
    const list = options[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.trim() === ''))) {
      throw optionError(key, `${JSON.stringify(list)} is not a list of paths; e.g. ["updated_at", "charges[*].id"]`);
    }
  }
}
