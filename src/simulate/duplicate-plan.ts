/**
 * Which acknowledged events HeapStream sends again, and when: drawn per event from the seed
 * and the event's index, never from the run's shared random stream. The shared stream is
 * consumed in the order answers come back, which differs between two runs against a real
 * handler, and between one process and a sharded Artillery run; a draw per event gives the
 * same duplicates for the same seed wherever the storm is played.
 */
import { createRandom } from '../events/random.js';
import type { SimulateSettings } from './types.js';

/** The event's own seed: the run's seed and the index, mixed so neighbours do not correlate. */
export function eventSeed(seed: number, index: number): number {
  let h = Math.imul((seed ^ 0x9e3779b9) >>> 0, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The duplicates of event `index`: for each extra copy, its delay after the acknowledgment
 * in run time (the window compressed like the schedule). Empty for most events.
 */
export function duplicateDelays(settings: Pick<SimulateSettings, 'duplicates' | 'duplicateRate' | 'duplicateWindowMs' | 'scale' | 'seed'>, index: number): number[] {
  if (settings.duplicates === 0 && settings.duplicateRate === 0) return [];
  const random = createRandom(eventSeed(settings.seed, index));
  const copies = settings.duplicates + (settings.duplicateRate > 0 && random() < settings.duplicateRate ? 1 : 0);
  const window = settings.duplicateWindowMs / settings.scale;
  const delays: number[] = [];
  for (let copy = 0; copy < copies; copy++) delays.push(random() * window);
  return delays;
}
