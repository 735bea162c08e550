/**
 * `listen`: receiver + forwarder + recorder + tunnel, as one start()/stop() session.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Agent } from 'undici';
import { passThroughHeaders } from '../delivery/headers.js';
import { send } from '../delivery/send.js';
import { withQuery } from '../delivery/url.js';
import type { DeliveryResult } from '../delivery/types.js';
import { HswError, describeError } from '../errors.js';
import { Receiver } from '../receiver/server.js';
import type { CapturedRequest, ReceiverAnswer } from '../receiver/types.js';
import { eventMatcher } from '../store/filter.js';
import { checkBody } from '../events/drift.js';
import { summarizeBody } from '../store/body.js';
import { makeFixture, saveFixture } from '../store/write.js';
import { TunnelKeeper } from '../tunnel/keeper.js';
import { probeTarget, probeThrough } from '../tunnel/probe.js';
import type { ListenEvent, ListenOptions, ListenSummary } from './types.js';
import { round } from '../round.js';

/** How much of the handler's answer goes back to the sender. */
const ANSWER_BYTES = 64 * 1024;
/** Bodies remembered for duplicate marking; older ones are forgotten first. */
const DUPLICATE_MEMORY = 100_000;

export class ListenSession {
  private readonly receiver: Receiver;
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 256 });
  private readonly shutdown = new AbortController();
  private readonly background = new Set<Promise<void>>();
  private readonly seen = new Map<string, true>();
  private readonly matchEvent: ((type: string | null) => boolean) | undefined;
  private keeper: TunnelKeeper | undefined;
  /** A per-session secret path and answer: proof that a probe went all the way through. */
  private readonly probe = { path: `/.heapstream-webhooks/probe/${randomBytes(12).toString('hex')}`, token: randomBytes(16).toString('hex') };
  private stopping: Promise<ListenSummary> | undefined;
  readonly summary: ListenSummary = {
    received: 0,
    forwarded: 0,
    handlerOk: 0,
    handlerFailed: 0,
    duplicates: 0,
    drifting: 0,
    filtered: 0,
    recorded: 0,
    recordErrors: 0,
    rejected: 0,
    rejectedByReason: {},
  };

  constructor(private readonly options: ListenOptions) {
    // Every in-flight forward listens on the shutdown signal; hundreds at once are expected.
    setMaxListeners(0, this.shutdown.signal);
    this.matchEvent = options.events ? eventMatcher(options.events) : undefined;
    this.receiver = new Receiver({
      port: options.port,
      path: options.path,
      maxBodyBytes: options.maxBodyBytes,
      probe: this.probe,
      onRequest: (request) => this.handle(request),
      onError: (error) => options.reporter.warn(`a request failed inside the listener (answered 500): ${describeError(error)}`),
      onRejected: (rejected) => {
        this.summary.rejected++;
        this.summary.rejectedByReason[rejected.reason] = (this.summary.rejectedByReason[rejected.reason] ?? 0) + 1;
        options.reporter.rejected(rejected);
      },
    });
  }

  /** Resolves when the receiver listens and the first tunnel attempt is over. */
  async start(): Promise<void> {
    const { options } = this;
    await this.receiver.start();
    options.reporter.ready({
      localUrl: this.receiver.url,
      forwardTo: options.forwardTo?.href ?? null,
      recordDir: options.recordDir ?? null,
      tunnel: options.tunnel ? 'connecting' : 'off',
    });
    const tunnel = options.tunnel;
    if (!tunnel) return;
    this.keeper = new TunnelKeeper({
      host: tunnel.host,
      subdomain: tunnel.subdomain,
      localPort: this.receiver.tunnelPort,
      openTimeoutMs: tunnel.openTimeoutMs,
      probeIntervalMs: tunnel.probeIntervalMs,
      probe: (publicUrl) => probeThrough(probeTarget(publicUrl, tunnel.host, this.probe.path), this.probe.token, Math.min(5_000, tunnel.probeIntervalMs)),
      // The tunnel knows its host; the URL to paste into HeapStream also carries our path.
      onEvent: (event) => {
        if (event.kind === 'open') options.reporter.tunnel({ ...event, url: this.withPath(event.url) });
        else if (event.kind === 'changed') options.reporter.tunnel({ ...event, url: this.withPath(event.url), previousUrl: this.withPath(event.previousUrl) });
        else options.reporter.tunnel(event);
      },
    });
    const opened = await this.keeper.start();
    if (!opened && tunnel.required) {
      await this.stop();
      throw new HswError('HSW_TUNNEL_FAILED', `no tunnel could be opened via ${tunnel.host} and --require-tunnel is set; check the host, or drop --require-tunnel to serve locally`);
    }
  }

  private withPath(url: string): string {
    return `${url.replace(/\/+$/, '')}${this.options.path}`;
  }

  /** Stops accepting, lets in-flight deliveries finish (bounded), closes the tunnel, flushes files. */
  stop(): Promise<ListenSummary> {
    this.stopping ??= (async () => {
      this.keeper?.stop();
      const grace = this.options.shutdownGraceMs;
      const abortTimer = setTimeout(() => this.shutdown.abort(), grace);
      await this.receiver.stop(grace + 1_000);
      await Promise.allSettled([...this.background]);
      clearTimeout(abortTimer);
      await this.agent.close();
      return this.summary;
    })();
    return this.stopping;
  }

  private async handle(request: CapturedRequest): Promise<ReceiverAnswer> {
    const { options } = this;
    this.summary.received++;
    const event = summarizeBody(request.body);
    const check = checkBody(request.body);
    if (check.json && check.findings.length > 0) this.summary.drifting++;
    const duplicate = this.remember(request.body);
    if (duplicate) this.summary.duplicates++;
    const filtered = this.matchEvent !== undefined && !this.matchEvent(event.type);
    if (filtered) this.summary.filtered++;
    const base: Omit<ListenEvent, 'status' | 'handler' | 'fixture'> = {
      receivedAt: request.receivedAt.toISOString(),
      via: request.via,
      type: event.type,
      videoId: event.videoId,
      json: event.json,
      drift: check.json ? check.findings : [],
      duplicate,
      filtered,
    };

    if (!options.forwardTo || filtered) {
      // Nothing to forward: the answer is only a 200 once the event is safely on disk.
      const fixture = await this.record(request, undefined);
      const status = fixture === false ? 500 : 200;
      this.emit({ ...base, status, handler: null, fixture: fixture || null });
      return { status, body: status === 200 ? 'recorded\n' : 'could not record the event\n' };
    }

    const forwardTo = options.forwardTo;
    if (options.ack) {
      this.track(
        (async () => {
          const result = await this.forward(forwardTo, request);
          const fixture = await this.record(request, { result, target: forwardTo.href });
          this.emit({ ...base, status: 200, handler: result, fixture: fixture || null });
        })(),
      );
      return { status: 200, body: 'accepted\n' };
    }

    const result = await this.forward(forwardTo, request);
    const answer = answerFor(result);
    // Answer as soon as the handler did; the fixture is written meanwhile and flushed on stop.
    this.track(
      (async () => {
        const fixture = await this.record(request, { result, target: forwardTo.href });
        this.emit({ ...base, status: answer.status, handler: result, fixture: fixture || null });
      })(),
    );
    return answer;
  }

  private async forward(forwardTo: URL, request: CapturedRequest): Promise<DeliveryResult> {
    const url = withQuery(forwardTo, request.query);
    this.summary.forwarded++;
    const result = await send({
      url,
      method: request.method,
      body: request.body,
      headers: passThroughHeaders(request.headers),
      exactHeaders: true,
      timeoutMs: this.options.forwardTimeoutMs,
      dispatcher: this.agent,
      signal: this.shutdown.signal,
      keepResponseBytes: ANSWER_BYTES,
    });
    if (result.ok) this.summary.handlerOk++;
    else this.summary.handlerFailed++;
    return result;
  }

  /** The fixture's path, null when recording is off, false when writing failed. */
  private async record(request: CapturedRequest, forwarded: { result: DeliveryResult; target: string } | undefined): Promise<string | null | false> {
    const dir = this.options.recordDir;
    if (dir === undefined) return null;
    const response = forwarded
      ? {
          ok: forwarded.result.ok,
          durationMs: round(forwarded.result.durationMs, 2),
          ...(forwarded.result.status !== undefined ? { status: forwarded.result.status } : {}),
          ...(forwarded.result.error ? { error: forwarded.result.error } : {}),
          target: forwarded.target,
        }
      : undefined;
    try {
      const file = await saveFixture(
        dir,
        makeFixture({
          recordedAt: request.receivedAt,
          via: request.via,
          method: request.method,
          path: request.path,
          query: request.query,
          headers: request.headers as Record<string, string | string[]>,
          ...(request.remoteAddress ? { remoteAddress: request.remoteAddress } : {}),
          body: request.body,
          ...(response ? { response } : {}),
        }),
      );
      this.summary.recorded++;
      return file;
    } catch (error) {
      this.summary.recordErrors++;
      this.options.reporter.warn(`could not record an event in ${dir}: ${describeError(error)}`);
      return false;
    }
  }

  private emit(event: ListenEvent): void {
    if (!event.filtered) this.options.reporter.event(event);
  }

  private remember(body: Buffer): boolean {
    const key = createHash('sha256').update(body).digest('base64');
    if (this.seen.has(key)) return true;
    this.seen.set(key, true);
    if (this.seen.size > DUPLICATE_MEMORY) this.seen.delete(this.seen.keys().next().value as string);
    return false;
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) => this.options.reporter.warn(`recording or reporting an event failed: ${describeError(error)}`));
    this.background.add(guarded);
    void guarded.finally(() => this.background.delete(guarded));
  }
}

/** What HeapStream is answered: the handler's status, or 502 / 504 for no answer. */
function answerFor(result: DeliveryResult): ReceiverAnswer {
  if (result.status !== undefined) {
    return { status: result.status, body: result.response?.body ?? '', ...(result.response?.contentType ? { contentType: result.response.contentType } : {}) };
  }
  if (result.error?.kind === 'timeout') return { status: 504, body: `the handler did not answer within the timeout (${result.error.message})\n` };
  return { status: 502, body: `the handler is unreachable (${result.error?.code ?? result.error?.message ?? 'unknown error'})\n` };
}
