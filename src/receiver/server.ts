/**
 * The HTTP server behind `listen`. It listens twice: on the configured port for local
 * senders, and on a private ephemeral port that only the tunnel client connects to, so
 * each request knows for certain whether it came through the tunnel.
 * It is reachable from the internet through the tunnel,
 * so every request is treated as hostile: POST only, one accepted path, a body cap enforced
 * before and while reading, and header / request time limits against slow senders.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HswError } from '../errors.js';
import { PROBE_HEADER, type CapturedRequest, type ReceiverAnswer, type RejectedRequest } from './types.js';

export interface ReceiverOptions {
  host?: string;
  port: number;
  /** The only path that accepts webhooks (e.g. `/k3J9…`); others get 404. */
  path: string;
  maxBodyBytes: number;
  /**
   * A POST to the webhook path whose probe header (tunnel/probe.ts) carries `token` is
   * answered `answer` by the receiver itself: proof that a request went all the way through.
   */
  probe?: { token: string; answer: string };
  onRequest(request: CapturedRequest): Promise<ReceiverAnswer>;
  onRejected?(rejected: RejectedRequest): void;
  /** A bug or an I/O failure while handling one request: it gets a 500, the server goes on. */
  onError?(error: unknown): void;
  /**
   * How long a sender may take to send its headers (10 s) and its whole request (60 s),
   * counted from the request's first byte; how long an idle keep-alive connection from a
   * local sender stays open (5 s).
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
}

export class Receiver {
  private server: Server | undefined;
  private tunnelServer: Server | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: ReceiverOptions) {}

  /** Resolves once listening. */
  async start(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    this.server = await listen(this.createServer('local'), this.options.port, host);
    this.tunnelServer = await listen(this.createServer('tunnel'), 0, '127.0.0.1');
  }

  private createServer(via: CapturedRequest['via']): Server {
    const headersTimeout = this.options.headersTimeoutMs ?? 10_000;
    const requestTimeout = Math.max(headersTimeout, this.options.requestTimeoutMs ?? 60_000);
    // Node enforces both deadlines only when it checks its connections, every 30 s by
    // default, so a 10 s deadline really ended at up to 40 s: check often enough to keep it.
    const connectionsCheckingInterval = Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 10)));
    const server = createServer({ connectionsCheckingInterval, headersTimeout, requestTimeout }, (req, res) =>
      this.track(
        this.handle(req, res, via).catch((error: unknown) => {
          this.options.onError?.(error);
          if (!res.headersSent) {
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
            res.end('internal error\n');
          } else {
            res.destroy();
          }
        }),
      ),
    );
    // Node's deadlines start when a connection opens, and a sender's next request on a kept-alive
    // connection starts them again. The tunnel's connections are made when a request arrives
    // (tunnel/socket-pool.ts) and live as long as the tunnel server keeps them: an idle one is
    // not closed here, where a request picked for it at that moment would be lost.
    server.keepAliveTimeout = via === 'tunnel' ? 0 : (this.options.keepAliveTimeoutMs ?? 5_000);
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => this.clientError(error, socket));
    return server;
  }

  /**
   * What Node does by default for a request it could not read (408 for a deadline, 431 for
   * oversized headers, 400 otherwise), and the rejection said out loud: an answer the handler
   * never gave must not pass unseen.
   */
  private clientError(error: NodeJS.ErrnoException, socket: Socket): void {
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ECONNRESET' ? 0 : 400;
    if (status !== 0) {
      timedOut.add(socket);
      // As Node does: answer unless an answer on this connection has begun (a kept-alive one has sent earlier answers).
      const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
      if (socket.writable && !inFlight?.headersSent) socket.write(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      this.options.onRejected?.({ reason: status === 408 ? 'timeout' : 'bad-request', status, method: '-', path: '-', remoteAddress: socket.remoteAddress });
    }
    socket.destroy(error);
  }

  get port(): number {
    return portOf(this.server);
  }

  /** The port the tunnel client should connect to. */
  get tunnelPort(): number {
    return portOf(this.tunnelServer);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.options.path}`;
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Stops accepting connections; resolves when in-flight requests are answered or `graceMs` passed. */
  stop(graceMs = 10_000): Promise<void> {
    this.closing ??= this.close(graceMs);
    return this.closing;
  }

  private async close(graceMs: number): Promise<void> {
    const servers = [this.server, this.tunnelServer].filter((s): s is Server => s !== undefined);
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeIdleConnections();
    const timer = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), timer]);
    for (const server of servers) server.closeAllConnections();
    await Promise.all(closed);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(req: IncomingMessage, res: ServerResponse, via: CapturedRequest['via']): Promise<void> {
    const { options } = this;
    const url = requestTarget(req.url ?? '/');
    const method = req.method ?? 'GET';
    const remoteAddress = req.socket.remoteAddress;
    const reject = (status: number, reason: RejectedRequest['reason'], extra: Record<string, string> = {}): void => {
      options.onRejected?.({ reason, status, method, path: url.pathname, remoteAddress });
      // Close the connection: we may not have read the request body, and will not.
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...extra });
      res.end(`${REJECTION_TEXT[status] ?? 'rejected'}\n`);
      req.resume();
    };

    if (url.pathname !== options.path && url.pathname !== `${options.path}/`) return reject(404, 'path');
    if (method !== 'POST') return reject(405, 'method', { allow: 'POST' });
    // A request with the probe header is never a webhook: ours is answered, another
    // listener's (a stale entry, a restarted port) is turned away, and neither is recorded.
    const probe = req.headers[PROBE_HEADER];
    if (probe !== undefined) {
      if (!options.probe || !isProbe(probe, options.probe.token)) return reject(403, 'probe');
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end(options.probe.answer);
      return;
    }
    const declared = Number(req.headers['content-length']);
    const body = Number.isFinite(declared) && declared > options.maxBodyBytes ? 'too-large' : await readCapped(req, options.maxBodyBytes);
    if (body === 'too-large') {
      // Read (and drop) a moderately oversized body before answering, so an ordinary client
      // sees the 413 rather than a broken pipe; past the drain limit, just hang up.
      if (await drain(req, options.maxBodyBytes * DRAIN_FACTOR)) return reject(413, 'too-large');
      options.onRejected?.({ reason: 'too-large', status: 413, method, path: url.pathname, remoteAddress });
      req.socket.destroy();
      return;
    }
    if (body === 'aborted') {
      // A deadline that cut the body was reported as a timeout already.
      if (timedOut.has(req.socket)) return;
      options.onRejected?.({ reason: 'aborted', status: 0, method, path: url.pathname, remoteAddress });
      return;
    }
    const answer = await options.onRequest({
      method,
      path: url.pathname,
      query: url.query,
      headers: req.headers,
      body,
      remoteAddress,
      via,
      receivedAt: new Date(),
    });
    if (res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, 'content-type': answer.contentType ?? 'text/plain; charset=utf-8' });
    res.end(answer.body ?? '');
  }
}

/**
 * A path of plain segments, and a query of characters that URL parsing keeps as they are:
 * such a target parses to itself. Anything else (dot segments, `//`, percent signs in the
 * path, quotes, spaces or non-ASCII in the query, a `#`) goes through URL, whose
 * normalization decides what path was asked for.
 */
