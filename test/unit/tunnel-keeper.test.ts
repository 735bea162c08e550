/**
 * The keeper's decisions with a stand-in opener (the real localtunnel server is exercised in
 * test/integration/listen-tunnel.test.ts): when it reconnects, and what it says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HswError } from '../../src/errors.js';
import { TunnelKeeper } from '../../src/tunnel/keeper.js';
import { idlePast, waitUntil } from '../helpers/time.js';
import type { OpenTunnel, ProbeResult, TunnelEvent, TunnelOptions } from '../../src/tunnel/types.js';

class FakeTunnel implements OpenTunnel {
  closed = false;
  private listener: ((reason: string) => void) | undefined;
  constructor(
    readonly url: string,
    readonly clientId = 'client',
  ) {}
  onBroken(listener: (reason: string) => void): void {
    this.listener = listener;
  }
  break(reason: string): void {
    this.listener?.(reason);
  }
  close(): void {
    this.closed = true;
  }
}

let keeper: TunnelKeeper | undefined;
afterEach(() => keeper?.stop());

const until = (check: () => boolean, what = 'the keeper to get there'): Promise<unknown> => waitUntil(check, what);

function makeKeeper(opens: (() => Promise<OpenTunnel>)[], probe?: () => Promise<ProbeResult>): { events: TunnelEvent[] } {
  const events: TunnelEvent[] = [];
  let call = 0;
  keeper = new TunnelKeeper({
    host: 'http://tunnel.invalid',
    subdomain: 'abcd',
    localPort: 1,
    openTimeoutMs: 100,
    probeIntervalMs: 10,
    backoffMs: { first: 5, max: 20 },
    ...(probe ? { probe } : {}),
    onEvent: (event) => events.push(event),
    open: () => (opens[Math.min(call++, opens.length - 1)] as () => Promise<OpenTunnel>)(),
  });
  return { events };
}

describe('TunnelKeeper', () => {
  it('announces a changed public URL after a reconnect', async () => {
    const first = new FakeTunnel('http://a.example');
    const second = new FakeTunnel('http://b.example');
    const { events } = makeKeeper([async () => first, async () => second]);
    expect(await keeper?.start()).toBe(true);
    first.break('socket closed');
    await until(() => events.some((e) => e.kind === 'changed'));
    expect(events.map((e) => e.kind)).toEqual(['open', 'down', 'changed']);
    expect(events[2]).toEqual({ kind: 'changed', url: 'http://b.example', previousUrl: 'http://a.example' });
    expect(first.closed).toBe(true);
    expect(keeper?.url).toBe('http://b.example');
  });

  it('treats two failed probes in a row as a dead tunnel', async () => {
    const first = new FakeTunnel('http://a.example');
    const second = new FakeTunnel('http://a.example');
    let healthy = false;
    const { events } = makeKeeper([async () => first, async () => second], async () => (healthy ? { ok: true, status: 200 } : { ok: false, status: 408, detail: '408 Request Timeout' }));
    await keeper?.start();
    await until(() => events.some((e) => e.kind === 'down'));
    healthy = true;
    await until(() => events.filter((e) => e.kind === 'open').length === 2);
    const down = events.find((e) => e.kind === 'down');
    expect(down).toMatchObject({ kind: 'down', reason: expect.stringMatching(/2 probes through http:\/\/a\.example did not reach this listener/) });
    // Each failed probe is said, with what answered instead.
    expect(events.slice(0, 3)).toEqual([
      { kind: 'open', url: 'http://a.example' },
      { kind: 'probe-failed', url: 'http://a.example', status: 408, detail: '408 Request Timeout' },
      { kind: 'probe-failed', url: 'http://a.example', status: 408, detail: '408 Request Timeout' },
    ]);
    expect(first.closed).toBe(true);
  });

  it('reports failed probes of a fixed URL without closing it', async () => {
    const fixed = Object.assign(new FakeTunnel('http://mine.example'), { fixed: true });
    let probes = 0;
    const { events } = makeKeeper([async () => fixed], async () => (++probes <= 3 ? { ok: false, detail: 'no answer: connect ECONNREFUSED' } : { ok: true, status: 200 }));
    await keeper?.start();
    await until(() => probes >= 5);
    expect(events.map((e) => e.kind)).toEqual(['open', 'probe-failed', 'probe-failed', 'probe-failed']);
    expect(events[1]).toEqual({ kind: 'probe-failed', url: 'http://mine.example', status: null, detail: 'no answer: connect ECONNREFUSED' });
    expect(fixed.closed).toBe(false);
  });

  it('keeps retrying with backoff while the server is unreachable', async () => {
    const tunnel = new FakeTunnel('http://a.example');
    const failing = async (): Promise<OpenTunnel> => {
      throw new Error('ECONNREFUSED');
    };
    const { events } = makeKeeper([failing, failing, failing, async () => tunnel]);
    expect(await keeper?.start()).toBe(false);
    await until(() => events.some((e) => e.kind === 'open'));
    const waits = events.filter((e): e is Extract<TunnelEvent, { kind: 'unavailable' }> => e.kind === 'unavailable').map((e) => e.retryInMs);
    expect(waits).toEqual([5, 10, 20]);
  });

  it('stops cleanly: no reconnect after stop()', async () => {
    const first = new FakeTunnel('http://a.example');
    const { events } = makeKeeper([async () => first]);
    await keeper?.start();
    keeper?.stop();
    keeper?.stop();
    first.break('late error');
    // Past the longest backoff: a reconnect, had one been scheduled, would have happened.
    await idlePast(20);
    expect(events.map((e) => e.kind)).toEqual(['open']);
    expect(first.closed).toBe(true);
  });
});

describe('TunnelKeeper: a subdomain the server still holds', () => {
  const taken = async (): Promise<OpenTunnel> => {
    throw new HswError('HSW_TUNNEL_SUBDOMAIN_TAKEN', 'still held');
  };

  function keeperFor(open: (options: TunnelOptions) => Promise<OpenTunnel>, subdomainWaitMs: number): { events: TunnelEvent[] } {
    const events: TunnelEvent[] = [];
    keeper = new TunnelKeeper({
      host: 'http://tunnel.invalid',
      subdomain: 'mine',
      localPort: 1,
      openTimeoutMs: 100,
      probeIntervalMs: 10_000,
      subdomainWaitMs,
      subdomainRetryMaxMs: 20,
      onEvent: (event) => events.push(event),
      open,
    });
    return { events };
  }

  it('asks again until it is free, and announces an ordinary open', async () => {
    let calls = 0;
    const { events } = keeperFor(async (options) => (++calls <= 2 ? taken() : new FakeTunnel('http://mine.example', options.subdomain)), 10_000);
    expect(await keeper?.start()).toBe(true);
    expect(calls).toBe(3);
    expect(events.map((e) => e.kind)).toEqual(['unavailable', 'unavailable', 'open']);
    expect(events[0]).toMatchObject({ reason: expect.stringMatching(/still holds mine.*--new-url/) });
    // One wording for the whole wait: the terminal says it once.
    expect(new Set(events.filter((e) => e.kind === 'unavailable').map((e) => (e as { reason: string }).reason)).size).toBe(1);
  });

  it('never takes another subdomain: past the wait it serves locally and keeps asking, then opens the same URL', async () => {
    let free = false;
    let calls = 0;
    const { events } = keeperFor(async (options) => {
      calls++;
      return free ? new FakeTunnel('http://mine.example', options.subdomain) : taken();
    }, 100);
    expect(await keeper?.start()).toBe(false);
    const asked = calls;
    await until(() => calls >= asked + 3);
    free = true;
    await until(() => events.some((e) => e.kind === 'open'));
    expect(events.filter((e) => e.kind === 'changed')).toEqual([]);
    expect(events.at(-1)).toEqual({ kind: 'open', url: 'http://mine.example' });
    expect(keeper?.url).toBe('http://mine.example');
  });
});
