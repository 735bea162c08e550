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
import { setFlagsFromString } from 'node:v8';

/** Call before undici first parses an answer (before the first request). */
export function keepWasmOnBaselineCompiler(): void {
  setFlagsFromString('--liftoff-only');
}
