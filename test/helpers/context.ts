/**
 * Shared set-up for in-process tests, as vitest fixtures: a temp directory and a real
 * loopback handler, each cleaned up after the test whatever it asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test as base } from 'vitest';
import { createOutput, type Output } from '../../src/ui/output.js';
import { TestHandler } from './handler.js';

export interface CapturedOutput {
  output: Output;
  stdout(): string;
  stderr(): string;
  /** NDJSON records written so far (json mode). */
  records(): Record<string, unknown>[];
}

/** An `Output` writing to memory, as the CLI's would write to a pipe. */
export function captureOutput(options: { json?: boolean } = {}): CapturedOutput {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    output: createOutput({ json: options.json ?? false, stdout: out, stderr: err }),
    stdout: () => stdout,
    stderr: () => stderr,
    records: () =>
      stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export const test = base.extend<{ dir: string; handler: TestHandler }>({
  // eslint-disable-next-line no-empty-pattern
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'hsw-test-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  // eslint-disable-next-line no-empty-pattern
  handler: async ({}, use) => {
    const handler = await new TestHandler().start();
    await use(handler);
    await handler.stop();
  },
});
