/**
 * The simulate engine on a manual clock, with a fake handler whose attempts take clock time:
 * schedules and lateness tested exactly, in no real time.
 */
import type { DeliveryResult } from '../../src/http/types.js';
import { createRandom } from '../../src/events/random.js';
import { ManualClock } from '../../src/simulate/clock.js';
import { SimulationEngine, type EngineResult } from '../../src/simulate/engine.js';
import { buildReport, type ReportSummary } from '../../src/simulate/report.js';
import { synthesizeEvents } from '../../src/simulate/sources.js';
import type { SimulateSettings } from '../../src/simulate/types.js';
import { DEFAULT_WAIT_MS } from './time.js';

export function engineSettings(overrides: Partial<SimulateSettings> = {}): SimulateSettings {
  return {
    schedule: [6_000],
    scale: 60,
    maxAttempts: 2,
    jitter: 0,
    timeoutMs: 5_000,
    concurrency: 1,
    duplicateRate: 0,
    duplicates: 0,
    duplicateWindowMs: 300_000,
    reorder: false,
    reorderWindow: 10,
    outageMs: 0,
    answerLoss: 0,
    networkLatencyMs: 0,
    seed: 1,
    ...overrides,
  };
}

/**
 * Runs the engine on a manual clock: every attempt takes `durationMs` of clock time and gets
 * `answer(eventIndex, attemptNumberOfThatEvent)`. Time moves 1 ms at a time, with the
 * event loop turned in between so that the engine's promises settle as they would.
 */
export async function runOnManualClock(options: {
  settings: SimulateSettings;
  events: number;
  durationMs: number;
  answer?: (event: number, nth: number) => number;
  /** The event type to synthesize (default video.ready). */
  type?: string;
  /** Abort the run at this clock time, as a Ctrl-C would; the report says so. */
  stopAtMs?: number;
}): Promise<{ result: EngineResult; report: ReportSummary; clock: ManualClock }> {
  const clock = new ManualClock();
  const store = synthesizeEvents({ count: options.events, type: options.type ?? 'video.ready', seed: 3, now: new Date(0) });
  const bodies = new Map<string, number>();
  for (let i = 0; i < store.count; i++) bodies.set(store.body(i).toString('hex'), i);
  const seen = new Map<number, number>();
  const engine = new SimulationEngine(
    {
      settings: options.settings,
      clock,
      random: createRandom(options.settings.seed),
      deliver: (body) => {
        const event = bodies.get(body.toString('hex')) as number;
        const nth = (seen.get(event) ?? 0) + 1;
        seen.set(event, nth);
        const status = options.answer?.(event, nth) ?? 500;
        return new Promise<DeliveryResult>((resolve) => clock.setTimer(() => resolve({ ok: status >= 200 && status < 300, status, durationMs: options.durationMs }), options.durationMs));
      },
    },
    store,
  );
  let finished = false;
  const running = engine.run(store.order({ reorder: false, window: 10, seed: 1 })).finally(() => (finished = true));
  // The clock moves a millisecond a turn; a run that never ends fails here, saying where it stood.
  const deadline = performance.now() + DEFAULT_WAIT_MS;
  while (!finished) {
    if (performance.now() > deadline) throw new Error(`the run did not finish (simulated time ${clock.now()} ms)`);
    if (clock.now() === options.stopAtMs) engine.abort();
    clock.advance(1);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const result = await running;
  const report = buildReport({
    result,
    settings: options.settings,
    target: 'http://handler.test/',
    scenario: null,
    tool: 'test',
    startedAt: new Date(0),
    // The manual clock stands in for the wall clock.
    clock: 'real',
    compression: { timeScale: options.settings.scale },
    command: `heapstream-webhooks simulate --seed ${options.settings.seed}`,
    stopped: options.stopAtMs !== undefined ? { signal: 'SIGINT', reason: 'interrupted by SIGINT' } : undefined,
  });
  return { result, report, clock };
}
