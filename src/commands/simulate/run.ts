/**
 * `simulate` end to end: the library's run (`prepareSimulation()`, `runSimulation()` and
 * the files, as `simulate()` does it) with what only a command line has around it: the app
 * under test, progress, `--check`, the state oracle's URLs or commands, GitHub Actions, the
 * summary and the exit code. A run stopped by a signal or by the app exiting still writes
 * its files with what ran so far, and prints its summary.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHubEnvironment } from '../../ci/github.js';
import { StartedApp, type StartOptions } from '../../ci/started-app.js';
import { WorkflowLog } from '../../ci/workflow-log.js';
import { ExitCode, HswError, UsageError } from '../../errors.js';
import { exitCodeFor, type InterruptReason } from '../../interrupt.js';
import type { OutputFile } from '../../store/output-file.js';
import type { Output } from '../../ui/output.js';
import { printable } from '../../text/printable.js';
import { RunFiles } from '../../simulate/run-files.js';
import { runCheck } from '../../simulate/run-check.js';
import type { ReportSummary, StopSignal } from '../../simulate/report.js';
import { prepareSimulation, runSimulation, type PreparedSimulation, type SimulationRun } from '../../simulate/simulate.js';
import { FLAG_NAMES, pickLibraryOptions, type FlagOptions } from '../../simulate/option-table.js';
import type { StateOracle } from '../../simulate/effects/oracle.js';
import type { TakeInterrupt } from '../action.js';
import type { CommandResult } from '../types.js';
import { round } from '../../round.js';
import { createProgress } from './progress.js';
import { eventRecord, printSummary } from './summary.js';

export type { StartOptions };

/**
 * The library's options (a URL target; the command owns the signal and the callbacks), with
 * the seed always chosen (the command line that repeats the run names it), plus the CLI's own.
 */
export interface SimulateCommandOptions extends Omit<FlagOptions, 'target' | 'path' | 'clock' | 'signal' | 'onAttempt' | 'onEvent' | 'seed' | 'state' | 'reset'> {
  to: URL;
  seed: number;
  /** Whether --seed was given (else the seed is random, and the summary says how to repeat the run). */
  seedGiven: boolean;
  /** The command line that repeats this run. */
  command: string;
  check?: string;
  /** --state and --reset (a URL or a command; no reset: restart the --start app), --repro. */
  stateOracle?: { state: string; reset?: string; repro: string };
  start?: StartOptions | undefined;
  github: GitHubEnvironment | null;
  output: Output;
  /** Taken once the options are checked and the events ready: then Ctrl-C or SIGTERM stops the run, which still reports. */
  takeInterrupt: TakeInterrupt;
}

export interface SimulateCommandResult extends CommandResult {
  report: ReportSummary;
}

/** Why the run stopped early: a signal, or the app under test exiting (signal null). */
type Stop = { signal: StopSignal | null; reason: string };

/** What the run is stopped by: a signal or the app exiting, the first of them, as one AbortSignal for the engine. */
class RunStop {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  by: Stop | undefined;

  stop(by: Stop): void {
    if (this.by) return;
    this.by = by;
    this.controller.abort();
  }
}

interface RunContext {
  /** The first Ctrl-C or SIGTERM, taken over. */
  interrupt: AbortSignal;
  app: StartedApp | undefined;
  oracle: StateOracle | undefined;
  stop: RunStop;
  log: WorkflowLog;
}

export async function run(options: SimulateCommandOptions): Promise<SimulateCommandResult> {
  const { to, start, output } = options;
  const stop = new RunStop();
  // A file that cannot be written, or settings that make the run meaningless, are refused
  // here, before the app is started or anything is sent.
  const prepared = await prepareSimulation(
    { ...pickLibraryOptions(options), target: to, signal: stop.signal, ...(output.json ? { onEvent: (outcome) => output.record(eventRecord(outcome)) } : {}) },
    { names: FLAG_NAMES, warn: (message) => output.warn(printable(message)), outputFiles: commandFiles(options) },
  );
  const interrupt = options.takeInterrupt();
  const log = new WorkflowLog(options.github, output);
  // The app's output and the run's progress are folded into one group in the GitHub log.
  log.group(`HeapStream simulate: ${prepared.events.count} events to ${to.href}`);
  const app = start ? new StartedApp(start, to, output, interrupt) : undefined;
  try {
    await app?.start();
    return await simulate(options, prepared, { app, oracle: await stateOracle(options, app), stop, log, interrupt });
  } catch (error) {
    log.endGroup();
    if (interrupt.aborted && error === interrupt.reason) {
      const signal = interrupt.reason as StopSignal;
      throw new HswError('HSW_INTERRUPTED', `interrupted by ${signal} while the app was starting; nothing was sent`, { exitCode: exitCodeFor(signal) });
    }
    // An app that never came up fails the step: say why where GitHub shows it.
    if (error instanceof HswError && (error.code === 'HSW_APP_EXITED' || error.code === 'HSW_APP_NOT_READY')) await log.error('HeapStream simulate', error.message);
    throw error;
  } finally {
    await app?.stop();
  }
}

/** The files only the command writes (the run's own are RunFiles'), by the name the user gave them: prepareSimulation checks them. */
function commandFiles(options: SimulateCommandOptions): OutputFile[] {
  const files: OutputFile[] = [];
  if (options.start?.logFile) files.push({ name: '--start-log', file: options.start.logFile, mode: 'append' });
  if (options.github?.stepSummaryFile) files.push({ name: '$GITHUB_STEP_SUMMARY', file: options.github.stepSummaryFile, mode: 'append' });
  if (options.github?.outputFile) files.push({ name: '$GITHUB_OUTPUT', file: options.github.outputFile, mode: 'append' });
  return files;
}

