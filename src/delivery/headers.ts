import type { IncomingHttpHeaders } from 'node:http';
import { UsageError } from '../errors.js';
import type { HeaderMap } from '../http/types.js';

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

/** RFC 9110 §5.6.2: what a field name may be made of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Control characters other than tab: CR and LF would end the header and start another. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * An extra header given as `Name: value`, checked so that it cannot break the request it is
 * added to: a valid name, no line break or other control character in the value, and none of
 * the headers that describe a connection or that are computed for each request (hop-by-hop,
 * `host`, `content-length`). Throws HSW_BAD_HEADER (a usage error) naming the fix.
 */
export function parseHeader(text: string): [name: string, value: string] {
  const colon = text.indexOf(':');
  if (colon < 0) throw new UsageError(`header ${JSON.stringify(text)} is not "Name: value"; e.g. "X-Request-Source: local-test"`, 'HSW_BAD_HEADER');
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  if (!TOKEN.test(name)) {
    throw new UsageError(`header name ${JSON.stringify(name)} is not a valid HTTP header name; use letters, digits and - (e.g. X-Request-Source)`, 'HSW_BAD_HEADER');
  }
  if (CONTROL.test(value)) {
    throw new UsageError(`header ${name} has a line break or control character in its value, which would split the request; give a single-line value`, 'HSW_BAD_HEADER');
  }
  const lower = name.toLowerCase();
  if (HOP_BY_HOP.has(lower)) {
    const why = lower === 'host' || lower === 'content-length' ? 'is computed for each request' : 'describes one connection, not the message';
    throw new UsageError(`header ${name} ${why}, so it cannot be set; leave it out`, 'HSW_BAD_HEADER');
  }
  return [lower, value];
}

/** Extra headers given as a map (the library's `headers` option), checked as parseHeader checks them. */
export function checkExtraHeaders(headers: HeaderMap): HeaderMap {
  return parseHeaders(Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one) => `${name}: ${String(one)}`)));
}

/** Several `Name: value` headers as one map (a name given twice keeps both values). */
export function parseHeaders(texts: readonly string[]): HeaderMap {
  const headers: HeaderMap = {};
  for (const text of texts) {
    const [name, value] = parseHeader(text);
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return headers;
}