const PLAIN_TARGET = /^(\/|(?:\/[A-Za-z0-9_~-]+)+\/?)(?:\?([!$-&(-;=?-~]*))?$/;

/** The path and the query (without `?`) a request asked for, as `new URL()` reads them. */
export function requestTarget(raw: string): { pathname: string; query: string } {
  const plain = PLAIN_TARGET.exec(raw);
  if (plain) return { pathname: plain[1] as string, query: plain[2] ?? '' };
  const url = new URL(raw, 'http://receiver.invalid');
  return { pathname: url.pathname, query: url.search.replace(/^\?/, '') };
}

const REJECTION_TEXT: Record<number, string> = { 403: 'forbidden: a probe for another listener', 404: 'not found', 405: 'method not allowed: webhooks are POSTed', 413: 'payload too large' };

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** Connections Node cut for a deadline or a malformed request, reported once. */
const timedOut = new WeakSet<Socket>();

/** Compared as digests: equal lengths whatever bytes a hostile header holds, and in constant time. */
function isProbe(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'latin1').digest();
  return timingSafeEqual(digest(header), digest(token));
}

/** How far past --max-body a rejected body is read before the connection is cut. */
const DRAIN_FACTOR = 16;

function drain(req: IncomingMessage, limit: number): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) resolve(false);
    });
    req.on('end', () => resolve(true));
    req.on('close', () => resolve(req.complete));
    req.resume();
  });
}

function readCapped(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | 'too-large' | 'aborted'): void => {
      if (done) return;
      done = true;
      resolve(value);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(chunks, size)));
    req.on('aborted', () => finish('aborted'));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}

function portOf(server: Server | undefined): number {
  const address = server?.address() as AddressInfo | null | undefined;
  if (!address) throw new Error('receiver is not listening');
  return address.port;
}

function listen(server: Server, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port, or --port 0 for any free port` : error.message;
      reject(new HswError('HSW_LISTEN_FAILED', `cannot listen on ${host}:${port}: ${hint}`, { exitCode: 2, cause: error }));
    });
    server.listen(port, host, () => resolve(server));
  });
}
