import type { Random } from '../events/random.js';

/**
 * When to try again. `schedule[i]` is the delay (run time, already compressed) before
 * attempt i + 2; attempts past the schedule reuse its last delay, and after `maxAttempts`
 * the event is exhausted.
 */
export class RetryPolicy {
  constructor(
    private readonly schedule: readonly number[],
    readonly maxAttempts: number,
    private readonly jitter: number,
    private readonly random: Random,
  ) {}

  /** Delay before the attempt after `attempt` (1-based), or undefined when none is left. */
  nextDelay(attempt: number): number | undefined {
    if (attempt >= this.maxAttempts) return undefined;
    const base = this.schedule[Math.min(attempt - 1, this.schedule.length - 1)];
    if (base === undefined) return undefined;
    if (this.jitter === 0) return base;
    return Math.max(0, base * (1 + this.jitter * (this.random() * 2 - 1)));
  }
}
