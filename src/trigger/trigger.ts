/**
 * `trigger()`: build synthetic events, then print, save and/or send them.
 */
import { buildEvents } from './build.js';
import type { TriggerOptions, TriggerOutcome } from './types.js';

export async function trigger(options: TriggerOptions): Promise<TriggerOutcome> {
  // A directory that cannot be made is an input error, found before anything is sent.
  if (options.saveDir !== undefined && !options.print) await (await import('../store/directory.js')).ensureDirectory(options.saveDir);
  const built = await buildEvents(options);
  if (options.print) {
    for (const event of built.events) options.output.raw(`${event.body}\n`);
    return { events: built.events, deliveries: [], saved: [] };
  }
  // Sending and saving load undici, the store and their printing: `--print` needs none of them.
  const { sendAndSave } = await import('./send.js');
  return sendAndSave(options, built);
}
