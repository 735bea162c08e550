import type { Dispatcher } from 'undici';
import type { DeliveryResult, HeaderMap } from '../http/types.js';
import type { Assignment } from '../events/set-path.js';
import type { Output } from '../ui/output.js';

export interface TriggerOptions {
  /** The event type; with `like`, it replaces the recording's `event_type` when given. */
  type?: string;
  /** Build the event from a recorded fixture instead of the catalog. */
  like?: {
    /** A fixture file, or a bare name looked up in `fixturesDir`. */
    fixture: string;
    fixturesDir: string;
    /** Keep the recording's ids instead of fresh ones. */
    keepIds: boolean;
  };
  /** `lifecycle`: created → uploaded → encoding → ready for one video. */
  flow?: 'lifecycle';
  to?: URL;
  /** Added to (or replacing) the request's headers. */
  headers?: HeaderMap;
  /** Print what came back (sending through listen: the handler's answer, passed back). */
  showAnswer?: boolean;
  print: boolean;
  saveDir?: string;
  set: Assignment[];
  force: boolean;
  videoId?: number;
  projectId?: number;
  seed?: number;
  times: number;
  delayMs: number;
  timeoutMs: number;
  output: Output;
  dispatcher?: Dispatcher;
}

/** One event to print, send or save: from the catalog or like a recording. */
export interface TriggerEvent {
  type: string;
  known: boolean;
  videoId: number | null;
  body: string;
}

/** What `trigger()` did: the events built, each send's result, the fixture files written. */
export interface TriggerOutcome {
  events: TriggerEvent[];
  deliveries: DeliveryResult[];
  saved: string[];
}

/** Events ready to go, with the headers they are sent (and saved) with. */
export interface BuiltEvents {
  events: TriggerEvent[];
  headers: HeaderMap;
}
