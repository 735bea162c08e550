/**
 * simulate's command run in-process, as its action calls it: a URL target, seed 7 given, no
 * GitHub, an interrupt nothing triggers. Each test gives what it is about on top.
 */
import type { SimulateCommandOptions } from '../../src/commands/simulate/run.js';

export function commandOptions(to: URL | string, options: Partial<SimulateCommandOptions> & Pick<SimulateCommandOptions, 'output'>): SimulateCommandOptions {
  return { to: new URL(to), seed: 7, seedGiven: true, command: 'simulate', github: null, takeInterrupt: () => new AbortController().signal, ...options };
}
