/**
 * The state oracle's findings as lines of text, for the terminal summary, JUnit and the
 * step summary alike: the differences, the kind, the reproduction step by step, and how
 * to send it again. Lines that judge start with `PASS ` or `FAIL ` for the caller to colour.
 */
import { printable } from '../../text/printable.js';
import type { EffectsReport, ReproDelivery, Reproduction } from './types.js';

/** Differences listed in text; the report has up to MAX_DIFFERENCES. */
const SHOWN = 8;

export function effectsLines(effects: EffectsReport): string[] {
  if (effects.ok) return [`PASS state: the scenario run ended in the reference run's state (${effects.scenarioDeliveries} deliveries against ${effects.referenceDeliveries})`];
  const lines = [`FAIL state: the scenario run ended in a state different from the reference run's (each event once, in order):`];
  for (const difference of effects.differences.slice(0, SHOWN)) lines.push(`  ${difference.text}`);
  if (effects.differenceCount > SHOWN) lines.push(`  … and ${effects.differenceCount - SHOWN} more`);
  if (effects.title) lines.push(`kind: ${effects.title}`);
  const repro = effects.reproduction;
  if (repro) {
    lines.push(`minimal reproduction (${repro.deliveries.length} deliveries${repro.oneMinimal ? ', 1-minimal' : ''}, ${effects.trials} trials, ${(effects.shrinkMs / 1000).toFixed(1)} s): ${repro.words}`);
    repro.deliveries.forEach((delivery, i) => lines.push(`  ${i + 1}. ${deliveryLine(delivery)}`));
    if (repro.replay) lines.push(`to reproduce: ${reproduceLine(repro)}`);
  }
  if (effects.note) lines.push(`note: ${effects.note}`);
  return lines;
}

/** "video.created (video 500), duplicate 1, attempt 1 → 200 · rows: 1 row → 2 rows". */
export function deliveryLine(delivery: ReproDelivery): string {
  const what = `${printable(delivery.type ?? 'event')}${delivery.videoId !== null ? ` (video ${delivery.videoId})` : ''}`;
  const copy = delivery.copy > 0 ? `, duplicate ${delivery.copy}` : '';
  const together = delivery.together ? ', at the same moment as the one before' : '';
  const late = delivery.committedAfterTimeout ? ', its work committed after the timeout' : '';
  const changes = delivery.changes.length > 0 ? ` · ${delivery.changes.slice(0, 3).join('; ')}` : '';
  return `${what}${copy}, attempt ${delivery.attempt}${together} → ${delivery.result}${late}${changes}`;
}

/** The shell line that empties the state and sends the reproduction again. */
export function reproduceLine(repro: Reproduction): string {
  return repro.reset ? `${repro.reset} && ${repro.replay ?? ''}` : `reset the state (restart the app), then ${repro.replay ?? ''}`;
}
