/**
 * `trigger`: build synthetic events, then print, save and/or send them.
 */
import type { Dispatcher } from 'undici';
import type { HeaderMap } from '../../delivery/headers.js';
import type { DeliveryResult } from '../../delivery/types.js';
import { ExitCode, UsageError } from '../../errors.js';
import { buildEvent, buildFlow } from '../../events/builder.js';
import { LIFECYCLE } from '../../events/catalog.js';
import type { Assignment } from '../../events/set-path.js';
import type { Output } from '../../ui/output.js';
import { printable } from '../../ui/sanitize.js';
import { userAgent } from '../../version.js';
import type { CommandResult } from '../types.js';

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

export interface TriggerResult extends CommandResult {
  events: TriggerEvent[];
  deliveries: DeliveryResult[];
  saved: string[];
}

export async function run(options: TriggerOptions): Promise<TriggerResult> {
  const { output } = options;
  // A directory that cannot be made is an input error, found before anything is sent.
  if (options.saveDir !== undefined && !options.print) await (await import('../../store/directory.js')).ensureDirectory(options.saveDir);
  const buildOptions = {
    set: options.set,
    force: options.force,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.videoId !== undefined ? { videoId: options.videoId } : {}),
    ...(options.projectId !== undefined ? { projectId: options.projectId } : {}),
  };
  let headers: HeaderMap = { 'content-type': 'application/json', 'user-agent': userAgent() };
  let events: TriggerEvent[];
  if (options.like) {
    const like = await (await import('./like.js')).buildFromRecording(options, options.like);
    events = [like.event];
    headers = like.headers;
  } else {
    if (options.type === undefined && !options.flow) throw new UsageError('trigger needs an event type (or a recording to build like)');
    const built = options.flow ? buildFlow(LIFECYCLE, { ...buildOptions, ...flowTiming(LIFECYCLE.length, options.delayMs) }) : [buildEvent(options.type as string, buildOptions)];
    events = built.map(({ type, known, event, body }) => ({ type, known, videoId: event.video.id, body }));
    for (const event of events) {
      if (!event.known) output.warn(`"${printable(event.type)}" is not in the catalog (see trigger --list); sending the base template with that event_type`);
    }
  }

  if (options.headers) headers = { ...headers, ...options.headers };

  if (options.print) {
    for (const event of events) output.raw(`${event.body}\n`);
    return { exitCode: ExitCode.ok, events, deliveries: [], saved: [] };
  }

  // Sending and saving load undici, the store and their printing: `--print` needs none of them.
  const { sendAndSave } = await import('./send.js');
  return sendAndSave(options, events, headers);
}

/**
 * Timestamps for a flow: with --delay they follow the sends; without, a second apart and
 * ending now, so that no event claims to come from the future.
 */
function flowTiming(steps: number, delayMs: number): { now: Date; stepMs: number } {
  if (delayMs > 0) return { now: new Date(), stepMs: delayMs };
  return { now: new Date(Date.now() - (steps - 1) * 1_000), stepMs: 1_000 };
}
