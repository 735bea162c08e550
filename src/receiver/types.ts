import type { IncomingHttpHeaders } from 'node:http';

/** The header of listen's own probe through its public URL (tunnel/probe.ts), answered by the receiver. */
export const PROBE_HEADER = 'x-heapstream-webhooks-probe';

/** A request as it arrived: everything needed to forward it and to record it byte-exact. */
export interface CapturedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string without the leading `?`. */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string | undefined;
  /** Whether it came through the public tunnel or straight to the local port. */
  via: 'tunnel' | 'local';
  receivedAt: Date;
}

/** What the receiver answers the sender. */
export interface ReceiverAnswer {
  status: number;
  body?: string | Buffer;
  contentType?: string;
  /** More headers for the sender, e.g. the handler's Location and Retry-After. */
  headers?: Record<string, string>;
}

/**
 * `timeout`: a deadline cut the request (408); `bad-request`: it could not be read as HTTP
 * (400, 431); `probe`: it carried the probe header with another listener's secret (403).
 */
export type RejectReason = 'method' | 'path' | 'too-large' | 'aborted' | 'timeout' | 'bad-request' | 'probe';

export interface RejectedRequest {
  reason: RejectReason;
  status: number;
  method: string;
  path: string;
  remoteAddress: string | undefined;
}
