/**
 * `simulate()` options, as the library takes them, resolved into engine settings: checked,
 * defaulted like the CLI's flags, with a scenario's presets under whatever was given.
 */
import { HEAPSTREAM_TIMEOUT_MS } from '../delivery/send.js';
import type { Target } from '../delivery/targets.js';
import { optionError } from '../errors.js';
import { closestName } from '../suggest.js';
import { duration, flag, positiveNumber, ratio, wholeNumber, type Duration } from '../options/values.js';
import { SCENARIOS, isScenario, type ScenarioName } from './scenarios.js';
import { DEFAULT_SCHEDULE, parseSchedule, timeScale } from './schedule.js';
import type { SimulateSettings } from './types.js';
import { checkSettings, type Compression } from './validate.js';
import { KNOWN_OPTIONS, OPTION_NAMES, type OptionNames } from './option-table.js';
import type { SimulateOptions } from './simulate-options.js';

export interface ResolvedSimulation {
  settings: SimulateSettings;
  virtualTime: boolean;
  scenario: ScenarioName | null;
  /** How the compression was given (nothing, on virtual time without `within` or `timeScale`). */
  compression: Compression;
  count: number;
}

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
