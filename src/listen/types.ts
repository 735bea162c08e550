import type { DeliveryResult } from '../delivery/types.js';
import type { DriftFinding } from '../events/drift.js';
import type { RejectedRequest } from '../receiver/types.js';
import type { TunnelEvent } from '../tunnel/types.js';

export interface ListenTunnelOptions {
  host: string;
  subdomain: string;
  openTimeoutMs: number;
  probeIntervalMs: number;
  /** Fail the start (exit 1) instead of serving locally when no tunnel opens. */
  required: boolean;
}

export interface ListenOptions {
  port: number;
  /** The only path that accepts webhooks. */
  path: string;
  maxBodyBytes: number;
  forwardTo?: URL;
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
  reporter: ListenReporter;
}

export interface ListenReady {
  localUrl: string;
  forwardTo: string | null;
  recordDir: string | null;
  tunnel: 'connecting' | 'off';
  /** The inspector's URL, when it runs alongside (`--ui`). */
  ui?: string;
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
  fixture: string | null;
  duplicate: boolean;
  filtered: boolean;
}

export interface ListenSummary {
  received: number;
  forwarded: number;
  handlerOk: number;
  handlerFailed: number;
  duplicates: number;
  /** Events whose body differs from the catalog's model. */
  drifting: number;
  filtered: number;
  recorded: number;
  recordErrors: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
}

/** Where the session says what happens; the command prints it as text or NDJSON. */
export interface ListenReporter {
  ready(info: ListenReady): void;
  tunnel(event: TunnelEvent): void;
  event(event: ListenEvent): void;
  rejected(rejected: RejectedRequest): void;
  warn(text: string): void;
}
