import type { ExitCodeValue } from '../errors.js';

/** What every command's `run()` resolves to: data for callers and tests, and the exit code. */
export interface CommandResult {
  exitCode: ExitCodeValue;
}

/** Hands a command's result to the one exit point in src/cli.ts. */
export function finish(result: CommandResult): void {
  process.exitCode = result.exitCode;
}
