/**
 * `trigger`'s sending and saving, loaded only when an event goes somewhere (`--print`
 * starts without undici, the store or their printing).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { HeaderMap } from '../../delivery/headers.js';
import type { DeliveryResult } from '../../delivery/types.js';
import { ANSWER_BYTES } from '../../delivery/answer.js';
import { send } from '../../delivery/send.js';
import { ExitCode } from '../../errors.js';
import { fixtureResponse, makeFixture, saveFixture } from '../../store/write.js';
import { reportDelivery } from '../../ui/delivery-line.js';
import { printable } from '../../ui/sanitize.js';
import type { TriggerEvent, TriggerOptions, TriggerResult } from './run.js';

/** How much of an answer's body is shown. */
const ANSWER_SHOWN_BYTES = 2_048;

export async function sendAndSave(options: TriggerOptions, events: TriggerEvent[], headers: HeaderMap): Promise<TriggerResult> {
  const { output } = options;
  const deliveries: DeliveryResult[] = [];
  const saved: string[] = [];
  let first = true;
  for (const event of events) {
    let last: DeliveryResult | undefined;
    if (options.to) {
      for (let copy = 1; copy <= options.times; copy++) {
        if (!first && options.delayMs > 0) await sleep(options.delayMs);
        first = false;
        last = await send({
          url: options.to,
          body: event.body,
          headers,
          timeoutMs: options.timeoutMs,
          ...(options.showAnswer ? { keepResponseBytes: ANSWER_SHOWN_BYTES } : { keepFailedAnswerBytes: ANSWER_BYTES }),
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        });
        deliveries.push(last);
        reportDelivery(output, { type: event.type, videoId: event.videoId, to: options.to.href, copy, times: options.times, result: last, ...(options.showAnswer ? { showAnswer: true } : {}) });
      }
    }
    if (options.saveDir !== undefined) {
      const fixture = makeFixture({
        via: 'synthetic',
        method: 'POST',
        path: options.to?.pathname ?? '/',
        query: options.to?.search.replace(/^\?/, '') ?? '',
        headers,
        body: Buffer.from(event.body, 'utf8'),
        ...(last && options.to ? { response: fixtureResponse(last, options.to.href) } : {}),
      });
      const file = await saveFixture(options.saveDir, fixture);
      saved.push(file);
      output.record({ kind: 'saved', type: event.type, videoId: event.videoId, file });
      output.line(`saved ${printable(event.type)} → ${file}`);
    }
  }
  return { exitCode: deliveries.every((d) => d.ok) ? ExitCode.ok : ExitCode.failed, events, deliveries, saved };
}
