import type { IncomingHttpHeaders } from 'node:http';

/** Headers that describe one connection or one hop, never the message (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // `Expect: 100-continue` (curl sends it for bodies over 1 KiB) negotiates one hop; undici
  // refuses to send it, which would turn a recorded webhook into a failed delivery.
  'expect',
  // Recomputed for the new hop: the target host and the length of the bytes we send.
  'host',
  'content-length',
  // HTTP/2 pseudo-headers can appear in captured requests; they are not headers to send.
]);

export type HeaderMap = Record<string, string | string[]>;

/**
 * Headers to pass on to the next hop: all but hop-by-hop ones, including any that the
 * `Connection` header itself names.
 */
export function passThroughHeaders(headers: IncomingHttpHeaders | HeaderMap): HeaderMap {
  const connection = headers['connection'];
  const named = new Set(
    (Array.isArray(connection) ? connection.join(',') : (connection ?? ''))
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || named.has(lower) || lower.startsWith(':')) continue;
    out[lower] = value;
  }
  return out;
}
