/**
 * The request HeapStream makes for an event, for tests that drive their handler
 * themselves (supertest, Hono's `app.request()`): method, headers and body bytes, exactly
 * what `simulate`, `replay` and `trigger` send.
 */
import type { BuiltEvent } from '../events/builder.js';
import { serializeEvent } from '../events/serializer.js';
import type { HeapStreamEvent } from '../events/types.js';
import type { LoadedFixture } from '../store/types.js';
import { userAgent } from '../version.js';
import type { HeaderMap } from '../http/types.js';
import { resendRequest } from './resend.js';

export interface WebhookRequest {
  method: string;
  /** Plain strings (a repeated header joined with ", "), as `fetch`, supertest and `app.request()` take them. */
  headers: Record<string, string>;
  /**
   * Over its own ArrayBuffer (never a shared one), so that it is a `BodyInit` under the DOM
   * lib too: `fetch(url, { body })`, `app.request(path, { body })`.
   */
  body: Buffer<ArrayBuffer>;
}

/** The headers of a synthesized delivery (a recorded one keeps those it arrived with). */
export function syntheticHeaders(): HeaderMap {
  return { 'content-type': 'application/json', 'user-agent': userAgent() };
}

/**
 * From a built event (its exact bytes), a plain event object (serialized as HeapStream
 * does: sorted keys, `-1.0`), or a loaded fixture (its recorded bytes and headers).
 */
export function buildRequest(event: BuiltEvent | HeapStreamEvent | LoadedFixture): WebhookRequest {
  if ('fixture' in event) {
    const { method, headers } = resendRequest(event.fixture.request);
    // A copy: a fixture's bytes may sit in a pooled, shared buffer.
    return withLength(method, headers, Buffer.from(event.body));
  }
  const body = 'event_type' in event ? serializeEvent(event) : event.body;
  return withLength('POST', syntheticHeaders(), Buffer.from(body, 'utf8'));
}

function withLength(method: string, headers: HeaderMap, body: Buffer<ArrayBuffer>): WebhookRequest {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return { method, headers: { ...flat, 'content-length': String(body.length) }, body };
}
