/**
 * The receiver on its own, on a real socket: a failure inside one request must not take the
 * listener down.
 */
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { Receiver } from '../../src/receiver/server.js';
import { PROBE_HEADER, type RejectedRequest } from '../../src/receiver/types.js';
import { idlePast, waitUntil } from '../helpers/time.js';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.stop(100);
  receiver = undefined;
});

describe('Receiver', () => {
  it('answers 500 when handling throws, reports it, and keeps serving', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    receiver = new Receiver({
      port: 0,
      path: '/hook',
      maxBodyBytes: 1024,
      onRequest: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return { status: 204 };
      },
      onError: (error) => errors.push(error),
    });
    await receiver.start();
    const first = await request(receiver.url, { method: 'POST', body: '{}' });
    expect(first.statusCode).toBe(500);
    await first.body.dump();
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
    const second = await request(receiver.url, { method: 'POST', body: '{}' });
    expect(second.statusCode).toBe(204);
    await second.body.dump();
  });

  it('stop() resolves once, even when called twice', async () => {
    receiver = new Receiver({ port: 0, path: '/hook', maxBodyBytes: 1024, onRequest: async () => ({ status: 200 }) });
    await receiver.start();
    const url = receiver.url;
    await Promise.all([receiver.stop(100), receiver.stop(100)]);
    await expect(request(url, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('cuts a sender that trickles its headers at the headers deadline, long before the request deadline', async () => {
    // Node checks its deadlines every 30 s by default; the receiver checks often enough for each.
    const requestTimeoutMs = 20_000;
    receiver = new Receiver({ port: 0, path: '/hook', maxBodyBytes: 1024, headersTimeoutMs: 400, requestTimeoutMs, onRequest: async () => ({ status: 200 }) });
    await receiver.start();
    const socket = connect(receiver.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const started = Date.now();
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.write('POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // One header byte every 50 ms: the connection is never idle, the headers never end.
    const trickle = setInterval(() => socket.write('x'), 50);
    const closedAfter = await new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
    clearInterval(trickle);
    socket.destroy();
    expect(closedAfter).toBeGreaterThanOrEqual(350);
    // Cut by the 400 ms headers deadline: the only other one, the request's, is 50 times longer.
    expect(closedAfter).toBeLessThan(requestTimeoutMs);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('idles past each of its deadlines, says what it cut, and still serves', async () => {
    const rejected: RejectedRequest[] = [];
    const timeouts = { headersTimeoutMs: 200, requestTimeoutMs: 400, keepAliveTimeoutMs: 150 };
    receiver = new Receiver({ port: 0, path: '/hook', maxBodyBytes: 1024, ...timeouts, onRequest: async () => ({ status: 200, body: 'ok' }), onRejected: (r) => rejected.push(r) });
    await receiver.start();
    const agent = new Agent({ keepAliveTimeout: 60_000, connections: 1 });
    const post = async (): Promise<number> => {
      const response = await request(receiver?.url ?? '', { method: 'POST', body: '{}', dispatcher: agent });
      await response.body.dump();
      return response.statusCode;
    };
    expect(await post()).toBe(200);
    // The kept-alive connection is closed by the receiver, not broken: the next request opens another.
    await idlePast(Math.max(timeouts.keepAliveTimeoutMs, timeouts.headersTimeoutMs, timeouts.requestTimeoutMs));
    expect(await post()).toBe(200);
    // A connection that sends nothing is cut at the headers deadline, with a 408 that is said out loud.
    const silent = connect(receiver.port, '127.0.0.1');
    let answer = '';
    silent.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await new Promise((resolve) => silent.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(rejected).toEqual([{ reason: 'timeout', status: 408, method: '-', path: '-', remoteAddress: '127.0.0.1' }]);
    await idlePast(Math.max(timeouts.keepAliveTimeoutMs, timeouts.headersTimeoutMs, timeouts.requestTimeoutMs));
    expect(await post()).toBe(200);
    await agent.close();
  });

  it('answers a deadline on a kept-alive connection with a 408 too, not only a line', async () => {
    const rejected: RejectedRequest[] = [];
    receiver = new Receiver({ port: 0, path: '/hook', maxBodyBytes: 1024, headersTimeoutMs: 300, requestTimeoutMs: 20_000, onRequest: async () => ({ status: 200, body: 'ok' }), onRejected: (r) => rejected.push(r) });
    await receiver.start();
    const socket = connect(receiver.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}');
    await waitUntil(() => /\r\n\r\n(ok|2\r\nok\r\n0\r\n\r\n)$/.test(answer), 'the first answer, whole');
    // The second request on the same connection stalls in its headers.
    socket.write('POST /hook HTTP/1.1\r\nHost: x\r\n');
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 [\s\S]*ok[\s\S]*HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(rejected).toMatchObject([{ reason: 'timeout', status: 408 }]);
  });

  it('turns away a probe header that is not its secret, whatever its bytes, and never hands it on', async () => {
    const handled: unknown[] = [];
    const rejected: RejectedRequest[] = [];
    const errors: unknown[] = [];
    receiver = new Receiver({ port: 0, path: '/hook', maxBodyBytes: 1024, probe: { token: 'a'.repeat(32), answer: 'secret-answer' }, onRequest: async (r) => (handled.push(r), { status: 200 }), onRejected: (r) => rejected.push(r), onError: (e) => errors.push(e) });
    await receiver.start();
    const probe = async (value: string): Promise<{ status: number; text: string }> => {
      // Raw bytes: a header value of latin1 characters, as a hostile sender may send.
      const socket = connect(receiver?.port ?? 0, '127.0.0.1');
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.end(Buffer.from(`POST /hook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${PROBE_HEADER}: ${value}\r\nContent-Length: 0\r\n\r\n`, 'latin1'));
      await closed;
      return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]), text };
    };
    expect((await probe('\u00e9'.repeat(32))).status).toBe(403);
    expect((await probe('b'.repeat(32))).status).toBe(403);
    expect((await probe('a'.repeat(31))).status).toBe(403);
    const ours = await probe('a'.repeat(32));
    expect(ours.status).toBe(200);
    expect(ours.text).toContain('secret-answer');
    expect(handled).toEqual([]);
    expect(errors).toEqual([]);
    expect(rejected.map((r) => [r.reason, r.status])).toEqual([
      ['probe', 403],
      ['probe', 403],
      ['probe', 403],
    ]);
  });
});
