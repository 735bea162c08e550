/**
 * Keeps a public tunnel up: opens it, watches it (socket errors, and a periodic probe that
 * goes all the way through the public URL and back), and reopens it with backoff when it
 * dies. The most common complaint about tunnels is that they stall silently; this one says
 * so, and says loudly when the public URL changed.
 */
import { describeError } from '../errors.js';
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

  constructor(private readonly options: KeeperOptions) {}

  get url(): string | undefined {
    return this.current?.url;
  }

  /** Makes the first attempt; resolves with its outcome (later attempts run in the background). */
  async start(): Promise<boolean> {
    return this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.probeTimer);
    this.current?.close();
    this.current = undefined;
  }

  private async connect(): Promise<boolean> {
    if (this.stopped) return false;
    const open = this.options.open ?? openTunnel;
    let tunnel: OpenTunnel;
    try {
      tunnel = await open(this.options);
    } catch (error) {
      if (this.stopped) return false;
      const retryInMs = this.nextBackoff();
      this.options.onEvent({ kind: 'unavailable', reason: describeError(error), retryInMs });
      this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
      this.retryTimer.unref();
      return false;
    }
    if (this.stopped) {
      tunnel.close();
      return false;
    }
    this.current = tunnel;
    this.attempt = 0;
    this.failedProbes = 0;
    const previousUrl = this.lastUrl;
    this.lastUrl = tunnel.url;
    if (previousUrl !== undefined && previousUrl !== tunnel.url) this.options.onEvent({ kind: 'changed', url: tunnel.url, previousUrl });
    else this.options.onEvent({ kind: 'open', url: tunnel.url });
    tunnel.onBroken((reason) => this.fail(tunnel, reason));
    this.scheduleProbe(tunnel);
    return true;
  }

  private fail(tunnel: OpenTunnel, reason: string): void {
    if (this.stopped || this.current !== tunnel) return;
    clearTimeout(this.probeTimer);
    this.current = undefined;
    tunnel.close();
    const retryInMs = this.nextBackoff();
    this.options.onEvent({ kind: 'down', reason });
    this.retryTimer = setTimeout(() => void this.connect(), retryInMs);
    this.retryTimer.unref();
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
