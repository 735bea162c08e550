/**
 * Shrinking: a 500-event storm (every event delivered twice) against a handler with one
 * non-idempotent event type (a row per `video.ready` delivery), from the differing final
 * state to a 1-minimal reproduction:
 * - in-process (a Node listener, virtual time; target ≤ 1 s) and over HTTP against a
 *   handler in its own process (target ≤ 30 s);
 * - the trials used, and the shrink time in reference runs (each event once, in order,
 *   one at a time: the baseline, measured in the same run against the same handler);
 * - in-process, a bug across videos (the last video touched wins), which no single video's
 *   deliveries reproduce: ddmin from the whole sequence.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { simulate } from '../../src/simulate/simulate.js';
import { startHandlerProcess, stop } from './helpers.js';
import { fmt, verdict } from './stats.js';

const EVENTS = 500;

function inProcessHandler(): { target: (req: IncomingMessage, res: ServerResponse) => void; state: () => unknown; reset: () => void } {
  let rows: number[] = [];
  const videos = new Set<number>();
  return {
    target: (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString()) as { event_type: string; video: { id: number } };
        if (event.event_type === 'video.ready') rows.push(event.video.id);
        else videos.add(event.video.id);
        res.end('ok');
      });
    },
    state: () => ({ rows, videos: videos.size }),
    reset: () => {
      rows = [];
      videos.clear();
    },
  };
}

/** Remembers the last video it heard of: only the order across videos matters. */
function lastVideoHandler(): ReturnType<typeof inProcessHandler> {
  let last: number | null = null;
  return {
    target: (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        last = (JSON.parse(Buffer.concat(chunks).toString()) as { video: { id: number } }).video.id;
        res.end('ok');
      });
    },
    state: () => ({ last }),
    reset: () => {
      last = null;
    },
  };
}

async function shrink(label: string, options: Parameters<typeof simulate>[0], targetMs: number): Promise<void> {
  const started = performance.now();
  const report = await simulate(options);
  const wallMs = performance.now() - started;
  const effects = report.effects;
  if (!effects?.reproduction) throw new Error(`${label}: expected a reproduction, got ${JSON.stringify(effects?.note ?? effects?.ok)}`);
  // The reference run is the first thing the oracle does; its time is the baseline unit.
  const reference = await referenceRunMs(options);
  const ok = effects.shrinkMs <= targetMs && effects.reproduction.oneMinimal;
  console.log(
    `  ${label.padEnd(14)} ${EVENTS} events, ${effects.scenarioDeliveries} deliveries → ${effects.reproduction.deliveries.length} (${effects.kind}) in ${fmt(effects.shrinkMs, 0)} ms · ${effects.trials} trials · ${fmt(effects.shrinkMs / reference, 1)} reference runs (${fmt(reference, 0)} ms each) · whole run ${fmt(wallMs, 0)} ms  (target ≤ ${targetMs} ms)  ${verdict(ok)}`,
  );
}

/** One reference run's time: a simulate() with nothing to shrink is reference + scenario; the trial runner times it alone. */
async function referenceRunMs(options: Parameters<typeof simulate>[0]): Promise<number> {
  const { TrialRunner } = await import('../../src/simulate/effects/trials.js');
  const { functionOracle } = await import('../../src/simulate/effects/oracle.js');
  const { openTarget } = await import('../../src/delivery/targets.js');
  const { prepareSimulation } = await import('../../src/simulate/simulate.js');
  const prepared = await prepareSimulation(options);
  const target = await openTarget(options.target, { connections: 1, keepAliveTimeoutMs: 10_000 });
  const byTime = prepared.events.order({ reorder: false, window: 10, seed: 1 });
  const rank = new Uint32Array(byTime.length);
  byTime.forEach((event, position) => (rank[event] = position));
  const runner = new TrialRunner({ target, events: prepared.events, timeoutMs: 5_000, settleMs: 5_000, oracle: functionOracle(options.state as () => unknown, options.reset as () => unknown), rules: {}, rank });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await runner.run(runner.reference(byTime));
    times.push(performance.now() - started);
  }
  await target.close();
  return times.sort((a, b) => a - b)[1] as number;
}

export async function benchEffects(): Promise<void> {
  console.log('effects (shrinking a state difference to a 1-minimal reproduction)');
  const local = inProcessHandler();
  await shrink('in-process', { target: local.target, events: EVENTS, duplicates: 1, seed: 1, state: local.state, reset: local.reset, stateUnordered: ['rows'] }, 1_000);

  const across = lastVideoHandler();
  await shrink('across videos', { target: across.target, events: EVENTS, duplicates: 1, seed: 1, state: across.state, reset: across.reset }, 1_000);

  const { url, child } = await startHandlerProcess('rows');
  try {
    const origin = new URL(url).origin;
    const state = async (): Promise<unknown> => (await fetch(`${origin}/state`)).json();
    const reset = async (): Promise<void> => void (await fetch(`${origin}/reset`, { method: 'POST' })).arrayBuffer();
    await shrink('over HTTP', { target: url, events: EVENTS, duplicates: 1, within: '5s', seed: 1, state, reset, stateUnordered: ['rows'] }, 30_000);
  } finally {
    await stop(child);
  }
}
