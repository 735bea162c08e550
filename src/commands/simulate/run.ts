/**
 * `simulate` end to end: the library's `runSimulation()` (the engine `simulate()` runs),
 * then progress, report files, `--check` and the verdict around it.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, HswError } from '../../errors.js';
import type { CommandResult } from '../types.js';
import { exitCodeFor, nextInterrupt, type InterruptReason } from '../../interrupt.js';
import { writeFileAtomicStreamed } from '../../store/write.js';
import type { Output } from '../../ui/output.js';
import { createSpinnerFactory, type Spinner } from '../../ui/spinner.js';
import { renderTable } from '../../ui/table.js';
import type { EngineResult, EngineStats } from '../../simulate/engine.js';
import { writeJunit } from '../../simulate/junit.js';
import { writeReport, type SimulateReport } from '../../simulate/report.js';
import type { SimulateOptions } from '../../simulate/settings.js';
import { runSimulation } from '../../simulate/simulate.js';
import type { EventOutcome } from '../../simulate/types.js';
import { round } from '../../round.js';

/** The library's options (a URL target, no callbacks: the command owns those), plus files and output. */
export interface SimulateCommandOptions extends Omit<SimulateOptions, 'target' | 'path' | 'clock' | 'signal' | 'onAttempt' | 'onEvent'> {
  to: URL;
  reportFile?: string;
  junitFile?: string;
  check?: string;
  output: Output;
}

export interface SimulateCommandResult extends CommandResult {
  report: SimulateReport;
}

export async function run(options: SimulateCommandOptions): Promise<SimulateCommandResult> {
  const { to, reportFile: reportOption, junitFile, check, output, ...simulation } = options;
  // Ctrl-C or SIGTERM: stop scheduling and fail what is in flight at once.
  const interrupt = new AbortController();
  let interrupted: InterruptReason | undefined;
  void nextInterrupt().then((reason) => {
    interrupted = reason;
    interrupt.abort();
  });
  const spinners = await createSpinnerFactory(output.interactive);
  let stopProgress = (): void => undefined;
  let run;
  try {
    run = await runSimulation(
      {
        ...simulation,
        target: to,
        signal: interrupt.signal,
        ...(output.json ? { onEvent: (outcome: EventOutcome) => output.record(eventLine(outcome)) } : {}),
      },
      {
        warn: (message) => output.warn(message),
        onStart: ({ settings, events, stats }) => {
          output.line(`Simulating HeapStream delivery of ${events} events to ${to.href}${options.scenario ? ` (scenario ${options.scenario})` : ''}`);
          output.line(output.color.dim(`  24 h schedule ×1/${round(settings.scale)} · ${settings.maxAttempts} attempts · ${settings.timeoutMs} ms timeout · ${settings.concurrency} in flight · seed ${settings.seed}`));
          stopProgress = startProgress(spinners, stats);
        },
      },
    );
  } finally {
    stopProgress();
  }
  if (run.aborted) throw new HswError('HSW_INTERRUPTED', 'interrupted: the simulation was stopped before every event finished', { exitCode: exitCodeFor(interrupted ?? 'SIGINT') });

  const { report, result } = run;
  const reportFile = reportOption ?? (check ? join(await mkdtemp(join(tmpdir(), 'heapstream-simulate-')), 'report.json') : undefined);
  if (check) {
    await writeReportFile(reportFile as string, report, result);
    const exitCode = await runCheck(check, reportFile as string, output);
    report.check = { command: check, exitCode };
    if (exitCode !== 0) {
      report.verdict.ok = false;
      report.verdict.reasons.push(`--check "${check}" exited ${exitCode ?? 'by a signal'}`);
    }
  }
  if (reportFile) await writeReportFile(reportFile, report, result);
  if (junitFile) await writeFileAtomicStreamed(junitFile, (write) => writeJunit(write, report, result));

  printSummary(output, report, reportFile, junitFile);
  return { exitCode: report.verdict.ok ? ExitCode.ok : ExitCode.failed, report };
}

function writeReportFile(file: string, report: SimulateReport, result: EngineResult): Promise<void> {
  return writeFileAtomicStreamed(file, (write) => writeReport(write, report, result));
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

