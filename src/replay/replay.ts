/**
 * `replay()`: send recorded fixtures again, byte for byte, with copies, spacing and a cap
 * on requests in flight, to any target form (delivery/targets.ts). The CLI's `replay`
 * calls it with fixtures it has already filtered and picked.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryResult, HeaderMap } from '../http/types.js';
import { checkExtraHeaders } from '../delivery/headers.js';
import { resendRequest } from '../delivery/resend.js';
import { HEAPSTREAM_TIMEOUT_MS } from '../delivery/send.js';
import { openTarget, type Target } from '../delivery/targets.js';
import { optionError } from '../errors.js';
import { closestName } from '../suggest.js';
import { duration, wholeNumber, type Duration } from '../options/values.js';
import { resolveFixturesOption, type FixturesOption } from '../store/fixtures-option.js';
import type { LoadedFixture } from '../store/types.js';

export interface ReplayOptions {
  /** A URL, an object with `fetch(request)` (Hono), or a Node `(req, res)` listener (Express). */
  target: Target;
  /** In-process targets: the request path (default `/`); each fixture's query string is added. */
  path?: string;
  /** Files, directories (their `*.json`), fixtures already loaded, or what `loadFixtures()` returns, in the order to send. */
  fixtures: FixturesOption;
  /** Copies of each fixture, sent in a row (default 1). */
  times?: number;
  /** Spacing between the starts of two sends (default 0). */
  delay?: Duration;
  /** Requests in flight at most (default 1). */
  concurrency?: number;
  /** Per-attempt timeout (default 5s, HeapStream's). */
  timeout?: Duration;
  /** Added to (or replacing) each fixture's recorded headers, e.g. an Authorization your handler checks. */
  headers?: HeaderMap;
  /** Aborting stops sending: deliveries in flight end at once, uncounted, and `replay()` rejects with the signal's reason. */
  signal?: AbortSignal;
  onDelivery?(delivery: ReplayDelivery): void;
}

export interface ReplayDelivery {
  fixture: LoadedFixture;
  /** 1-based, up to `times`. */
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

export interface ReplayResult extends ReplaySummary {
  /** In the order they finished. */
  deliveries: ReplayDelivery[];
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  if (options === null || typeof options !== 'object') throw optionError('options', 'must be an object: replay({ target, fixtures })');
  options.signal?.throwIfAborted();
  const run = await runReplay(options);
  if (run.stopped) throw options.signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
  return run.result;
}

/**
 * The replay behind `replay()`, for the CLI: a stop by the signal resolves with what was
 * sent so far (the command still prints its summary) instead of rejecting.
 */
/** Every option replay() takes: a misspelt one would otherwise be ignored without a word. */
const KNOWN_OPTIONS = new Set<string>(['target', 'path', 'fixtures', 'times', 'delay', 'concurrency', 'timeout', 'headers', 'signal', 'onDelivery'] satisfies (keyof ReplayOptions)[]);

export async function runReplay(options: ReplayOptions): Promise<{ result: ReplayResult; stopped: boolean }> {
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      const suggestion = closestName(key, KNOWN_OPTIONS);
      throw optionError(key, suggestion ? `is not a replay() option; did you mean ${suggestion}?` : 'is not a replay() option; see ReplayOptions (e.g. times, delay, concurrency)');
    }
  }
  const times = options.times === undefined ? 1 : wholeNumber('times', options.times, { min: 1, max: 10_000 });
  const delayMs = options.delay === undefined ? 0 : duration('delay', options.delay);
  const concurrency = options.concurrency === undefined ? 1 : wholeNumber('concurrency', options.concurrency, { min: 1, max: 1_000 });
  const timeoutMs = options.timeout === undefined ? HEAPSTREAM_TIMEOUT_MS : Math.max(1, duration('timeout', options.timeout));
  const extraHeaders = options.headers ? checkExtraHeaders(options.headers) : undefined;
  const fixtures = await resolveFixturesOption(options.fixtures);
  const target = await openTarget(options.target, { ...(options.path !== undefined ? { path: options.path } : {}), connections: concurrency, keepAliveTimeoutMs: 4_000 });

  const jobs: { fixture: LoadedFixture; copy: number }[] = [];
  for (const fixture of fixtures) for (let copy = 1; copy <= times; copy++) jobs.push({ fixture, copy });
  const deliveries: ReplayDelivery[] = [];
  // The stop ends the deliveries in flight through the target, and the spacing waits here:
  // up to `concurrency` of them listen at once, more than an AbortSignal's default of 10
  // before Node warns about a leak.
  const stop = new AbortController();
  setMaxListeners(concurrency + 10, stop.signal);
  const onStop = (): void => {
    stop.abort();
    target.abort();
  };
  if (options.signal?.aborted) onStop();
  else options.signal?.addEventListener('abort', onStop, { once: true });
  const { signal } = stop;
  let next = 0;
  let nextStart = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal.aborted) {
      const job = jobs[next++] as (typeof jobs)[number];
      if (delayMs > 0) {
        // Reserve a start slot `delayMs` after the previous one, then wait for it.
        const now = Date.now();
        const slot = Math.max(now, nextStart);
        nextStart = slot + delayMs;
        if (slot > now) await sleep(slot - now, undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return;
      }
      // The recorded query string goes along, as HeapStream's would have.
      const { url, method, headers } = resendRequest(job.fixture.fixture.request, target.url, extraHeaders);
      const result = await target.deliver({ url, method, body: job.fixture.body, headers, timeoutMs });
      // Cut short by the stop, not failed by the handler: not a delivery to report.
      if (signal.aborted && result.error?.code === 'ABORTED') return;
      const delivery = { fixture: job.fixture, copy: job.copy, url: url.href, result };
      deliveries.push(delivery);
      options.onDelivery?.(delivery);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(jobs.length, 1)) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onStop);
    await target.close();
  }
  return { result: { ...summarize(deliveries, jobs.length), deliveries }, stopped: signal.aborted };
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
