/**
 * How a signal is handled: at once (exit 130 for SIGINT, 143 for SIGTERM) until a command
 * takes the interrupt over, then as that command's AbortSignal, and at once again for the
 * second. The handler is driven with process.emit, so no real signal reaches the test run,
 * and process.exit is a spy.
 */
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';

let exit: MockInstance<typeof process.exit>;
let before: { SIGINT: NodeJS.SignalsListener[]; SIGTERM: NodeJS.SignalsListener[] };

async function freshInterrupts(): Promise<typeof import('../../src/interrupt.js')> {
  vi.resetModules();
  const interrupts = await import('../../src/interrupt.js');
  interrupts.installInterruptHandler();
  return interrupts;
}

beforeEach(() => {
  before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
});
afterEach(() => {
  exit.mockRestore();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.off(signal, listener);
  }
});

describe('interrupts', () => {
  it('exit at once, 130 or 143, while no command has taken them over', async () => {
    await freshInterrupts();
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenLastCalledWith(130);
    await freshInterrupts();
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).toHaveBeenLastCalledWith(143);
  });

  it('once taken, the first aborts the command\'s signal with its name; the second exits at once', async () => {
    const { interruptSignal, interrupted } = await freshInterrupts();
    const signal = interruptSignal();
    const reason = interrupted(signal);
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).not.toHaveBeenCalled();
    expect(signal.aborted).toBe(true);
    await expect(reason).resolves.toBe('SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenLastCalledWith(130);
  });

  it('a closed stdout stops only a command that asked (listen, inspect), and exits 0 for it', async () => {
    const { interruptSignal, stdoutClosed, exitCodeFor } = await freshInterrupts();
    const run = interruptSignal();
    stdoutClosed();
    expect(run.aborted).toBe(false);
    const serving = interruptSignal({ stdoutClosed: true });
    stdoutClosed();
    expect(serving.reason).toBe('stdout-closed');
    expect(exitCodeFor('stdout-closed')).toBe(0);
  });

  it('a stdout closed before the command took over stops it as soon as it does', async () => {
    const { interruptSignal, stdoutClosed } = await freshInterrupts();
    stdoutClosed();
    expect(interruptSignal({ stdoutClosed: true }).reason).toBe('stdout-closed');
  });
});
