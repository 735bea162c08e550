/**
 * Ctrl-C handling. By default an interrupt exits 130 at once; a command with work to
 * flush (listen, simulate) takes it over, and a second Ctrl-C still exits at once.
 */
import { ExitCode } from './errors.js';

type Handler = () => void;

let handler: Handler | undefined;
let interrupts = 0;

export function installInterruptHandler(): void {
  const onSignal = (): void => {
    interrupts++;
    if (handler && interrupts === 1) handler();
    else process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Resolves on the first Ctrl-C (or SIGTERM); the caller then shuts down and returns. */
export function nextInterrupt(): Promise<void> {
  return new Promise((resolve) => {
    handler = resolve;
  });
}
