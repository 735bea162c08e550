/**
 * Ctrl-C, SIGTERM and a closed stdout. By default a signal exits at once (130 for SIGINT,
 * 143 for SIGTERM, as a shell reports them); a command that stops gracefully (listen,
 * inspect, replay, simulate) takes the first one over as an AbortSignal where that part of
 * its work begins, and a second signal still exits at once.
 */
import { ExitCode, type ExitCodeValue } from './errors.js';

/** Why a command is asked to stop. */
export type InterruptReason = 'SIGINT' | 'SIGTERM' | 'stdout-closed';

export interface InterruptOptions {
  /** stdout's reader going away stops the command too (one that would otherwise run forever: listen, inspect). */
  stdoutClosed?: boolean;
}

interface Waiter {
  resolve(reason: InterruptReason): void;
  stdoutClosed: boolean;
}

let waiter: Waiter | undefined;
let signals = 0;
/** stdout's reader went away, before or after a command took the interrupt over. */
let stdoutGone = false;

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
  stdoutGone = true;
  const current = waiter;
  if (!current?.stdoutClosed) return;
  waiter = undefined;
  current.resolve('stdout-closed');
}

/**
 * The first Ctrl-C or SIGTERM (and, with `stdoutClosed`, stdout's reader going away) as an
 * AbortSignal whose reason is the InterruptReason: from now on the caller owns the first
 * signal, stops its work and returns `exitCodeFor(reason)`. Commands take it through
 * runAction()'s `takeInterrupt` (commands/action.ts), where their graceful part begins.
 */
export function interruptSignal(options: InterruptOptions = {}): AbortSignal {
  const controller = new AbortController();
  // The reader left before the command took over (nothing it printed was read): it stops at once.
  if (options.stdoutClosed && stdoutGone) controller.abort('stdout-closed' satisfies InterruptReason);
  else waiter = { resolve: (reason) => controller.abort(reason), stdoutClosed: options.stdoutClosed ?? false };
  return controller.signal;
}

/** Resolves with the reason once `signal` (an interruptSignal()) aborts: work that runs until stopped (listen, inspect) awaits this. */
export function interrupted(signal: AbortSignal): Promise<InterruptReason> {
  if (signal.aborted) return Promise.resolve(signal.reason as InterruptReason);
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason as InterruptReason), { once: true }));
}
