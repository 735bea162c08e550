/**
 * simulate's progress bar on a terminal (nothing elsewhere): finished, delivered, exhausted,
 * in flight and pending retries, redrawn from the engine's live counters.
 */
import type { EngineStats } from '../../simulate/engine.js';
import { createSpinnerFactory } from '../../ui/spinner.js';

export interface Progress {
  start(stats: () => EngineStats): void;
  stop(): void;
}

export async function createProgress(interactive: boolean): Promise<Progress> {
  const spinners = await createSpinnerFactory(interactive);
  let stop = (): void => undefined;
  return {
    start(stats) {
      const spinner = spinners('');
      if (!spinner) return;
      const render = (): void => {
        const s = stats();
        const width = 24;
        const filled = s.events === 0 ? width : Math.round((s.finished / s.events) * width);
        const text = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${s.finished}/${s.events} finished · ${s.delivered} delivered · ${s.exhausted} exhausted · ${s.inFlight} in flight · ${s.pendingRetries} retries pending`;
        // One line only: a wrapped line is redrawn badly by every terminal.
        spinner.update(text.slice(0, Math.max(20, (process.stdout.columns ?? 80) - 4)));
      };
      const timer = setInterval(render, 150);
      render();
      stop = () => {
        clearInterval(timer);
        spinner.stop();
      };
    },
    stop: () => stop(),
  };
}
