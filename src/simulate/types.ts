/** Why an attempt failed without (or despite) an HTTP answer. */
export type AttemptError =
  | 'timeout'
  | 'unreachable'
  /** The handler began to answer, then the answer broke off. */
  | 'cut-off'
  /** The handler was reached and sent something that is not an HTTP answer (only `100 Continue`, a truncated status line). */
  | 'bad-answer'
  | 'error'
  /** --scenario outage: the endpoint was down; nothing was sent. */
  | 'outage'
  /** --answer-loss / flaky: the handler answered 2xx but the answer never arrived. */
  | 'answer-lost';

export interface AttemptRecord {
  /** 1-based within its chain. */
  attempt: number;
  /** 0 for the original delivery, 1.. for duplicates. */
  copy: number;
  /** Ms since the run started, when the request went out. */
  at: number;
  /** How late the attempt started against its schedule, ms (scheduler plus waiting for a slot). */
  delayedMs: number;
  status: number | null;
  error: AttemptError | null;
  errorCode?: string;
  latencyMs: number;
  ok: boolean;
  /** The start of the handler's answer body when it was not a 2xx: its own words for why (printable, at most 200 characters). */
  answer?: string;
}

export interface EventOutcome {
  index: number;
  type: string | null;
  videoId: number | null;
  source: string;
  /** A 2xx within its attempts (for the original and every duplicate copy). */
  delivered: boolean;
  exhausted: boolean;
  /**
   * The original got a 2xx, but a duplicate copy never did: the handler refused a copy of
   * what it had already processed (a 409, say), and HeapStream would retry that copy for
   * the whole schedule. Set with `exhausted`.
   */
  duplicateRefused: boolean;
  /** Delivered, but an accepted attempt took longer than --max-latency. */
  tooSlow: boolean;
  duplicatesSent: number;
  attempts: AttemptRecord[];
}

export interface SimulateSettings {
  schedule: readonly number[];
  /** Run time = HeapStream time / scale. */
  scale: number;
  maxAttempts: number;
  jitter: number;
  timeoutMs: number;
  concurrency: number;
  duplicateRate: number;
  duplicates: number;
  /** Copies of every event sent at the same moment as its first attempt (a race on arrival). */
  concurrentDuplicates?: number;
  /** HeapStream time within which duplicates follow the acknowledgment. */
  duplicateWindowMs: number;
  reorder: boolean;
  /** Events per reorder window. */
  reorderWindow: number;
  /** HeapStream time from the start during which the endpoint is down. */
  outageMs: number;
  answerLoss: number;
  /** Up to this much simulated network latency per attempt, counted in the timeout. */
  networkLatencyMs: number;
  maxLatencyMs?: number;
  seed: number;
}
