/**
 * Keeps a public tunnel up: opens it, watches it (socket errors, and a periodic probe that
 * goes all the way through the public URL and back), and reopens it with backoff when it
 * dies. The most common complaint about tunnels is that they stall silently; this one says
 * so, and says loudly when the public URL changed.
 *
 * The subdomain asked for is what keeps the public URL stable, and a tunnel server holds a
 * subdomain for a while after its tunnel's sockets close (localtunnel's server: a second of
 * grace). A listener restarted within that time, or a reconnect, would be handed a random
 * one; so for `subdomainWaitMs` the keeper declines other subdomains and asks again, with
 * backoff. Only then does it take what it is given, announced as `changed`.
 */
import { HswError, describeError } from '../errors.js';
import { openTunnel } from './open.js';
import type { OpenTunnel, TunnelEvent, TunnelOptions } from './types.js';

export interface KeeperOptions extends TunnelOptions {
  /** Checks the tunnel end to end; false (or a throw) counts as a failed probe. */
  probe?: (publicUrl: string) => Promise<boolean>;
  probeIntervalMs: number;
  /** Consecutive failed probes before the tunnel counts as dead. */
  probeFailures?: number;
  /** Backoff between attempts: first and most. */
  backoffMs?: { first: number; max: number };
  /** How long to keep asking for `subdomain` while the server still holds it (15 s). */
  subdomainWaitMs?: number;
  onEvent(event: TunnelEvent): void;
  /** Injected for tests; defaults to the real opener. */
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
   * background). Waiting for a subdomain the server still holds is part of the first attempt.
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
    const open = this.options.open ?? openTunnel;
    const waitMs = this.options.subdomainWaitMs ?? 15_000;
    const insist = this.takenSince === undefined || Date.now() - this.takenSince < waitMs;
    let tunnel: OpenTunnel;
    try {
      tunnel = await open({ ...this.options, requireSubdomain: insist });
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof HswError && error.code === 'HSW_TUNNEL_SUBDOMAIN_TAKEN') {
        this.takenSince ??= Date.now();
        const retryInMs = Math.min(2_000, 250 * 1.5 ** this.takenAttempt++);
        const left = Math.max(0, Math.round((this.takenSince + waitMs - Date.now()) / 1000));
        this.options.onEvent({ kind: 'unavailable', reason: `the tunnel server still holds ${this.options.subdomain}, as it does for a moment after a tunnel closes; asking again for up to ${left} s before taking another`, retryInMs });
        this.retry(retryInMs);
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
    // Before any tunnel of ours opened, the URL people were given is the one with our subdomain.
    const previousUrl = this.lastUrl ?? (tunnel.clientId !== this.options.subdomain ? tunnel.url.replace(`//${tunnel.clientId}.`, `//${this.options.subdomain}.`) : undefined);
    this.lastUrl = tunnel.url;
    if (previousUrl !== undefined && previousUrl !== tunnel.url) this.options.onEvent({ kind: 'changed', url: tunnel.url, previousUrl });
    else this.options.onEvent({ kind: 'open', url: tunnel.url });
    tunnel.onBroken((reason) => this.fail(tunnel, reason));
    this.scheduleProbe(tunnel);
    this.settle(true);
  }

  private retry(inMs: number): void {
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

  private async runProbe(tunnel: OpenTunnel, probe: (publicUrl: string) => Promise<boolean>): Promise<void> {
    let ok: boolean;
    try {
      ok = await probe(tunnel.url);
    } catch {
      ok = false;
    }
    if (this.stopped || this.current !== tunnel) return;
    this.failedProbes = ok ? 0 : this.failedProbes + 1;
    if (this.failedProbes >= (this.options.probeFailures ?? 2)) {
      this.fail(tunnel, `${this.failedProbes} probes through ${tunnel.url} got no answer from this listener`);
      return;
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
