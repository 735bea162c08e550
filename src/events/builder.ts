/**
 * Builds realistic synthetic events, consistent per type: `video.ready` has a positive
 * duration, `video.failed` carries errors, ids are plausible and shared across a flow.
 */
import { ENCODING_ERRORS, findCatalogEntry } from './catalog.js';
import { createRandom, pick, randomInt, type Random } from './random.js';
import { formatTimestamp, serializeEvent } from './serializer.js';
import { setPath, type Assignment } from './set-path.js';
import type { BuildOptions, CatalogEntry, HeapStreamEvent } from './types.js';

export interface BuiltEvent {
  type: string;
  /** False when the type is not in the catalog (built from the base template). */
  known: boolean;
  event: HeapStreamEvent;
  /** The exact bytes to send, as HeapStream would serialize them. */
  body: string;
}

const BASE: CatalogEntry = { type: 'video.created', description: '', status: 'waiting_for_upload', durationKnown: false };

interface Identity {
  projectId: number;
  videoId: number;
  assetId: number;
  duration: number;
}

function pickIdentity(random: Random, options: BuildOptions): Identity {
  return {
    projectId: options.projectId ?? randomInt(random, 1, 9_999),
    videoId: options.videoId ?? randomInt(random, 100, 9_999_999),
    assetId: options.assetId ?? randomInt(random, 10, 9_999_999),
    // Seconds with two decimals, between 5 s and 2 h: the spread real uploads have.
    duration: randomInt(random, 500, 720_000) / 100,
  };
}

/**
 * What one step takes from the random stream, in order. A flow's later step replays the
 * draws of the steps before it (so its values match buildFlow's) without building them.
 */
interface StepDraws {
  microseconds: number;
  error: string | undefined;
}

function drawStep(entry: CatalogEntry, random: Random): StepDraws {
  const microseconds = randomInt(random, 0, 999);
  return { microseconds, error: entry.failed ? pick(random, ENCODING_ERRORS) : undefined };
}

/** The microseconds a step's timestamp carries: its instant's milliseconds and its own draw. */
function microsecondsOf(now: Date, draws: StepDraws): number {
  return now.getUTCMilliseconds() * 1000 + draws.microseconds;
}

function makeEvent(type: string, entry: CatalogEntry, id: Identity, draws: StepDraws, now: Date): HeapStreamEvent {
  return {
    event_type: type,
    project_id: id.projectId,
    timestamp: formatTimestamp(now, microsecondsOf(now, draws)),
    video: {
      asset: {
        duration: entry.durationKnown ? id.duration : -1.0,
        encoding_tier: 'full',
        errors: draws.error === undefined ? [] : [draws.error],
        id: id.assetId,
        normalize_audio: entry.normalizeAudio ?? false,
      },
      id: id.videoId,
      status: entry.status,
    },
  };
}

export interface BuildEventOptions extends BuildOptions {
  set?: Assignment[];
  /** Allow `set` paths that the event does not have. */
  force?: boolean;
}

export function buildEvent(type: string, options: BuildEventOptions = {}): BuiltEvent {
  const random = createRandom(options.seed);
  return buildWith(type, pickIdentity(random, options), random, options.now ?? new Date(), options);
}

function buildWith(type: string, id: Identity, random: Random, now: Date, options: BuildEventOptions): BuiltEvent {
  const { known, event } = eventWith(type, id, random, now, options);
  return { type, known, event, body: serializeEvent(event) };
}

function eventWith(type: string, id: Identity, random: Random, now: Date, options: BuildEventOptions): { known: boolean; event: HeapStreamEvent } {
  const entry = findCatalogEntry(type);
  const event = makeEvent(type, entry ?? BASE, id, drawStep(entry ?? BASE, random), now);
  for (const assignment of options.set ?? []) {
    setPath(event as unknown as Record<string, unknown>, assignment, options.force);
  }
  return { known: entry !== undefined, event };
}

/**
 * Step `step` of `buildFlow(types, options)`, not yet serialized: the same event (the
 * steps before it only replay their random draws). For callers that keep the seed
 * and serialize on demand, rather than keeping every body.
 */
export function flowEvent(types: readonly string[], step: number, options: BuildEventOptions & { stepMs?: number } = {}): HeapStreamEvent {
  const { random, id, now } = flowAt(types, step, options);
  return eventWith(types[step] as string, id, random, now, options).event;
}

/**
 * Where step `step` of `flowEvent(types, step, options)` lies, without building it: its video
 * id, and its timestamp as microseconds since the epoch (the instant its timestamp text
 * names). Simulate orders a million synthesized events by these.
 */
export function flowEventKey(types: readonly string[], step: number, options: BuildOptions & { stepMs?: number } = {}): { videoId: number; timestampMicros: number } {
  const { random, id, now } = flowAt(types, step, options);
  const draws = drawStep(findCatalogEntry(types[step] as string) ?? BASE, random);
  return { videoId: id.videoId, timestampMicros: Math.floor(now.getTime() / 1000) * 1_000_000 + microsecondsOf(now, draws) };
}

/** A flow's identity, its random stream past the draws of the steps before `step`, and that step's instant. */
function flowAt(types: readonly string[], step: number, options: BuildOptions & { stepMs?: number }): { random: Random; id: Identity; now: Date } {
  const random = createRandom(options.seed);
  const id = pickIdentity(random, options);
  for (let index = 0; index < step; index++) drawStep(findCatalogEntry(types[index] as string) ?? BASE, random);
  return { random, id, now: new Date((options.now ?? new Date()).getTime() + step * (options.stepMs ?? 1_000)) };
}

/**
 * A sequence of events for one video (e.g. the lifecycle), with shared ids and
 * timestamps `stepMs` apart, so a handler sees a coherent story.
 */
export function buildFlow(types: readonly string[], options: BuildEventOptions & { stepMs?: number } = {}): BuiltEvent[] {
  const random = createRandom(options.seed);
  const id = pickIdentity(random, options);
  const start = (options.now ?? new Date()).getTime();
  const step = options.stepMs ?? 1_000;
  return types.map((type, index) => buildWith(type, id, random, new Date(start + index * step), options));
}
