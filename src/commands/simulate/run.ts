/**
 * `simulate` end to end: the library's engine (`prepareSimulation()`, then
 * `runSimulation()`, as `simulate()` runs it) with the CLI around it: the app under test,
 * progress, report files, `--check`, GitHub Actions reporting, verdict. A run stopped by a
 * signal or by the app exiting still writes its report and JUnit with what ran so far, and
 * prints its summary.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppUnderTest } from '../../ci/app.js';
import type { GitHubEnvironment } from '../../ci/github.js';
import { ExitCode, HswError } from '../../errors.js';
import { exitCodeFor, interruptSignal } from '../../interrupt.js';
import { checkOutputFiles, type OutputFile } from '../../store/output-file.js';
import type { Output } from '../../ui/output.js';
import { printable } from '../../text/printable.js';
import { createSpinnerFactory, type Spinner } from '../../ui/spinner.js';
import type { EngineStats } from '../../simulate/engine.js';
import { EventFiles } from '../../simulate/event-files.js';
import { runCheck } from '../../simulate/run-check.js';
import type { ReportSummary, StopSignal } from '../../simulate/report.js';
import { prepareSimulation, runSimulation, type PreparedSimulation } from '../../simulate/simulate.js';
import type { EventOutcome } from '../../simulate/types.js';
import { FLAG_NAMES, pickLibraryOptions, type FlagOptions } from '../../simulate/option-table.js';
import type { StateOracle } from '../../simulate/effects/oracle.js';
import type { CommandResult } from '../types.js';
import { round } from '../../round.js';
import { printSummary } from './summary.js';

export interface StartOptions {
  command: string;
  /** Ready when this answers 2xx (default: when the handler's port accepts connections). */
  readyUrl?: URL | undefined;
  timeoutMs: number;
  /** The app's output goes to this file instead of stderr. */
  logFile?: string | undefined;
}

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
  reportFile?: string;
  junitFile?: string;
  /** A self-contained HTML picture of the run (`--html`). */
  htmlFile?: string;
  check?: string;
  /** --state and --reset (a URL or a command; no reset: restart the --start app), --repro. */
  stateOracle?: { state: string; reset?: string; repro: string };
  start?: StartOptions | undefined;
  github: GitHubEnvironment | null;
  output: Output;
}

export interface SimulateCommandResult extends CommandResult {
  report: ReportSummary;
}

/** Why the run stopped early: a signal, or the app under test exiting (signal null). */
type Stop = { signal: StopSignal | null; reason: string };

export async function run(options: SimulateCommandOptions): Promise<SimulateCommandResult> {
  const { to, start, github, output } = options;
  // A file that cannot be written fails the run now, before the app starts or anything is sent.
  await checkOutputFiles(outputFiles(options));
  // A signal, or the app exiting, stops the run; the engine sees one signal for both.
  const stop = new AbortController();
  let stoppedBy: Stop | undefined;
  const stopRun = (by: Stop): void => {
    if (stoppedBy) return;
    stoppedBy = by;
    stop.abort();
  };
  // Settings that make the run meaningless are refused here, before the app is started.
  const prepared = await prepareSimulation(
    { ...pickLibraryOptions(options), target: to, signal: stop.signal, ...(output.json ? { onEvent: (outcome: EventOutcome) => output.record(eventLine(outcome)) } : {}) },
    { names: FLAG_NAMES, warn: (message) => output.warn(printable(message)) },
  );
  // Without stdoutClosed, only SIGINT and SIGTERM abort it: its reason is a StopSignal.
  const interrupt = interruptSignal();
  // In --json mode stdout carries NDJSON only; GitHub reads workflow commands on stderr too.
  const ci = (line: string): void => (output.json ? output.note(line) : output.line(line));
  // The app's output and the run's progress are folded into one group in the GitHub log.
  let grouped = Boolean(github);
  if (grouped) ci(`::group::HeapStream simulate: ${prepared.events.count} events to ${to.href}`);
  const endGroup = (): void => {
    if (grouped) ci('::endgroup::');
    grouped = false;
  };
  let app: AppUnderTest | undefined;
  // Without --reset, the state is emptied by starting the app afresh: said once, not per trial.
  let restarts = 0;
  const restart = async (): Promise<void> => {
    if (restarts++ === 0) output.line(output.color.dim('Restarting the app to empty its state, before each run and trial (no --reset)'));
    const old = app;
    app = undefined;
    await old?.stop();
    if (start) app = await startApp(start, to, { ...output, line: () => undefined }, interrupt);
  };
  try {
    if (start) app = await startApp(start, to, output, interrupt);
    const reset = options.stateOracle?.reset ?? (start ? restart : undefined);
    if (options.stateOracle && !reset) throw new HswError('HSW_USAGE', '--state needs --reset <url|command> or --start', { exitCode: ExitCode.usage });
    const oracle = options.stateOracle && reset ? (await import('../../simulate/effects/oracle.js')).specOracle(options.stateOracle.state, reset) : undefined;
    return await simulate(options, prepared, { app: () => app, oracle, interrupt, stop: stopRun, stopped: () => stoppedBy, ci, endGroup });
  } catch (error) {
    endGroup();
    if (interrupt.aborted && error === interrupt.reason) {
      const signal = interrupt.reason as StopSignal;
      throw new HswError('HSW_INTERRUPTED', `interrupted by ${signal} while the app was starting; nothing was sent`, { exitCode: exitCodeFor(signal) });
    }
    // An app that never came up fails the step: say why where GitHub shows it.
    if (github && error instanceof HswError && (error.code === 'HSW_APP_EXITED' || error.code === 'HSW_APP_NOT_READY')) {
      const { workflowCommandData } = await import('../../ci/github.js');
      ci(`::error title=HeapStream simulate::${workflowCommandData(error.message)}`);
    }
    throw error;
  } finally {
    await app?.stop();
  }
}

