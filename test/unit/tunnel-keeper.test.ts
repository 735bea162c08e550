/**
 * The keeper's decisions with a stand-in opener (the real localtunnel server is exercised in
 * test/integration/listen-tunnel.test.ts): when it reconnects, and what it says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { HswError } from '../../src/errors.js';
import { TunnelKeeper } from '../../src/tunnel/keeper.js';
import type { OpenTunnel, TunnelEvent, TunnelOptions } from '../../src/tunnel/types.js';

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

const until = async (check: () => boolean): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

function makeKeeper(opens: (() => Promise<OpenTunnel>)[], probe?: () => Promise<boolean>): { events: TunnelEvent[] } {
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
    const { events } = makeKeeper([async () => first, async () => second], async () => healthy);
    await keeper?.start();
    await until(() => events.some((e) => e.kind === 'down'));
    healthy = true;
    await until(() => events.filter((e) => e.kind === 'open').length === 2);
    const down = events.find((e) => e.kind === 'down');
    expect(down).toMatchObject({ kind: 'down', reason: expect.stringMatching(/2 probes through http:\/\/a\.example got no answer/) });
    expect(first.closed).toBe(true);
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
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.map((e) => e.kind)).toEqual(['open']);
    expect(first.closed).toBe(true);
  });
});

describe('TunnelKeeper: a subdomain the server still holds', () => {
  const taken = async (): Promise<OpenTunnel> => {
    throw new HswError('HSW_TUNNEL_SUBDOMAIN_TAKEN', 'still held');
  };

  function keeperFor(open: (options: TunnelOptions) => Promise<OpenTunnel>, subdomainWaitMs: number): { events: TunnelEvent[]; asked: boolean[] } {
    const events: TunnelEvent[] = [];
    const asked: boolean[] = [];
    keeper = new TunnelKeeper({
      host: 'http://tunnel.invalid',
      subdomain: 'mine',
      localPort: 1,
      openTimeoutMs: 100,
      probeIntervalMs: 10_000,
      subdomainWaitMs,
      onEvent: (event) => events.push(event),
      open: (options) => {
        asked.push(Boolean(options.requireSubdomain));
        return open(options);
      },
    });
    return { events, asked };
  }

  it('asks again until it is free, and announces an ordinary open', async () => {
    let calls = 0;
    const { events, asked } = keeperFor(async (options) => (++calls <= 2 ? taken() : new FakeTunnel('http://mine.example', options.subdomain)), 10_000);
    expect(await keeper?.start()).toBe(true);
    expect(asked).toEqual([true, true, true]);
    expect(events.map((e) => e.kind)).toEqual(['unavailable', 'unavailable', 'open']);
    expect(events[0]).toMatchObject({ reason: expect.stringMatching(/still holds mine/) });
  });

  it('after the wait, takes another subdomain and says loudly that the URL changed', async () => {
    const { events, asked } = keeperFor(async (options) => (options.requireSubdomain ? taken() : new FakeTunnel('http://random-words.example', 'random-words')), 300);
    expect(await keeper?.start()).toBe(true);
    expect(asked.at(-1)).toBe(false);
    expect(asked.slice(0, -1).every(Boolean)).toBe(true);
    expect(events.filter((e) => e.kind === 'open')).toEqual([]);
    expect(events.at(-1)).toEqual({ kind: 'changed', url: 'http://random-words.example', previousUrl: 'http://mine.example' });
  });
});
