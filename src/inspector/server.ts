/**
 * The inspector's HTTP server: the page, a JSON API over the fixtures, a live stream
 * (server-sent events) and replay. Its own server on 127.0.0.1, on its own port: the tunnel
 * only ever reaches the listen receiver, never this.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'undici';
import { undiciAgent } from '../delivery/undici.js';
import type { HeaderMap } from '../http/types.js';
import { resendRequest } from '../delivery/resend.js';
import { send } from '../delivery/send.js';
import { HswError, describeError } from '../errors.js';
import type { ListenEvent } from '../listen/types.js';
import type { Fixture } from '../store/types.js';
import { STREAM_ENTRY, STREAM_MEMORY, STREAM_SNAPSHOT, type InspectorInfo, type ReplayOutcome, type ReplayRequest } from './api.js';
import { loadPageAssets, type PageAssets } from '../page-assets.js';
import { summarizeBody } from '../events/summary.js';
import { EntryList, answerSummary, bodyBytes } from './entries.js';
import type { StormData } from '../simulate/storm-types.js';
import { hostAllowed, loopbackHosts, newSessionToken, stateChangeRefusal, TOKEN_HEADER } from './security.js';

/** How much of a handler's answer to a replay is kept for the page. */
export const ANSWER_BYTES = 64 * 1024;
/** An edited body may be a little larger than anything listen accepts by default. */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** The inspector's clocks; tests set them short to show that time passing breaks nothing. */
export interface InspectorTimeouts {
  /** A comment line down every open stream, so proxies and browsers keep it open. */
  heartbeatMs: number;
  /** How long a client may take to send a request's headers / all of it. */
  headersMs: number;
  requestMs: number;
  /** An idle keep-alive connection from the page is closed after this. */
  keepAliveMs: number;
  /** How often Node checks the two limits above. */
  checkIntervalMs: number;
  /** An idle connection to the replay target is closed after this. */
  replayKeepAliveMs: number;
}

export const INSPECTOR_TIMEOUTS: InspectorTimeouts = {
  heartbeatMs: 15_000,
  headersMs: 10_000,
  requestMs: 60_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 30_000,
  // Below a handler's usual 5 s keep-alive, so replay never writes to a socket it just closed.
  replayKeepAliveMs: 4_000,
};

export interface InspectorOptions {
  /** 0 picks a free port. */
  port: number;
  mode: InspectorInfo['mode'];
  /** The fixtures directory to list (listen's --record, or inspect's directory). */
  fixturesDir?: string;
  /** Where Replay sends a delivery of this event type (listen routes by type); undefined: nowhere. */
  replayTo?: (type: string | null) => URL | undefined;
  /** The same, for the page to show: each route and its handler (`default` for the rest). */
  replayTargets?: { route: string; to: string }[];
  /** Headers added to (or replacing) the recorded ones on every replay, as listen's --header does. */
  extraHeaders?: HeaderMap;
  replayTimeoutMs?: number;
  /** Where the page bundle is (default: dist/inspector/page). */
  assetsDir?: string;
  /** A simulate run to show instead of fixtures (`inspect --report`). */
  storm?: StormData;
  /** Told about failures that concern no request in particular (a live event it could not read). */
  warn?(text: string): void;
  /** Defaults: INSPECTOR_TIMEOUTS. */
  timeouts?: Partial<InspectorTimeouts>;
  /** Bounds on webhooks kept only in memory (listen --no-record); default 500 and 64 MiB. */
  memoryLimits?: { bytes: number; count: number };
}

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#2563eb"/><path d="M3 8h3l2-4 2 8 2-4h1" stroke="#fff" stroke-width="1.6" fill="none"/></svg>`;

