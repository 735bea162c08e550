/**
 * The end-to-end tunnel probe: a POST to the public webhook URL, the way HeapStream sends,
 * that only this listener can answer (a per-session secret in a header, answered with a
 * second secret). The receiver answers it itself: the handler never sees it and nothing is
 * recorded. Whatever else answers it (a 408 from a stale socket, a tunnel server's 502 or
 * 503, a reminder or password page) is what a webhook would have met.
 */
import { STATUS_CODES } from 'node:http';
import { request } from 'undici';
import { describeError } from '../errors.js';
import { PROBE_HEADER } from '../receiver/types.js';
import { userAgent } from '../version.js';
import type { ProbeResult } from './types.js';


export interface ProbeSecret {
  token: string;
  answer: string;
}

export interface ProbeTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * Where to send the probe. A server on a `*.localhost` domain (RFC 6761: always loopback,
 * as in local tunnel-server set-ups) publishes URLs without its port; for those we go to
 * the tunnel host's own address and name the public host in the Host header.
 */
export function probeTarget(publicUrl: string, tunnelHost: string | undefined, token: string): ProbeTarget {
  const pub = new URL(publicUrl);
  const headers: Record<string, string> = { [PROBE_HEADER]: token, 'content-type': 'application/json', 'user-agent': userAgent() };
  if (tunnelHost !== undefined && pub.hostname.endsWith('.localhost') && pub.port === '') {
    headers['host'] = pub.hostname;
    return { url: `${new URL(tunnelHost).origin}${pub.pathname}${pub.search}`, headers };
  }
  return { url: pub.href, headers };
}

export async function probeThrough(target: ProbeTarget, expected: string, timeoutMs: number): Promise<ProbeResult> {
  let response;
  try {
    response = await request(target.url, { method: 'POST', body: '{}', headers: target.headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { ok: false, detail: `no answer: ${describeError(error)}` };
  }
  const text = await response.body.text().catch(() => '');
  if (response.statusCode === 200 && text === expected) return { ok: true, status: 200 };
  return { ok: false, status: response.statusCode, detail: describeAnswer(response.statusCode, String(response.headers['content-type'] ?? ''), text) };
}

/** A short account of an answer that was not ours: status, and what kind of page. */
function describeAnswer(status: number, contentType: string, text: string): string {
  const reason = STATUS_CODES[status] ?? 'unknown status';
  if (/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text)) return `${status} ${reason}, an HTML page (a tunnel's reminder, password or error page)`;
  const first = text.trim().split(/\r?\n/, 1)[0] ?? '';
  return first ? `${status} ${reason}: ${first.slice(0, 80)}` : `${status} ${reason}`;
}
