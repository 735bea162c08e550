/**
 * One event's outcome in words, for summaries (terminal, JUnit, GitHub, the HTML report):
 * what happened to it, why it failed, and its attempts in order, each at the time HeapStream
 * would have made it beside the time it went out in the run. The event's own text (its type)
 * is not included: callers add it through the escaping their medium needs. An answer body
 * quoted here is already printable (answer.ts).
 */
import { formatDuration } from './schedule.js';
import type { AttemptRecord, EventOutcome } from './types.js';

/** Attempts shown per event before "… n more". */
const SHOWN = 10;

/** What a failure sentence needs from the run: its limits, and how much faster than HeapStream it went. */
export interface FailureTerms {
  maxAttempts: number;
  maxLatencyMs: number | null;
  /** HeapStream time = run time × timeScale. */
  timeScale: number;
  /** HeapStream time over which the schedule makes its attempts. */
  lastAttemptDueMs: number;
}

export function failureTerms(report: { settings: FailureTerms }): FailureTerms {
  const { maxAttempts, maxLatencyMs, timeScale, lastAttemptDueMs } = report.settings;
  return { maxAttempts, maxLatencyMs, timeScale, lastAttemptDueMs };
}

export function outcomeWord(event: EventOutcome): string {
  if (event.duplicateRefused) return 'duplicate refused';
  if (event.exhausted) return 'exhausted';
  if (event.tooSlow) return 'too slow';
  if (event.delivered) return 'delivered';
  return 'not finished';
}

/** HeapStream time, to its two largest units: "23h58m", "5m3s", "450ms". */
export function heapStreamTime(ms: number): string {
  return (formatDuration(ms).match(/\d+(?:ms|[dhms])/g) ?? ['0s']).slice(0, 2).join('');
}

/** Run time in seconds, one decimal: "30.1 s". */
function runSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** "#10 500 at 23h58m (30.1 s into the run)", "copy 1 #1 200 ok at 1m (0.0 s into the run)". */
export function attemptText(a: AttemptRecord, timeScale: number): string {
  const what = a.ok
    ? `${a.status ?? ''} ok`
    : a.error === 'answer-lost'
      ? `${a.status ?? ''} answer lost`
      : a.error === 'outage'
        ? 'outage'
        : a.error === 'bad-answer'
          ? 'bad answer'
          : String(a.status ?? a.error ?? 'failed');
  return `${a.copy > 0 ? `copy ${a.copy} ` : ''}#${a.attempt} ${what.trim()} at ${heapStreamTime(a.at * timeScale)} (${runSeconds(a.at)} into the run)`;
}

export function attemptTrail(event: EventOutcome, timeScale: number): string {
  const shown = event.attempts.slice(0, SHOWN).map((a) => attemptText(a, timeScale));
  const more = event.attempts.length - shown.length;
  return `${shown.join(' → ')}${more > 0 ? ` … ${more} more` : ''}`;
}

/** The handler's last non-2xx answer body (its start, printable), if it sent one. */
export function lastAnswer(event: Pick<EventOutcome, 'attempts'>): string | undefined {
  for (let i = event.attempts.length - 1; i >= 0; i--) {
    const answer = (event.attempts[i] as AttemptRecord).answer;
    if (answer) return answer;
  }
  return undefined;
}

/** "409", "409, timeout": how the attempts of a refused copy ended. */
function endings(attempts: readonly AttemptRecord[]): string {
  return [...new Set(attempts.filter((a) => !a.ok).map((a) => (a.error === 'bad-answer' ? 'bad answer' : String(a.status ?? a.error ?? 'failed'))))].join(', ');
}

/** Why a failed event failed, in one sentence that names the cause and, where it is the handler's, the fix. */
export function failureWhy(event: EventOutcome, terms: FailureTerms): string {
  if (event.duplicateRefused) {
    const byCopy = new Map<number, AttemptRecord[]>();
    for (const a of event.attempts) if (a.copy > 0) byCopy.set(a.copy, [...(byCopy.get(a.copy) ?? []), a]);
    const refused = [...byCopy.entries()].filter(([, attempts]) => !attempts.some((a) => a.ok));
    const [copy, attempts] = refused[0] ?? [0, []];
    const copies = refused.length > 1 ? `${refused.length} duplicate copies were` : `its duplicate copy${copy > 1 ? ` ${copy}` : ''} was`;
    return (
      `its first delivery got a 2xx, but ${copies} refused (${endings(attempts)}) on all ${attempts.length} attempts, which HeapStream would make over ${formatDuration(terms.lastAttemptDueMs)}; ` +
      'a handler must answer 2xx to a copy of an event it has already processed'
    );
  }
  if (event.exhausted) return `no 2xx within ${terms.maxAttempts} attempts`;
  if (event.tooSlow) return `accepted in more than ${terms.maxLatencyMs} ms`;
  return outcomeWord(event);
}
