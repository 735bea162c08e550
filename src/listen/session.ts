/**
 * `listen`: receiver + forwarder + recorder + tunnel, as one start()/stop() session.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Agent } from 'undici';
import { undiciAgent } from '../delivery/undici.js';
import { resendRequest } from '../delivery/resend.js';
import { send } from '../delivery/send.js';
import type { DeliveryResult } from '../http/types.js';
import { HswError, describeError } from '../errors.js';
import { Receiver } from '../receiver/server.js';
import type { CapturedRequest, ReceiverAnswer } from '../receiver/types.js';
import { eventMatcher } from '../store/filter.js';
import { checkBody } from '../events/drift.js';
import type { Fixture, FixtureResponse } from '../store/types.js';
import { summarizeBody } from '../events/summary.js';
import { utf8Text } from '../store/body.js';
import { RESPONSE_BODY_BYTES, fixtureResponse, makeFixture } from '../store/write.js';
import { TunnelKeeper } from '../tunnel/keeper.js';
import { probeTarget, probeThrough } from '../tunnel/probe.js';
import type { TunnelProgram } from '../tunnel/program.js';
import type { OpenTunnel, TunnelEvent } from '../tunnel/types.js';
import { CopyTracker } from './copies.js';
import { ListenRecorder, type Recording } from './recorder.js';
import { publishListener, type PublishedListener } from './registry.js';
import { router, type Route } from './routes.js';
import type { ListenEvent, ListenOptions, ListenSessionEvent, ListenSummary, ListenTunnelOptions } from './types.js';

export class ListenSession {
  private readonly receiver: Receiver;
  private readonly agent: Agent = new (undiciAgent())({ keepAliveTimeout: 10_000, connections: 256 });
  private readonly shutdown = new AbortController();
  private readonly background = new Set<Promise<void>>();
  private readonly copies = new CopyTracker();
  private readonly recorder: ListenRecorder | undefined;
  private readonly listeners = new Set<(event: ListenSessionEvent) => void>();
  private readonly matchEvent: ((type: string | null) => boolean) | undefined;
  private readonly routeFor: (type: string | null) => Route | null;
  private keeper: TunnelKeeper | undefined;
  /** A per-session secret and its answer: proof that a probe went all the way through. */
  private readonly probe = { token: randomBytes(16).toString('hex'), answer: randomBytes(16).toString('hex') };
  private stopping: Promise<ListenSummary> | undefined;
  private published: PublishedListener | undefined;
  readonly summary: ListenSummary = {
    received: 0,
    forwarded: 0,
    handlerOk: 0,
    handlerFailed: 0,
    duplicates: 0,
    drifting: 0,
    retries: 0,
    filtered: 0,
    recorded: 0,
    recordErrors: 0,
    recovered: 0,
    rejected: 0,
    rejectedByReason: {},
    probesPassed: 0,
    probesFailed: 0,
  };

  constructor(private readonly options: ListenOptions) {
    // Every in-flight forward listens on the shutdown signal; hundreds at once are expected.
    setMaxListeners(0, this.shutdown.signal);
    this.matchEvent = options.events ? eventMatcher(options.events) : undefined;
    this.routeFor = router(options.forwardTo, options.routes ?? []);
    this.recorder = options.recordDir !== undefined ? new ListenRecorder(options.recordDir) : undefined;
    this.receiver = new Receiver({
      port: options.port,
      path: options.path,
      maxBodyBytes: options.maxBodyBytes,
      probe: this.probe,
      ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      // Behind --public-url, the user's proxy keeps connections to this port for as long as it
      // likes (60-90 s is common) and does not retry a POST on one that was closed under it.
      ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeoutMs: options.keepAliveTimeoutMs } : options.tunnel?.kind === 'public-url' ? { keepAliveTimeoutMs: 0 } : {}),
      onRequest: (request) => this.handle(request),
      onError: (error) => options.reporter.warn(`a request failed inside the listener (answered 500): ${describeError(error)}`),
      onRejected: (rejected) => {
        this.summary.rejected++;
        this.summary.rejectedByReason[rejected.reason] = (this.summary.rejectedByReason[rejected.reason] ?? 0) + 1;
        options.reporter.rejected(rejected);
      },
    });
  }

  /**
   * Follows the session: every webhook once it is answered (with its fixture's path and
   * content, also when recording is off), and the tunnel's state. Returns an unsubscribe.
   */
  onEvent(listener: (event: ListenSessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves when the receiver listens and the first tunnel attempt is over. A record
   * directory that cannot be written fails it first (HSW_RECORD_DIR), before anything is served.
   */
  async start(): Promise<void> {
    const { options } = this;
    if (this.recorder) {
      const tidied = await this.recorder.prepare();
      this.summary.recovered = tidied.recovered.length;
      if (tidied.recovered.length > 0 || tidied.removed.length > 0) options.reporter.tidied({ dir: this.recorder.dir, recovered: tidied.recovered.length, removed: tidied.removed.length });
    }
    await this.receiver.start();
    if (options.publish) {
      const where = options.publish;
      this.published = await publishListener({ ...where, localUrl: this.receiver.url, probe: this.probe }).catch((error: unknown) => {
        options.reporter.warn(`could not tell other commands where this listen runs (${describeError(error)}); give them --to ${this.receiver.url}`);
        return undefined;
      });
    }
    const ready = {
      localUrl: this.receiver.url,
      forwardTo: options.forwardTo?.href ?? null,
      routes: (options.routes ?? []).map((route) => ({ pattern: route.pattern, to: route.to.href })),
      recordDir: options.recordDir ?? null,
      tunnel: options.tunnel ? ('connecting' as const) : ('off' as const),
    };
    options.reporter.ready(ready);
    this.publish({ kind: 'ready', ready });
    const tunnel = options.tunnel;
    if (!tunnel) return;
    this.keeper = new TunnelKeeper({
      ...(tunnel.kind !== undefined && tunnel.kind !== 'localtunnel' ? { open: await this.opener(tunnel) } : {}),
      host: tunnel.host,
      subdomain: tunnel.subdomain,
      localPort: this.receiver.tunnelPort,
      openTimeoutMs: tunnel.openTimeoutMs,
      probeIntervalMs: tunnel.probeIntervalMs,
      ...(tunnel.subdomainWaitMs !== undefined ? { subdomainWaitMs: tunnel.subdomainWaitMs } : {}),
      ...(tunnel.backoffMs !== undefined ? { backoffMs: tunnel.backoffMs } : {}),
      // The probe is a webhook's twin: a POST to the URL pasted into HeapStream.
      probe: async (publicUrl) => {
        const target = probeTarget(this.withPath(publicUrl), tunnel.kind === undefined || tunnel.kind === 'localtunnel' ? tunnel.host : undefined, this.probe.token);
        // At least a second, however often it runs: a loaded machine is not a dead tunnel.
        const result = await probeThrough(target, this.probe.answer, tunnel.probeTimeoutMs ?? Math.max(1_000, Math.min(5_000, tunnel.probeIntervalMs)));
        if (result.ok) this.summary.probesPassed++;
        return result;
      },
      // The tunnel knows its host; the URL to paste into HeapStream also carries our path.
      onEvent: (event) => {
        const shown: TunnelEvent =
          event.kind === 'open' || event.kind === 'probe-failed'
            ? { ...event, url: this.withPath(event.url) }
            : event.kind === 'changed'
              ? { ...event, url: this.withPath(event.url), previousUrl: this.withPath(event.previousUrl) }
              : event;
        if (event.kind === 'probe-failed') this.summary.probesFailed++;
        options.reporter.tunnel(shown);
        this.publish({ kind: 'tunnel', tunnel: shown });
      },
    });
    const opened = await this.keeper.start();
    if (!opened && tunnel.required) {
      await this.stop();
      throw new HswError('HSW_TUNNEL_FAILED', `no tunnel could be opened via ${tunnelLabel(tunnel)} and --require-tunnel is set; check it, or drop --require-tunnel to serve locally`);
    }
  }

  /** For the tunnels that are not localtunnel: how each attempt opens one. */
  private async opener(tunnel: ListenTunnelOptions): Promise<() => Promise<OpenTunnel>> {
    if (tunnel.kind === 'public-url') {
      const url = tunnel.publicUrl as string;
      // Nothing of ours to open or reopen: the probe says whether the URL reaches us.
      return async () => ({ url, clientId: new URL(url).hostname, fixed: true, onBroken() {}, close() {} });
    }
    const program = tunnel.kind as TunnelProgram;
    const { openProgramTunnel } = await import('../tunnel/program.js');
    return () =>
      openProgramTunnel({ program, localPort: this.receiver.tunnelPort, openTimeoutMs: tunnel.openTimeoutMs, ...(tunnel.ngrokApiUrl ? { ngrokApiUrl: tunnel.ngrokApiUrl } : {}) });
  }

  private withPath(url: string): string {
    return `${url.replace(/\/+$/, '')}${this.options.path}`;
  }

  /** Stops accepting, lets in-flight deliveries finish (bounded), closes the tunnel, flushes files. */
  stop(): Promise<ListenSummary> {
    this.stopping ??= (async () => {
      await this.published?.remove();
      this.keeper?.stop();
      const grace = this.options.shutdownGraceMs;
      const abortTimer = setTimeout(() => this.shutdown.abort(), grace);
      await this.receiver.stop(grace + 1_000);
      await Promise.allSettled([...this.background]);
      this.recorder?.close();
      clearTimeout(abortTimer);
      await this.agent.close();
      return this.summary;
    })();
    return this.stopping;
  }

  private async handle(request: CapturedRequest): Promise<ReceiverAnswer> {
    const { options } = this;
    this.summary.received++;
    // The body decoded once, for the summary, the drift check and the fixture.
    const text = utf8Text(request.body);
    const event = summarizeBody(request.body, text);
    const check = checkBody(text ?? request.body);
    if (check.json && check.findings.length > 0) this.summary.drifting++;
    const copy = this.copies.arrived(request.body);
    if (copy.kind === 'duplicate') this.summary.duplicates++;
    if (copy.kind === 'retry') this.summary.retries++;
    const filtered = this.matchEvent !== undefined && !this.matchEvent(event.type);
    if (filtered) this.summary.filtered++;
    const route = filtered ? null : this.routeFor(event.type);
    // The fixture is built for those who read it, the recorder and the session's
    // subscribers: at once when recording, else only once a subscriber is there to take it.
    let recorded: Fixture | undefined;
    const fixture = (): Fixture => {
      if (recorded) return recorded;
      recorded = makeFixture({
        recordedAt: request.receivedAt,
        via: request.via,
        method: request.method,
        path: request.path,
        query: request.query,
        headers: request.headers as Record<string, string | string[]>,
        ...(request.remoteAddress ? { remoteAddress: request.remoteAddress } : {}),
        body: request.body,
        ...(text !== undefined ? { bodyText: text } : {}),
        event,
      });
      if (route) recorded.route = route.name;
      return recorded;
    };
    const base: Omit<ListenEvent, 'status' | 'handler' | 'fixture'> = {
      receivedAt: request.receivedAt.toISOString(),
      via: request.via,
      type: event.type,
      videoId: event.videoId,
      json: event.json,
      drift: check.json ? check.findings : [],
      duplicate: copy.kind === 'duplicate',
      retry: copy.kind === 'retry',
      route: route?.name ?? null,
      filtered,
    };
    // The fixture's temp file is created from now on, while the handler works.
    const recording = this.recorder?.begin(fixture());
    const forwardTo = route?.to;

    if (!forwardTo || options.ack) {
      // Answer once the event is safely on disk: HeapStream will not send it again after a 2xx.
      const file = await this.record(recording, undefined);
      const status = file === false ? 500 : 200;
      copy.answered(status);
      if (!forwardTo || file === false) {
        this.emit({ ...base, status, handler: null, fixture: file || null }, fixture);
        return { status, body: status === 200 ? (forwardTo ? 'accepted\n' : 'recorded\n') : 'could not record the event\n' };
      }
      // --ack: the handler's answer comes later, and is added to the fixture when it does.
      this.track(
        (async () => {
          const result = await this.forward(forwardTo, request);
          const response = fixtureResponse(result, forwardTo.href);
          const amended = recording ? await this.record(recording, response, true) : null;
          this.emit({ ...base, status, handler: result, fixture: amended || file || null }, () => ({ ...fixture(), response }));
        })(),
      );
      return { status, body: 'accepted\n' };
    }

    const result = await this.forward(forwardTo, request);
    const response = recording ? fixtureResponse(result, forwardTo.href) : undefined;
    const file = await this.record(recording, response);
    let answer = answerFor(result);
    // A 2xx tells HeapStream never to send this again: not while the event is not on disk.
    if (file === false && answer.status < 300) answer = { status: 500, body: `the handler answered ${answer.status}, but the event could not be recorded; answering 500 so that it is sent again\n` };
    copy.answered(answer.status);
    this.emit({ ...base, status: answer.status, handler: result, fixture: file || null }, () => ({ ...fixture(), response: response ?? fixtureResponse(result, forwardTo.href) }));
    return answer;
  }

  private async forward(forwardTo: URL, request: CapturedRequest): Promise<DeliveryResult> {
    const { url, method, headers } = resendRequest(request, forwardTo, this.options.extraHeaders);
    this.summary.forwarded++;
    const result = await send({
      url,
      method,
      body: request.body,
      headers,
      exactHeaders: true,
      timeoutMs: this.options.forwardTimeoutMs,
      dispatcher: this.agent,
      signal: this.shutdown.signal,
      keepResponseBytes: RESPONSE_BODY_BYTES,
    });
    if (result.ok) this.summary.handlerOk++;
    else this.summary.handlerFailed++;
    return result;
  }

  /** The fixture's path once durable, null when recording is off, false when writing failed. */
  private async record(recording: Recording | undefined, response: FixtureResponse | undefined, amend = false): Promise<string | null | false> {
    if (!recording) return null;
    try {
      const file = amend && response ? await recording.amend(response) : await recording.finish(response);
      if (!amend) this.summary.recorded++;
      return file;
    } catch (error) {
      this.summary.recordErrors++;
      this.options.reporter.warn(`could not record an event in ${this.options.recordDir}: ${describeError(error)}`);
      return false;
    }
  }

  /** `data` gives the fixture's content; it is built only when someone subscribed. */
  private emit(event: ListenEvent, data: () => Fixture): void {
    if (!event.filtered) this.options.reporter.event(event);
    if (this.listeners.size > 0) this.publish({ kind: 'event', event, data: data() });
  }

  private publish(event: ListenSessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.reporter.warn(`a listen subscriber failed: ${describeError(error)}`);
      }
    }
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch((error: unknown) => this.options.reporter.warn(`recording or reporting an event failed: ${describeError(error)}`));
    this.background.add(guarded);
    void guarded.finally(() => this.background.delete(guarded));
  }
}

