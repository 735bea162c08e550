/**
 * `trigger`: build synthetic events, then print, save and/or send them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildEvent, buildFlow, type BuiltEvent } from '../events/builder.js';
import { LIFECYCLE } from '../events/catalog.js';
import type { Assignment } from '../events/set-path.js';
import { describeResult } from '../delivery/describe.js';
import type { DeliveryResult } from '../delivery/types.js';
import { makeFixture, saveFixture } from '../store/write.js';
import { userAgent } from '../version.js';
import type { Output } from '../ui/output.js';
import type { Dispatcher } from 'undici';

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

export interface TriggerResult {
  events: BuiltEvent[];
  deliveries: DeliveryResult[];
  saved: string[];
  /** True when every delivery got a 2xx answer. */
  ok: boolean;
}

export async function runTrigger(options: TriggerOptions): Promise<TriggerResult> {
  const { output } = options;
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
    for (const event of events) process.stdout.write(`${event.body}\n`);
    return { events, deliveries: [], saved: [], ok: true };
  }

  const deliveries: DeliveryResult[] = [];
  const saved: string[] = [];
  const headers = { 'content-type': 'application/json', 'user-agent': userAgent() };
  let first = true;
  // undici is only needed when sending: `--print` and `--save` start faster without it.
  const send = options.to ? (await import('../delivery/send.js')).send : undefined;
  for (const event of events) {
    let last: DeliveryResult | undefined;
    if (options.to && send) {
      for (let copy = 1; copy <= options.times; copy++) {
        if (!first && options.delayMs > 0) await sleep(options.delayMs);
        first = false;
        last = await send({ url: options.to, body: event.body, headers, timeoutMs: options.timeoutMs, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) });
        deliveries.push(last);
        report(output, event, last, options.to, copy, options.times);
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
  return { events, deliveries, saved, ok: deliveries.every((d) => d.ok) };
}

/**
 * Timestamps for a flow: with --delay they follow the sends; without, a second apart and
 * ending now, so that no event claims to come from the future.
 */
function flowTiming(steps: number, delayMs: number): { now: Date; stepMs: number } {
  if (delayMs > 0) return { now: new Date(), stepMs: delayMs };
  return { now: new Date(Date.now() - (steps - 1) * 1_000), stepMs: 1_000 };
}

function report(output: Output, event: BuiltEvent, result: DeliveryResult, to: URL, copy: number, times: number): void {
  const { color } = output;
  output.record({
    kind: 'delivery',
    type: event.type,
    videoId: event.event.video.id,
    copy,
    to: to.href,
    ok: result.ok,
    status: result.status ?? null,
    durationMs: Math.round(result.durationMs * 10) / 10,
    error: result.error ?? null,
  });
  const mark = result.ok ? color.green('✓') : color.red('✗');
  const copyText = times > 1 ? ` (copy ${copy}/${times})` : '';
  const outcome = result.ok ? describeResult(result) : color.red(failureText(result, to));
  output.line(`${mark} ${event.type} video ${event.event.video.id}${copyText} → ${outcome}`);
}

function failureText(result: DeliveryResult, to: URL): string {
  if (result.status !== undefined) return `${result.status} in ${Math.round(result.durationMs)} ms: the handler did not answer 2xx, so HeapStream would retry`;
  if (result.error?.kind === 'timeout') return `no answer within ${Math.round(result.durationMs)} ms: HeapStream would count this as a failure and retry`;
  if (result.error?.kind === 'unreachable') return `${to.href} is unreachable (${result.error.code ?? result.error.message}); is the handler running?`;
  return `${describeResult(result)}`;
}
