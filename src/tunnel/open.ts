/**
 * Opens one localtunnel tunnel. The registration request is ours (undici, with a deadline
 * and the server's own error message), because localtunnel's client retries an unreachable
 * server forever and cannot be stopped; the socket pool that carries traffic is
 * localtunnel's own `TunnelCluster`, driven through its `Tunnel` class (pinned at 2.0.2).
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import { request } from 'undici';
import { HswError, describeError } from '../errors.js';
import { userAgent } from '../version.js';
import type { OpenTunnel, TunnelOptions } from './types.js';

interface LocaltunnelInfo {
  name: string;
  url: string;
}

interface LocaltunnelTunnel extends EventEmitter {
  clientId: string;
  url: string;
  closed: boolean;
  _getInfo(body: unknown): LocaltunnelInfo;
  _establish(info: LocaltunnelInfo): void;
  close(): void;
}

type TunnelConstructor = new (options: Record<string, unknown>) => LocaltunnelTunnel;

const require = createRequire(import.meta.url);

export async function openTunnel(options: TunnelOptions): Promise<OpenTunnel> {
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

  const registration = body as { id: string; url: string };
  if (options.requireSubdomain && registration.id !== options.subdomain) {
    // Not connecting to the one offered: the server drops it after its grace period.
    throw new HswError('HSW_TUNNEL_SUBDOMAIN_TAKEN', `${options.host} still holds the subdomain ${options.subdomain} (it offered ${registration.id})`);
  }

  const Tunnel = require('localtunnel/lib/Tunnel.js') as TunnelConstructor;
  // local_host pins the tunnel to IPv4 loopback, where the receiver listens.
  const tunnel = new Tunnel({ host: options.host, port: options.localPort, local_host: '127.0.0.1', subdomain: options.subdomain });
  const info = tunnel._getInfo(body);
  tunnel.clientId = info.name;
  tunnel.url = info.url;

  let broken: ((reason: string) => void) | undefined;
  let brokenReason: string | undefined;
  const breakWith = (reason: string): void => {
    if (brokenReason !== undefined) return;
    brokenReason = reason;
    broken?.(reason);
  };
  // An unhandled 'error' on an EventEmitter would crash the process.
  tunnel.on('error', (error: Error) => breakWith(describeError(error)));

  const firstSocket = new Promise<void>((resolve, reject) => {
    tunnel.once('url', () => resolve());
    tunnel.once('error', (error: Error) => reject(error));
    deadline.addEventListener('abort', () => reject(new Error(`no tunnel connection within ${options.openTimeoutMs} ms`)), { once: true });
  });
  tunnel._establish(info);
  try {
    await firstSocket;
  } catch (error) {
    tunnel.close();
    throw new HswError('HSW_TUNNEL_FAILED', `the tunnel server ${options.host} registered us but its tunnel port is unreachable: ${describeError(error)}`, { cause: error });
  }

  return {
    url: info.url,
    clientId: info.name,
    onBroken(listener) {
      broken = listener;
      if (brokenReason !== undefined) listener(brokenReason);
    },
    close() {
      tunnel.close();
    },
  };
}

function isRegistration(body: unknown): body is { id: string; port: number; url: string } {
  const b = body as { id?: unknown; port?: unknown; url?: unknown } | undefined;
  return typeof b?.id === 'string' && typeof b.port === 'number' && typeof b.url === 'string';
}
