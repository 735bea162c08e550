/**
 * `simulate --export artillery <dir>` and `simulate --from-artillery <reports…>`: the same
 * storm played by Artillery (locally, or sharded on Fargate or Lambda), and its reports
 * turned into the verdict, files, summary and exit code of a local run.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { syntheticHeaders } from '../../delivery/request.js';
import { ExitCode, UsageError } from '../../errors.js';
import { ensureDirectory } from '../../store/directory.js';
import { exportArtillery } from '../../simulate/artillery/export.js';
import { fromArtilleryReports } from '../../simulate/artillery/reports.js';
import { prepareSimulation } from '../../simulate/simulate.js';
import { checkRunFiles, RunFiles, type RunFileNames } from '../../simulate/run-files.js';
import { printable } from '../../text/printable.js';
import { parseInteger } from '../../options/flags.js';
import { userAgent } from '../../version.js';
import type { CommandResult } from '../types.js';
import { FLAG_NAMES, longFlag, pickLibraryOptions, SIMULATE_FLAGS } from '../../simulate/option-table.js';
import type { SimulateCommandOptions, SimulateCommandResult } from './run.js';
import { printSummary } from './summary.js';

export interface ExportCommandOptions extends Omit<SimulateCommandOptions, 'to'> {
  /** The handler, when given: storm.yml's default target (Artillery's --target overrides it). */
  to?: URL | undefined;
  dir: string;
  shards: number;
}

export async function exportStorm(options: ExportCommandOptions): Promise<CommandResult> {
  const { output, dir, shards } = options;
  const { to, command } = options;
  const library = pickLibraryOptions(options);
  // A URL target: the schedule is compressed for real time, as a run against a URL would be.
  await ensureDirectory(dir);
  const prepared = await prepareSimulation({ ...library, target: to ?? 'http://127.0.0.1/' }, { names: FLAG_NAMES, warn: (message) => output.warn(printable(message)) });
  if (shards > prepared.events.count) throw new UsageError(`--shards ${shards} is more than the ${prepared.events.count} events; give at most ${prepared.events.count}`);
  const result = await exportArtillery({
    dir,
    shards,
    settings: prepared.settings,
    events: prepared.events,
    scenario: prepared.scenario,
    compression: prepared.compression,
    tool: userAgent(),
    command,
    ...(to ? { target: to.href } : {}),
    headers: syntheticHeaders(),
    ...(prepared.headers ? { extraHeaders: prepared.headers } : {}),
  });
  const parts = result.shards.reduce((sum, shard) => sum + shard.parts.length, 0);
  output.record({ kind: 'export', format: 'artillery', dir: resolve(dir), events: result.events, shards: result.shards, payloadBytes: result.payloadBytes, exportId: result.exportId });
  const many = shards > 1;
  output.line(`Wrote an Artillery storm of ${result.events} events (seed ${prepared.settings.seed}) to ${printable(dir)}: storm.yml, processor.mjs, meta.json, ${parts} payload file${parts === 1 ? '' : 's'} (${(result.payloadBytes / 1e6).toFixed(1)} MB)${many ? ` in ${shards} shards` : ''}`);
  output.line(output.color.dim(many ? `Run each shard once, each with --count 1 (Artillery's --count repeats the whole load):` : 'Run it:'));
  const target = to ? '' : ' --target <handler URL>';
  for (let shard = 1; shard <= Math.min(shards, 3); shard++) output.line(`  artillery run ${printable(dir)}/storm.yml${many ? ` -e shard-${shard}` : ''}${target} --output ${many ? `shard-${shard}` : 'report'}.json`);
  if (shards > 3) output.line(`  … to -e shard-${shards}`);
  output.line(`Then: heapstream-webhooks simulate --from-artillery ${many ? 'shard-*.json' : 'report.json'}`);
  return { exitCode: ExitCode.ok };
}

export interface FromArtilleryOptions extends Pick<SimulateCommandOptions, 'github' | 'output'> {
  /** Artillery's reports, one per shard. */
  reports: string[];
  files: RunFileNames;
}

export async function fromArtillery(options: FromArtilleryOptions): Promise<SimulateCommandResult> {
  const { output } = options;
  const { files } = options;
  await checkRunFiles(files, FLAG_NAMES);
  const { report, result } = await fromArtilleryReports(options.reports, { names: FLAG_NAMES });
  // The run is over: each file written whole.
  await RunFiles.finished(files).write(report, result);
  const { reportFile, junitFile, htmlFile } = files;
  printSummary(output, report, { reportFile, junitFile, htmlFile, seedGiven: true });
  if (options.github) {
    const { publishToGitHub } = await import('../../ci/github.js');
    await publishToGitHub(options.github, report, { reportFile, print: (line) => (output.json ? output.note(line) : output.line(line)) });
  }
  return { exitCode: report.verdict.ok ? ExitCode.ok : ExitCode.failed, report };
}

/** `--export artillery <dir>` and `--shards n`, checked. */
export function exportFlags(values: string[], shards: string): { dir: string; shards: number } {
  const [format, dir, ...rest] = values;
  if (format !== 'artillery' || dir === undefined || rest.length > 0) {
    throw new UsageError(`--export ${values.map((v) => JSON.stringify(printable(v))).join(' ')} is not a format and a directory; give --export artillery <dir> (artillery is the one format)`);
  }
  return { dir, shards: parseInteger('--shards', shards, { min: 1, max: 10_000 }) };
}

/** What each mode reads (the table's columns); any other flag given on the command line would be ignored, so it is refused. */
const MODE_FLAGS = {
  '--from-artillery': new Set(SIMULATE_FLAGS.flatMap((row) => ('fromArtillery' in row ? [longFlag(row.flags)] : []))),
  // Everything that shapes the storm; not what only a run has (its files, the app, --check).
  '--export': new Set(['--to', '--header', ...SIMULATE_FLAGS.flatMap((row) => ('export' in row ? [longFlag(row.flags)] : []))]),
};

export function refuseOtherFlags(command: Command, mode: keyof typeof MODE_FLAGS): void {
  const allowed = MODE_FLAGS[mode];
  for (const option of command.options) {
    if (command.getOptionValueSource(option.attributeName()) !== 'cli' || option.long === undefined || allowed.has(option.long)) continue;
    const where = mode === '--export' ? 'a run, not to an export (the report files come from --from-artillery)' : 'a run or an export, not to reading reports';
    throw new UsageError(`${option.long} applies to ${where}; drop it`);
  }
}
