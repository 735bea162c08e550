/**
 * Every file `simulate` will write is checked before anything is sent: a path that cannot be
 * written is one line (naming it and why) and exit 2, with the handler untouched.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { run, type SimulateCommandOptions } from '../../src/commands/simulate/run.js';
import { HswError } from '../../src/errors.js';
import { captureOutput, test } from '../helpers/context.js';
import type { TestHandler } from '../helpers/handler.js';
import { commandOptions } from '../helpers/simulate-command.js';

function simulate(handler: TestHandler, options: Partial<SimulateCommandOptions>) {
  const captured = captureOutput();
  return run(commandOptions(handler.url, { events: 2, withinMs: 2_000, output: captured.output, ...options }));
}

async function refusal(promise: Promise<unknown>): Promise<HswError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HswError);
  return error as HswError;
}

describe('simulate: output paths checked before anything is sent', () => {
  const missing = '/proc/nope/x.xml';
  for (const [name, options] of [
    ['--report', { reportFile: missing }],
    ['--junit', { junitFile: missing }],
    ['--html', { htmlFile: missing }],
    ['--start-log', { start: { command: 'node -e "setInterval(() => {}, 1000)"', timeoutMs: 5_000, logFile: missing } }],
    ['$GITHUB_STEP_SUMMARY', { github: { stepSummaryFile: missing, outputFile: undefined } }],
  ] as const) {
    test(`${name} in a directory that does not exist: exit 2, one line naming the path and why, nothing sent`, async ({ handler }) => {
      const error = await refusal(simulate(handler, options as Partial<SimulateCommandOptions>));
      expect(error.code).toBe('HSW_BAD_OUTPUT');
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`${name} "${missing}" cannot be written: the directory "/proc/nope" does not exist; choose another path`);
      expect(handler.received).toHaveLength(0);
    });
  }

  test('the run\'s own files are checked first, and a refused run leaves no --start-log behind', async ({ dir, handler }) => {
    const logFile = join(dir, 'app.log');
    const error = await refusal(simulate(handler, { reportFile: missing, start: { command: 'node -e "setInterval(() => {}, 1000)"', timeoutMs: 5_000, logFile } }));
    expect(error.message).toMatch(/^--report "\/proc\/nope\/x\.xml" cannot be written/);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a path that is a directory, or under a file, is refused too', async ({ dir, handler }) => {
    await mkdir(join(dir, 'out.xml'));
    expect((await refusal(simulate(handler, { junitFile: join(dir, 'out.xml') }))).message).toContain('cannot be written: it is a directory');
    await writeFile(join(dir, 'file'), 'x');
    expect((await refusal(simulate(handler, { reportFile: join(dir, 'file', 'report.json') }))).message).toContain(`cannot be written: a part of "${join(dir, 'file')}" is not a directory`);
    expect(handler.received).toHaveLength(0);
  });

  test('writable paths pass the check and leave nothing behind but what the run writes', async ({ dir, handler }) => {
    const stepSummaryFile = join(dir, 'summary.md');
    const result = await simulate(handler, { reportFile: join(dir, 'report.json'), junitFile: join(dir, 'junit.xml'), github: { stepSummaryFile, outputFile: undefined } });
    expect(result.exitCode).toBe(0);
    expect(handler.received).toHaveLength(2);
    expect(await readFile(stepSummaryFile, 'utf8')).toContain('PASS');
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'summary.md']);
  });
});
