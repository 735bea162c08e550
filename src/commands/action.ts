/**
 * What every command's action does around its own work, written once: an Output (NDJSON
 * only with --json), WebAssembly kept on V8's baseline compiler before a command first
 * sends (wasm-tiering.ts), and the result's exit code handed to the one exit point in
 * src/cli.ts. Loaded with the action, so `--help` loads none of it.
 */
import type { Output } from '../ui/output.js';
import { finish, type CommandResult } from './types.js';

export interface ActionContext {
  output: Output;
  /** Call before the first request: a command that may not send (`trigger --print`) decides late. */
  sending(): Promise<void>;
}

export async function runAction(setup: { json?: boolean | undefined; sends?: boolean }, work: (context: ActionContext) => Promise<CommandResult>): Promise<void> {
  const { createOutput } = await import('../ui/output.js');
  const sending = async (): Promise<void> => void (await import('./wasm-tiering.js')).keepWasmOnBaselineCompiler();
  if (setup.sends) await sending();
  finish(await work({ output: createOutput({ json: Boolean(setup.json) }), sending }));
}
