/** What a webhook body says it is, read without trusting it: what fixtures, listen and the inspector show. */
export interface EventSummary {
  type: string | null;
  videoId: number | null;
  status: string | null;
  timestamp: string | null;
  /** False when the body is not JSON at all. */
  json: boolean;
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
