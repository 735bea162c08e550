import type { EventSummary, Fixture } from './types.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text when they are valid UTF-8 (so they round-trip exactly), else undefined. */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Text when the bytes are valid UTF-8 (so they round-trip exactly), else base64. `text` is
 * utf8Text(bytes) when the caller has it already.
 */
export function encodeBody(bytes: Uint8Array, text = utf8Text(bytes)): Pick<Fixture['request'], 'body' | 'bodyEncoding'> {
  if (text !== undefined) return { body: text, bodyEncoding: 'utf8' };
  return { body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' };
}

export function decodeBody(request: Pick<Fixture['request'], 'body' | 'bodyEncoding'>): Buffer {
  return request.bodyEncoding === 'base64' ? Buffer.from(request.body, 'base64') : Buffer.from(request.body, 'utf8');
}

/**
 * What the body says it is. Anything that is not a HeapStream-shaped object gives nulls.
 * `text` is utf8Text(bytes) when the caller has it (valid UTF-8 reads the same either way).
 */
export function summarizeBody(bytes: Uint8Array, text?: string): EventSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
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
