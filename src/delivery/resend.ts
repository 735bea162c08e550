/**
 * A recorded request (a fixture's, or one that listen has just received) as it goes out
 * again: its method, its query string added to the target's, its headers but the
 * hop-by-hop ones, and extra headers on top. listen's forwarding, the inspector's replay,
 * `replay()` and `buildRequest()` all send what this makes, so they cannot drift apart.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { HeaderMap } from '../http/types.js';
import { passThroughHeaders } from './headers.js';
import { withQuery } from './url.js';

/** What is taken from a recorded request: a fixture's `request`, or a captured one. */
export interface RecordedRequest {
  method: string;
  query: string;
  headers: IncomingHttpHeaders | HeaderMap;
}

export interface ResentRequest {
  method: string;
  headers: HeaderMap;
}

/** The request to send to `to`, with extra headers (already checked) added or replacing. */
export function resendRequest(recorded: RecordedRequest, to: URL, extraHeaders?: HeaderMap): ResentRequest & { url: URL };
/** The method and headers alone, for a caller that sends the request itself. */
export function resendRequest(recorded: RecordedRequest): ResentRequest;
export function resendRequest(recorded: RecordedRequest, to?: URL, extraHeaders?: HeaderMap): ResentRequest & { url?: URL } {
  const passed = passThroughHeaders(recorded.headers);
  const resent = { method: recorded.method || 'POST', headers: extraHeaders ? { ...passed, ...extraHeaders } : passed };
  if (to === undefined) return resent;
  // Without a query the target's own URL object is sent to: send() reads its origin and path
  // once per URL object, which a copy per request would defeat.
  return { ...resent, url: recorded.query ? withQuery(to, recorded.query) : to };
}
