/**
 * Where deliveries go. A target is one of:
 * - a URL (string or `URL`): sent over HTTP with undici;
 * - an object with `fetch(request)` returning a `Response` (a Hono app, `{ fetch: handler }`):
 *   called in-process with a WHATWG `Request`;
 * - a Node `(req, res)` listener (an Express app, Koa's `app.callback()`): driven in-process
 *   through a real `http.Server` over in-memory sockets (memory-socket.ts), no port opened.
 *
 * Every form answers with the same DeliveryResult, and a failed delivery is a result, not
 * a throw. Only URLs load undici's Agent (undici.ts), so in-process runs and importing the
 * library stay quick.
 */
import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Agent } from 'undici';
import { ANSWER_BYTES } from './answer.js';
import { describeError, optionError } from '../errors.js';
import type { DeliveryResult, HeaderMap } from '../http/types.js';
import { socketPair } from './memory-socket.js';
import { classify, send } from './send.js';
import { undiciAgent } from './undici.js';
import { parseHandlerUrl } from './url.js';

/** Anything with a fetch-style handler: a Hono app, or `{ fetch: handler }`. */
export interface FetchTarget {
  fetch(request: Request): Response | Promise<Response>;
}

/** A Node request listener: an Express app, Koa's `app.callback()`, a plain `(req, res)`. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => unknown;

export type Target = string | URL | FetchTarget | NodeListener;

export interface TargetRequest {
  url: URL;
  method: string;
  headers: HeaderMap;
  body: Uint8Array;
  timeoutMs: number;
}

export interface OpenTarget {
  /** Whether the handler runs in this process (and so may run on virtual time). */
  readonly inProcess: boolean;
  /** Where requests go: the URL, or `http://localhost<path>` for an in-process handler. */
  readonly url: URL;
  /** For reports: the URL, or which kind of in-process handler at which path. */
  readonly label: string;
  deliver(request: TargetRequest): Promise<DeliveryResult>;
  /** Ends every delivery in flight at once, as failures (an interrupted run). */
  abort(): void;
  close(): Promise<void>;
}

export interface OpenTargetOptions {
  /** The request path for in-process targets (default `/`); a URL carries its own. */
  path?: string;
  /** Connections to keep to a URL or Node listener: the most requests in flight. */
  connections: number;
  /** How long an idle connection to a URL stays open. */
  keepAliveTimeoutMs: number;
}

const IN_PROCESS_ORIGIN = 'http://localhost';

/** A delivery ended by `abort()`. */
const ABORTED: NonNullable<DeliveryResult['error']> = { kind: 'error', code: 'ABORTED', message: 'aborted' };

export async function openTarget(target: Target, options: OpenTargetOptions): Promise<OpenTarget> {
  if (typeof target === 'string' || target instanceof URL) {
    if (options.path !== undefined) throw optionError('path', `is for in-process targets; a URL target carries its own path (${String(target)})`);
    const url = parseHandlerUrl('target', typeof target === 'string' ? target : target.href);
    const UndiciAgent = undiciAgent();
    return urlTarget(url, new UndiciAgent({ connections: options.connections, keepAliveTimeout: options.keepAliveTimeoutMs }));
  }
  const url = inProcessUrl(options.path);
  if (typeof target === 'function') return listenerTarget(target, url, options);
  if (target !== null && typeof target === 'object' && typeof (target as Partial<FetchTarget>).fetch === 'function') return fetchTarget(target, url);
  throw optionError(
    'target',
    `is ${describeValue(target)}; give a URL ("http://localhost:3000/webhooks"), an object with fetch(request) (a Hono app), or a Node (req, res) listener (an Express app, Koa's app.callback())`,
  );
}

function inProcessUrl(path: string | undefined): URL {
  if (path === undefined) return new URL('/', IN_PROCESS_ORIGIN);
  if (typeof path !== 'string' || !path.startsWith('/')) throw optionError('path', `${JSON.stringify(path)} is not a request path; it starts with "/", e.g. "/webhooks"`);
  return new URL(path, IN_PROCESS_ORIGIN);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return `missing (${String(value)})`;
  if (typeof value === 'object') return 'an object without a fetch(request) method';
  return `a ${typeof value}`;
}

