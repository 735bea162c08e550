/**
 * `simulate`'s options in one table: each flag as data (its syntax, help, default) and, for
 * a flag that sets a library option, which one and how its text becomes the value. The
 * command's `.option()` calls, its flags' type, the options it hands to the library, the
 * names the checks print (flag or option name) and the library's known options all come
 * from here. Adding an option: a row here, and its line in SimulateOptions.
 *
 * Plain data, so the library reads it without loading commander.
 */
import { parseDuration, parseInteger, parsePositiveNumber, parseRatio } from '../options/flags.js';
import { isScenario, SCENARIOS } from './scenarios.js';
import { parseSchedule } from './schedule.js';
import type { Duration } from '../options/values.js';
import type { SimulateOptions } from './simulate-options.js';

/** A flag; with `option`, the library option it sets (through `parse` for a flag that takes a value). */
export interface FlagRow {
  /** commander's syntax: `--name`, `--name <value>`, `--name <values...>`. */
  readonly flags: string;
  readonly help: string;
  readonly default?: string;
  readonly choices?: readonly string[];
  /** Given more than once, every value is kept. */
  readonly repeatable?: boolean;
  /** Declared by a shared option group (options/groups.ts), not from this row; still parsed from it. */
  readonly declaredByGroup?: boolean;
  readonly option?: keyof SimulateOptions;
  /** Read by `--export artillery <dir>`: it shapes the storm (any other flag given with it is refused). */
  readonly export?: true;
  /** Read by `--from-artillery <reports…>` (any other flag given with it is refused). */
  readonly fromArtillery?: true;
  /** The value for `option`, from the flag's text; undefined: as if the flag were not given. */
  readonly parse?: (flag: string, text: string) => unknown;
  /** `option` is a duration (or a list of them): parsed to milliseconds, and named `<option>Ms` on the command's side. */
  readonly ms?: true;
}

/** The options only a library caller can give (functions, in-process targets, the clock). */
export const LIBRARY_ONLY_OPTIONS = ['target', 'path', 'headers', 'clock', 'signal', 'onAttempt', 'onEvent', 'state', 'reset'] as const satisfies readonly (keyof SimulateOptions)[];

/**
 * Every flag of `simulate` but `--to` and `--header` (the shared groups'), in the order
 * `--help` lists them, which is also the order their values are checked in.
 */
