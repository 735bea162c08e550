/**
 * `simulate` end to end: events, the app under test, engine, progress, report files,
 * `--check`, GitHub Actions reporting, verdict. A run stopped by a signal or by the app
 * exiting still writes its report and JUnit with what ran so far, and prints its summary.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { AppUnderTest } from '../../ci/app.js';
import type { GitHubEnvironment } from '../../ci/github.js';
import { send } from '../../delivery/send.js';
import { ExitCode, HswError } from '../../errors.js';
import { findCatalogEntry } from '../../events/catalog.js';
import { createRandom } from '../../events/random.js';
import { exitCodeFor, nextInterrupt } from '../../interrupt.js';
import { writeFileAtomicStreamed } from '../../store/write.js';
import type { Output } from '../../ui/output.js';
import { printable } from '../../ui/sanitize.js';
import { createSpinnerFactory } from '../../ui/spinner.js';
import { userAgent } from '../../version.js';
import { realClock } from '../../simulate/clock.js';
import { SimulationEngine, type EngineResult, type EngineStats } from '../../simulate/engine.js';
import { writeJunit } from '../../simulate/junit.js';
import { buildReport, writeReport, type SimulateReport, type StopSignal } from '../../simulate/report.js';
import type { EventStore } from '../../simulate/event-store.js';
import { eventsFromFixtures, synthesizeEvents } from '../../simulate/sources.js';
import type { EventOutcome, SimulateSettings } from '../../simulate/types.js';
import type { Compression, OptionNames } from '../../simulate/validate.js';
import type { CommandResult } from '../types.js';
import { round } from '../../round.js';
import { printSummary } from './summary.js';

export interface StartOptions {
  command: string;
  /** Ready when this answers 2xx (default: when the handler's port accepts connections). */
  readyUrl?: URL;
  timeoutMs: number;
  /** The app's output goes to this file instead of stderr. */
  logFile?: string;
}

export interface SimulateCommandOptions {
  to: URL;
  fixtures?: string[];
  type?: string;
  count: number;
  settings: SimulateSettings;
  scenario: string | null;
  /** How the compression was given and what the options are called, for messages. */
  compression: Compression;
  names: OptionNames;
  seedGiven: boolean;
  /** The command line that repeats this run. */
  command: string;
  reportFile?: string;
  junitFile?: string;
  check?: string;
  start?: StartOptions;
  github: GitHubEnvironment | null;
  output: Output;
}

export interface SimulateCommandResult extends CommandResult {
  report: SimulateReport;
}

export async function run(options: SimulateCommandOptions): Promise<SimulateCommandResult> {
  const store = await loadEvents(options);
  const order = store.order({ reorder: options.settings.reorder, window: options.settings.reorderWindow, seed: options.settings.seed });
  const interrupt = new AbortController();
  // Without stdoutClosed, only SIGINT and SIGTERM end this wait.
  void nextInterrupt().then((signal) => interrupt.abort(signal as StopSignal));
  // In --json mode stdout carries NDJSON only; GitHub reads workflow commands on stderr too.
  const ci = (line: string): void => (options.output.json ? options.output.note(line) : options.output.line(line));
  // The app's output and the run's progress are folded into one group in the GitHub log.
  let grouped = Boolean(options.github);
  if (grouped) ci(`::group::HeapStream simulate: ${order.length} events to ${options.to.href}`);
  const endGroup = (): void => {
    if (grouped) ci('::endgroup::');
    grouped = false;
  };
  let app: AppUnderTest | undefined;
  try {
    if (options.start) app = await startApp(options.start, options, interrupt.signal);
    return await simulate(options, store, order, { app, interrupt: interrupt.signal, ci, endGroup });
  } catch (error) {
    endGroup();
    if (interrupt.signal.aborted && error === interrupt.signal.reason) {
      const signal = interrupt.signal.reason as StopSignal;
      throw new HswError('HSW_INTERRUPTED', `interrupted by ${signal} while the app was starting; nothing was sent`, { exitCode: exitCodeFor(signal) });
    }
    // An app that never came up fails the step: say why where GitHub shows it.
    if (options.github && error instanceof HswError && (error.code === 'HSW_APP_EXITED' || error.code === 'HSW_APP_NOT_READY')) {
      const { workflowCommandData } = await import('../../ci/github.js');
      ci(`::error title=HeapStream simulate::${workflowCommandData(error.message)}`);
    }
    throw error;
  } finally {
    await app?.stop();
  }
}

async function startApp(start: StartOptions, options: SimulateCommandOptions, signal: AbortSignal): Promise<AppUnderTest> {
  const { output } = options;
  output.line(output.color.dim(`Starting the app: ${start.command}`));
  const app = await AppUnderTest.start({
    command: start.command,
    connectTo: options.to,
    readyUrl: start.readyUrl,
    timeoutMs: start.timeoutMs,
    // The app is the handler: what it prints may echo webhook bodies, so it is hostile text.
    log: start.logFile ? { file: start.logFile } : (line) => output.note(`${output.color.dim('app │')} ${printable(line)}`),
    signal,
  });
  output.line(output.color.dim(`The app is ready (${start.readyUrl ? `${start.readyUrl.href} answered 2xx` : `${options.to.host} accepts connections`})`));
  return app;
}

interface RunContext {
  app: AppUnderTest | undefined;
  interrupt: AbortSignal;
  ci(line: string): void;
  endGroup(): void;
}