export class InspectorServer {
  readonly token = newSessionToken();
  private server: Server | undefined;
  private allowed: Set<string> = new Set();
  private assets: PageAssets | undefined;
  private readonly entries: EntryList;
  private readonly streams = new Set<ServerResponse>();
  private readonly timeouts: InspectorTimeouts;
  private readonly agent: Agent;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: InspectorOptions) {
    this.timeouts = { ...INSPECTOR_TIMEOUTS, ...options.timeouts };
    this.agent = new (undiciAgent())({ keepAliveTimeout: this.timeouts.replayKeepAliveMs, connections: 8 });
    this.entries = new EntryList(options.memoryLimits);
  }

  /** Resolves once listening, with the fixtures already on disk listed. */
  async start(): Promise<void> {
    this.assets = await loadPageAssets(this.options.assetsDir);
    if (this.options.fixturesDir !== undefined) await this.entries.load(this.options.fixturesDir);
    const { timeouts } = this;
    const server = createServer({ connectionsCheckingInterval: timeouts.checkIntervalMs }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.warn?.(`the inspector failed to answer ${req.method ?? ''} ${req.url ?? ''}: ${describeError(error)}`);
        if (!res.headersSent) this.json(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    server.headersTimeout = timeouts.headersMs;
    server.requestTimeout = timeouts.requestMs;
    server.keepAliveTimeout = timeouts.keepAliveMs;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const hint = error.code === 'EADDRINUSE' ? `port ${this.options.port} is in use; pick another, or 0 for any free port` : error.message;
        reject(new HswError('HSW_LISTEN_FAILED', `the inspector cannot listen on 127.0.0.1:${this.options.port}: ${hint}`, { exitCode: 2, cause: error }));
      });
      server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.allowed = loopbackHosts(this.port);
    this.heartbeat = setInterval(() => {
      for (const stream of this.streams) stream.write(': ping\n\n');
    }, timeouts.heartbeatMs);
    this.heartbeat.unref();
  }

  get port(): number {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the inspector is not listening');
    return address.port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  /** A webhook that listen answered, with its fixture's content: announced to every open page. */
  publish(event: ListenEvent, data: Fixture): void {
    const dropped = this.entries.memory.dropped;
    this.broadcast(STREAM_ENTRY, this.entries.addLive(event, data));
    // Older unrecorded webhooks made room for this one: every open page says so.
    if (this.entries.memory.dropped > dropped) this.broadcast(STREAM_MEMORY, this.entries.memory);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      clearInterval(this.heartbeat);
      for (const stream of this.streams) stream.end();
      this.streams.clear();
      const server = this.server;
      if (server) {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
      }
      await this.agent.close();
    })();
    return this.stopping;
  }

  private broadcast(event: string, data: unknown): void {
    const message = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of this.streams) stream.write(message);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a foreign page that resolves its own name to 127.0.0.1 still says its name.
    if (!hostAllowed(req.headers.host, this.allowed)) return this.text(res, 403, 'forbidden: the inspector answers only to 127.0.0.1 and localhost\n');
    const url = new URL(req.url ?? '/', 'http://inspector.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';

    if (method === 'POST' && path === '/api/replay') return this.replay(req, res);
    if (method !== 'GET' && method !== 'HEAD') return this.text(res, 405, 'method not allowed\n', { allow: 'GET, POST' });
    const assets = this.assets as PageAssets;
    switch (path) {
      case '/':
        return this.respond(res, 200, 'text/html; charset=utf-8', pageHtml(this.token));
      case '/page.js':
        return this.respond(res, 200, 'text/javascript; charset=utf-8', assets.script);
      case '/page.css':
        return this.respond(res, 200, 'text/css; charset=utf-8', assets.style);
      case '/favicon.svg':
        return this.respond(res, 200, 'image/svg+xml', FAVICON);
      case '/api/info':
        return this.json(res, 200, this.info());
      case '/api/stream':
        return this.stream(res);
      case '/api/storm':
        return this.options.storm ? this.json(res, 200, this.options.storm) : this.json(res, 404, { error: 'no report is open' });
    }
    const entry = /^\/api\/entries\/([^/]+)$/.exec(path);
    if (entry) {
      let detail;
      try {
        detail = await this.entries.detail(decodeURIComponent(entry[1] as string));
      } catch (error) {
        // Removed or broken since it was listed: say so rather than fail.
        return this.json(res, 404, { error: describeError(error) });
      }
      if (detail) return this.json(res, 200, detail);
      const id = decodeURIComponent(entry[1] as string);
      if (this.entries.wasDropped(id)) {
        const { limitBytes, limitCount } = this.entries.memory;
        return this.json(res, 410, { error: `dropped from memory: without recording (--no-record) the inspector keeps the latest ${limitCount} webhooks within ${Math.round(limitBytes / 1024 / 1024)} MiB` });
      }
      return this.json(res, 404, { error: 'no such recorded delivery' });
    }
    return this.text(res, 404, 'not found\n');
  }

  private info(): InspectorInfo {
    return {
      mode: this.options.mode,
      source: this.options.fixturesDir ?? null,
      replay: this.options.replayTargets ?? [],
      skipped: this.entries.skipped,
      memory: this.entries.memory,
    };
  }

  private stream(res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    // The snapshot and the live entries go down one ordered channel, so none falls between.
    res.write(`retry: 1000\nevent: ${STREAM_SNAPSHOT}\ndata: ${JSON.stringify(this.entries.list())}\n\n`);
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private async replay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refusal = stateChangeRefusal(
      {
        host: req.headers.host,
        origin: header(req, 'origin'),
        secFetchSite: header(req, 'sec-fetch-site'),
        token: header(req, TOKEN_HEADER),
      },
      this.allowed,
      this.token,
    );
    if (refusal) {
      req.resume();
      return this.json(res, 403, { error: `forbidden: ${refusal}` });
    }
    if (!/^application\/json\b/i.test(header(req, 'content-type') ?? '')) {
      req.resume();
      return this.json(res, 415, { error: 'send JSON (content-type: application/json)' });
    }
    const raw = await readBody(req, MAX_REQUEST_BYTES);
    if (raw === undefined) return this.json(res, 413, { error: `the request is over ${MAX_REQUEST_BYTES} bytes` });
    let input: ReplayRequest;
    try {
      input = JSON.parse(raw.toString('utf8')) as ReplayRequest;
    } catch {
      return this.json(res, 400, { error: 'the request is not JSON' });
    }
    if (typeof input?.id !== 'string' || (input.body !== undefined && typeof input.body !== 'string')) {
      return this.json(res, 400, { error: 'expected {"id": string, "body"?: string}' });
    }
    const found = await this.entries.fixtureOf(input.id);
    if (!found) return this.json(res, 404, { error: 'no such delivery (or no longer kept in memory)' });
    const { fixture, body: recorded } = found;
    const to = this.options.replayTo?.(summarizeBody(recorded).type);
    if (!to) {
      const how = this.options.mode === 'listen' ? 'listen has no handler for this event type (--forward-to <url>)' : 'start inspect with --to <url>';
      return this.json(res, 409, { error: `replay has nowhere to send: ${how}` });
    }
    // The recorded fixture is read, never written: an edit only changes what is sent.
    const body = input.body !== undefined ? Buffer.from(input.body, 'utf8') : recorded;
    const { url, method, headers } = resendRequest(fixture.request, to, this.options.extraHeaders);
    const result = await send({
      url,
      method,
      body,
      headers,
      exactHeaders: true,
      timeoutMs: this.options.replayTimeoutMs,
      dispatcher: this.agent,
      keepResponseBytes: ANSWER_BYTES + 1,
    });
    const kept = result.response?.body;
    const outcome: ReplayOutcome = {
      id: input.id,
      url: url.href,
      edited: input.body !== undefined,
      sentBytes: body.length,
      at: new Date().toISOString(),
      answer: {
        ...answerSummary(result),
        target: url.href,
        errorMessage: result.error?.message ?? null,
        headers: null,
        body: kept ? bodyBytes(kept.subarray(0, ANSWER_BYTES), kept.length > ANSWER_BYTES) : null,
        contentType: result.response?.contentType ?? null,
      },
    };
    return this.json(res, 200, outcome);
  }

  private respond(res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
    res.end(res.req.method === 'HEAD' ? undefined : body);
  }

  private text(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
    this.respond(res, status, 'text/plain; charset=utf-8', body, extra);
  }

  private json(res: ServerResponse, status: number, value: unknown): void {
    this.respond(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
  }
}

/** The page: the token for state-changing requests is handed over here and nowhere else. */
function pageHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="hsw-token" content="${token}">
<title>HeapStream webhooks · inspector</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/page.css">
<script src="/page.js" defer></script>
</head>
<body></body>
</html>
`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Over the cap: answer at once, keep draining (and dropping) what is still coming.
      if (size > max) resolve(undefined);
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
