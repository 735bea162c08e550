export interface TunnelOptions {
  /** The localtunnel server, e.g. https://localtunnel.me. */
  host: string;
  /** The subdomain to ask for; the server may give another when it is taken. */
  subdomain: string;
  /** Refuse another subdomain (HSW_TUNNEL_SUBDOMAIN_TAKEN) instead of taking it. */
  requireSubdomain?: boolean;
  /** The local port the tunnel client connects to. */
  localPort: number;
  /** How long one attempt to open may take before it counts as failed. */
  openTimeoutMs: number;
}

/** An open tunnel: its public URL, and a way to hear that it broke. */
export interface OpenTunnel {
  url: string;
  clientId: string;
  /** Called once, with the first sign that the tunnel is broken. */
  onBroken(listener: (reason: string) => void): void;
  close(): void;
}

export type TunnelEvent =
  | { kind: 'open'; url: string }
  | { kind: 'changed'; url: string; previousUrl: string }
  | { kind: 'down'; reason: string }
  | { kind: 'unavailable'; reason: string; retryInMs: number };
