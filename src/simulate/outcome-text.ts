/**
 * One event's outcome in words, for summaries (terminal, GitHub): what happened to it and
 * its attempts in order. The event's own text (its type) is not included: callers add it
 * through the escaping their medium needs.
 */
import type { AttemptRecord, EventOutcome } from './types.js';

/** Attempts shown per event before "… n more". */
const SHOWN = 10;

export function outcomeWord(event: EventOutcome): string {
  if (event.exhausted) return 'exhausted';
  if (event.tooSlow) return 'too slow';
  if (event.delivered) return 'delivered';
  return 'not finished';
}

/** "#2 500 at 21 ms", "copy 1 #1 200 ok at 40 ms", "#1 timeout at 0 ms". */
export function attemptText(a: AttemptRecord): string {
  const what = a.ok ? `${a.status ?? ''} ok` : a.error === 'answer-lost' ? `${a.status ?? ''} answer lost` : a.error === 'outage' ? 'outage' : String(a.status ?? a.error ?? 'failed');
  return `${a.copy > 0 ? `copy ${a.copy} ` : ''}#${a.attempt} ${what.trim()} at ${Math.round(a.at)} ms`;
}

export function attemptTrail(event: EventOutcome): string {
  const shown = event.attempts.slice(0, SHOWN).map(attemptText);
  const more = event.attempts.length - shown.length;
  return `${shown.join(' → ')}${more > 0 ? ` … ${more} more` : ''}`;
}
