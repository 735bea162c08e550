/**
 * `trigger`'s sending and saving, loaded only when an event goes somewhere (`--print`
 * starts without undici, the store or their printing).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult, HeaderMap } from '../http/types.js';
import { ANSWER_BYTES } from '../delivery/answer.js';
import { send } from '../delivery/send.js';
import { reportDelivery } from '../ui/delivery-line.js';
import { saveEvent } from './save.js';
import type { BuiltEvents, TriggerOptions, TriggerOutcome } from './types.js';

/** How much of an answer's body is shown. */
const ANSWER_SHOWN_BYTES = 2_048;

/** Each event: its copies sent to `to` (if any), then saved to `saveDir` (if any). */
export async function sendAndSave(options: TriggerOptions, { events, headers }: BuiltEvents): Promise<TriggerOutcome> {
  const { output, saveDir } = options;
  const deliveries: DeliveryResult[] = [];
  const saved: string[] = [];
  let first = true;
  for (const event of events) {
    let last: DeliveryResult | undefined;
    if (options.to) {
      for (let copy = 1; copy <= options.times; copy++) {
        if (!first && options.delayMs > 0) await sleep(options.delayMs);
        first = false;
        last = await sendCopy(options, options.to, event.body, headers);
        deliveries.push(last);
        reportDelivery(output, { type: event.type, videoId: event.videoId, to: options.to.href, copy, times: options.times, result: last, ...(options.showAnswer ? { showAnswer: true } : {}) });
      }
    }
    if (saveDir !== undefined) saved.push(await saveEvent({ ...options, saveDir }, event, headers, last));
  }
  return { events, deliveries, saved };
}

function sendCopy(options: TriggerOptions, url: URL, body: string, headers: HeaderMap): Promise<DeliveryResult> {
  return send({
    url,
    body,
    headers,
    timeoutMs: options.timeoutMs,
    ...(options.showAnswer ? { keepResponseBytes: ANSWER_SHOWN_BYTES } : { keepFailedAnswerBytes: ANSWER_BYTES }),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
}
