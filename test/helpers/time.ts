/**
 * Time in tests: wait for a condition with a deadline that fails with a message, and let a
 * long-lived part sit idle past one of its timeouts the way real use does (a webhook can
 * come minutes after the last one).
 *
 * The deadlines here are generous failure guards, never assertions on speed: a test waits
 * for the thing it needs and fails with `what` only when it never comes.
 */
import { once, type EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long to wait before a condition that should hold is called a failure. */
export const DEFAULT_WAIT_MS = 10_000;
const POLL_MS = 10;

/** What a truthy value of T can be. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/**
 * Resolves with the first truthy value of `condition` (sync or async; a throw counts as not
 * yet), checking every few milliseconds; rejects after `timeoutMs` naming `what`, with the
 * last value or error seen.
 */
export async function waitUntil<T>(condition: () => T | Promise<T>, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Truthy<T>> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Truthy<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (performance.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last seen: ${seen})`);
    }
    await sleep(POLL_MS);
  }
}

/** The next `name` event of `emitter`; rejects after `timeoutMs` naming `what` (or on 'error'). */
export async function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, name: string, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
  try {
    return (await once(emitter, name, { signal: AbortSignal.timeout(timeoutMs) })) as T;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    throw error;
  }
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
export async function within<T>(promise: Promise<T>, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A clock that tests move by hand (ManualClock, VirtualClock). */
export interface AdvancingClock {
  advance(ms: number): unknown;
}

export interface IdleOptions {
  /**
   * What the timeout does when it fires (a socket closing, a heartbeat arriving): idling
   * waits for that event rather than guessing, and fails naming `what` if it never comes.
   */
  until?: Promise<unknown>;
  /** What `until` is, for the failure message. */
  what?: string;
  /** A clock the part runs on: it is moved past the timeout instead of real time passing. */
  clock?: AdvancingClock;
}

/**
 * Lets a part sit idle past a timeout of `timeoutMs` (configured short by the test): at least
 * twice that much time passes, on `clock` when the part runs on one, else in real time;
 * with `until`, also until the event the timeout causes has happened. Resolves with the
 * milliseconds that passed (real time), so a test can check the timeout did not fire early.
 */
export async function idlePast(timeoutMs: number, options: IdleOptions = {}): Promise<number> {
  const started = performance.now();
  const past = timeoutMs * 2 + 20;
  if (options.clock) {
    await options.clock.advance(past);
  } else {
    // The one place a test lets real time pass on purpose: that time is what is under test.
    await sleep(past);
  }
  if (options.until) await within(options.until, options.what ?? `what happens after ${timeoutMs} ms idle`, Math.max(DEFAULT_WAIT_MS, past * 4));
  return performance.now() - started;
}

/** Nothing happens for `ms` of real time: a gap as long as a user's, e.g. HeapStream's first retry delay. */
export async function idleFor(ms: number): Promise<void> {
  await sleep(ms);
}
