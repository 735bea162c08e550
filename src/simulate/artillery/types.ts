/**
 * What an Artillery export holds besides its payload: meta.json, read by the processor, and
 * the storm summary that the processor hands back in every report, so that
 * `--from-artillery` needs nothing but the reports.
 */
import type { HeaderMap } from '../../http/types.js';
import type { SimulateSettings } from '../types.js';
import type { Compression } from '../validate.js';

export const EXPORT_FORMAT = 'heapstream-webhooks/artillery@1';

/** The storm as a local run would report it: enough to build the same report from the attempts. */
export interface StormSummary {
  tool: string;
  scenario: string | null;
  /** The command line that writes this export again. */
  command: string | null;
  compression: Compression;
  settings: SimulateSettings;
  /** Event types by id (payload lines and event counters carry the id). */
  types: (string | null)[];
  events: number;
  /** Events per shard, shard 1 first. */
  shards: number[];
}

export interface StormMeta {
  format: typeof EXPORT_FORMAT;
  /** Tells reports of this export from those of another. */
  exportId: string;
  settings: SimulateSettings;
  /** Delay before each retry, run time (the schedule compressed). */
  retryDelaysMs: number[];
  /** Run time from the start during which the endpoint is down. */
  outageRunMs: number;
  /** Headers of events that carry none of their own (synthesized ones). */
  headers: HeaderMap;
  /** Added to every delivery (--header). */
  extraHeaders: HeaderMap | null;
  shards: { shard: number; events: number; parts: string[] }[];
  storm: StormSummary;
}

/** One line of a payload part: an event and what the processor needs to deliver it. */
export interface PayloadLine {
  /** The event's index in the storm (report and JUnit name it so). */
  i: number;
  /** Type id (StormSummary.types). */
  t: number;
  v: number | null;
  /** The body as text when it is valid UTF-8 (the bytes survive the round trip), else base64 in `b`. */
  s?: string;
  b?: string;
  /** Recorded headers (fixtures); absent: StormMeta.headers. */
  h?: HeaderMap;
  /** Duplicates after the acknowledgment: each copy's delay, run ms. */
  d?: number[];
  /** Seed of the event's own draws (jitter, latency, lost answers). */
  r: number;
}

/** What the processor reports once per process, in a counter's name (base64url JSON). */
export interface RunRecord {
  export: string;
  shard: number;
  target: string;
  storm: StormSummary;
}
