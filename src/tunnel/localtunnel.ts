/**
 * Opens one localtunnel tunnel: the registration request (undici, with a deadline and the
 * server's own error message; localtunnel's client retries an unreachable server forever and
 * cannot be stopped), then the pool of sockets that carries the traffic (socket-pool.ts),
 * which connects to the receiver only when a request arrives.
 */
import { request } from 'undici';
import { HswError, describeError } from '../errors.js';
import { userAgent } from '../version.js';
import { SocketPool } from './socket-pool.js';
import type { OpenTunnel, TunnelOptions } from './types.js';

/** What a localtunnel server answers `GET /<subdomain>`. */
interface Registration {
  id: string;
  port: number;
  url: string;
  /** The address of the server's tunnel ports, when it differs from the host's. */
  ip?: string;
  max_conn_count?: number;
}

/** localtunnel's own client keeps this many sockets when the server does not say. */
const DEFAULT_SOCKETS = 10;

export async function openLocaltunnel(options: TunnelOptions): Promise<OpenTunnel> {
  const deadline = AbortSignal.timeout(options.openTimeoutMs);
  const registerUrl = `${options.host.replace(/\/+$/, '')}/${encodeURIComponent(options.subdomain)}`;
  let body: unknown;
  try {
    const response = await request(registerUrl, { signal: deadline, headers: { 'user-agent': userAgent() } });
    const text = await response.body.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.statusCode !== 200 || !isRegistration(body)) {
      const message = (body as { message?: unknown } | undefined)?.message;
      throw new HswError('HSW_TUNNEL_FAILED', `${options.host} refused the tunnel (${response.statusCode}${typeof message === 'string' ? `: ${message}` : ''})`);
    }
  } catch (error) {
    if (error instanceof HswError) throw error;
    const reason = deadline.aborted ? `no answer within ${options.openTimeoutMs} ms` : describeError(error);
    throw new HswError('HSW_TUNNEL_FAILED', `cannot reach the tunnel server ${options.host}: ${reason}`, { cause: error });
  }

  const registration = body as Registration;
  if (registration.id !== options.subdomain) {
    // Not connecting to the one offered: the server drops it after its grace period.
    throw new HswError('HSW_TUNNEL_SUBDOMAIN_TAKEN', `${options.host} still holds the subdomain ${options.subdomain} (it offered ${registration.id})`);
  }

  let broken: ((reason: string) => void) | undefined;
  let brokenReason: string | undefined;
  const pool = new SocketPool({
    remoteHost: registration.ip || new URL(options.host).hostname,
    remotePort: registration.port,
    localPort: options.localPort,
    size: Math.max(1, Math.min(registration.max_conn_count ?? DEFAULT_SOCKETS, 64)),
    ...(options.reconnectMs ? { reconnectMs: options.reconnectMs } : {}),
    onBroken(reason) {
      if (brokenReason !== undefined) return;
      brokenReason = reason;
      broken?.(reason);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new Error(`no tunnel connection within ${options.openTimeoutMs} ms`));
      deadline.addEventListener('abort', onAbort, { once: true });
      pool.open().then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
    });
  } catch (error) {
    pool.close();
    throw new HswError('HSW_TUNNEL_FAILED', `the tunnel server ${options.host} registered us but its tunnel port is unreachable: ${describeError(error)}`, { cause: error });
  }

  return {
    url: registration.url,
    clientId: registration.id,
    onBroken(listener) {
      broken = listener;
      if (brokenReason !== undefined) listener(brokenReason);
    },
    close() {
      pool.close();
    },
  };
}

function isRegistration(body: unknown): body is Registration {
  const b = body as Partial<Record<keyof Registration, unknown>> | undefined;
  return typeof b?.id === 'string' && typeof b.port === 'number' && typeof b.url === 'string';
}
