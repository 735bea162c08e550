import type { StateDifference } from './state-diff.js';

/** One attempt that reached the handler in the scenario run: what a trial sends again. */
export interface Delivery {
  event: number;
  copy: number;
  attempt: number;
  /** Deliveries with the same moment were sent together (concurrent duplicates). */
  moment: number;
}

/** The bugs the shrunk sequence is recognised as. */
export type FailureKind =
  | 'duplicate-processed-twice'
  | 'older-after-newer'
  | 'concurrent-duplicates'
  | 'processed-after-timeout'
  | 'processed-then-refused'
  | 'concurrency-race'
  | 'state-differs';

export const FAILURE_TITLES: Record<FailureKind, string> = {
  'duplicate-processed-twice': 'a duplicate processed twice',
  'older-after-newer': 'an older event applied after a newer one',
  'concurrent-duplicates': 'a concurrent-duplicates race (check-then-insert)',
  'processed-after-timeout': 'processed after HeapStream gave up (work committed after the timeout, then its retry processed it again)',
  'processed-then-refused': 'work done before a non-2xx answer, so the retry did it again',
  'concurrency-race': 'a race between concurrent deliveries (the difference does not happen one delivery at a time)',
  'state-differs': 'the final state differs from the reference',
};

/** One delivery of the minimal reproduction, as the report and the fixtures name it. */
export interface ReproDelivery {
  /** The event's index in the report's `events`. */
  index: number;
  type: string | null;
  videoId: number | null;
  copy: number;
  attempt: number;
  /** Sent at the same moment as the delivery before it. */
  together: boolean;
  /** What happened when it was replayed: the status, or `timeout` / another error. */
  result: string;
  /** How the state changed with it (reference order aside): `rows: 0 rows → 1 row`. */
  changes: string[];
  /** Set when the attempt timed out and the state still changed after it. */
  committedAfterTimeout?: boolean;
}

export interface Reproduction {
  deliveries: ReproDelivery[];
  /** The sequence in words, and what it does: "the same `video.created` (video 500) delivered twice → rows: 1 row → 2 rows". */
  words: string;
  /** This sequence's own state against its own reference (its events once each, in order). */
  differences: StateDifference[];
  /** Removing any single delivery makes the difference go away. */
  oneMinimal: boolean;
  /** Where the CLI wrote it as numbered fixtures, and the command that sends them again. */
  files?: string[];
  replay?: string;
  /** The shell command that empties the state first (from --reset). */
  reset?: string;
}

/** What the state oracle found: `report.effects`. */
export interface EffectsReport {
  ok: boolean;
  /** Deliveries in the reference run (each event once, in timestamp order, one at a time). */
  referenceDeliveries: number;
  /** Attempts that reached the handler in the scenario run. */
  scenarioDeliveries: number;
  /** Reference state → scenario state, path by path (at most MAX_DIFFERENCES). */
  differences: StateDifference[];
  differenceCount: number;
  kind: FailureKind | null;
  title: string | null;
  reproduction: Reproduction | null;
  /** Runs made while shrinking (each: reset, deliveries, state read). */
  trials: number;
  shrinkMs: number;
  /** Why there is no reproduction, when there is a difference but none. */
  note: string | null;
}

/** Differences kept in the report; the count says how many there were. */
export const MAX_DIFFERENCES = 50;
