/**
 * One HTTP attempt with undici: a whole-attempt deadline (HeapStream gives 5 s from the
 * first byte out to the last byte in), and a result value instead of a throw, because a
 * failed delivery is an outcome to report, not an exception.
 *
 * It drives undici's dispatch API directly rather than `request()`: no body stream and no
 * AbortController per attempt, which is what lets `simulate` keep up with a load generator.
 */
import type { Dispatcher } from 'undici';
import { userAgent } from '../version.js';
import { globalDispatcher } from './undici.js';
import type { DeliveryResult, HeaderMap } from '../http/types.js';

export const HEAPSTREAM_TIMEOUT_MS = 5_000;

export interface SendOptions {
  url: URL | string;
  body: Uint8Array | string;
  /** Headers to send as they are; a default content type and user agent fill gaps. */
  headers?: HeaderMap;
  method?: string;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Aborting this ends the attempt as an error (e.g. on Ctrl-C). */
  signal?: AbortSignal;
  /** Send `headers` exactly, adding no default content type or user agent (relays, replays). */
  exactHeaders?: boolean;
  /** Keep up to this many bytes of the answer's body (default: none are kept). */
  keepResponseBytes?: number;
  /** Keep up to this many bytes of a non-2xx answer's body only: what a failure report quotes, at no cost to 2xx answers. */
  keepFailedAnswerBytes?: number;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EPIPE']);

/** URL getters are not free; a run that sends 100,000 times to one URL reads them once. */
const targets = new WeakMap<URL, { origin: string; path: string }>();

function target(url: URL): { origin: string; path: string } {
  let cached = targets.get(url);
  if (!cached) {
    cached = { origin: url.origin, path: `${url.pathname}${url.search}` };
    targets.set(url, cached);
  }
  return cached;
}

export function send(options: SendOptions): Promise<DeliveryResult> {
  // undici is loaded on first use (undici.ts), so that importing the library does not pay for it.
  return dispatch(options, options.dispatcher ?? globalDispatcher());
}

function dispatch(options: SendOptions, dispatcher: Dispatcher): Promise<DeliveryResult> {
  const timeoutMs = options.timeoutMs ?? HEAPSTREAM_TIMEOUT_MS;
  const { origin, path } = target(typeof options.url === 'string' ? new URL(options.url) : options.url);
  const headers: HeaderMap = options.exactHeaders ? options.headers ?? {} : { 'content-type': 'application/json', 'user-agent': userAgent(), ...options.headers };
  const keepAlways = options.keepResponseBytes ?? 0;
  const keepFailed = options.keepFailedAnswerBytes ?? 0;

  return new Promise<DeliveryResult>((resolve) => {
    const started = performance.now();
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let status: number | undefined;
    let contentType: string | undefined;
    let answerHeaders: HeaderMap | undefined;
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    let keep = keepAlways;
    // The first byte of this request's answer arrived (undici's parser began a message).
    let answerBegan = false;

    const finish = (result: DeliveryResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    // The deadline may pass while the request still waits for a connection, before undici
    // hands us a controller: settle now, and abort it as soon as it starts.
    const stop = (error: NonNullable<DeliveryResult['error']>): void => {
      finish({ ok: false, durationMs: performance.now() - started, error });
      controller?.abort(new Error(error.message));
    };
    const timer = setTimeout(() => stop({ kind: 'timeout', code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` }), timeoutMs);
    const onAbort = (): void => stop({ kind: 'error', code: 'ABORTED', message: 'aborted' });
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    dispatcher.dispatch(
      { origin, path, method: (options.method ?? 'POST') as Dispatcher.HttpMethod, headers, body: options.body },
      {
        onRequestStart(ctrl) {
          controller = ctrl;
          if (settled) ctrl.abort(new Error('attempt already over'));
        },
        onResponseStarted() {
          answerBegan = true;
        },
        onResponseStart(_ctrl, statusCode, responseHeaders) {
          status = statusCode;
          if (keepFailed > keep && (statusCode < 200 || statusCode >= 300)) keep = keepFailed;
          if (keep > 0) {
            const type = responseHeaders['content-type'];
            if (typeof type === 'string') contentType = type;
            answerHeaders = responseHeaders as HeaderMap;
          }
        },
        onResponseData(_ctrl, chunk) {
          total += chunk.length;
          if (kept < keep) {
            chunks.push(chunk.subarray(0, keep - kept));
            kept += Math.min(chunk.length, keep - kept);
          }
        },
        onResponseEnd() {
          const code = status ?? 0;
          finish({
            ok: code >= 200 && code < 300,
            status: code,
            durationMs: performance.now() - started,
            ...(keep > 0 ? { response: { body: Buffer.concat(chunks, kept), headers: answerHeaders ?? {}, truncated: total > kept, ...(contentType ? { contentType } : {}) } } : {}),
          });
        },
        onResponseError(_ctrl, error) {
          const durationMs = performance.now() - started;
          // Once a status line arrived the handler was reached: a break after it is not "unreachable".
          if (status !== undefined) {
            const reason = classify(error);
            finish({ ok: false, durationMs, error: { kind: 'cut-off', ...(reason.code ? { code: reason.code } : {}), message: `the answer (status ${status}) broke off after ${total} body bytes: ${reason.message}` } });
            return;
          }
          finish({ ok: false, durationMs, error: classify(error, { answerBegan }) });
        },
      },
    );
  });
}

/**
 * A transport error as a delivery outcome: a bad answer (the handler was reached and sent
 * bytes that are not an HTTP answer), unreachable (the connection failed), or another error.
 */
export function classify(error: unknown, context: { answerBegan?: boolean } = {}): NonNullable<DeliveryResult['error']> {
  const err = error as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  // Bytes of this request's answer arrived, then the connection failed (only `100 Continue`,
  // a status line cut short), or they were not HTTP at all: the handler was reached. Not the
  // socket's byte count, which on a kept-alive connection includes earlier answers.
  if (context.answerBegan || err.name === 'HTTPParserError' || code?.startsWith('HPE_')) {
    return { kind: 'bad-answer', ...(code ? { code } : {}), message: `the handler answered with something that is not an HTTP answer (${message})` };
  }
  if (code && UNREACHABLE.has(code)) return { kind: 'unreachable', code, message };
  return { kind: 'error', ...(code ? { code } : {}), message };
}
