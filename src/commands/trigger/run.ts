/**
 * `trigger`: the core's events, sends and saves, and the exit code they make.
 */
import { ExitCode } from '../../errors.js';
import { trigger } from '../../trigger/trigger.js';
import type { TriggerOptions, TriggerOutcome } from '../../trigger/types.js';
import type { CommandResult } from '../types.js';

export interface TriggerResult extends CommandResult, TriggerOutcome {}

export async function run(options: TriggerOptions): Promise<TriggerResult> {
  const outcome = await trigger(options);
  return { exitCode: outcome.deliveries.every((d) => d.ok) ? ExitCode.ok : ExitCode.failed, ...outcome };
}
