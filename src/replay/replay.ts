/**
 * `replay`: send recorded fixtures again, byte for byte, with copies, spacing and a cap on
 * requests in flight.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, type Dispatcher } from 'undici';
import { passThroughHeaders } from '../delivery/headers.js';
import { send } from '../delivery/send.js';
import { withQuery } from '../delivery/url.js';
import type { DeliveryResult } from '../delivery/types.js';
import type { LoadedFixture } from '../store/types.js';

export interface ReplayOptions {
  /** Already filtered and ordered. */
  fixtures: readonly LoadedFixture[];
  to: URL;
  times: number;
  /** Minimum spacing between the starts of two sends. */
  delayMs: number;
  concurrency: number;
  timeoutMs: number;
  dispatcher?: Dispatcher;
  /** Stops the replay: nothing more is sent, and sends in flight end at once without being counted. */
  signal?: AbortSignal;
  onDelivery?(delivery: ReplayDelivery): void;
}

export interface ReplayDelivery {
  fixture: LoadedFixture;
  copy: number;
  url: string;
  result: DeliveryResult;
}

export interface ReplaySummary {
  /** Sends the replay was asked for (fixtures × times); more than `sent` when it was stopped. */
  planned: number;
  sent: number;
  ok: number;
  failed: number;
  byStatus: Record<string, number>;
  timeouts: number;
  unreachable: number;
}

/** The recorded query string goes along, as HeapStream's would have. */
export function replayUrl(to: URL, fixture: LoadedFixture): URL {
  return withQuery(to, fixture.fixture.request.query);
}

export async function replayFixtures(options: ReplayOptions): Promise<{ deliveries: ReplayDelivery[]; summary: ReplaySummary }> {
  const jobs: { fixture: LoadedFixture; copy: number }[] = [];
  for (const fixture of options.fixtures) for (let copy = 1; copy <= options.times; copy++) jobs.push({ fixture, copy });

  const ownAgent = options.dispatcher ? undefined : new Agent({ connections: options.concurrency, keepAliveTimeout: 4_000 });
  const dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const deliveries: ReplayDelivery[] = [];
  let next = 0;
  let nextStart = 0;
  // Each send in flight listens to the stop: up to --concurrency of them, which is more than
  // an AbortSignal's default of 10 before Node warns about a leak.
  const stop = new AbortController();
  setMaxListeners(options.concurrency + 10, stop.signal);
  const onStop = (): void => stop.abort();
  options.signal?.addEventListener('abort', onStop, { once: true });
  if (options.signal?.aborted) stop.abort();
  const { signal } = stop;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const job = jobs[next++] as (typeof jobs)[number];
      if (options.delayMs > 0) {
        // Reserve a start slot `delayMs` after the previous one, then wait for it.
        const now = Date.now();
        const slot = Math.max(now, nextStart);
        nextStart = slot + options.delayMs;
        if (slot > now) await sleep(slot - now, undefined, { signal }).catch(() => undefined);
        if (signal?.aborted) return;
      }
      const url = replayUrl(options.to, job.fixture);
      const result = await send({
        url,
        method: job.fixture.fixture.request.method || 'POST',
        body: job.fixture.body,
        headers: passThroughHeaders(job.fixture.fixture.request.headers),
        exactHeaders: true,
        timeoutMs: options.timeoutMs,
        dispatcher,
        signal,
      });
      // Cut short by the stop, not failed by the handler: not a delivery to report.
      if (signal?.aborted && result.error?.code === 'ABORTED') return;
      const delivery = { fixture: job.fixture, copy: job.copy, url: url.href, result };
      deliveries.push(delivery);
      options.onDelivery?.(delivery);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(jobs.length, 1)) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onStop);
    await ownAgent?.close();
  }
  return { deliveries, summary: summarize(deliveries, jobs.length) };
}

function summarize(deliveries: readonly ReplayDelivery[], planned: number): ReplaySummary {
  const summary: ReplaySummary = { planned, sent: deliveries.length, ok: 0, failed: 0, byStatus: {}, timeouts: 0, unreachable: 0 };
  for (const { result } of deliveries) {
    if (result.ok) summary.ok++;
    else summary.failed++;
    if (result.status !== undefined) summary.byStatus[result.status] = (summary.byStatus[result.status] ?? 0) + 1;
    if (result.error?.kind === 'timeout') summary.timeouts++;
    if (result.error?.kind === 'unreachable') summary.unreachable++;
  }
  return summary;
}
