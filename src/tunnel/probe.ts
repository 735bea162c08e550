/**
 * The end-to-end tunnel probe: a GET through the public URL that only this listener can
 * answer (a per-session secret path and token).
 */
import { request } from 'undici';

export interface ProbeTarget {
  url: string;
  headers: Record<string, string>;
}

/**
 * Where to send the probe. A server on a `*.localhost` domain (RFC 6761: always loopback,
 * as in local tunnel-server set-ups) publishes URLs without its port; for those we go to
 * the tunnel host's own address and name the public host in the Host header.
 */
export function probeTarget(publicUrl: string, tunnelHost: string, path: string): ProbeTarget {
  const pub = new URL(publicUrl);
  // localtunnel's public servers show a reminder page to browsers unless this is set.
  const headers: Record<string, string> = { 'bypass-tunnel-reminder': '1' };
  if (pub.hostname.endsWith('.localhost') && pub.port === '') {
    const host = new URL(tunnelHost);
    headers['host'] = pub.hostname;
    return { url: `${host.origin}${path}`, headers };
  }
  return { url: `${pub.origin}${path}`, headers };
}

export async function probeThrough(target: ProbeTarget, expected: string, timeoutMs: number): Promise<boolean> {
  const response = await request(target.url, { headers: target.headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.body.text();
  return response.statusCode === 200 && text === expected;
}
