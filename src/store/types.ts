import type { DeliveryResult, HeaderMap } from '../http/types.js';
import type { EventSummary } from '../events/summary.js';

export const FIXTURE_FORMAT = 'heapstream-webhooks/fixture@1';

/** What a fixture file holds. Plain JSON: readable, editable, diff-friendly. */
export interface Fixture {
  format: typeof FIXTURE_FORMAT;
  /** When it was received (or synthesized), ISO 8601 UTC. */
  recordedAt: string;
  /** How it arrived: through the public tunnel, straight to the local port, or built by `trigger`. */
  via: 'tunnel' | 'local' | 'synthetic';
  /** A summary read from the body when it was recorded; the body stays the truth. */
  event: EventSummary;
  request: {
    method: string;
    path: string;
    query: string;
    headers: HeaderMap;
    remoteAddress?: string;
    /** The exact bytes: as text when they are valid UTF-8, else base64. */
    body: string;
    bodyEncoding: 'utf8' | 'base64';
  };
  /**
   * Which of listen's forwarding rules took it: a rule's event-type pattern, `default`, or
   * `none` (it matched no rule: recorded only). Absent when nothing was being forwarded.
   */
  route?: string;
  /** The handler's answer, when the request was forwarded or sent. Always the last key. */
  response?: FixtureResponse;
}

/**
 * The handler's answer as recorded. Everything after `target` was added later (fixtures
 * written before have only ok, status, durationMs, error and target), so readers treat it as
 * optional.
 */
export interface FixtureResponse extends Pick<DeliveryResult, 'ok' | 'status' | 'durationMs' | 'error'> {
  /** Where the request was sent. */
  target: string;
  /** The answer's headers, names in lower case. */
  headers?: HeaderMap;
  /** The answer's body, at most RESPONSE_BODY_BYTES of it: text when valid UTF-8, else base64. */
  body?: string;
  bodyEncoding?: 'utf8' | 'base64';
  /** The body was longer than what was kept. */
  truncated?: boolean;
}

/** A fixture read from disk, with where it came from. */
export interface LoadedFixture {
  file: string;
  fixture: Fixture;
  /** The body bytes exactly as they will be sent. */
  body: Buffer;
  /** Summary of the body as it is now (after any hand edit). */
  event: EventSummary;
}

export interface InvalidFixture {
  file: string;
  reason: string;
}