/** Every file the run will write, by the name the user gave it. */
function outputFiles(options: SimulateCommandOptions): OutputFile[] {
  const files: OutputFile[] = [];
  if (options.reportFile) files.push({ name: '--report', file: options.reportFile, mode: 'replace' });
  if (options.junitFile) files.push({ name: '--junit', file: options.junitFile, mode: 'replace' });
  if (options.htmlFile) files.push({ name: '--html', file: options.htmlFile, mode: 'replace' });
  if (options.start?.logFile) files.push({ name: '--start-log', file: options.start.logFile, mode: 'append' });
  if (options.github?.stepSummaryFile) files.push({ name: '$GITHUB_STEP_SUMMARY', file: options.github.stepSummaryFile, mode: 'append' });
  if (options.github?.outputFile) files.push({ name: '$GITHUB_OUTPUT', file: options.github.outputFile, mode: 'append' });
  return files;
}

async function startApp(start: StartOptions, to: URL, output: Output, signal: AbortSignal): Promise<AppUnderTest> {
  output.line(output.color.dim(`Starting the app: ${start.command}`));
  const app = await AppUnderTest.start({
    command: start.command,
    connectTo: to,
    readyUrl: start.readyUrl,
    timeoutMs: start.timeoutMs,
    // The app is the handler: what it prints may echo webhook bodies, so it is hostile text.
    log: start.logFile ? { file: start.logFile } : (line) => output.note(`${output.color.dim('app │')} ${printable(line)}`),
    signal,
  });
  output.line(output.color.dim(`The app is ready (${start.readyUrl ? `${start.readyUrl.href} answered 2xx` : `${to.host} accepts connections`})`));
  return app;
}

interface RunContext {
  /** The app under test now (a restart replaces it). */
  app(): AppUnderTest | undefined;
  oracle: StateOracle | undefined;
  interrupt: AbortSignal;
  stop(by: Stop): void;
  stopped(): Stop | undefined;
  ci(line: string): void;
  endGroup(): void;
}

async function simulate(options: SimulateCommandOptions, prepared: PreparedSimulation, context: RunContext): Promise<SimulateCommandResult> {
  const spinners = await createSpinnerFactory(options.output.interactive);
  // A signal or the app exiting stops scheduling and fails what is in flight at once.
  const onInterrupt = (): void => context.stop({ signal: context.interrupt.reason as StopSignal, reason: `interrupted by ${context.interrupt.reason as string}` });
  if (context.interrupt.aborted) onInterrupt();
  else context.interrupt.addEventListener('abort', onInterrupt, { once: true });
  // --check without --report reads a report in a temporary directory made after the run.
  const reportNear = options.reportFile ?? (options.check ? join(tmpdir(), 'heapstream-simulate-report.json') : undefined);
  const files = await EventFiles.open({ reportNear, junitFile: options.junitFile }, prepared);
  try {
    return await simulateInto(files, options, prepared, context, spinners, onInterrupt);
  } finally {
    await files.discard();
  }
}

