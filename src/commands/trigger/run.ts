/**
 * `trigger`: build synthetic events, then print, save and/or send them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { passThroughHeaders, type HeaderMap } from '../../delivery/headers.js';
import type { DeliveryResult } from '../../delivery/types.js';
import { ExitCode, HswError, UsageError } from '../../errors.js';
import { buildEvent, buildFlow } from '../../events/builder.js';
import { buildLike } from '../../events/like.js';
import { LIFECYCLE } from '../../events/catalog.js';
import type { Assignment } from '../../events/set-path.js';
import { ensureDirectory } from '../../store/directory.js';
import { readFixture } from '../../store/read.js';
import { fixtureResponse, makeFixture, saveFixture } from '../../store/write.js';
import { reportDelivery } from '../../ui/delivery-line.js';
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

/** How much of an answer's body is shown. */
const ANSWER_SHOWN_BYTES = 2_048;

export interface TriggerResult extends CommandResult {
  events: TriggerEvent[];
  deliveries: DeliveryResult[];
  saved: string[];
}

export async function run(options: TriggerOptions): Promise<TriggerResult> {
  const { output } = options;
  // A directory that cannot be made is an input error, found before anything is sent.
  if (options.saveDir !== undefined && !options.print) await ensureDirectory(options.saveDir);
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
    const like = await buildFromRecording(options, options.like);
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

  const deliveries: DeliveryResult[] = [];
  const saved: string[] = [];
  let first = true;
  // undici is only needed when sending: `--print` and `--save` start faster without it.
  const send = options.to ? (await import('../../delivery/send.js')).send : undefined;
  for (const event of events) {
    let last: DeliveryResult | undefined;
    if (options.to && send) {
      for (let copy = 1; copy <= options.times; copy++) {
        if (!first && options.delayMs > 0) await sleep(options.delayMs);
        first = false;
        last = await send({
          url: options.to,
          body: event.body,
          headers,
          timeoutMs: options.timeoutMs,
          ...(options.showAnswer ? { keepResponseBytes: ANSWER_SHOWN_BYTES } : {}),
          ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
        });
        deliveries.push(last);
        reportDelivery(output, { type: event.type, videoId: event.videoId, to: options.to.href, copy, times: options.times, result: last, ...(options.showAnswer ? { showAnswer: true } : {}) });
      }
    }
    if (options.saveDir !== undefined) {
      const fixture = makeFixture({
        via: 'synthetic',
        method: 'POST',
        path: options.to?.pathname ?? '/',
        query: options.to?.search.replace(/^\?/, '') ?? '',
        headers,
        body: Buffer.from(event.body, 'utf8'),
        ...(last && options.to ? { response: fixtureResponse(last, options.to.href) } : {}),
      });
      const file = await saveFixture(options.saveDir, fixture);
      saved.push(file);
      output.record({ kind: 'saved', type: event.type, videoId: event.videoId, file });
      output.line(`saved ${printable(event.type)} → ${file}`);
    }
  }
  return { exitCode: deliveries.every((d) => d.ok) ? ExitCode.ok : ExitCode.failed, events, deliveries, saved };
}

/**
 * `--like`: the recording's body with a fresh timestamp and ids, then the type, `--video-id`,
 * `--project-id` and `--set` applied on top; sent with the recording's headers.
 */
async function buildFromRecording(options: TriggerOptions, like: NonNullable<TriggerOptions['like']>): Promise<{ event: TriggerEvent; headers: HeaderMap }> {
  const file = existsSync(like.fixture) ? like.fixture : join(like.fixturesDir, like.fixture);
  if (!existsSync(file)) throw new HswError('HSW_FIXTURE_NOT_FOUND', `no fixture at ${like.fixture} (nor ${file}) to build like; see \`fixtures list\``, { exitCode: ExitCode.usage });
  const recorded = await readFixture(file);
  const set: Assignment[] = [
    ...(options.type !== undefined ? [{ path: 'event_type', value: options.type }] : []),
    ...(options.videoId !== undefined ? [{ path: 'video.id', value: options.videoId }] : []),
    ...(options.projectId !== undefined ? [{ path: 'project_id', value: options.projectId }] : []),
    ...options.set,
  ];
  const built = buildLike(recorded.body, { keepIds: like.keepIds, set, force: options.force, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  return {
    event: { type: built.type ?? '(no event_type)', known: built.known, videoId: built.videoId, body: built.body },
    headers: passThroughHeaders(recorded.fixture.request.headers),
  };
}

/**
 * Timestamps for a flow: with --delay they follow the sends; without, a second apart and
 * ending now, so that no event claims to come from the future.
 */
function flowTiming(steps: number, delayMs: number): { now: Date; stepMs: number } {
  if (delayMs > 0) return { now: new Date(), stepMs: delayMs };
  return { now: new Date(Date.now() - (steps - 1) * 1_000), stepMs: 1_000 };
}
