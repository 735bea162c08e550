/**
 * What a sent request and its answer are made of: the leaf that delivery (which sends), the
 * store (which records) and everything that reports them share, importing nothing.
 */

/** Header names, lower-case, to a value (or several, for a header given more than once). */
export type HeaderMap = Record<string, string | string[]>;

/**
 * Why an attempt did not get a whole HTTP answer. `cut-off`: the handler was reached and
 * began to answer, but the answer broke off before its end. `bad-answer`: the handler was
 * reached and sent something that is not an HTTP answer (only `100 Continue`, a truncated
 * status line, garbage). `unreachable` is kept for connections that failed.
 */
export type DeliveryErrorKind = 'timeout' | 'unreachable' | 'cut-off' | 'bad-answer' | 'error';

export interface DeliveryResult {
  /** True for a 2xx answer within the timeout. */
  ok: boolean;
  status?: number;
  durationMs: number;
  error?: { kind: DeliveryErrorKind; code?: string; message: string };
  /** The start of the answer, when the caller asked to keep it (or, with `keepFailedAnswerBytes`, a non-2xx answer's). */
  response?: {
    body: Buffer;
    contentType?: string;
    headers?: HeaderMap;
    /** The body was longer than the bytes kept. */
    truncated?: boolean;
  };
}
