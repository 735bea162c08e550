/**
 * One HTTP attempt with undici: a whole-attempt deadline (HeapStream gives 5 s from the
 * first byte out to the last byte in), and a result value instead of a throw, because a
 * failed delivery is an outcome to report, not an exception.
 */
import { request, type Dispatcher } from 'undici';
import { userAgent } from '../version.js';
import type { HeaderMap } from './headers.js';
import type { DeliveryResult } from './types.js';

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
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EPIPE']);

export async function send(options: SendOptions): Promise<DeliveryResult> {
  const timeoutMs = options.timeoutMs ?? HEAPSTREAM_TIMEOUT_MS;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const headers: HeaderMap = options.exactHeaders ? { ...options.headers } : { 'content-type': 'application/json', 'user-agent': userAgent(), ...options.headers };
  const started = performance.now();
  try {
    const response = await request(options.url, {
      method: (options.method ?? 'POST') as Dispatcher.HttpMethod,
      headers,
      body: options.body,
      signal: controller.signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    // Read the answer to the end so the connection can be reused.
    const kept = options.keepResponseBytes ? await readUpTo(response.body, options.keepResponseBytes) : (await response.body.dump({ limit: 1024 * 1024 }), undefined);
    const durationMs = performance.now() - started;
    const status = response.statusCode;
    const contentType = response.headers['content-type'];
    return {
      ok: status >= 200 && status < 300,
      status,
      durationMs,
      ...(kept ? { response: { body: kept, ...(typeof contentType === 'string' ? { contentType } : {}) } } : {}),
    };
  } catch (error) {
    const durationMs = performance.now() - started;
    if (timedOut) {
      return { ok: false, durationMs, error: { kind: 'timeout', code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` } };
    }
    return { ok: false, durationMs, error: classify(error) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

function classify(error: unknown): NonNullable<DeliveryResult['error']> {
  const err = error as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  if (err.name === 'AbortError' || code === 'ABORT_ERR') return { kind: 'error', code: 'ABORTED', message: 'aborted' };
  const message = err.cause?.message ?? err.message ?? String(error);
  if (code && UNREACHABLE.has(code)) return { kind: 'unreachable', code, message };
  return { kind: 'error', ...(code ? { code } : {}), message };
}

async function readUpTo(body: AsyncIterable<Buffer>, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
  }
  return Buffer.concat(chunks);
}