export const SIMULATE_FLAGS = [
  { flags: '--fixtures <path>', help: 'events from fixture files or directories (repeatable); default: synthesized', repeatable: true, option: 'fixtures', export: true },
  { flags: '--type <type>', help: 'synthesize only this event type (default: a mix of video lifecycles)', option: 'type', parse: (_flag: string, text: string) => text || undefined, export: true },
  { flags: '--events <n>', help: 'how many events to synthesize', default: '20', option: 'events', parse: (flag: string, text: string) => parseInteger(flag, text, { min: 1, max: 10_000_000 }), export: true },
  { flags: '--schedule <delays>', help: 'delays before each retry, HeapStream time (default 1m,5m,15m,30m,1h,2h,4h,8h,8h)', option: 'schedule', parse: (_flag: string, text: string) => parseSchedule(text), ms: true, export: true },
  { flags: '--within <duration>', help: 'squeeze the whole schedule into this much run time (default 30s)', option: 'within', parse: parseDuration, ms: true, export: true },
  { flags: '--time-scale <x>', help: 'run the schedule x times faster than HeapStream (instead of --within)', option: 'timeScale', parse: parsePositiveNumber, export: true },
  { flags: '--max-attempts <n>', help: 'attempts per event, first included (default: schedule length + 1 = 10)', option: 'maxAttempts', parse: (flag: string, text: string) => parseInteger(flag, text, { min: 1, max: 1_000 }), export: true },
  { flags: '--jitter <0..1>', help: 'randomize each retry delay by up to ± this fraction', default: '0', option: 'jitter', parse: parseRatio, export: true },
  { flags: '--timeout <ms>', help: '', declaredByGroup: true, option: 'timeout', parse: parseDuration, ms: true, export: true },
  { flags: '--concurrency <n>', help: 'requests in flight at most', default: '10', declaredByGroup: true, option: 'concurrency', parse: (flag: string, text: string) => parseInteger(flag, text, { min: 1, max: 10_000 }) },
  { flags: '--duplicate-rate <0..1>', help: 'chance that an acknowledged event is sent again within the duplicate window', option: 'duplicateRate', parse: parseRatio, export: true },
  { flags: '--duplicates <n>', help: 'extra copies of every acknowledged event (instead of --duplicate-rate)', option: 'duplicates', parse: (flag: string, text: string) => parseInteger(flag, text, { min: 0, max: 100 }), export: true },
  { flags: '--duplicate-window <duration>', help: 'HeapStream time within which duplicates follow the acknowledgment', default: '5m', option: 'duplicateWindow', parse: parseDuration, ms: true, export: true },
  { flags: '--reorder', help: 'deliver events out of timestamp order within windows of --reorder-window events', option: 'reorder', export: true },
  { flags: '--reorder-window <n>', help: 'events per reorder window', default: '10', option: 'reorderWindow', parse: (flag: string, text: string) => parseInteger(flag, text, { min: 2 }), export: true },
  { flags: '--scenario <name>', help: 'a preset; flags given explicitly win', choices: Object.keys(SCENARIOS), option: 'scenario', parse: (_flag: string, text: string) => (isScenario(text) ? text : undefined), export: true },
  { flags: '--outage <duration>', help: 'HeapStream time from the start during which every attempt fails (scenario outage: 1h)', option: 'outage', parse: parseDuration, ms: true, export: true },
  { flags: '--answer-loss <0..1>', help: 'chance that a 2xx answer is lost, so the event is retried (scenario flaky: 0.3)', option: 'answerLoss', parse: parseRatio, export: true },
  { flags: '--network-latency <duration>', help: 'up to this much latency per attempt, counted in the timeout (scenario slow: 3s)', option: 'networkLatency', parse: parseDuration, ms: true, export: true },
  { flags: '--max-latency <ms>', help: 'also fail the verdict when an accepted attempt took longer than this', option: 'maxLatency', parse: parseDuration, ms: true, export: true },
  // The command chooses a seed when none is given, so that the command line that repeats the run can name it.
  { flags: '--seed <n>', help: 'seed for jitter, duplicates, reordering and losses: the same seed, the same run', option: 'seed', parse: (flag: string, text: string) => parseInteger(flag, text), export: true },
  // An empty path (`--report ""`) writes nothing, as if the flag were not given.
  { flags: '--report <file>', help: 'write the full JSON report here', option: 'reportFile', parse: (_flag: string, text: string) => text || undefined, fromArtillery: true },
  { flags: '--junit <file>', help: 'write JUnit XML here (a testcase per event)', option: 'junitFile', parse: (_flag: string, text: string) => text || undefined, fromArtillery: true },
  { flags: '--html <file>', help: 'write a self-contained HTML picture of the run here (timeline, in flight, latency, worst events)', option: 'htmlFile', parse: (_flag: string, text: string) => text || undefined, fromArtillery: true },
  { flags: '--check <command>', help: 'run after the run with HEAPSTREAM_REPORT set to the report path; its exit code joins the verdict' },
  { flags: '--state <url|command>', help: "read the app's state as JSON after a run (a URL: GET; else a shell command's stdout): it must equal the state after a clean reference run" },
  { flags: '--reset <url|command>', help: "with --state: empty the app's state before each run (a URL: POST; else a shell command); with --start and no --reset, the app is restarted instead" },
  { flags: '--state-ignore <path>', help: 'with --state: a volatile path to ignore, e.g. updated_at (any depth) or charges[*].id (repeatable)', repeatable: true, option: 'stateIgnore' },
  { flags: '--state-unordered <path>', help: 'with --state: an array compared regardless of order, e.g. charges (repeatable)', repeatable: true, option: 'stateUnordered' },
  { flags: '--repro <dir>', help: 'with --state: where the minimal reproduction goes, as numbered fixtures for replay', default: 'simulate-repro' },
  { flags: '--concurrent-duplicates <n>', help: 'copies of every event sent at the same moment as its first attempt (scenario concurrent-duplicates: 1)', option: 'concurrentDuplicates', parse: (flag: string, text: string) => parseInteger(flag, text, { min: 0, max: 100 }) },
  { flags: '--start <command>', help: 'start the app under test (through a shell), wait until --to accepts connections, stop it and all it started after the run' },
  { flags: '--ready <url>', help: 'with --start: ready once this URL answers 2xx (default: once --to accepts connections)' },
  { flags: '--start-timeout <duration>', help: 'with --start: how long the app may take to be ready', default: '30s' },
  { flags: '--start-log <file>', help: "with --start: append the app's output to this file (default: shown on stderr, prefixed)" },
  { flags: '--json', help: 'NDJSON only: a line per finished event, then a summary', export: true, fromArtillery: true },
  { flags: '--export <format-and-dir...>', help: 'write the storm for another engine instead of sending it: artillery <dir> (storm.yml, processor.mjs, payload)', export: true },
  { flags: '--shards <n>', help: 'with --export: split the events into n disjoint sets, one Artillery run each', default: '1', export: true },
  { flags: '--from-artillery <reports...>', help: 'the verdict, --report, --junit and --html from the reports artillery run --output wrote for an export (one per shard)', fromArtillery: true },
] as const satisfies readonly FlagRow[];

type Row = (typeof SIMULATE_FLAGS)[number];

