import type { DeliveryResult, HeaderMap } from '../http/types.js';
import { fixtureResponse, makeFixture, saveFixture } from '../store/write.js';
import { printable } from '../text/printable.js';
import type { TriggerEvent, TriggerOptions } from './types.js';

/**
 * Saves one event as a synthetic fixture, with the answer to its last send when it was sent;
 * resolves to the file written.
 */
export async function saveEvent(options: TriggerOptions & { saveDir: string }, event: TriggerEvent, headers: HeaderMap, last: DeliveryResult | undefined): Promise<string> {
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
  options.output.record({ kind: 'saved', type: event.type, videoId: event.videoId, file });
  options.output.line(`saved ${printable(event.type)} → ${file}`);
  return file;
}
