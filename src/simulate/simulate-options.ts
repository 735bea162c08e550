/**
 * `simulate()`'s options, as the library takes them. Each one also has a row in
 * option-table.ts (its flag, or its place among the library-only options), which the
 * compiler holds to this interface.
 */
import type { HeaderMap } from '../http/types.js';
import type { Target } from '../delivery/targets.js';
import type { Duration } from '../options/values.js';
import type { FixturesOption } from '../store/fixtures-option.js';
import type { ScenarioName } from './scenarios.js';
import type { AttemptRecord, EventOutcome } from './types.js';

/** One attempt, as the report lists it, with the event it belongs to. */
export interface SimulatedAttempt extends AttemptRecord {
  /** The event's index in the report's `events`. */
  index: number;
  type: string | null;
  videoId: number | null;
}

export interface SimulateOptions {
  /** A URL, an object with `fetch(request)` (Hono), or a Node `(req, res)` listener (Express). */
  target: Target;
  /** In-process targets: the request path (default `/`). A URL carries its own. */
  path?: string;
  /** How many events to synthesize (default 20): interleaved video lifecycles, or `type` only. */
  events?: number;
  type?: string;
  /** Recorded fixtures instead of synthesized events: files, directories, loaded fixtures, or what `loadFixtures()` returns. */
  fixtures?: FixturesOption;
  /** Presets; options given explicitly win. */
  scenario?: ScenarioName;
  /** Delays before each retry in HeapStream time: ms, or `"1m,5m,15m"` (default 1m,5m,15m,30m,1h,2h,4h,8h,8h). */
  schedule?: readonly Duration[] | string;
  /** Attempts per event, the first included (default: schedule length + 1). */
  maxAttempts?: number;
  /** Randomize each retry delay by up to ± this fraction (0..1). */
  jitter?: number;
  /** Squeeze the whole schedule into this much time (real time: default 30s; virtual: none). */
  within?: Duration;
  /** Run the schedule this many times faster than HeapStream (instead of `within`). */
  timeScale?: number;
  /** Per-attempt timeout, always real time (default 5s, HeapStream's). */
  timeout?: Duration;
  /** Requests in flight at most (default 10). */
  concurrency?: number;
  /** Chance (0..1) that an acknowledged event is sent again within `duplicateWindow`. */
  duplicateRate?: number;
  /** Extra copies of every acknowledged event (instead of `duplicateRate`, a scenario's included). */
  duplicates?: number;
  /** Copies of every event sent at the same moment as its first attempt (scenario concurrent-duplicates: 1). */
  concurrentDuplicates?: number;
  /** HeapStream time within which duplicates follow the acknowledgment (default 5m). */
  duplicateWindow?: Duration;
  /** Deliver out of timestamp order within windows of `reorderWindow` events (default 10). */
  reorder?: boolean;
  reorderWindow?: number;
  /** HeapStream time from the start during which every attempt fails (scenario outage: 1h). */
  outage?: Duration;
  /** Chance (0..1) that a 2xx answer is lost, so the event is retried (scenario flaky: 0.3). */
  answerLoss?: number;
  /** Up to this much simulated latency per attempt, counted in the timeout (scenario slow: 3s). */
  networkLatency?: Duration;
  /** Also fail the verdict when an accepted attempt took longer than this. */
  maxLatency?: Duration;
  /** The same seed, the same run (default: random; the report names it). */
  seed?: number;
  /** Added to (or replacing) every delivery's headers, e.g. an Authorization your handler checks. */
  headers?: HeaderMap;
  /**
   * `virtual` (the default for in-process targets): HeapStream time jumps ahead whenever no
   * delivery is in progress, so a 24-hour schedule takes as long as the handler's own work.
   * `real` (the default for URLs): the schedule runs on the wall clock, compressed by `within`.
   */
  clock?: 'virtual' | 'real';
  /**
   * The app's state as JSON, read after a run: with it, the run is also judged by what the
   * handler did. A reference run (each event once, in timestamp order, one at a time) and the
   * scenario run must end in equal states; when they do not, the report names the difference
   * and the smallest sequence of deliveries that reproduces it. Needs `reset`.
   */
  state?: () => unknown;
  /** Empties the app's state; called before the reference run, the scenario run and each trial. */
  reset?: () => unknown;
  /** State paths to ignore: `updated_at` (that key anywhere), `charges[*].id`, `**.created_at`. */
  stateIgnore?: readonly string[];
  /** State paths of arrays compared regardless of order: `charges`, `videos[*].events`. */
  stateUnordered?: readonly string[];
  /** Also write the report to this file (the JSON `simulate()` resolves to, an event per line), also when the run is stopped. */
  reportFile?: string;
  /** JUnit XML to this file: a testcase per event (and one for the final state, with `state`). */
  junitFile?: string;
  /** A self-contained HTML picture of the run to this file (timeline, in flight, latency, worst events). */
  htmlFile?: string;
  /** Aborting stops the run: deliveries in flight fail at once and `simulate()` rejects. */
  signal?: AbortSignal;
  /** Each attempt once it is over (progress, logging). */
  onAttempt?(attempt: SimulatedAttempt): void;
  /** Each event once it is delivered or exhausted, with all its attempts. */
  onEvent?(event: EventOutcome): void;
}
