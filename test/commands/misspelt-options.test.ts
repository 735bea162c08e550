/**
 * A misspelt library option is refused with the option it most likely meant, as the CLI's
 * flags are (commander's "did you mean").
 */
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/replay/replay.js';
import { simulate } from '../../src/simulate/simulate.js';
import type { SimulateOptions } from '../../src/simulate/simulate-options.js';
import { closestName } from '../../src/suggest.js';

const target = { fetch: () => new Response('ok') };

describe('a misspelt option', () => {
  for (const [typo, meant] of [
    ['duplicate', 'duplicates'],
    ['maxAttempt', 'maxAttempts'],
    ['timescale', 'timeScale'],
    ['consurrency', 'concurrency'],
    ['sede', 'seed'],
  ] as const) {
    it(`simulate({ ${typo} }) says: did you mean ${meant}?`, async () => {
      await expect(simulate({ target, [typo]: 1 } as unknown as SimulateOptions)).rejects.toMatchObject({
        code: 'HSW_BAD_VALUE',
        option: typo,
        message: `${typo} is not a simulate() option; did you mean ${meant}?`,
      });
    });
  }

  it('replay({ time }) says: did you mean times?', async () => {
    await expect(replay({ target, fixtures: [], time: 2 } as unknown as Parameters<typeof replay>[0])).rejects.toMatchObject({
      code: 'HSW_BAD_VALUE',
      message: 'time is not a replay() option; did you mean times?',
    });
  });

  it('a name like none of them gets the list to look in instead of a wild guess', async () => {
    await expect(simulate({ target, frobnicate: true } as unknown as SimulateOptions)).rejects.toMatchObject({
      message: 'frobnicate is not a simulate() option; see SimulateOptions (e.g. duplicateRate, maxAttempts, timeout)',
    });
    expect(closestName('xyz', ['seed', 'timeout'])).toBeUndefined();
  });
});