async function simulate(options: SimulateCommandOptions, store: EventStore, order: Uint32Array, context: RunContext): Promise<SimulateCommandResult> {
  const { output, settings } = options;
  const { app } = context;
  const agent = new Agent({ connections: settings.concurrency, keepAliveTimeout: 10_000 });
  const engine: SimulationEngine = new SimulationEngine(
    {
      settings,
      clock: realClock,
      random: createRandom(settings.seed),
      deliver: (body, headers, timeoutMs) => send({ url: options.to, body, headers, exactHeaders: true, timeoutMs, dispatcher: agent }),
      ...(output.json ? { onEventFinished: (index: number) => output.record(eventLine(engine.outcome(index))) } : {}),
    },
    store,
  );

  output.line(`Simulating HeapStream delivery of ${order.length} events to ${options.to.href}${options.scenario ? ` (scenario ${options.scenario})` : ''}`);
  output.line(output.color.dim(`  24 h schedule ×1/${round(settings.scale)} · ${settings.maxAttempts} attempts · ${settings.timeoutMs} ms timeout · ${settings.concurrency} in flight · seed ${settings.seed}${options.seedGiven ? '' : ' (random)'}`));
  const stopProgress = await startProgress(output, () => engine.stats);
  const startedAt = new Date();
  // A signal or the app exiting stops scheduling and fails what is in flight at once (no
  // per-attempt signal needed: destroying the agent ends every open request).
  let stoppedBy: { signal: StopSignal | null; reason: string } | undefined;
  const stop = (by: { signal: StopSignal | null; reason: string }): void => {
    if (stoppedBy) return;
    stoppedBy = by;
    engine.abort();
    void agent.destroy();
  };
  const onInterrupt = (): void => stop({ signal: context.interrupt.reason as StopSignal, reason: `interrupted by ${context.interrupt.reason as string}` });
  if (context.interrupt.aborted) onInterrupt();
  else context.interrupt.addEventListener('abort', onInterrupt, { once: true });
  let running = true;
  void app?.exited.then(() => {
    if (running) stop({ signal: null, reason: app.exitedError('during the run').message });
  });
  let result: EngineResult;
  try {
    result = await engine.run(order);
  } finally {
    running = false;
    stopProgress();
    context.interrupt.removeEventListener('abort', onInterrupt);
    // After a stop the agent is already destroyed, and closing it again rejects.
    if (!stoppedBy) await agent.close();
  }
  context.endGroup();

  const report = buildReport({ result, settings, target: options.to.href, scenario: options.scenario, tool: userAgent(), startedAt, compression: options.compression, names: options.names, command: options.command, stopped: stoppedBy });
  const reportFile = options.reportFile ?? (options.check && !stoppedBy ? join(await mkdtemp(join(tmpdir(), 'heapstream-simulate-')), 'report.json') : undefined);
  if (options.check && !stoppedBy) {
    await writeReportFile(reportFile as string, report, result);
    const exitCode = await runCheck(options.check, reportFile as string, output);
    report.check = { command: options.check, exitCode };
    if (exitCode !== 0) {
      report.verdict.ok = false;
      report.verdict.reasons.push(`--check "${options.check}" exited ${exitCode ?? 'by a signal'}`);
    }
  }
  if (reportFile) await writeReportFile(reportFile, report, result);
  if (options.junitFile) await writeFileAtomicStreamed(options.junitFile, (write) => writeJunit(write, report, result));

  printSummary(output, report, { reportFile, junitFile: options.junitFile, seedGiven: options.seedGiven });
  if (options.github) {
    const { publishToGitHub } = await import('../../ci/github.js');
    await publishToGitHub(options.github, report, { reportFile, print: context.ci });
  }
  if (stoppedBy) {
    const written = [reportFile, options.junitFile].filter(Boolean).join(' and ');
    const message = `${stoppedBy.reason}: ${report.interrupted?.finishedEvents ?? 0} of ${order.length} events finished${written ? `; ${written} hold what ran so far` : ''}`;
    if (stoppedBy.signal) {
      output.warn(message);
      return { exitCode: exitCodeFor(stoppedBy.signal), report };
    }
    output.error(message);
    return { exitCode: ExitCode.failed, report };
  }
  return { exitCode: report.verdict.ok ? ExitCode.ok : ExitCode.failed, report };
}

function writeReportFile(file: string, report: SimulateReport, result: EngineResult): Promise<void> {
  return writeFileAtomicStreamed(file, (write) => writeReport(write, report, result));
}

async function loadEvents(options: SimulateCommandOptions): Promise<EventStore> {
  if (options.fixtures && options.fixtures.length > 0) {
    const { store, invalid } = await eventsFromFixtures(options.fixtures);
    if (invalid.length > 0) {
      throw new HswError('HSW_FIXTURE_INVALID', invalid.map((bad) => bad.reason).join('\n       '), { exitCode: ExitCode.usage });
    }
    if (store.count === 0) throw new HswError('HSW_NO_FIXTURES', `no fixtures in ${options.fixtures.join(', ')}; record some with \`listen\` or \`trigger --save\``, { exitCode: ExitCode.usage });
    return store;
  }
  if (options.type && !findCatalogEntry(options.type)) {
    options.output.warn(`"${printable(options.type)}" is not in the catalog (see trigger --list); synthesizing the base template with that event_type`);
  }
  return synthesizeEvents({ count: options.count, ...(options.type ? { type: options.type } : {}), seed: options.settings.seed });
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

async function startProgress(output: Output, stats: () => EngineStats): Promise<() => void> {
  const spinner = (await createSpinnerFactory(output.interactive))('');
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

/** Runs the user's check once the report is on disk; its exit code joins the verdict. */
function runCheck(command: string, reportFile: string, output: Output): Promise<number | null> {
  output.line(output.color.dim(`\nRunning --check: ${command}`));
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      // In --json mode stdout carries NDJSON only, so the check's output goes to stderr.
      stdio: ['ignore', output.json ? process.stderr : 'inherit', 'inherit'],
      env: { ...process.env, HEAPSTREAM_REPORT: reportFile },
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}
