/**
 * JUnit XML for CI systems: one testcase per event, failed when it was never delivered or
 * was accepted too slowly, skipped when the run stopped before it finished. Properties say
 * how to reproduce the run; test names depend only on the events, so the same seed gives
 * the same names and CI history can follow an event. Streamed, like the JSON report.
 */
import { printable } from '../text/printable.js';
import type { EngineResult } from './engine.js';
import { writeEventFile, type EventFileFormat } from './event-file.js';
import type { ReportSummary } from './report.js';
import { attemptText, failureTerms, failureWhy, lastAnswer, type FailureTerms } from './outcome-text.js';
import type { EventOutcome } from './types.js';
import type { EffectsReport } from './effects/types.js';
import { effectsLines } from './effects/text.js';
import { attemptDueAt } from './validate.js';
import { round } from '../round.js';

// What XML 1.0 allows (Char production); the rest (C0 controls, lone surrogates, U+FFFE/F) cannot be escaped, only dropped.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Text for an attribute value or element content: escaped, with what XML 1.0 forbids dropped. */
export function xmlEscape(text: string, { attribute = false } = {}): string {
  // In attributes, whitespace is escaped too: a parser would turn a raw newline into a space.
  return text.replace(NOT_XML_CHAR, '').replace(attribute ? /[<>&"'\t\n\r]/g : /[<>&\r]/g, (c) => ESCAPES[c] as string);
}

const attr = (text: string): string => xmlEscape(text, { attribute: true });
/** Text that came from a fixture or the handler: made visible (printable) before it is escaped. */
const hostile = (text: string): string => attr(printable(text));

/** The testcase name of an event: the same events (same seed) give the same names. */
export function testName(event: Pick<EventOutcome, 'index' | 'type' | 'videoId'>): string {
  return `#${event.index} ${event.type ?? 'event'}${event.videoId !== null ? ` video ${event.videoId}` : ''}`;
}

/** The JUnit file: a testcase per event, between counts and properties that only the finished run knows. */
export const JUNIT_FORMAT: EventFileFormat<ReportSummary> = {
  head: junitHead,
  // Only events that never finished mention why the run stopped; those are written after it.
  during: (settings) => {
    const terms: TestcaseTerms = {
      maxAttempts: settings.maxAttempts,
      maxLatencyMs: settings.maxLatencyMs ?? null,
      timeScale: round(settings.scale, 3),
      lastAttemptDueMs: attemptDueAt(settings.schedule, settings.maxAttempts),
      interrupted: undefined,
    };
    return (outcome) => testcase(outcome, terms);
  },
  after: (report) => {
    const terms = testcaseTerms(report);
    return (outcome) => testcase(outcome, terms);
  },
  tail: junitTail,
};

/** Writes the JUnit file of a finished run. */
export function writeJunit(write: (chunk: string) => Promise<void>, report: ReportSummary, result: EngineResult): Promise<void> {
  return writeEventFile(write, JUNIT_FORMAT, report, result);
}

/** The XML up to the first testcase: counts and properties, which only the finished run knows. */
export function junitHead(report: ReportSummary): string {
  const { totals } = report;
  // With a state oracle, the final state is one more testcase.
  const failures = totals.exhausted + totals.tooSlow + (report.effects && !report.effects.ok ? 1 : 0);
  const seconds = (report.durationMs / 1000).toFixed(3);
  const counts = `tests="${totals.events + (report.effects ? 1 : 0)}" failures="${failures}" errors="0" skipped="${totals.unfinished}" time="${seconds}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="heapstream-webhooks simulate" ${counts}>`,
    `  <testsuite name="${attr(`simulate ${report.scenario ?? 'default'}`)}" ${counts} timestamp="${attr(report.startedAt)}">`,
    '    <properties>',
    ...properties(report).map(([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`),
    '    </properties>',
    '',
  ].join('\n');
}

/** The XML after the last testcase. */
export function junitTail(report: ReportSummary): string {
  const notes = [...(report.interrupted ? [`${report.interrupted.reason}; ${report.interrupted.finishedEvents} of ${report.totals.events} events finished`] : []), ...report.warnings];
  const systemErr = notes.length > 0 ? `    <system-err>${xmlEscape(notes.join('\n'))}</system-err>\n` : '';
  return `${report.effects ? effectsTestcase(report.effects) : ''}${systemErr}  </testsuite>\n</testsuites>\n`;
}

/**
 * What a testcase says besides its event: the run's limits, known before it starts, and why
 * it stopped, which only unfinished events (written after the run) mention.
 */
export interface TestcaseTerms extends FailureTerms {
  interrupted: string | undefined;
}

export function testcaseTerms(report: ReportSummary): TestcaseTerms {
  return { ...failureTerms(report), interrupted: report.interrupted?.reason };
}

/** What a reader needs to reproduce the run and to trust it. */
function properties(report: ReportSummary): [string, string][] {
  const { settings } = report;
  return [
    ['seed', String(settings.seed)],
    ['scenario', report.scenario ?? 'default'],
    ['schedule', `${settings.schedule.join(',')} (${settings.maxAttempts} attempts, ${settings.timeScale}x faster than HeapStream)`],
    ['target', report.target],
    ...(report.command ? [['command', report.command] as [string, string]] : []),
    ['verdict', report.verdict.ok ? 'pass' : 'fail'],
    ...(report.interrupted ? [['interrupted', report.interrupted.reason] as [string, string]] : []),
    ...(report.scheduler.behind ? [['behindSchedule', report.warnings.find((w) => w.startsWith('behind schedule')) ?? 'behind schedule'] as [string, string]] : []),
  ];
}

export function testcase(event: EventOutcome, terms: TestcaseTerms): string {
  const seconds = event.attempts.reduce((sum, a) => sum + a.latencyMs, 0) / 1000;
  const trail = event.attempts.map((a) => `${attemptText(a, terms.timeScale)}, ${a.latencyMs} ms${a.answer ? `; answer: ${a.answer}` : ''}`).join('\n');
  const open = `    <testcase classname="${hostile(`heapstream.${event.type ?? 'unknown'}`)}" name="${hostile(testName(event))}" time="${seconds.toFixed(3)}">`;
  const out = trail ? `\n      <system-out>${xmlEscape(trail)}</system-out>` : '';
  if (event.delivered && !event.tooSlow) return `${open}${out}\n    </testcase>\n`;
  if (!event.delivered && !event.exhausted) {
    return `${open}\n      <skipped message="${attr(`not finished: ${terms.interrupted ?? 'the run stopped'}`)}"/>${out}\n    </testcase>\n`;
  }
  const answer = lastAnswer(event);
  // The handler's answer is printable already (answer.ts); the message is what CI shows first.
  const message = `${failureWhy(event, terms)}${answer ? `; answer: ${answer}` : ''}`;
  const type = event.duplicateRefused ? 'duplicate-refused' : event.delivered ? 'too-slow' : 'exhausted';
  return `${open}\n      <failure message="${attr(message)}" type="${type}">${xmlEscape(trail)}</failure>\n    </testcase>\n`;
}

/** The final state against the reference run's: the differences, the kind and the reproduction. */
function effectsTestcase(effects: EffectsReport): string {
  const open = `    <testcase classname="heapstream.effects" name="final state (effects)" time="${(effects.shrinkMs / 1000).toFixed(3)}">`;
  const text = xmlEscape(effectsLines(effects).join('\n'));
  if (effects.ok) return `${open}\n      <system-out>${text}</system-out>\n    </testcase>\n`;
  const message = `${effects.title ?? 'the final state differs from the reference'}${effects.reproduction ? `: ${effects.reproduction.words}` : ''}`;
  return `${open}\n      <failure message="${attr(message)}" type="${effects.kind ?? 'state-differs'}">${text}</failure>\n    </testcase>\n`;
}
