/**
 * Ctrl-C, SIGTERM and a closed stdout. By default a signal exits at once (130 for SIGINT,
 * 143 for SIGTERM, as a shell reports them); a command with work to flush (listen,
 * simulate) takes the first one over, and a second signal still exits at once.
 */
import { ExitCode, type ExitCodeValue } from './errors.js';

/** Why a command is asked to stop. */
export type InterruptReason = 'SIGINT' | 'SIGTERM' | 'stdout-closed';

interface Waiter {
  resolve(reason: InterruptReason): void;
  stdoutClosed: boolean;
}

let waiter: Waiter | undefined;
let signals = 0;

export function exitCodeFor(reason: InterruptReason): ExitCodeValue {
  if (reason === 'SIGTERM') return ExitCode.terminated;
  if (reason === 'SIGINT') return ExitCode.interrupted;
  // The reader went away (`| head`): nothing failed, so nothing to report.
  return ExitCode.ok;
}

export function installInterruptHandler(): void {
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    signals++;
    const current = waiter;
    waiter = undefined;
    if (current && signals === 1) current.resolve(signal);
    else process.exit(exitCodeFor(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * stdout's reader closed the pipe. Writes from now on are dropped by the stream; a command
 * that would otherwise run forever (listen) asked to be told, and stops as if interrupted.
 */
export function stdoutClosed(): void {
  const current = waiter;
  if (!current?.stdoutClosed) return;
  waiter = undefined;
  current.resolve('stdout-closed');
}

/**
 * Resolves on the first Ctrl-C or SIGTERM (and, with `stdoutClosed`, when stdout's reader
 * goes away); the caller then shuts down and returns `exitCodeFor(reason)`.
 */
export function nextInterrupt(options: { stdoutClosed?: boolean } = {}): Promise<InterruptReason> {
  return new Promise((resolve) => {
    waiter = { resolve, stdoutClosed: options.stdoutClosed ?? false };
  });
}

/**
 * The next interrupt as an AbortSignal, for work that stops part-way and still reports
 * (replay, simulate): it aborts with the InterruptReason as its reason. Work that runs
 * until stopped (listen, inspect) awaits nextInterrupt() instead.
 */
export function interruptSignal(options: { stdoutClosed?: boolean } = {}): AbortSignal {
  const controller = new AbortController();
  void nextInterrupt(options).then((reason) => controller.abort(reason));
  return controller.signal;
}
