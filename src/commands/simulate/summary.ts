/**
 * The end-of-run summary on a terminal (and its NDJSON record, and `--json`'s line per event): totals, latency, the seed,
 * the worst events, warnings and the verdict. Event types come from fixtures and handlers,
 * so they reach the terminal only through printable().
 */
import { testName } from '../../simulate/junit.js';
import { attemptTrail, failureTerms, failureWhy, lastAnswer, outcomeWord } from '../../simulate/outcome-text.js';
import type { ReportSummary } from '../../simulate/report.js';
import type { EventOutcome } from '../../simulate/types.js';
import type { Output } from '../../ui/output.js';
import { printable } from '../../text/printable.js';
import { renderTable } from '../../ui/table.js';
import { effectsLines } from '../../simulate/effects/text.js';

/** Worst events listed on a terminal; the report file has every event. */
const WORST_SHOWN = 5;

export function printSummary(output: Output, report: ReportSummary, files: { reportFile: string | undefined; junitFile: string | undefined; htmlFile?: string | undefined; seedGiven: boolean }): void {
  const { totals, latencyMs, verdict } = report;
  output.record({
    kind: 'summary',
    totals,
    latencyMs,
    maxInFlight: report.maxInFlight,
    scheduler: report.scheduler,
    recovery: report.recovery,
    check: report.check,
    effects: report.effects ?? null,
    seed: report.settings.seed,
    warnings: report.warnings,
    interrupted: report.interrupted,
    verdict,
    durationMs: report.durationMs,
    report: files.reportFile ?? null,
    junit: files.junitFile ?? null,
    html: files.htmlFile ?? null,
  });
  const c = output.color;
  const non2xx = Object.entries(totals.non2xx).map(([code, n]) => `${code}×${n}`).join(', ') || '0';
  const ms = (v: number | null): string => (v === null ? '-' : `${Math.round(v)} ms`);
  const seed = report.settings.seed;
  output.line('');
  output.line(
    renderTable(
      ['', ''],
      [
        ['events', `${totals.events} (${totals.delivered} delivered, ${totals.exhausted} exhausted${totals.duplicatesRefused ? ` (${totals.duplicatesRefused} by a refused duplicate)` : ''}${totals.unfinished ? `, ${totals.unfinished} not finished` : ''})`],
        ['attempts', `${totals.attempts} (${totals.retries} retries)`],
        ['timeouts', String(totals.timeouts)],
        ['non-2xx', non2xx],
        ['unreachable / errors', `${totals.unreachable} / ${totals.errors}`],
        ...(totals.badAnswers ? [['bad answers (not HTTP)', String(totals.badAnswers)]] : []),
        ...(totals.outageFailures ? [['failed during outage', String(totals.outageFailures)]] : []),
        ...(totals.answersLost ? [['answers lost (retried)', String(totals.answersLost)]] : []),
        ['duplicates sent', String(totals.duplicatesSent)],
        ['latency p50 / p95 / p99', `${ms(latencyMs.p50)} / ${ms(latencyMs.p95)} / ${ms(latencyMs.p99)}`],
        ['most in flight', String(report.maxInFlight)],
        ['retries late by (max)', report.scheduler.scheduledAttempts > 0 ? ms(report.scheduler.latenessMs.max) : '-'],
        ...(report.recovery ? [['after recovery', `${report.recovery.attemptsWithinBurst} attempts within ${report.recovery.burstWindowMs} ms of the first`]] : []),
        ['seed', files.seedGiven ? String(seed) : `${seed} (random; --seed ${seed} repeats this run)`],
        ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
      ],
    )
      .split('\n')
      .slice(1)
      .join('\n'),
  );
  const failed = report.worstEvents.filter((event) => event.exhausted || event.tooSlow);
  if (failed.length > 0) {
    output.line(c.bold('\nworst events'));
    const terms = failureTerms(report);
    for (const event of failed.slice(0, WORST_SHOWN)) {
      output.line(`  ${printable(testName(event))}  ${c.red(outcomeWord(event))}: ${failureWhy(event, terms)}`);
      output.line(`    ${c.dim(attemptTrail(event, terms.timeScale))}`);
      // The handler's own words; answer.ts made them printable.
      const answer = lastAnswer(event);
      if (answer) output.line(`    ${c.dim(`answer: ${answer}`)}`);
    }
  }
  if (files.reportFile) output.line(c.dim(`report: ${files.reportFile}`));
  if (files.junitFile) output.line(c.dim(`junit: ${files.junitFile}`));
  if (files.htmlFile) output.line(c.dim(`html: ${files.htmlFile}`));
  for (const warning of report.warnings) output.warn(warning);
  if (report.effects) for (const line of effectsLines(report.effects)) output.line(line.startsWith('FAIL') ? c.red(line.slice(5)) : line.startsWith('PASS') ? c.green(line.slice(5)) : line);
  output.line(verdict.ok ? c.green.bold('PASS: every event got a 2xx within its attempts') : c.red.bold(`FAIL: ${verdict.reasons.join('; ')}`));
}

/** `--json`'s line for a finished event. */
export function eventRecord(outcome: EventOutcome): object {
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