function urlTarget(url: URL, agent: Agent): OpenTarget {
  let destroyed = false;
  return {
    inProcess: false,
    url,
    label: url.href,
    // No signal per attempt: destroying the agent ends them all, and 100,000 attempts then
    // cost no listener each. What it ends fails as ABORTED, as with the in-process targets.
    deliver: async (request) => {
      if (destroyed) return { ok: false, durationMs: 0, error: ABORTED };
      const result = await send({ url: request.url, method: request.method, body: request.body, headers: request.headers, exactHeaders: true, timeoutMs: request.timeoutMs, dispatcher: agent, keepFailedAnswerBytes: ANSWER_BYTES });
      return destroyed && result.error ? { ...result, error: ABORTED } : result;
    },
    abort: () => {
      if (destroyed) return;
      destroyed = true;
      void agent.destroy();
    },
    // Closing a destroyed agent rejects; there is nothing left to close then.
    close: () => (destroyed ? Promise.resolve() : agent.close()),
  };
}

/**
 * The listener gets a real `http.Server` (never listening), and Node's HTTP client talks to
 * it over in-memory connections (an Agent that makes socket pairs, kept alive and pooled),
 * so it sees exactly what it would over TCP: raw headers, content length, keep-alive, a
 * client that goes away on timeout.
 */
function listenerTarget(listener: NodeListener, url: URL, options: OpenTargetOptions): OpenTarget {
  const server = createServer((req, res) => {
    // A listener that throws (or rejects) would crash a real server; here it fails the
    // attempt with its message instead, and the connection goes like a crashed server's.
    const fail = (error: unknown): void => void res.socket?.destroy(new HandlerError(error));
    try {
      const returned = listener(req, res);
      if (returned instanceof Promise) returned.catch(fail);
    } catch (error) {
      fail(error);
    }
  });
  const agent = new MemoryAgent(server, { keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
  const run = abortableRun();
  return {
    inProcess: true,
    url,
    label: `in-process Node listener ${url.pathname}`,
    deliver: (request) => deliverOverHttp(agent, request, run.signal),
    abort: () => run.abort(),
    close: () => {
      agent.destroy();
      return Promise.resolve();
    },
  };
}

class MemoryAgent extends HttpAgent {
  constructor(
    private readonly server: Server,
    options: ConstructorParameters<typeof HttpAgent>[0],
  ) {
    super(options);
  }

  override createConnection(): ReturnType<HttpAgent['createConnection']> {
    const [client, serverSide] = socketPair();
    this.server.emit('connection', serverSide);
    return client as unknown as ReturnType<HttpAgent['createConnection']>;
  }
}

/** One attempt with Node's HTTP client, under the same whole-attempt deadline as send(). */
function deliverOverHttp(agent: HttpAgent, request: TargetRequest, runSignal: AbortSignal): Promise<DeliveryResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    if (runSignal.aborted) return resolve({ ok: false, durationMs: 0, error: ABORTED });
    const req = httpRequest(request.url, { method: request.method, headers: request.headers, agent });
    let settled = false;
    const finish = (result: Omit<DeliveryResult, 'durationMs'>, end = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onAbort);
      resolve({ ...result, durationMs: performance.now() - started });
      if (end) req.destroy();
    };
    const timer = setTimeout(() => finish({ ok: false, error: { kind: 'timeout', code: 'TIMEOUT', message: `no answer within ${request.timeoutMs} ms` } }, true), request.timeoutMs);
    const onAbort = (): void => finish({ ok: false, error: ABORTED }, true);
    runSignal.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      // A failure report quotes the start of a non-2xx answer; a 2xx one is read and dropped.
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let total = 0;
      if (!ok) {
        res.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (keptBytes < ANSWER_BYTES) {
            const part = chunk.subarray(0, ANSWER_BYTES - keptBytes);
            kept.push(part);
            keptBytes += part.length;
          }
        });
      }
      res.on('end', () => finish(ok ? { ok, status } : { ok, status, response: { body: Buffer.concat(kept, keptBytes), truncated: total > keptBytes } }));
      res.on('error', (error) => finish({ ok: false, error: classify(error) }));
      if (ok) res.resume();
    });
    req.on('error', (error) => finish({ ok: false, error: classify(error) }));
    req.end(request.body);
  });
}

