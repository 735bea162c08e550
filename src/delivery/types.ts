/** Why an attempt did not get an HTTP answer. */
export type DeliveryErrorKind = 'timeout' | 'unreachable' | 'error';

export interface DeliveryResult {
  /** True for a 2xx answer within the timeout. */
  ok: boolean;
  status?: number;
  durationMs: number;
  error?: { kind: DeliveryErrorKind; code?: string; message: string };
  /** The start of the answer's body, when the caller asked to keep it (never stored in fixtures). */
  response?: { body: Buffer; contentType?: string };
}
