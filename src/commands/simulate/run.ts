/**
 * `simulate` end to end: events, engine, progress, report files, `--check`, verdict.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { send } from '../../delivery/send.js';
import { ExitCode, HswError } from '../../errors.js';
import type { CommandResult } from '../types.js';
import { findCatalogEntry } from '../../events/catalog.js';
import { createRandom } from '../../events/random.js';
import { exitCodeFor, nextInterrupt } from '../../interrupt.js';
import { writeFileAtomicStreamed } from '../../store/write.js';
import type { Output } from '../../ui/output.js';
import { createSpinnerFactory } from '../../ui/spinner.js';
import { renderTable } from '../../ui/table.js';
import { userAgent } from '../../version.js';
import { realClock } from '../../simulate/clock.js';
import { SimulationEngine, type EngineResult, type EngineStats } from '../../simulate/engine.js';
import { writeJunit } from '../../simulate/junit.js';
import { buildReport, writeReport, type SimulateReport } from '../../simulate/report.js';
import type { EventStore } from '../../simulate/event-store.js';
import { eventsFromFixtures, synthesizeEvents } from '../../simulate/sources.js';
import type { EventOutcome, SimulateSettings } from '../../simulate/types.js';
import { round } from '../../round.js';

export interface SimulateCommandOptions {
  to: URL;
  fixtures?: string[];
  type?: string;
  count: number;
  settings: SimulateSettings;
  scenario: string | null;
  reportFile?: string;
  junitFile?: string;
  check?: string;
  output: Output;
}

export interface SimulateCommandResult extends CommandResult {
  report: SimulateReport;
}

export async function run(options: SimulateCommandOptions): Promise<SimulateCommandResult> {
  const { output, settings } = options;
  const store = await loadEvents(options);
  const order = store.order({ reorder: settings.reorder, window: settings.reorderWindow, seed: settings.seed });
  const agent = new Agent({ connections: settings.concurrency, keepAliveTimeout: 10_000 });
  let interrupted: ReturnType<typeof exitCodeFor> | undefined;
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
  output.line(output.color.dim(`  24 h schedule ×1/${round(settings.scale)} · ${settings.maxAttempts} attempts · ${settings.timeoutMs} ms timeout · ${settings.concurrency} in flight · seed ${settings.seed}`));
  const stopProgress = await startProgress(output, () => engine.stats);
  const startedAt = new Date();
  // Ctrl-C: stop scheduling and fail what is in flight at once (no per-attempt signal
  // needed: destroying the agent ends every open request).
  void nextInterrupt().then((reason) => {
    interrupted = exitCodeFor(reason);
    engine.abort();
    void agent.destroy();
  });
  let result;
  try {
    result = await engine.run(order);
  } finally {
    stopProgress();
    // After Ctrl-C the agent is already destroyed, and closing it again rejects.
    if (interrupted === undefined) await agent.close();
  }
  if (interrupted !== undefined) throw new HswError('HSW_INTERRUPTED', 'interrupted: the simulation was stopped before every event finished', { exitCode: interrupted });

  const report = buildReport({ result, settings, target: options.to.href, scenario: options.scenario, tool: userAgent(), startedAt });
  const reportFile = options.reportFile ?? (options.check ? join(await mkdtemp(join(tmpdir(), 'heapstream-simulate-')), 'report.json') : undefined);
  if (options.check) {
    await writeReportFile(reportFile as string, report, result);
    const exitCode = await runCheck(options.check, reportFile as string, output);
    report.check = { command: options.check, exitCode };
    if (exitCode !== 0) {
      report.verdict.ok = false;
      report.verdict.reasons.push(`--check "${options.check}" exited ${exitCode ?? 'by a signal'}`);
    }
  }
  if (reportFile) await writeReportFile(reportFile, report, result);
  const junitFile = options.junitFile;
  if (junitFile) await writeFileAtomicStreamed(junitFile, (write) => writeJunit(write, report, result));

  printSummary(output, report, reportFile, options.junitFile);
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
    options.output.warn(`"${options.type}" is not in the catalog (see trigger --list); synthesizing the base template with that event_type`);
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

function printSummary(output: Output, report: SimulateReport, reportFile: string | undefined, junitFile: string | undefined): void {
  const { totals, latencyMs, verdict } = report;
  output.record({ kind: 'summary', totals, latencyMs, maxInFlight: report.maxInFlight, scheduler: report.scheduler, recovery: report.recovery, check: report.check, verdict, durationMs: report.durationMs, report: reportFile ?? null, junit: junitFile ?? null });
  const c = output.color;
  const non2xx = Object.entries(totals.non2xx).map(([code, n]) => `${code}×${n}`).join(', ') || '0';
  const ms = (v: number | null): string => (v === null ? '-' : `${Math.round(v)} ms`);
  output.line('');
  output.line(
    renderTable(
      ['', ''],
      [
        ['events', `${totals.events} (${totals.delivered} delivered, ${totals.exhausted} exhausted)`],
        ['attempts', `${totals.attempts} (${totals.retries} retries)`],
        ['timeouts', String(totals.timeouts)],
        ['non-2xx', non2xx],
        ['unreachable / errors', `${totals.unreachable} / ${totals.errors}`],
        ...(totals.outageFailures ? [['failed during outage', String(totals.outageFailures)]] : []),
        ...(totals.answersLost ? [['answers lost (retried)', String(totals.answersLost)]] : []),
        ['duplicates sent', String(totals.duplicatesSent)],
        ['latency p50 / p95 / p99', `${ms(latencyMs.p50)} / ${ms(latencyMs.p95)} / ${ms(latencyMs.p99)}`],
        ['most in flight', String(report.maxInFlight)],
        ...(report.recovery ? [['after recovery', `${report.recovery.attemptsWithinBurst} attempts within ${report.recovery.burstWindowMs} ms of the first`]] : []),
        ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
      ],
    )
      .split('\n')
      .slice(1)
      .join('\n'),
  );
  if (reportFile) output.line(c.dim(`report: ${reportFile}`));
  if (junitFile) output.line(c.dim(`junit: ${junitFile}`));
  output.line(verdict.ok ? c.green.bold('PASS: every event got a 2xx within its attempts') : c.red.bold(`FAIL: ${verdict.reasons.join('; ')}`));
}