/** Ends a run's deliveries; each one in flight listens to it, and copies sent together can be many. */
function abortableRun(): AbortController {
  const run = new AbortController();
  setMaxListeners(0, run.signal);
  return run;
}

function fetchTarget(target: FetchTarget, url: URL): OpenTarget {
  const run = abortableRun();
  return {
    inProcess: true,
    url,
    label: `in-process fetch handler ${url.pathname}`,
    deliver: (request) => deliverToFetch(target, request, run.signal),
    abort: () => run.abort(),
    close: () => Promise.resolve(),
  };
}

/**
 * One attempt against a fetch-style handler: the deadline covers the handler and reading
 * its whole answer, as HeapStream's does. On timeout the request's signal aborts, so a
 * handler that watches `request.signal` can stop; one that does not is left to finish.
 */
async function deliverToFetch(target: FetchTarget, request: TargetRequest, runSignal: AbortSignal): Promise<DeliveryResult> {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const attempt = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onRunAbort: (() => void) | undefined;
  const deadline = new Promise<DeliveryResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, durationMs: elapsed(), error: { kind: 'timeout', code: 'TIMEOUT', message: `no answer within ${request.timeoutMs} ms` } }), request.timeoutMs);
    onRunAbort = () => resolve({ ok: false, durationMs: elapsed(), error: ABORTED });
    if (runSignal.aborted) onRunAbort();
    else runSignal.addEventListener('abort', onRunAbort, { once: true });
  });
  // The Request's signal follows attempt.signal only through a weak reference (undici's), so
  // a Request that nothing else holds (a handler that kept just a listener) could be
  // collected mid-attempt and its handler never told: it is held here until the attempt ends.
  const incoming = toRequest(request, attempt.signal);
  const answer = (async (): Promise<DeliveryResult> => {
    const response = await target.fetch(incoming);
    if (!isResponse(response)) {
      return { ok: false, durationMs: elapsed(), error: { kind: 'error', code: 'NOT_A_RESPONSE', message: `the fetch handler returned ${describeAnswer(response)}, not a Response` } };
    }
    const body = await response.arrayBuffer();
    const status = response.status;
    const ok = status >= 200 && status < 300;
    if (ok) return { ok, status, durationMs: elapsed() };
    // A failure report quotes the start of a non-2xx answer.
    return { ok, status, durationMs: elapsed(), response: { body: Buffer.from(body, 0, Math.min(body.byteLength, ANSWER_BYTES)), truncated: body.byteLength > ANSWER_BYTES } };
  })().catch((error: unknown): DeliveryResult => ({ ok: false, durationMs: elapsed(), error: { kind: 'error', code: 'HANDLER_THREW', message: `the handler threw: ${describeError(error)}` } }));
  try {
    const result = await Promise.race([answer, deadline]);
    // Only an attempt given up on needs telling (an abort costs a DOMException each time).
    if (result.error?.code === 'TIMEOUT' || result.error?.code === 'ABORTED') attempt.abort();
    return result;
  } finally {
    clearTimeout(timer);
    if (onRunAbort) runSignal.removeEventListener('abort', onRunAbort);
    // (see `incoming`): the last use that keeps the Request alive until now.
    void incoming;
  }
}

/** The request as it would arrive: the bytes, the headers, and the ones the wire adds. */
function toRequest(request: TargetRequest, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  headers.set('host', request.url.host);
  const bodyless = request.method === 'GET' || request.method === 'HEAD';
  if (!bodyless) headers.set('content-length', String(request.body.byteLength));
  return new Request(request.url, { method: request.method, headers, signal, ...(bodyless ? {} : { body: request.body }) });
}

function isResponse(value: unknown): value is Response {
  return value !== null && typeof value === 'object' && typeof (value as Response).status === 'number' && typeof (value as Response).arrayBuffer === 'function';
}

function describeAnswer(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return typeof value === 'object' ? `an object (${Object.keys(value).slice(0, 3).join(', ') || 'no keys'})` : `a ${typeof value}`;
}

/** What a Node listener threw; classified as an `error` outcome (delivery/send.ts). */
class HandlerError extends Error {
  readonly code = 'HANDLER_THREW';

  constructor(thrown: unknown) {
    super(`the handler threw: ${describeError(thrown)}`);
  }
}
