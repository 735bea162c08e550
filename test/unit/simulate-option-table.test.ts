/**
 * simulate's options come from one table (src/simulate/option-table.ts): a row gives the
 * flag, its help, its parsed value for the library, and the name the checks print. These
 * tests hold everything derived from it to the table, so that adding an option is a row
 * there and a line in SimulateOptions, and the compiler or these tests name what is missing.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Command, Option } from '../../src/commander.js';
import { registerSimulate } from '../../src/commands/simulate/index.js';
import { parseInteger } from '../../src/options/flags.js';
import { resolveSimulation } from '../../src/simulate/settings.js';
import {
  attributeName,
  FLAG_NAMES,
  KNOWN_OPTIONS,
  LIBRARY_ONLY_OPTIONS,
  longFlag,
  OPTION_NAMES,
  optionsFromFlags,
  SIMULATE_FLAGS,
  pickLibraryOptions,
  type DurationsNotInMs,
  type MsRowsNotDurations,
  type FlagOptions,
  type FlagRow,
  type TableFlags,
  type UnlistedOptions,
} from '../../src/simulate/option-table.js';

function simulateCommand(): Command {
  const program = new Command();
  registerSimulate(program);
  return program.commands.find((command) => command.name() === 'simulate') as Command;
}

describe('simulate option table', () => {
  it('has a row or a library-only place for every SimulateOptions key (checked by the compiler)', () => {
    expectTypeOf<UnlistedOptions>().toBeNever();
    expect([...KNOWN_OPTIONS].sort()).toEqual([...SIMULATE_FLAGS.flatMap((row) => ('option' in row ? [row.option] : [])), ...LIBRARY_ONLY_OPTIONS].sort());
  });

  it('declares every row on the command, in the table order, between the delivery group and --header', () => {
    const longs = simulateCommand().options.map((option) => option.long);
    expect(longs).toEqual(['--to', '--concurrency', '--timeout', ...SIMULATE_FLAGS.filter((row) => !('declaredByGroup' in row)).map((row) => longFlag(row.flags)), '--header']);
  });

  it("names each flag's value as commander does, and types it from the row", () => {
    for (const row of SIMULATE_FLAGS) expect(attributeName(row.flags)).toBe(new Option(row.flags).attributeName());
    expectTypeOf<TableFlags['events']>().toEqualTypeOf<string>();
    expectTypeOf<TableFlags['maxAttempts']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<TableFlags['reorder']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<TableFlags['fixtures']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<TableFlags['fromArtillery']>().toEqualTypeOf<string[] | undefined>();
  });

  it('gives the checks the flag where the library gives the option name', () => {
    expect(FLAG_NAMES.maxAttempts).toBe('--max-attempts');
    expect(OPTION_NAMES.maxAttempts).toBe('maxAttempts');
    expect(Object.keys(FLAG_NAMES).sort()).toEqual(Object.keys(OPTION_NAMES).sort());
    const command = simulateCommand();
    command.exitOverride();
    command.parse(['--to', 'http://127.0.0.1:1/', '--max-attempts', '0'], { from: 'user' });
    expect(() => resolveSimulation({ target: 'http://127.0.0.1:1/', ...optionsFromFlags(command.opts()) }, FLAG_NAMES)).toThrow(/--max-attempts "0"/);
  });

  it('turns the given flags into library options, and leaves what was not given to the presets', () => {
    const command = simulateCommand();
    command.parse(['--to', 'http://127.0.0.1:1/', '--within', '2s', '--duplicates', '3', '--reorder', '--fixtures', 'a', '--fixtures', 'b', '--report', 'r.json'], { from: 'user' });
    // Defaults count as given (events, jitter, timeout, …), as their flags' values always reach the library.
    expect(optionsFromFlags(command.opts())).toEqual({
      fixtures: ['a', 'b'],
      events: 20,
      withinMs: 2_000,
      jitter: 0,
      timeoutMs: 5_000,
      concurrency: 10,
      duplicates: 3,
      duplicateWindowMs: 300_000,
      reorder: true,
      reorderWindow: 10,
      reportFile: 'r.json',
    });
  });

  it('marks what --export and --from-artillery read, so any other flag given with them is refused', () => {
    const reads = (column: 'export' | 'fromArtillery'): string[] => SIMULATE_FLAGS.flatMap((row) => (column in row ? [longFlag(row.flags)] : []));
    expect(reads('fromArtillery')).toEqual(['--report', '--junit', '--html', '--json', '--from-artillery']);
    // What shapes the storm; not what only a run has (its files, the app, --check, --state).
    expect(reads('export')).toEqual([
      '--fixtures', '--type', '--events', '--schedule', '--within', '--time-scale', '--max-attempts', '--jitter', '--timeout', '--duplicate-rate', '--duplicates', '--duplicate-window',
      '--reorder', '--reorder-window', '--scenario', '--outage', '--answer-loss', '--network-latency', '--max-latency', '--seed', '--json', '--export', '--shards',
    ]);
  });

  it('holds durations in milliseconds under *Ms names on the command side, as every command does at its boundary, and hands them to the library under its names', () => {
    expectTypeOf<DurationsNotInMs>().toBeNever();
    expectTypeOf<MsRowsNotDurations>().toBeNever();
    expectTypeOf<FlagOptions['timeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<FlagOptions['withinMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<FlagOptions['scheduleMs']>().toEqualTypeOf<number[] | undefined>();
    expectTypeOf<FlagOptions['type']>().toEqualTypeOf<string | undefined>();
    const command = simulateCommand();
    command.parse(['--to', 'http://127.0.0.1:1/', '--outage', '1h', '--max-latency', '1.5s', '--schedule', '1m,5m'], { from: 'user' });
    const flagged = optionsFromFlags(command.opts());
    expect(flagged).toMatchObject({ outageMs: 3_600_000, maxLatencyMs: 1_500, timeoutMs: 5_000, duplicateWindowMs: 300_000, scheduleMs: [60_000, 300_000] });
    expect(Object.keys(flagged).filter((key) => ['outage', 'maxLatency', 'timeout', 'duplicateWindow', 'schedule'].includes(key))).toEqual([]);
    // The command's own options (its output, its files' check) are not the library's; a library name for a duration is not the command's.
    expect(pickLibraryOptions({ ...flagged, check: 'exit 0', timeout: 1 })).toMatchObject({ outage: 3_600_000, maxLatency: 1_500, timeout: 5_000, duplicateWindow: 300_000, schedule: [60_000, 300_000], events: 20 });
    expect(Object.keys(pickLibraryOptions({ ...flagged, check: 'exit 0' })).some((key) => key.endsWith('Ms') || key === 'check')).toBe(false);
  });

  it('an empty file path (--report "") writes nothing, as if the flag were not given', () => {
    const command = simulateCommand();
    command.parse(['--to', 'http://127.0.0.1:1/', '--report', '', '--junit', '', '--html', ''], { from: 'user' });
    expect(Object.keys(optionsFromFlags(command.opts())).filter((key) => key.endsWith('File'))).toEqual([]);
  });

  it('takes a new option from one row: declared, parsed, named', () => {
    // A row for an option the table does not have yet (here `events`, under another flag).
    const row: FlagRow = { flags: '--event-count <n>', help: 'how many events', option: 'events', parse: (flag, text) => parseInteger(flag, text, { min: 1 }) };
    const command = new Command().exitOverride();
    command.addOption(new Option(row.flags, row.help));
    command.parse(['--event-count', '7'], { from: 'user' });
    expect(optionsFromFlags(command.opts(), [row])).toEqual({ events: 7 });
    command.parse(['--event-count', 'x'], { from: 'user' });
    expect(() => optionsFromFlags(command.opts(), [row])).toThrow(expect.objectContaining({ code: 'HSW_BAD_VALUE', message: expect.stringContaining('--event-count "x"') }));
  });
});
