/** Why an attempt did not get an HTTP answer. */
export type DeliveryErrorKind = 'timeout' | 'unreachable' | 'error';

export interface DeliveryResult {
  /** True for a 2xx answer within the timeout. */
  ok: boolean;
  status?: number;
  durationMs: number;
  error?: { kind: DeliveryErrorKind; code?: string; message: string };
}
