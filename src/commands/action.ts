/**
 * What every command's action does around its own work, written once: an Output (NDJSON
 * only with --json), the interrupt the command stops on (when it stops gracefully),
 * WebAssembly kept on V8's baseline compiler before a command first sends
 * (wasm-tiering.ts), and the result's exit code handed to the one exit point in src/cli.ts.
 * Loaded with the action, so `--help` loads none of it.
 */
import { interruptSignal } from '../interrupt.js';
import type { Output } from '../ui/output.js';
import { finish, type CommandResult } from './types.js';

export interface ActionSetup {
  json?: boolean | undefined;
  /** The command sends from the start (else it calls `sending()` when it does). */
  sends?: boolean;
  /**
   * The command stops gracefully on the first Ctrl-C or SIGTERM (and, with `stdoutClosed`,
   * when stdout's reader goes away): it gets them as `interrupt`. Without this, a signal
   * exits at once (130, 143).
   */
  stops?: { stdoutClosed?: boolean };
}

export interface ActionContext {
  output: Output;
  /** Call before the first request: a command that may not send (`trigger --print`) decides late. */
  sending(): Promise<void>;
  /** With `stops`: aborts on the first interrupt, its reason the InterruptReason. Else it never aborts. */
  interrupt: AbortSignal;
}

export async function runAction(setup: ActionSetup, work: (context: ActionContext) => Promise<CommandResult>): Promise<void> {
  const { createOutput } = await import('../ui/output.js');
  const sending = async (): Promise<void> => void (await import('./wasm-tiering.js')).keepWasmOnBaselineCompiler();
  if (setup.sends) await sending();
  const interrupt = setup.stops ? interruptSignal(setup.stops) : new AbortController().signal;
  finish(await work({ output: createOutput({ json: Boolean(setup.json) }), sending, interrupt }));
}
