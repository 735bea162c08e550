/**
 * Webhooks through the real localtunnel server after idle gaps, as HeapStream sends them:
 * its retries are minutes apart, and a project's traffic is sparse. Every deadline on the
 * path is set short here, and each gap idles past all of them before the next webhook.
 */
import { readdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListenSession } from '../../src/listen/session.js';
import type { ListenEvent, ListenOptions, ListenReporter } from '../../src/listen/types.js';
import type { RejectedRequest } from '../../src/receiver/types.js';
import type { TunnelEvent } from '../../src/tunnel/types.js';
import type { TestHandler } from '../helpers/handler.js';
import { idlePast, waitUntil } from '../helpers/time.js';
import { tunnelBed, type TunnelBed, type TunnelServer } from '../helpers/tunnel-server.js';

let handler: TestHandler;
let server: TunnelServer;
let dir: string;
let session: ListenSession | undefined;

let bed: TunnelBed;

beforeEach(async () => void ({ handler, server, dir } = bed = await tunnelBed('hsw-listen-idle-')));
afterEach(async () => {
  await session?.stop();
  session = undefined;
  await bed.stop();
});

/** The session's lines, as the reporter was told them. */
class Heard implements ListenReporter {
  readonly events: ListenEvent[] = [];
  readonly tunnels: TunnelEvent[] = [];
  readonly rejections: RejectedRequest[] = [];
  readonly warnings: string[] = [];
  ready(): void {}
  tidied(): void {}
  tunnel(event: TunnelEvent): void {
    this.tunnels.push(event);
  }
  event(event: ListenEvent): void {
    this.events.push(event);
  }
  rejected(rejected: RejectedRequest): void {
    this.rejections.push(rejected);
  }
  warn(text: string): void {
    this.warnings.push(text);
  }
}

const SHORT = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200 };
const LONGEST = Math.max(...Object.values(SHORT));

async function startSession(subdomain: string, options: Partial<ListenOptions> = {}, probeIntervalMs = 60_000): Promise<Heard> {
  const heard = new Heard();
  session = new ListenSession({
    port: 0,
    path: '/hook',
    maxBodyBytes: 1024 * 1024,
    forwardTo: new URL(handler.url),
    forwardTimeoutMs: 2_000,
    ack: false,
    recordDir: dir,
    shutdownGraceMs: 500,
    reporter: heard,
    tunnel: { host: server.url, subdomain, openTimeoutMs: 5_000, probeIntervalMs, probeTimeoutMs: 2_000, required: true, backoffMs: { first: 100, max: 500 } },
    ...SHORT,
    ...options,
  });
  await session.start();
  return heard;
}

/** POSTs to the public side of the tunnel, as HeapStream would. */
function postThroughTunnel(subdomain: string, body: string | Buffer): Promise<{ status: number; text: string }> {
  return server.post(subdomain, '/hook', body, { signal: AbortSignal.timeout(10_000) });
}