/** `--max-attempts <n>` → `max-attempts`. */
type LongName<Flags extends string> = Flags extends `--${infer Name} ${string}` ? Name : Flags extends `--${infer Name}` ? Name : never;
/** `max-attempts` → `maxAttempts`, as commander names the value. */
type Camel<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<Camel<Tail>>}` : Name;
type FlagValue<R extends FlagRow> = R extends { repeatable: true } ? string[] : R['flags'] extends `${string}...>` ? string[] : R['flags'] extends `${string}<${string}` ? string : boolean;

/** What commander hands the action for the table's flags: a flag with a default is always there. */
export type TableFlags = { [R in Row as Camel<LongName<R['flags']>>]: R extends { default: string } ? FlagValue<R> : FlagValue<R> | undefined };

/** The library options that have a flag. */
export type FlaggedOption = Extract<Row, { option: string }>['option'];

/** What each flagged option is called where the options came from: flags on the command line, names in the library. */
export type OptionNames = Record<FlaggedOption, string>;

/** `--max-attempts <n>` → `--max-attempts`. */
export function longFlag(flags: string): string {
  return flags.split(' ')[0] as string;
}

/** `--max-attempts` → `maxAttempts`, commander's attribute name. */
export function attributeName(flags: string): string {
  return longFlag(flags)
    .slice(2)
    .replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

function namesBy(name: (row: Extract<Row, { option: string }>) => string): OptionNames {
  const names: Partial<OptionNames> = {};
  for (const row of SIMULATE_FLAGS) if ('option' in row) names[row.option] = name(row);
  return names as OptionNames;
}

/** The names of `simulate()`'s options, for the checks' messages to library callers. */
export const OPTION_NAMES: OptionNames = namesBy((row) => row.option);

/** What each option is called on the command line, for the same checks' messages. */
export const FLAG_NAMES: OptionNames = namesBy((row) => longFlag(row.flags));

/** Every option simulate() takes: a misspelt one would otherwise be ignored without a word. */
export const KNOWN_OPTIONS: ReadonlySet<string> = new Set<string>([...SIMULATE_FLAGS.flatMap((row) => ('option' in row ? [row.option] : [])), ...LIBRARY_ONLY_OPTIONS]);

/** The library options that hold durations: in milliseconds on the command's side, and named so (`timeoutMs`). */
export type DurationOption = Extract<Row, { ms: true }>['option'];

/** The options typed Duration, or a list of them. */
type DurationTyped = { [K in keyof SimulateOptions]-?: Duration extends NonNullable<SimulateOptions[K]> ? K : readonly Duration[] extends NonNullable<SimulateOptions[K]> ? K : never }[keyof SimulateOptions];

/** Durations whose row lacks `ms: true`, and `ms: true` rows that are no duration: both `never`, which a type test holds. */
export type DurationsNotInMs = Exclude<DurationTyped, DurationOption>;
export type MsRowsNotDurations = Exclude<DurationOption, DurationTyped>;

/**
 * The library options as a command line gives them: every duration already parsed to
 * milliseconds and named `<option>Ms`, as at every command's boundary (`--within 2s` →
 * `withinMs: 2000`; `--schedule 1m,5m` → `scheduleMs: [60000, 300000]`).
 */
export type FlagOptions = {
  [K in keyof SimulateOptions as K extends DurationOption ? `${K}Ms` : K]?: K extends DurationOption ? (NonNullable<SimulateOptions[K]> extends Duration ? number : number[]) : SimulateOptions[K];
};

/** What a row's option is called on the command's side. */
function commandName(row: FlagRow): string {
  return row.ms ? `${row.option as string}Ms` : (row.option as string);
}

/** The command's names of the library's options (`withinMs`) → the library's (`within`). */
const LIBRARY_NAME_OF: ReadonlyMap<string, string> = new Map([
  ...[...KNOWN_OPTIONS].filter((name) => !SIMULATE_FLAGS.some((row) => 'ms' in row && row.option === name)).map((name) => [name, name] as const),
  ...SIMULATE_FLAGS.flatMap((row) => ('ms' in row ? [[commandName(row), row.option] as const] : [])),
]);

/**
 * The library options the given flags set, each checked by its row's parser (a usage error
 * that names the flag); a flag not given (and without a default) sets nothing, so that a
 * scenario's preset and the library's defaults apply.
 */
export function optionsFromFlags(flags: object, rows: readonly FlagRow[] = SIMULATE_FLAGS): FlagOptions {
  const options: Record<string, unknown> = {};
  for (const row of rows) {
    const value = (flags as Record<string, unknown>)[attributeName(row.flags)];
    if (row.option === undefined || value === undefined) continue;
    const parsed = row.parse && typeof value === 'string' ? row.parse(longFlag(row.flags), value) : value;
    if (parsed !== undefined) options[commandName(row)] = parsed;
  }
  return options as FlagOptions;
}

/** Options of SimulateOptions with neither a flag row nor a place in LIBRARY_ONLY_OPTIONS: `never`, which a type test holds. */
export type UnlistedOptions = Exclude<keyof SimulateOptions, FlaggedOption | (typeof LIBRARY_ONLY_OPTIONS)[number]>;

/** The library's options among a caller's own (the command's files, app, output…), under the library's names. */
export function pickLibraryOptions<T extends object>(options: T): Partial<SimulateOptions> {
  return Object.fromEntries(Object.entries(options).flatMap(([key, value]) => {
    const name = LIBRARY_NAME_OF.get(key);
    return name === undefined ? [] : [[name, value]];
  })) as Partial<SimulateOptions>;
}
