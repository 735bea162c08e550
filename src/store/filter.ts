import picomatch from 'picomatch';
import { createRandom } from '../events/random.js';
import type { LoadedFixture } from './types.js';

export interface FixtureFilter {
  /** Glob on the event type, e.g. `video.*`; commas separate alternatives. */
  event?: string;
  videoId?: number;
  since?: Date;
  until?: Date;
  /** Keep only the N most recent (after the other filters). */
  last?: number;
}

export interface FixtureOrder {
  reverse?: boolean;
  shuffle?: boolean;
  seed?: number;
}

export function eventMatcher(glob: string): (type: string | null) => boolean {
  const isMatch = picomatch(glob.split(',').map((part) => part.trim()).filter(Boolean), { dot: true });
  return (type) => isMatch(type ?? 'unknown');
}

/** Chronological by recorded time, then filtered, then ordered as asked. */
export function selectFixtures(fixtures: readonly LoadedFixture[], filter: FixtureFilter = {}, order: FixtureOrder = {}): LoadedFixture[] {
  const matchEvent = filter.event ? eventMatcher(filter.event) : undefined;
  let selected = [...fixtures]
    .sort((a, b) => Date.parse(a.fixture.recordedAt) - Date.parse(b.fixture.recordedAt) || a.file.localeCompare(b.file))
    .filter((f) => {
      const at = Date.parse(f.fixture.recordedAt);
      if (matchEvent && !matchEvent(f.event.type)) return false;
      if (filter.videoId !== undefined && f.event.videoId !== filter.videoId) return false;
      if (filter.since && at < filter.since.getTime()) return false;
      if (filter.until && at > filter.until.getTime()) return false;
      return true;
    });
  if (filter.last !== undefined) selected = filter.last > 0 ? selected.slice(-filter.last) : [];
  if (order.shuffle) {
    // Fisher-Yates with the seeded PRNG, so `--shuffle --seed N` repeats.
    const random = createRandom(order.seed);
    for (let i = selected.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [selected[i], selected[j]] = [selected[j] as LoadedFixture, selected[i] as LoadedFixture];
    }
  } else if (order.reverse) {
    selected.reverse();
  }
  return selected;
}
