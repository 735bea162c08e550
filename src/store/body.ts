import type { Fixture } from './types.js';

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
