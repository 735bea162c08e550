/**
 * `trigger`: build synthetic events, then print, save and/or send them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import type { DeliveryResult } from '../../delivery/types.js';
import { ExitCode } from '../../errors.js';
import { buildEvent, buildFlow, type BuiltEvent } from '../../events/builder.js';
import { LIFECYCLE } from '../../events/catalog.js';
import type { Assignment } from '../../events/set-path.js';
import { ensureDirectory } from '../../store/directory.js';
import { makeFixture, saveFixture } from '../../store/write.js';
import { reportDelivery } from '../../ui/delivery-line.js';
import type { Output } from '../../ui/output.js';
import { userAgent } from '../../version.js';
import type { CommandResult } from '../types.js';

export interface TriggerOptions {
  type: string;
  /** `lifecycle`: created → uploaded → encoding → ready for one video. */
  flow?: 'lifecycle';
  to?: URL;
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

export interface TriggerResult extends CommandResult {
  events: BuiltEvent[];
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
  const events = options.flow ? buildFlow(LIFECYCLE, { ...buildOptions, ...flowTiming(LIFECYCLE.length, options.delayMs) }) : [buildEvent(options.type, buildOptions)];
  for (const event of events) {
    if (!event.known) output.warn(`"${event.type}" is not in the catalog (see trigger --list); sending the base template with that event_type`);
  }

  if (options.print) {
    for (const event of events) output.raw(`${event.body}\n`);
    return { exitCode: ExitCode.ok, events, deliveries: [], saved: [] };
  }

  const deliveries: DeliveryResult[] = [];
  const saved: string[] = [];
  const headers = { 'content-type': 'application/json', 'user-agent': userAgent() };
  let first = true;
  // undici is only needed when sending: `--print` and `--save` start faster without it.
  const send = options.to ? (await import('../../delivery/send.js')).send : undefined;
  for (const event of events) {
    let last: DeliveryResult | undefined;
    if (options.to && send) {
      for (let copy = 1; copy <= options.times; copy++) {
        if (!first && options.delayMs > 0) await sleep(options.delayMs);
        first = false;
        last = await send({ url: options.to, body: event.body, headers, timeoutMs: options.timeoutMs, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) });
        deliveries.push(last);
        reportDelivery(output, { type: event.type, videoId: event.event.video.id, to: options.to.href, copy, times: options.times, result: last });
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
        ...(last && options.to ? { response: { ...last, target: options.to.href } } : {}),
      });
      const file = await saveFixture(options.saveDir, fixture);
      saved.push(file);
      output.record({ kind: 'saved', type: event.type, videoId: event.event.video.id, file });
      output.line(`saved ${event.type} → ${file}`);
    }
  }
  return { exitCode: deliveries.every((d) => d.ok) ? ExitCode.ok : ExitCode.failed, events, deliveries, saved };
}

/**
 * Timestamps for a flow: with --delay they follow the sends; without, a second apart and
 * ending now, so that no event claims to come from the future.
 */
function flowTiming(steps: number, delayMs: number): { now: Date; stepMs: number } {
  if (delayMs > 0) return { now: new Date(), stepMs: delayMs };
  return { now: new Date(Date.now() - (steps - 1) * 1_000), stepMs: 1_000 };
}
