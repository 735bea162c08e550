import { describe, expect, it } from 'vitest';
import { ddmin } from '../../src/simulate/effects/ddmin.js';
import { createRandom } from '../../src/events/random.js';

describe('ddmin', () => {
  it('finds a 1-minimal failing subsequence: removing any single item makes it pass', async () => {
    const random = createRandom(9);
    for (let round = 0; round < 50; round++) {
      const items = Array.from({ length: 5 + Math.floor(random() * 200) }, (_, i) => i);
      // Fails when it holds a pair of items whose values sum to a chosen number, or a chosen triple.
      const target = Math.floor(random() * items.length * 1.5);
      const triple = [0, 1, 2].map(() => Math.floor(random() * items.length));
      const test = (subset: readonly number[]): boolean => subset.some((a) => subset.includes(target - a) && target - a !== a) || triple.every((t) => subset.includes(t));
      if (!test(items)) continue;
      let trials = 0;
      const result = await ddmin(items, async (subset) => {
        trials++;
        return test(subset);
      });
      expect(result.oneMinimal).toBe(true);
      expect(test(result.items)).toBe(true);
      for (let i = 0; i < result.items.length; i++) expect(test(result.items.filter((_, j) => j !== i))).toBe(false);
      expect(trials).toBeLessThan(items.length * 4);
      // Deterministic: the same test, the same result.
      expect((await ddmin(items, async (subset) => test(subset))).items).toEqual(result.items);
    }
  });

  it('stops at the trial budget and says the result may not be minimal', async () => {
    let trials = 0;
    const result = await ddmin(
      Array.from({ length: 64 }, (_, i) => i),
      async (subset) => {
        trials++;
        return subset.includes(3) && subset.includes(60);
      },
      { maxTrials: 3, trialsUsed: () => trials },
    );
    expect(result.oneMinimal).toBe(false);
    expect(result.items).toContain(3);
    expect(result.items).toContain(60);
  });
});
