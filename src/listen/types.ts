import type { DeliveryResult, HeaderMap } from '../http/types.js';
import type { DriftFinding } from '../events/drift.js';
import type { RejectedRequest } from '../receiver/types.js';
import type { Fixture } from '../store/types.js';
import type { TunnelEvent } from '../tunnel/types.js';

/**
 * How listen is reachable from the internet: a localtunnel tunnel (the default), a tunnel run
 * by a cloudflared or ngrok program on PATH, or a public URL the user runs themselves (their
 * reverse proxy, a Tailscale Funnel, a tunnel started by hand) that forwards to `port`.
 */
export type TunnelKind = 'localtunnel' | 'cloudflared' | 'ngrok' | 'public-url';

export interface ListenTunnelOptions {
  /** localtunnel when absent. */
  kind?: TunnelKind;
  /** With `public-url`: the URL that reaches this listener's port; the webhook path is added to it. */
  publicUrl?: string;
  /** With `ngrok`: its agent API (http://127.0.0.1:4040). */
  ngrokApiUrl?: string;
  /** With localtunnel: its server, and the subdomain to keep. */
  host: string;
  subdomain: string;
  openTimeoutMs: number;
  probeIntervalMs: number;
  /** Fail the start (exit 1) instead of serving locally when no tunnel opens. */
  required: boolean;
  /**
   * How long start() waits for a subdomain the server still holds before it goes on serving
   * locally (15 s); asking for it goes on in the background until it is free.
   */
  subdomainWaitMs?: number;
  /** How long one probe may take (5 s, or the interval when shorter, but at least 1 s). */
  probeTimeoutMs?: number;
  /** Backoff between attempts to reopen the tunnel: first and most (1 s, 30 s). */
  backoffMs?: { first: number; max: number };
}

export interface ListenOptions {
  port: number;
  /** The only path that accepts webhooks. */
  path: string;
  maxBodyBytes: number;
  /** The default route: where webhooks that match no rule in `routes` go. */
  forwardTo?: URL;
  /** Event-type rules, tried in order before the default; the first that matches takes the webhook. */
  routes?: ListenRoute[];
  /** Added to (or replacing) the headers of every forwarded request. */
  extraHeaders?: HeaderMap;
  forwardTimeoutMs: number;
  /** Answer 200 at once and forward in the background. */
  ack: boolean;
  /** Where fixtures go; undefined: nothing is recorded. */
  recordDir?: string;
  /** Glob on event types: others are recorded and answered 200, not forwarded or shown. */
  events?: string;
  tunnel?: ListenTunnelOptions;
  /** How long Ctrl-C waits for in-flight deliveries. */
  shutdownGraceMs: number;
  /**
   * The receiver's deadlines, each counted from a request's first byte: its headers (10 s), the
   * whole request (60 s); and how long an idle local keep-alive connection stays open (5 s;
   * behind `public-url`, as long as the user's proxy keeps it).
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /**
   * Publish this listener for the directory `cwd` while it runs (listen/registry.ts), so that
   * `trigger` there sends through it. Published before the ready line, removed first on stop.
   */
  publish?: { cwd: string; configDir?: string };
  reporter: ListenReporter;
}

export interface ListenRoute {
  /** A glob on the event type, e.g. `video.ready` or `video.*`; commas separate alternatives. */
  pattern: string;
  to: URL;
}

export interface ListenReady {
  localUrl: string;
  /** The default route. */
  forwardTo: string | null;
  routes: { pattern: string; to: string }[];
  recordDir: string | null;
  tunnel: 'connecting' | 'off';
}

/** One webhook, after it was answered, forwarded and recorded. */
export interface ListenEvent {
  receivedAt: string;
  via: 'tunnel' | 'local';
  type: string | null;
  videoId: number | null;
  json: boolean;
  /** Where the body differs from the catalog's model of its type (empty when it fits or is not JSON). */
  drift: DriftFinding[];
  /** What the sender (HeapStream) was answered. */
  status: number;
  /** The handler's outcome, when forwarded. */
  handler: DeliveryResult | null;
  /**
   * Which route took it: a rule's pattern, `default`, or `none` (it matched no rule and there
   * is no default: recorded and answered 200). Null when nothing is forwarded at all.
   */
  route: string | null;
  /** The fixture's path, once it is durable; null when recording is off or failed. */
  fixture: string | null;
  /** The same body came before and was answered 2xx: the handler must not act twice. */
  duplicate: boolean;
  /** The same body came before and was not answered 2xx: HeapStream is asking again. */
  retry: boolean;
  filtered: boolean;
}

/** What `ListenSession.onEvent` subscribers get. */
export type ListenSessionEvent =
  | { kind: 'ready'; ready: ListenReady }
  | { kind: 'tunnel'; tunnel: TunnelEvent }
  /** `data`: the fixture's content (the request and the handler's answer), also when recording is off. */
  | { kind: 'event'; event: ListenEvent; data: Fixture };

/** Temp files an interrupted run left in the record directory, dealt with at start. */
export interface ListenTidied {
  dir: string;
  /** Complete fixtures renamed into place. */
  recovered: number;
  /** Partial ones removed. */
  removed: number;
}

export interface ListenSummary {
  received: number;
  forwarded: number;
  handlerOk: number;
  handlerFailed: number;
  duplicates: number;
  /** Events whose body differs from the catalog's model. */
  drifting: number;
  retries: number;
  filtered: number;
  recorded: number;
  recordErrors: number;
  /** Fixtures an interrupted earlier run left as temp files, recovered at start. */
  recovered: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Probes through the public URL that this listener answered. */
  probesPassed: number;
  /** Probes through the public URL that something other than this listener answered (or nothing did). */
  probesFailed: number;
}

/** Where the session says what happens; the command prints it as text or NDJSON. */
export interface ListenReporter {
  ready(info: ListenReady): void;
  tidied(tidied: ListenTidied): void;
  tunnel(event: TunnelEvent): void;
  event(event: ListenEvent): void;
  rejected(rejected: RejectedRequest): void;
  warn(text: string): void;
}
