export interface TunnelOptions {
  /** The localtunnel server, e.g. https://localtunnel.me. */
  host: string;
  /** The subdomain to ask for; another one offered is refused (HSW_TUNNEL_SUBDOMAIN_TAKEN). */
  subdomain: string;
  /** The local port the tunnel's traffic goes to. */
  localPort: number;
  /** How long one attempt to open may take before it counts as failed. */
  openTimeoutMs: number;
  /** Delay before replacing a tunnel socket that closed without carrying a request: first and most. */
  reconnectMs?: { first: number; max: number };
}

/** An open tunnel: its public URL, and a way to hear that it broke. */
export interface OpenTunnel {
  url: string;
  clientId: string;
  /**
   * Nothing to reopen: a URL the user runs themselves (`--public-url`). A failed probe is
   * reported, but the keeper does not close and reopen it.
   */
  fixed?: boolean;
  /** Called once, with the first sign that the tunnel is broken. */
  onBroken(listener: (reason: string) => void): void;
  close(): void;
}

/** What a probe through the public URL found. */
export interface ProbeResult {
  ok: boolean;
  /** The HTTP status, when something answered. */
  status?: number;
  /** What answered instead of this listener, or why nothing did; printable. */
  detail?: string;
}

export type TunnelEvent =
  | { kind: 'open'; url: string }
  | { kind: 'changed'; url: string; previousUrl: string }
  | { kind: 'down'; reason: string }
  | { kind: 'unavailable'; reason: string; retryInMs: number }
  /** A probe through the public URL got an answer this listener did not give, or none. */
  | { kind: 'probe-failed'; url: string; status: number | null; detail: string };
