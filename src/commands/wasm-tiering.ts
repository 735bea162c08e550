/**
 * undici parses every answer with llhttp compiled to WebAssembly. V8 runs it first as
 * baseline (Liftoff) code; once it is hot, V8 recompiles llhttp's one very large parse
 * function with TurboFan on a background thread: about 200 ms of CPU on a 2-core machine,
 * and a process that ends while that job runs waits for it. A `trigger --to`, a `replay` of
 * a few fixtures or a short `simulate` took 100-140 ms longer to exit for it, and a
 * 20,000-event `simulate` used no less CPU with it (the faster parser did not repay the
 * compile). So the CLI's sending commands keep WebAssembly on the baseline compiler.
 *
 * The CLI process only: the library never sets V8 flags, which belong to its host process.
 */
import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';

let applied = false;

/**
 * Call before undici first parses an answer (before the first request). Returns whether the
 * flag is in effect. Decided by what this V8 does, never by a Node version number: without
 * WebAssembly (`--jitless`) there is nothing to keep, and V8's cached-data version tag hashes
 * every flag's value, so it changes exactly when V8 took the flag. (V8 itself prints a line
 * for a flag it does not know; the suite checks on every tested Node that this one is known.)
 */
export function keepWasmOnBaselineCompiler(): boolean {
  if (applied) return true;
  if (!('WebAssembly' in globalThis)) return false;
  const before = cachedDataVersionTag();
  setFlagsFromString('--liftoff-only');
  applied = cachedDataVersionTag() !== before;
  return applied;
}
