import type { DeliveryResult } from './types.js';

/** "200 in 12 ms", "timeout after 5000 ms", "unreachable (ECONNREFUSED)", "answer cut off (…)". */
export function describeResult(result: DeliveryResult): string {
  const ms = `${Math.round(result.durationMs)} ms`;
  if (result.status !== undefined) return `${result.status} in ${ms}`;
  if (!result.error) return `no answer in ${ms}`;
  if (result.error.kind === 'timeout') return `timeout after ${ms}`;
  if (result.error.kind === 'cut-off') return `answer cut off (${result.error.message})`;
  if (result.error.kind === 'bad-answer') return `bad answer (${result.error.message})`;
  if (result.error.kind === 'unreachable') return `unreachable (${result.error.code ?? result.error.message})`;
  return `error: ${result.error.message}`;
}
