/**
 * GitHub Actions: a Markdown step summary, `::error` annotations for failed events (GitHub
 * shows at most 10 per step), and step outputs. The formatting is pure (report in, text out)
 * so that library users who run `simulate()` in their own job can write the same summary.
 */
import { appendFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { printable } from '../text/printable.js';
import { testName } from '../simulate/junit.js';
import type { ReportSummary } from '../simulate/report.js';
import { attemptTrail, failureTerms, failureWhy, lastAnswer, outcomeWord } from '../simulate/outcome-text.js';
import { deliveryLine, reproduceLine } from '../simulate/effects/text.js';
import type { EffectsReport } from '../simulate/effects/types.js';

/** GitHub shows at most this many error annotations per step. */
export const MAX_ANNOTATIONS = 10;

export interface GitHubEnvironment {
  stepSummaryFile: string | undefined;
  outputFile: string | undefined;
}

/** Set when running as a GitHub Actions step. */
export function githubEnvironment(env: NodeJS.ProcessEnv): GitHubEnvironment | null {
  if (env['GITHUB_ACTIONS'] !== 'true') return null;
  return { stepSummaryFile: env['GITHUB_STEP_SUMMARY'] || undefined, outputFile: env['GITHUB_OUTPUT'] || undefined };
}

/**
 * Markdown text: controls made visible, then every character that could start markup in a
 * table cell backslash-escaped (emphasis, code, links and images, HTML, entities, cell
 * breaks, strikethrough, GitHub's math and mentions).
 */
function md(text: string): string {
  return printable(text).replace(/[\\`*_[\]<>|&~!$@]/g, '\\$&');
}

const ms = (value: number | null): string => (value === null ? '-' : String(Math.round(value)));

/** The step summary: verdict, totals, worst events with their attempts, latency, seed, the command that repeats the run. */
export function stepSummaryMarkdown(report: ReportSummary): string {
  const { totals, verdict, latencyMs } = report;
  const lines: string[] = [];
  lines.push(`### ${verdict.ok ? '✅' : '❌'} HeapStream delivery simulation: ${verdict.ok ? 'PASS' : 'FAIL'}`, '');
  lines.push(verdict.ok ? 'Every event got a 2xx within its attempts.' : verdict.reasons.map(md).join('  \n'), '');
  const non2xx = Object.entries(totals.non2xx).map(([code, n]) => `${code}×${n}`).join(', ') || '0';
  const rows: [string, string][] = [
    ['events', `${totals.events}: ${totals.delivered} delivered, ${totals.exhausted} exhausted${totals.unfinished ? `, ${totals.unfinished} not finished` : ''}`],
    ['attempts', `${totals.attempts} (${totals.retries} retries)`],
    ['timeouts', String(totals.timeouts)],
    ['non-2xx', non2xx],
    ['unreachable / errors', `${totals.unreachable} / ${totals.errors}`],
    ...(totals.badAnswers ? [['bad answers (not HTTP)', String(totals.badAnswers)] as [string, string]] : []),
    ['duplicates sent', String(totals.duplicatesSent)],
    ['latency p50 / p95 / p99 / max', `${ms(latencyMs.p50)} / ${ms(latencyMs.p95)} / ${ms(latencyMs.p99)} / ${ms(latencyMs.max)} ms`],
    ['most in flight', String(report.maxInFlight)],
    ['scenario', md(report.scenario ?? 'default')],
    ['seed', String(report.settings.seed)],
    ['duration', `${(report.durationMs / 1000).toFixed(1)} s`],
  ];
  lines.push('| | |', '| --- | --- |', ...rows.map(([name, value]) => `| ${name} | ${value} |`), '');
  for (const warning of report.warnings) lines.push(`> ⚠️ ${md(warning)}`, '');
  if (report.worstEvents.length > 0) {
    const terms = failureTerms(report);
    lines.push(`#### ${verdict.ok ? 'Most retried events' : 'Worst events'}`, '', '| event | result | attempts | answer |', '| --- | --- | --- | --- |');
    for (const event of report.worstEvents) {
      const result = event.exhausted || event.tooSlow ? `${outcomeWord(event)}: ${md(failureWhy(event, terms))}` : outcomeWord(event);
      const answer = lastAnswer(event);
      lines.push(`| ${md(testName(event))} | ${result} | ${md(attemptTrail(event, terms.timeScale))} | ${answer ? md(answer) : ''} |`);
    }
    lines.push('');
  }
  if (report.effects) lines.push(...effectsMarkdown(report.effects));
  if (report.command) {
    const command = printable(report.command);
    const fence = '`'.repeat(Math.max(3, ...[...command.matchAll(/`+/g)].map((m) => m[0].length + 1)));
    lines.push('#### Reproduce', '', `${fence}sh`, command, fence, '');
  }
  return `${lines.join('\n')}\n`;
}

/** The state section: what differs, the kind, and the minimal reproduction with the command that sends it again. */
function effectsMarkdown(effects: EffectsReport): string[] {
  if (effects.ok) return ['#### State', '', `✅ The scenario run ended in the reference run's state (${effects.scenarioDeliveries} deliveries against ${effects.referenceDeliveries}).`, ''];
  const lines = ['#### ❌ State', '', 'The scenario run ended in a state different from the reference run (each event once, in order):', ''];
  const fence = (text: string[]): string[] => {
    const body = text.map(printable);
    const ticks = '`'.repeat(Math.max(3, ...body.flatMap((line) => [...line.matchAll(/`+/g)].map((m) => m[0].length + 1))));
    return [ticks, ...body, ticks, ''];
  };
  lines.push(...fence(effects.differences.slice(0, 20).map((d) => d.text).concat(effects.differenceCount > 20 ? [`… and ${effects.differenceCount - 20} more`] : [])));
  if (effects.title) lines.push(`**Kind:** ${md(effects.title)}`, '');
  const repro = effects.reproduction;
  if (repro) {
    lines.push(`**Minimal reproduction** (${repro.deliveries.length} deliveries${repro.oneMinimal ? ', 1-minimal' : ''}, ${effects.trials} trials): ${md(repro.words)}`, '');
    lines.push(...fence(repro.deliveries.map((delivery, i) => `${i + 1}. ${deliveryLine(delivery)}`)));
    if (repro.replay) lines.push(...fence([reproduceLine(repro)]).map((line, i) => (i === 0 ? `${line}sh` : line)));
  }
  if (effects.note) lines.push(`> ${md(effects.note)}`, '');
  return lines;
}

/** Workflow-command data: `%`, CR and LF encoded; in properties `:` and `,` too. */
export function workflowCommandData(text: string, property = false): string {
  const encoded = printable(text).replace(/%/g, '%25');
  return property ? encoded.replace(/:/g, '%3A').replace(/,/g, '%2C') : encoded;
}

/** `::error` lines for failed events (at most MAX_ANNOTATIONS), `::warning` for the report's warnings. */
export function annotations(report: ReportSummary): string[] {
  const stateFailed = report.effects !== undefined && !report.effects.ok;
  const failed = report.worstEvents.filter((event) => event.exhausted || event.tooSlow).slice(0, MAX_ANNOTATIONS - (stateFailed ? 1 : 0));
  const terms = failureTerms(report);
  return [
    ...failed.map((event) => {
      const answer = lastAnswer(event);
      const text = `${failureWhy(event, terms)}: ${attemptTrail(event, terms.timeScale)}${answer ? `; answer: ${answer}` : ''}`;
      return `::error title=${workflowCommandData(`HeapStream simulate: ${testName(event)} ${outcomeWord(event)}`, true)}::${workflowCommandData(text)}`;
    }),
    ...(report.effects && stateFailed
      ? [`::error title=${workflowCommandData(`HeapStream simulate: ${report.effects.title ?? 'the final state differs'}`, true)}::${workflowCommandData(report.effects.reproduction?.words ?? report.effects.differences[0]?.text ?? '')}`]
      : []),
    ...report.warnings.map((warning) => `::warning title=HeapStream simulate::${workflowCommandData(warning)}`),
  ];
}

/** Step outputs as `$GITHUB_OUTPUT` takes them; the report path in the delimiter form, which any text survives. */
export function stepOutputs(report: ReportSummary, reportFile: string | undefined): string {
  const delimiter = `hsw_${randomBytes(8).toString('hex')}`;
  return [
    `verdict=${report.verdict.ok ? 'pass' : 'fail'}`,
    `delivered=${report.totals.delivered}`,
    `exhausted=${report.totals.exhausted}`,
    `attempts=${report.totals.attempts}`,
    `report<<${delimiter}`,
    reportFile ?? '',
    delimiter,
    '',
  ].join('\n');
}

/** Writes the summary, the outputs and the annotations (through `print`, one line each). */
export async function publishToGitHub(github: GitHubEnvironment, report: ReportSummary, options: { reportFile: string | undefined; print(line: string): void }): Promise<void> {
  for (const line of annotations(report)) options.print(line);
  if (github.stepSummaryFile) await appendFile(github.stepSummaryFile, stepSummaryMarkdown(report));
  if (github.outputFile) await appendFile(github.outputFile, stepOutputs(report, options.reportFile));
}
