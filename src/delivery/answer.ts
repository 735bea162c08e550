/**
 * The start of a handler's answer body, as failure reports quote it: a handler that answers
 * 409 "already processed" or 500 with a stack trace says why in those words, and a report
 * that shows them saves a trip to the handler's logs. Bounded (a body may be megabytes) and
 * printable (a body is hostile text).
 */
import { printable } from '../text/printable.js';

/** Characters of an answer that a report quotes. */
export const ANSWER_CHARS = 200;
/** Bytes to keep so that ANSWER_CHARS characters survive (UTF-8 takes up to 4 per character). */
export const ANSWER_BYTES = ANSWER_CHARS * 4;

/** The first ANSWER_CHARS characters of a body, printable, "…" when there was more; undefined when empty. */
export function answerText(body: Uint8Array | undefined, truncated = false): string | undefined {
  if (!body || body.byteLength === 0) return undefined;
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8').trim();
  if (text === '') return undefined;
  // Most answers are short: no more UTF-16 units than ANSWER_CHARS means no more characters.
  if (text.length <= ANSWER_CHARS && !(truncated && text.endsWith('\uFFFD'))) return `${printable(text)}${truncated ? '…' : ''}`;
  const chars = [...text];
  const cut = chars.length > ANSWER_CHARS;
  // A multi-byte character split by the byte bound decodes as U+FFFD at the very end: drop it.
  const shown = (cut ? chars.slice(0, ANSWER_CHARS) : truncated && chars[chars.length - 1] === '\uFFFD' ? chars.slice(0, -1) : chars).join('');
  return `${printable(shown)}${cut || truncated ? '…' : ''}`;
}
