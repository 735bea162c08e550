/**
 * Keeps a public tunnel up: opens it, watches it (socket errors, and a periodic probe that
 * goes through the public URL exactly as a webhook does), and reopens it with backoff when it
 * dies. The most common complaint about tunnels is that they stall silently; this one says
 * so, and says loudly when the public URL changed.
 *
 * The public URL is pasted into HeapStream once, so the keeper never trades it for another:
 * a tunnel server holds a subdomain for a while after its tunnel's sockets close (localtunnel's
 * server: a second of grace), or another listener holds it, and while it does the keeper asks
 * again with backoff, for as long as it takes. A new URL is the user's decision (`--new-url`,
 * `--subdomain`), never the keeper's.
 */
import { HswError, describeError } from '../errors.js';
import { openLocaltunnel } from './localtunnel.js';
import type { OpenTunnel, ProbeResult, TunnelEvent, TunnelOptions } from './types.js';

export interface KeeperOptions extends TunnelOptions {
  /** Checks the tunnel end to end; a throw counts as a failed probe. */
  probe?: (publicUrl: string) => Promise<ProbeResult>;
  probeIntervalMs: number;
  /** Consecutive failed probes before the tunnel counts as dead. */
  probeFailures?: number;
  /** Backoff between attempts to open: first and most. */
  backoffMs?: { first: number; max: number };
  /**
   * How long the first attempt waits for a subdomain the server still holds before start()
   * resolves false (15 s); asking goes on in the background after that.
   */
  subdomainWaitMs?: number;
  /** Longest pause between two requests for a held subdomain (5 s). */
  subdomainRetryMaxMs?: number;
  onEvent(event: TunnelEvent): void;
  /** Injected for tests and for other tunnel kinds; defaults to localtunnel. */
  open?: (options: TunnelOptions) => Promise<OpenTunnel>;
}

export class TunnelKeeper {
  private current: OpenTunnel | undefined;
  private lastUrl: string | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private failedProbes = 0;
  /** When the server first said our subdomain was taken, in this run of attempts. */
  private takenSince: number | undefined;
  private takenAttempt = 0;
  private settleFirst: ((opened: boolean) => void) | undefined;

  constructor(private readonly options: KeeperOptions) {}

  get url(): string | undefined {
    return this.current?.url;
  }

  /**
   * Makes the first attempt; resolves with its outcome (later attempts run in the
   * background). Waiting a while for a subdomain the server still holds is part of it.
   */
  start(): Promise<boolean> {
    return new Promise((resolve) => {
      this.settleFirst = resolve;
      void this.connect();
    });
  }

  private settle(opened: boolean): void {
    this.settleFirst?.(opened);
    this.settleFirst = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.settle(false);
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    this.current?.close();
    this.current = undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const open = this.options.open ?? openLocaltunnel;
    let tunnel: OpenTunnel;
    try {
      tunnel = await open(this.options);
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof HswError && error.code === 'HSW_TUNNEL_SUBDOMAIN_TAKEN') {
        this.takenSince ??= Date.now();
        const retryInMs = Math.min(this.options.subdomainRetryMaxMs ?? 5_000, 250 * 1.5 ** this.takenAttempt++);
        // One wording for the whole wait, so that it is said once, not at every attempt.
        this.options.onEvent({
          kind: 'unavailable',
          reason: `the tunnel server still holds ${this.options.subdomain}: for a moment after a tunnel closes, or for as long as another listen for this directory runs. Asking for it again until it is free; stop the other listen, or run with --new-url for a new URL`,
          retryInMs,
        });
        this.retry(retryInMs);
        if (Date.now() - this.takenSince >= (this.options.subdomainWaitMs ?? 15_000)) this.settle(false);
        return;
      }
      const retryInMs = this.nextBackoff();
      this.options.onEvent({ kind: 'unavailable', reason: describeError(error), retryInMs });
      this.retry(retryInMs);
      this.settle(false);
      return;
    }
    if (this.stopped) {
      tunnel.close();
      return;
    }
    this.current = tunnel;
    this.attempt = 0;
    this.failedProbes = 0;
    this.takenSince = undefined;
    this.takenAttempt = 0;
    const previousUrl = this.lastUrl;
    this.lastUrl = tunnel.url;
    if (previousUrl !== undefined && previousUrl !== tunnel.url) this.options.onEvent({ kind: 'changed', url: tunnel.url, previousUrl });
    else this.options.onEvent({ kind: 'open', url: tunnel.url });
    tunnel.onBroken((reason) => this.fail(tunnel, reason));
    this.scheduleProbe(tunnel);
    this.settle(true);
  }

  private retry(inMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), inMs);
    this.retryTimer.unref();
  }

  private fail(tunnel: OpenTunnel, reason: string): void {
    if (this.stopped || this.current !== tunnel) return;
    clearTimeout(this.probeTimer);
    this.current = undefined;
    tunnel.close();
    const retryInMs = this.nextBackoff();
    this.options.onEvent({ kind: 'down', reason });
    this.retry(retryInMs);
  }

  private scheduleProbe(tunnel: OpenTunnel): void {
    const { probe } = this.options;
    if (!probe) return;
    this.probeTimer = setTimeout(() => void this.runProbe(tunnel, probe), this.options.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async runProbe(tunnel: OpenTunnel, probe: (publicUrl: string) => Promise<ProbeResult>): Promise<void> {
    let result: ProbeResult;
    try {
      result = await probe(tunnel.url);
    } catch (error) {
      result = { ok: false, detail: describeError(error) };
    }
    if (this.stopped || this.current !== tunnel) return;
    if (result.ok) {
      this.failedProbes = 0;
    } else {
      this.failedProbes++;
      this.options.onEvent({ kind: 'probe-failed', url: tunnel.url, status: result.status ?? null, detail: result.detail ?? 'no answer' });
      if (!tunnel.fixed && this.failedProbes >= (this.options.probeFailures ?? 2)) {
        this.fail(tunnel, `${this.failedProbes} probes through ${tunnel.url} did not reach this listener`);
        return;
      }
    }
    this.scheduleProbe(tunnel);
  }

  private nextBackoff(): number {
    const { first, max } = this.options.backoffMs ?? { first: 1_000, max: 30_000 };
    const delay = Math.min(max, first * 2 ** this.attempt);
    this.attempt++;
    return delay;
  }
}
