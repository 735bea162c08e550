/**
 * One line (and one NDJSON record) per delivery, the same for `trigger` and `replay`.
 */
import { answerText } from '../delivery/answer.js';
import { describeResult } from '../http/describe.js';
import type { DeliveryResult } from '../http/types.js';
import { round } from '../round.js';
import type { Output } from './output.js';
import { printable } from '../text/printable.js';

export interface DeliveryLine {
  type: string | null;
  videoId: number | null;
  /** Where it went. */
  to: string;
  copy: number;
  times: number;
  result: DeliveryResult;
  /** The fixture it came from (replay). */
  file?: string;
  /** Show the answer's body too (kept by the sender), e.g. a handler's answer passed back by listen. */
  showAnswer?: boolean;
}

export function reportDelivery(output: Output, line: DeliveryLine): void {
  const { result } = line;
  output.record({
    kind: 'delivery',
    type: line.type,
    videoId: line.videoId,
    copy: line.copy,
    to: line.to,
    ...(line.file !== undefined ? { file: line.file } : {}),
    ok: result.ok,
    status: result.status ?? null,
    durationMs: round(result.durationMs),
    error: result.error ?? null,
    ...(line.showAnswer ? { answer: result.response ? { body: result.response.body.toString('utf8'), truncated: Boolean(result.response.truncated) } : null } : {}),
  });
  const c = output.color;
  const mark = result.ok ? c.green('✓') : c.red('✗');
  const copy = line.times > 1 ? ` (copy ${line.copy}/${line.times})` : '';
  const outcome = result.ok ? describeResult(result) : c.red(failureText(result, line.to));
  const what = `${printable(line.type ?? '(no event_type)')} video ${line.videoId ?? '-'}`;
  output.line(`${mark} ${what}${copy} → ${outcome}${line.file !== undefined ? `  ${c.dim(printable(line.file))}` : ''}`);
  // A failure quotes the handler's own words (kept by the sender for non-2xx answers).
  const answer = line.showAnswer || !result.ok ? answerText(result.response?.body, result.response?.truncated) : undefined;
  if (answer) output.line(c.dim(`  answer: ${answer}`));
}

/** What a failure means for HeapStream, and what to check. */
function failureText(result: DeliveryResult, to: string): string {
  if (result.status !== undefined) return `${result.status} in ${Math.round(result.durationMs)} ms: the handler did not answer 2xx, so HeapStream would retry`;
  if (result.error?.kind === 'timeout') return `no answer within ${Math.round(result.durationMs)} ms: HeapStream would count this as a failure and retry`;
  if (result.error?.kind === 'unreachable') return `${to} is unreachable (${result.error.code ?? result.error.message}); is the handler running?`;
  return describeResult(result);
}
