import { describe, expect, it } from 'vitest';
import { colorFor } from '../../src/ui/output.js';

describe('colorFor', () => {
  it.each([
    [{ isTTY: true }, {}, true],
    [{ isTTY: false }, {}, false],
    [{ isTTY: true }, { NO_COLOR: '1' }, false],
    [{ isTTY: true }, { NO_COLOR: '' }, true],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, true],
    [{ isTTY: true }, { FORCE_COLOR: '0' }, false],
    [{ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
  ])('stream %j with env %j colours: %s', (stream, env, colored) => {
    expect(colorFor(stream, env).red('x') !== 'x').toBe(colored);
  });
});