/** --state with --reset, or with the --start app restarted to empty it. */
async function stateOracle(options: SimulateCommandOptions, app: StartedApp | undefined): Promise<StateOracle | undefined> {
  if (!options.stateOracle) return undefined;
  const reset = options.stateOracle.reset ?? app?.restart;
  if (!reset) throw new UsageError('--state needs --reset <url|command> or --start');
  return (await import('../../simulate/effects/oracle.js')).specOracle(options.stateOracle.state, reset);
}

async function simulate(options: SimulateCommandOptions, prepared: PreparedSimulation, context: RunContext): Promise<SimulateCommandResult> {
  const { output } = options;
  const { interrupt } = context;
  const progress = await createProgress(output.interactive);
  // --check without --report reads a report in a temporary directory made after the run.
  const files = await RunFiles.open(options, { count: prepared.events.count, settings: prepared.settings }, options.reportFile ?? (options.check ? join(tmpdir(), 'heapstream-simulate-report.json') : undefined));
  // A signal or the app exiting stops scheduling and fails what is in flight at once.
  const onInterrupt = (): void => context.stop.stop({ signal: interrupt.reason as StopSignal, reason: `interrupted by ${interrupt.reason as InterruptReason}` });
  if (interrupt.aborted) onInterrupt();
  else interrupt.addEventListener('abort', onInterrupt, { once: true });
  const unwatch = context.app?.watch((reason) => context.stop.stop({ signal: null, reason }));
  try {
    let run: SimulationRun;
    try {
      run = await runSimulation(prepared, {
        command: options.command,
        ...(context.oracle
          ? {
              oracle: context.oracle,
              onEffects: (phase) =>
                output.line(output.color.dim(phase === 'reference' ? `Reference run: each event once, in timestamp order, one at a time (${context.oracle?.stateName})` : 'The final state differs from the reference: shrinking to a minimal reproduction')),
            }
          : {}),
        stopReason: () => context.stop.by,
        onEventFinished: files.onEventFinished,
        onStart: ({ settings, events, stats }) => {
          output.line(`Simulating HeapStream delivery of ${events} events to ${options.to.href}${options.scenario ? ` (scenario ${options.scenario})` : ''}`);
          output.line(output.color.dim(`  24 h schedule ×1/${round(settings.scale)} · ${settings.maxAttempts} attempts · ${settings.timeoutMs} ms timeout · ${settings.concurrency} in flight · seed ${settings.seed}${options.seedGiven ? '' : ' (random)'}`));
          progress.start(stats);
        },
      });
    } finally {
      unwatch?.();
      progress.stop();
      interrupt.removeEventListener('abort', onInterrupt);
    }
    context.log.endGroup();
    return await conclude(options, prepared, run, files, context);
  } finally {
    await files.discard();
  }
}

/** After the run: --check, the reproduction, the files, the summary, GitHub, and the exit code. */
async function conclude(options: SimulateCommandOptions, prepared: PreparedSimulation, run: SimulationRun, files: RunFiles, context: RunContext): Promise<SimulateCommandResult> {
  const { output } = options;
  const { report, result } = run;
  // Stopped during the run, or (with --state) while shrinking after it.
  const stoppedBy = context.stop.by;
  await files.complete(report, result);
  const reportFile = options.reportFile ?? (options.check && !stoppedBy ? join(await mkdtemp(join(tmpdir(), 'heapstream-simulate-')), 'report.json') : undefined);
  if (options.check && reportFile && !stoppedBy) {
    await files.writeReport(reportFile, report, result);
    const exitCode = await runCheck(options.check, reportFile, output);
    report.check = { command: options.check, exitCode };
    if (exitCode !== 0) {
      report.verdict.ok = false;
      report.verdict.reasons.push(`--check "${options.check}" exited ${exitCode ?? 'by a signal'}`);
    }
  }
  const reproduction = report.effects?.reproduction;
  if (reproduction && options.stateOracle) {
    const { attachReproduction } = await import('../../simulate/effects/repro.js');
    await attachReproduction(reproduction, { dir: options.stateOracle.repro, reset: options.stateOracle.reset }, prepared.events, options.to);
  }
  await files.write(report, result, reportFile);

  const { junitFile, htmlFile } = options;
  printSummary(output, report, { reportFile, junitFile, htmlFile, seedGiven: options.seedGiven });
  if (options.github) {
    const { publishToGitHub } = await import('../../ci/github.js');
    await publishToGitHub(options.github, report, { reportFile, print: context.log.print });
  }
  if (!stoppedBy) return { exitCode: report.verdict.ok ? ExitCode.ok : ExitCode.failed, report };
  const written = [reportFile, junitFile, htmlFile].filter(Boolean).join(' and ');
  const message = `${stoppedBy.reason}: ${report.interrupted ? `${report.interrupted.finishedEvents} of ${report.totals.events} events finished` : 'while shrinking the state difference'}${written ? `; ${written} hold what ran so far` : ''}`;
  if (stoppedBy.signal) {
    output.warn(message);
    return { exitCode: exitCodeFor(stoppedBy.signal), report };
  }
  output.error(message);
  return { exitCode: ExitCode.failed, report };
}