describe('listen through the real tunnel, after idle gaps', () => {
  it('receives, forwards, records and prints webhooks sent after idling past every deadline', async () => {
    const heard = await startSession('hswidleone');
    const idle = (): Promise<number> => idlePast(LONGEST);
    // The first webhook comes long after the tunnel opened, as a user's first one does.
    await idle();
    expect(await postThroughTunnel('hswidleone', '{"n": 1}')).toEqual({ status: 200, text: 'ok' });
    // Several at once after a gap: the tunnel server keeps one used socket aside, so this
    // reaches sockets that have carried nothing since they were opened.
    await idle();
    const burst = await Promise.all([2, 3, 4].map((n) => postThroughTunnel('hswidleone', `{"n": ${n}}`)));
    expect(burst).toEqual([2, 3, 4].map(() => ({ status: 200, text: 'ok' })));
    await idle();
    expect(await postThroughTunnel('hswidleone', '{"n": 5}')).toEqual({ status: 200, text: 'ok' });

    expect(handler.received.map((r) => r.body.toString()).sort()).toEqual(['{"n": 1}', '{"n": 2}', '{"n": 3}', '{"n": 4}', '{"n": 5}']);
    expect(heard.events.map((e) => [e.via, e.status])).toEqual([1, 2, 3, 4, 5].map(() => ['tunnel', 200]));
    expect(await readdir(dir)).toHaveLength(5);
    expect(heard.rejections).toEqual([]);
    expect(session?.summary.rejected).toBe(0);
  });

  it('passes bodies through byte for byte, also bytes that are not UTF-8', async () => {
    await startSession('hswidlebytes');
    const body = Buffer.concat([Buffer.from('{"event_type": "video.ready", "note": "'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\r\n')]);
    expect((await postThroughTunnel('hswidlebytes', body)).status).toBe(200);
    expect(handler.received[0]?.body.equals(body)).toBe(true);
  });

  it('its probe goes through the public URL and keeps passing across idle gaps', async () => {
    const heard = await startSession('hswidleprobe', {}, 150);
    await idlePast(LONGEST);
    await idlePast(LONGEST);
    expect(heard.tunnels.map((e) => e.kind)).toEqual(['open']);
    // The probes ran through the public URL all along, and each reached this listener.
    expect(session?.summary.probesPassed).toBeGreaterThanOrEqual(2);
    expect(session?.summary.probesFailed).toBe(0);
    // The probes were answered by the receiver itself: the handler saw none, nothing was recorded.
    expect(handler.received).toEqual([]);
    expect(await readdir(dir)).toEqual([]);
    expect((await postThroughTunnel('hswidleprobe', '{"n": 1}')).status).toBe(200);
  });

  it('Ctrl-C lets a webhook already in the tunnel finish: the sender gets the handler\'s answer', async () => {
    // The handler is still at work when Ctrl-C comes, well within the grace given to in-flight deliveries.
    handler.setBehaviour(() => ({ status: 201, body: 'done', delayMs: 300 }));
    await startSession('hswidlestop', { shutdownGraceMs: 10_000 });
    const answer = postThroughTunnel('hswidlestop', '{"n": 1}');
    await waitUntil(() => handler.received.length === 1, 'the webhook to reach the handler');
    const stopped = session?.stop();
    expect(await answer).toEqual({ status: 201, text: 'done' });
    await stopped;
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('still cuts a request whose headers trickle in, counting from its first byte', async () => {
    const heard = await startSession('hswidletrickle');
    await idlePast(SHORT.headersTimeoutMs);
    // Straight at the port the tunnel delivers to: a sender that starts and then stalls.
    const port = (session as unknown as { receiver: { tunnelPort: number } }).receiver.tunnelPort;
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write('POST /hook HTTP/1.1\r\nHost: x\r\n');
    const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 50);
    await closed;
    clearInterval(trickle);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(heard.rejections).toMatchObject([{ reason: 'timeout', status: 408 }]);
    expect(handler.received).toEqual([]);
  });

  it('comes back on the same subdomain after the tunnel server restarts, and delivers again', async () => {
    const heard = await startSession('hswidlerestart');
    expect((await postThroughTunnel('hswidlerestart', '{"n": 1}')).status).toBe(200);
    const port = server.port;
    await server.stop();
    await waitForTunnel(heard, (e) => e.kind === 'down' || e.kind === 'unavailable');
    await server.start(port);
    await waitForTunnel(heard, (e) => e.kind === 'open', 2);
    expect(heard.tunnels.filter((e) => e.kind === 'changed')).toEqual([]);
    expect(heard.tunnels.filter((e) => e.kind === 'open').map((e) => (e as { url: string }).url)).toEqual(['http://hswidlerestart.localhost/hook', 'http://hswidlerestart.localhost/hook']);
    await idlePast(LONGEST);
    expect((await postThroughTunnel('hswidlerestart', '{"n": 2}')).status).toBe(200);
    expect(handler.received.map((r) => r.body.toString())).toEqual(['{"n": 1}', '{"n": 2}']);
  });

  it('a second listener for a held subdomain keeps asking and gets the same URL once it is free, never another', async () => {
    await startSession('hswidleheld');
    const holder = session as ListenSession;
    session = undefined;
    const heard = new Heard();
    const second = new ListenSession({
      port: 0,
      path: '/hook',
      maxBodyBytes: 1024,
      forwardTo: new URL(handler.url),
      forwardTimeoutMs: 1_000,
      ack: false,
      shutdownGraceMs: 100,
      reporter: heard,
      tunnel: { host: server.url, subdomain: 'hswidleheld', openTimeoutMs: 5_000, probeIntervalMs: 60_000, required: false, subdomainWaitMs: 300 },
    });
    session = second;
    try {
      await second.start();
      expect(heard.tunnels.filter((e) => e.kind === 'open' || e.kind === 'changed')).toEqual([]);
      expect(heard.tunnels[0]).toMatchObject({ kind: 'unavailable', reason: expect.stringMatching(/still holds hswidleheld.*--new-url/) });
      await holder.stop();
      await waitForTunnel(heard, (e) => e.kind === 'open');
      expect(heard.tunnels.filter((e) => e.kind === 'changed')).toEqual([]);
      expect(heard.tunnels.find((e) => e.kind === 'open')).toEqual({ kind: 'open', url: 'http://hswidleheld.localhost/hook' });
      expect((await postThroughTunnel('hswidleheld', '{"n": 1}')).status).toBe(200);
    } finally {
      await holder.stop();
    }
  });
});

async function waitForTunnel(heard: Heard, match: (event: TunnelEvent) => boolean, count = 1): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (heard.tunnels.filter(match).length < count) {
    if (Date.now() > deadline) throw new Error(`tunnel events so far: ${JSON.stringify(heard.tunnels)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