async function simulateInto(
  files: EventFiles,
  options: SimulateCommandOptions,
  prepared: PreparedSimulation,
  context: RunContext,
  spinners: (text: string) => Spinner | undefined,
  onInterrupt: () => void,
): Promise<SimulateCommandResult> {
  const { output } = options;
  let stopProgress = (): void => undefined;
  let running = true;
  // Only the app of the moment counts: one stopped to be restarted exits on purpose.
  const watched = new Set<AppUnderTest>();
  const watch = (): void => {
    const app = context.app();
    if (!app || watched.has(app)) return;
    watched.add(app);
    void app.exited.then(() => {
      if (running && context.app() === app) context.stop({ signal: null, reason: app.exitedError('during the run').message });
    });
  };
  watch();
  let run;
  try {
    run = await runSimulation(prepared, {
      command: options.command,
      ...(context.oracle
        ? {
            oracle: context.oracle,
            onEffects: (phase) => {
              watch();
              output.line(output.color.dim(phase === 'reference' ? `Reference run: each event once, in timestamp order, one at a time (${context.oracle?.stateName})` : 'The final state differs from the reference: shrinking to a minimal reproduction'));
            },
          }
        : {}),
      stopReason: context.stopped,
      ...(files.any ? { onEventFinished: (index, outcome) => files.finished(index, outcome) } : {}),
      onStart: ({ settings, events, stats }) => {
        output.line(`Simulating HeapStream delivery of ${events} events to ${options.to.href}${options.scenario ? ` (scenario ${options.scenario})` : ''}`);
        output.line(output.color.dim(`  24 h schedule ×1/${round(settings.scale)} · ${settings.maxAttempts} attempts · ${settings.timeoutMs} ms timeout · ${settings.concurrency} in flight · seed ${settings.seed}${options.seedGiven ? '' : ' (random)'}`));
        watch();
        stopProgress = startProgress(spinners, stats);
      },
    });
  } finally {
    running = false;
    stopProgress();
    context.interrupt.removeEventListener('abort', onInterrupt);
  }
  context.endGroup();

  const { report, result } = run;
  // Stopped during the run, or (with --state) while shrinking after it.
  const stoppedBy = context.stopped();
  await files.complete(report, result);
  const reportFile = options.reportFile ?? (options.check && !stoppedBy ? join(await mkdtemp(join(tmpdir(), 'heapstream-simulate-')), 'report.json') : undefined);
  if (options.check && !stoppedBy) {
    await files.writeReport(reportFile as string, report);
    const exitCode = await runCheck(options.check, reportFile as string, output);
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
  if (reportFile) await files.writeReport(reportFile, report);
  if (options.junitFile) await files.writeJunit(options.junitFile, report);
  if (options.htmlFile) await (await import('../../simulate/storm-html.js')).writeStormHtml(options.htmlFile, report, result);

  printSummary(output, report, { reportFile, junitFile: options.junitFile, htmlFile: options.htmlFile, seedGiven: options.seedGiven });
  if (options.github) {
    const { publishToGitHub } = await import('../../ci/github.js');
    await publishToGitHub(options.github, report, { reportFile, print: context.ci });
  }
  if (stoppedBy) {
    const written = [reportFile, options.junitFile, options.htmlFile].filter(Boolean).join(' and ');
    const message = `${stoppedBy.reason}: ${report.interrupted ? `${report.interrupted.finishedEvents} of ${report.totals.events} events finished` : 'while shrinking the state difference'}${written ? `; ${written} hold what ran so far` : ''}`;
    if (stoppedBy.signal) {
      output.warn(message);
      return { exitCode: exitCodeFor(stoppedBy.signal), report };
    }
    output.error(message);
    return { exitCode: ExitCode.failed, report };
  }
  return { exitCode: report.verdict.ok ? ExitCode.ok : ExitCode.failed, report };
}

function eventLine(outcome: EventOutcome): object {
  const last = outcome.attempts[outcome.attempts.length - 1];
  return {
    kind: 'event',
    index: outcome.index,
    type: outcome.type,
    videoId: outcome.videoId,
    delivered: outcome.delivered,
    exhausted: outcome.exhausted,
    tooSlow: outcome.tooSlow,
    attempts: outcome.attempts.length,
    duplicatesSent: outcome.duplicatesSent,
    lastStatus: last?.status ?? null,
    lastError: last?.error ?? null,
  };
}

function startProgress(spinners: (text: string) => Spinner | undefined, stats: () => EngineStats): () => void {
  const spinner = spinners('');
  if (!spinner) return () => undefined;
  const render = (): void => {
    const s = stats();
    const width = 24;
    const filled = s.events === 0 ? width : Math.round((s.finished / s.events) * width);
    const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${s.finished}/${s.events} finished · ${s.delivered} delivered · ${s.exhausted} exhausted · ${s.inFlight} in flight · ${s.pendingRetries} retries pending`;
    // One line only: a wrapped line is redrawn badly by every terminal.
    spinner.update(text.slice(0, Math.max(20, (process.stdout.columns ?? 80) - 4)));
  };
  const timer = setInterval(render, 150);
  render();
  return () => {
    clearInterval(timer);
    spinner.stop();
  };
}
