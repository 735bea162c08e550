/**
 * `trigger`'s events: from the catalog (one type, or a flow), or like a recording.
 */
import { UsageError } from '../errors.js';
import { buildEvent, buildFlow } from '../events/builder.js';
import { LIFECYCLE } from '../events/catalog.js';
import { printable } from '../text/printable.js';
import { userAgent } from '../version.js';
import type { BuiltEvents, TriggerOptions } from './types.js';

/** The events to print, send or save, with their headers (`options.headers` on top). */
export async function buildEvents(options: TriggerOptions): Promise<BuiltEvents> {
  const built = options.like ? await (await import('./like.js')).buildFromRecording(options, options.like) : fromCatalog(options);
  return options.headers ? { events: built.events, headers: { ...built.headers, ...options.headers } } : built;
}

function fromCatalog(options: TriggerOptions): BuiltEvents {
  if (options.type === undefined && !options.flow) throw new UsageError('trigger needs an event type (or a recording to build like)');
  const buildOptions = {
    set: options.set,
    force: options.force,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.videoId !== undefined ? { videoId: options.videoId } : {}),
    ...(options.projectId !== undefined ? { projectId: options.projectId } : {}),
  };
  const built = options.flow ? buildFlow(LIFECYCLE, { ...buildOptions, ...flowTiming(LIFECYCLE.length, options.delayMs) }) : [buildEvent(options.type as string, buildOptions)];
  const events = built.map(({ type, known, event, body }) => ({ type, known, videoId: event.video.id, body }));
  for (const event of events) {
    if (!event.known) options.output.warn(`"${printable(event.type)}" is not in the catalog (see trigger --list); sending the base template with that event_type`);
  }
  return { events, headers: { 'content-type': 'application/json', 'user-agent': userAgent() } };
}

/**
 * Timestamps for a flow: with --delay they follow the sends; without, a second apart and
 * ending now, so that no event claims to come from the future.
 */
function flowTiming(steps: number, delayMs: number): { now: Date; stepMs: number } {
  if (delayMs > 0) return { now: new Date(), stepMs: delayMs };
  return { now: new Date(Date.now() - (steps - 1) * 1_000), stepMs: 1_000 };
}
