import type { EventSummary, Fixture } from './types.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Text when the bytes are valid UTF-8 (so they round-trip exactly), else base64. */
export function encodeBody(bytes: Uint8Array): Pick<Fixture['request'], 'body' | 'bodyEncoding'> {
  try {
    return { body: strictUtf8.decode(bytes), bodyEncoding: 'utf8' };
  } catch {
    return { body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' };
  }
}

export function decodeBody(request: Pick<Fixture['request'], 'body' | 'bodyEncoding'>): Buffer {
  return request.bodyEncoding === 'base64' ? Buffer.from(request.body, 'base64') : Buffer.from(request.body, 'utf8');
}

/** What the body says it is. Anything that is not a HeapStream-shaped object gives nulls. */
export function summarizeBody(bytes: Uint8Array): EventSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { type: null, videoId: null, status: null, timestamp: null, json: false };
  }
  const root = isObject(parsed) ? parsed : {};
  const video = isObject(root['video']) ? root['video'] : {};
  return {
    type: typeof root['event_type'] === 'string' ? root['event_type'] : null,
    videoId: typeof video['id'] === 'number' ? video['id'] : null,
    status: typeof video['status'] === 'string' ? video['status'] : null,
    timestamp: typeof root['timestamp'] === 'string' ? root['timestamp'] : null,
    json: true,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