/** What the public URL comes from, in words: the localtunnel server, the program, or the user's URL. */
export function tunnelLabel(tunnel: ListenTunnelOptions): string {
  if (tunnel.kind === 'public-url') return tunnel.publicUrl as string;
  if (tunnel.kind === 'cloudflared' || tunnel.kind === 'ngrok') return tunnel.kind;
  return tunnel.host;
}

/** Headers of the handler's answer that HeapStream (or any sender) acts on. */
const PASSED_BACK = ['location', 'retry-after'];

/** What HeapStream is answered: the handler's answer, or 502 / 504 when there was no whole one. */
function answerFor(result: DeliveryResult): ReceiverAnswer {
  if (result.status !== undefined) {
    const headers: Record<string, string> = {};
    for (const name of PASSED_BACK) {
      const value = result.response?.headers?.[name];
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    return { status: result.status, body: result.response?.body ?? '', headers, ...(result.response?.contentType ? { contentType: result.response.contentType } : {}) };
  }
  if (result.error?.kind === 'timeout') return { status: 504, body: `the handler did not answer within the timeout (${result.error.message})\n` };
  if (result.error?.kind === 'cut-off') return { status: 502, body: `the handler's answer was cut off (${result.error.message})\n` };
  if (result.error?.kind === 'bad-answer') return { status: 502, body: `the handler's answer was not HTTP (${result.error.message})\n` };
  return { status: 502, body: `the handler is unreachable (${result.error?.code ?? result.error?.message ?? 'unknown error'})\n` };
}
