/**
 * HeapStream gives each attempt 5 seconds. The library's defaults (`simulate()`, `replay()`,
 * `send()`) must use exactly that: a handler that answers in 6 s passes with a longer
 * default and fails in production. The timers are faked, so 5 s pass in microseconds; the
 * handlers hang until the attempt's own deadline ends them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { send } from '../../src/delivery/send.js';
import { replay } from '../../src/replay/replay.js';
import { simulate } from '../../src/simulate/simulate.js';
import { event, writeFixtures } from '../helpers/fixtures.js';

/** A handler that never answers, and says when an attempt reached it (its deadline is running then). */
function hangingHandler(): { fetch(): Promise<Response>; reached: Promise<void> } {
  let reached: () => void = () => undefined;
  return {
    reached: new Promise<void>((resolve) => (reached = resolve)),
    fetch() {
      reached();
      return new Promise<Response>(() => undefined);
    },
  };
}

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

/**
 * Moves fake time to just before 5 s (nothing has settled), then well past 10 s: the result
 * says which deadline ended the attempt.
 */
async function expectNothingBeforeFiveSeconds<T>(promise: Promise<T>): Promise<T> {
  await vi.advanceTimersByTimeAsync(4_999);
  expect(await settled(promise)).toBe(false);
  await vi.advanceTimersByTimeAsync(6_000);
  return promise;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the library's default attempt timeout is HeapStream's 5 s", () => {
  it('send()', async () => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const result = await expectNothingBeforeFiveSeconds(send({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, body: '{}' }));
      expect(result).toMatchObject({ ok: false, error: { kind: 'timeout', message: 'no answer within 5000 ms' } });
    } finally {
      vi.useRealTimers();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('replay()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hsw-timeout-'));
    try {
      const files = await writeFixtures(dir, [{ at: '2026-11-27T10:00:00.000Z', body: event('video.ready', 1) }]);
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const target = hangingHandler();
      const replayed = replay({ target, fixtures: files });
      await target.reached;
      const result = await expectNothingBeforeFiveSeconds(replayed);
      expect(result.deliveries.map((d) => d.result.error)).toEqual([{ kind: 'timeout', code: 'TIMEOUT', message: 'no answer within 5000 ms' }]);
    } finally {
      vi.useRealTimers();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('simulate()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const target = hangingHandler();
    const simulated = simulate({ target, events: 1, maxAttempts: 1, seed: 1 });
    await target.reached;
    const report = await expectNothingBeforeFiveSeconds(simulated);
    expect(report.settings.timeoutMs).toBe(5_000);
    expect(report.totals).toMatchObject({ attempts: 1, timeouts: 1, exhausted: 1 });
  });
});
