/**
 * What every command's action does around its own work, written once: an Output (NDJSON
 * only with --json), the one way a command takes Ctrl-C over, WebAssembly kept on V8's
 * baseline compiler before a command first sends (wasm-tiering.ts), and the result's exit
 * code handed to the one exit point in src/cli.ts. Loaded with the action, so `--help`
 * loads none of it.
 */
import { interruptSignal, type InterruptOptions } from '../interrupt.js';
import type { Output } from '../ui/output.js';
import { finish, type CommandResult } from './types.js';

/**
 * Takes the first Ctrl-C or SIGTERM over (and, with `stdoutClosed`, stdout's reader going
 * away), as an AbortSignal whose reason is the InterruptReason. A command calls it where the
 * work it stops gracefully begins (listen serving, a run that still reports what ran);
 * before that, and in commands that never call it, a signal exits at once (130, 143).
 */
export type TakeInterrupt = (options?: InterruptOptions) => AbortSignal;

export interface ActionContext {
  output: Output;
  /** Call before the first request: a command that may not send (`trigger --print`) decides late. */
  sending(): Promise<void>;
  takeInterrupt: TakeInterrupt;
}

export async function runAction(setup: { json?: boolean | undefined; sends?: boolean }, work: (context: ActionContext) => Promise<CommandResult>): Promise<void> {
  const { createOutput } = await import('../ui/output.js');
  const sending = async (): Promise<void> => void (await import('./wasm-tiering.js')).keepWasmOnBaselineCompiler();
  if (setup.sends) await sending();
  finish(await work({ output: createOutput({ json: Boolean(setup.json) }), sending, takeInterrupt: interruptSignal }));
}
