/**
 * runAction(): the part of every command's action written once. The exit code reaches the
 * one exit point through process.exitCode; the output is NDJSON only with --json.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../../src/commands/action.js';

describe('runAction', () => {
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('hands the work an Output in the mode --json asks for, and its exit code to the exit point', async () => {
    const modes: boolean[] = [];
    await runAction({ json: true }, async ({ output }) => {
      modes.push(output.json);
      return { exitCode: 1 };
    });
    expect(process.exitCode).toBe(1);
    await runAction({}, async ({ output }) => {
      modes.push(output.json);
      return { exitCode: 0 };
    });
    expect(modes).toEqual([true, false]);
    expect(process.exitCode).toBe(0);
  });

  it('sets no exit code when the work throws, so the exit point maps the error', async () => {
    await expect(runAction({}, () => Promise.reject(new Error('bad flag')))).rejects.toThrow('bad flag');
    expect(process.exitCode).toBeUndefined();
  });
});
