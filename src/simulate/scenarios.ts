/**
 * Named scenarios: presets over the simulate settings. Flags given explicitly win.
 */
import type { SimulateSettings } from './types.js';

export const SCENARIOS = {
  outage: {
    summary: 'the endpoint is down for the first hour (HeapStream time): every attempt fails, then the retry backlog lands together on recovery',
    settings: { outageMs: 3_600_000 },
  },
  flaky: {
    summary: '30% of 2xx answers are lost on the way back, so events your handler already processed are retried',
    settings: { answerLoss: 0.3 },
  },
  duplicates: {
    summary: 'every acknowledged event is sent again within the duplicate window, and events arrive out of order',
    settings: { duplicateRate: 1, reorder: true },
  },
  slow: {
    summary: 'up to 3 s of network latency per attempt, counted in the 5 s timeout: a handler slower than 2 s starts timing out',
    settings: { networkLatencyMs: 3_000 },
  },
  'concurrent-duplicates': {
    summary: 'every event arrives twice at the same moment, so a handler that checks, awaits, then inserts races itself',
    settings: { concurrentDuplicates: 1 },
  },
} as const satisfies Record<string, { summary: string; settings: Partial<SimulateSettings> }>;

export type ScenarioName = keyof typeof SCENARIOS;

export function isScenario(name: string): name is ScenarioName {
  return Object.prototype.hasOwnProperty.call(SCENARIOS, name);
}
