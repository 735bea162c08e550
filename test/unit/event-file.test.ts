/**
 * The per-event part of report files, written while the run goes (src/simulate/event-file.ts):
 * events finish in any order, the file lists them by index. The command's use of it (real
 * runs, interrupted runs) is in test/commands/simulate-files.test.ts.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { IncrementalEventFile, writeEventFile } from '../../src/simulate/event-file.js';
import type { EngineResult } from '../../src/simulate/engine.js';
import type { EventOutcome } from '../../src/simulate/types.js';
import { test } from '../helpers/context.js';
import { waitUntil } from '../helpers/time.js';

const outcome = (index: number): EventOutcome => ({ index }) as EventOutcome;

/** A format that logs what it was asked to write, in the order asked. */
function logged(tag = ''): { calls: [number, number][]; format: (event: EventOutcome, position: number) => string } {
  const calls: [number, number][] = [];
  return { calls, format: (event, position) => (calls.push([event.index, position]), `${tag}${event.index}@${position};`) };
}

async function assembled(file: IncrementalEventFile): Promise<string> {
  let text = '';
  await file.assemble(async (chunk) => void (text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')), '<head>', '<tail>');
  return text;
}

const temporaries = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith('.events.tmp'));

describe('IncrementalEventFile', () => {
  test('writes an event only once every event before it finished, then the run of finished ones after it', async ({ dir }) => {
    const { calls, format } = logged();
    const file = await IncrementalEventFile.create(join(dir, 'report.json'), 6, format);
    try {
      file.finished(3, outcome);
      file.finished(1, outcome);
      file.finished(5, outcome);
      expect(calls).toEqual([]);
      file.finished(0, outcome);
      expect(calls).toEqual([
        [0, 0],
        [1, 1],
      ]);
      file.finished(2, outcome);
      expect(calls.slice(2)).toEqual([
        [2, 2],
        [3, 3],
      ]);
      file.finished(4, outcome);
      expect(calls.slice(4)).toEqual([
        [4, 4],
        [5, 5],
      ]);
      await file.complete(outcome);
      expect(calls).toHaveLength(6);
      expect(await assembled(file)).toBe('<head>0@0;1@1;2@2;3@3;4@4;5@5;<tail>');
      // Assembling again (--check writes the report twice) reads the same events again.
      expect(await assembled(file)).toBe('<head>0@0;1@1;2@2;3@3;4@4;5@5;<tail>');
    } finally {
      await file.discard();
    }
  });

  test('a stopped run: the rest is written after it with the final format, still in index order', async ({ dir }) => {
    const during = logged();
    const after = logged('late ');
    const file = await IncrementalEventFile.create(join(dir, 'junit.xml'), 5, during.format);
    try {
      file.finished(0, outcome);
      // 2 finished, but 1 never did: 2 waits, and is written after the run like 1, 3 and 4.
      file.finished(2, outcome);
      await file.complete(outcome, after.format);
      expect(during.calls).toEqual([[0, 0]]);
      expect(after.calls.map(([index]) => index)).toEqual([1, 2, 3, 4]);
      expect(await assembled(file)).toBe('<head>0@0;late 1@1;late 2@2;late 3@3;late 4@4;<tail>');
    } finally {
      await file.discard();
    }
  });

  test('long runs reach the disk while they go, not only at the end', async ({ dir }) => {
    const line = 'x'.repeat(999);
    const file = await IncrementalEventFile.create(join(dir, 'report.json'), 600, () => `${line}\n`);
    try {
      const [temporary] = await temporaries(dir);
      expect(temporary).toMatch(/^\.report\.json\.\d+\.[0-9a-f]{8}\.events\.tmp$/);
      for (let i = 599; i >= 0; i--) file.finished(i, outcome);
      // 600 kB finished before complete(): at least one 256 kB chunk is written already.
      await waitUntil(async () => (await stat(join(dir, temporary as string))).size > 0, 'the first chunk to reach the temp file');
      await file.complete(outcome);
      const text = await assembled(file);
      expect(text).toBe(`<head>${`${line}\n`.repeat(600)}<tail>`);
    } finally {
      await file.discard();
    }
  });

  test('discard removes the temporary file, finished or not', async ({ dir }) => {
    const done = await IncrementalEventFile.create(join(dir, 'a.json'), 2, logged().format);
    const stopped = await IncrementalEventFile.create(join(dir, 'b.json'), 2, logged().format);
    expect(await temporaries(dir)).toHaveLength(2);
    done.finished(1, outcome);
    done.finished(0, outcome);
    await done.complete(outcome);
    await done.discard();
    stopped.finished(1, outcome);
    await stopped.discard();
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('writeEventFile (a whole file, after the run)', () => {
  test('writes each chunk before it formats the next: a million events never wait in memory as strings', async () => {
    const count = 3_000;
    const line = 'y'.repeat(499);
    const result = { order: Uint32Array.from({ length: count }, (_, i) => i), outcome } as unknown as EngineResult;
    // Characters formatted but not yet written, at the most: about one 256 kB chunk, not the 1.5 MB file.
    let formatted = 0;
    let written = 0;
    let mostAhead = 0;
    let text = '';
    const after = () => (event: EventOutcome) => {
      formatted += line.length + 1;
      mostAhead = Math.max(mostAhead, formatted - written);
      return `${line}${event.index % 10}`;
    };
    const format = { head: () => '<head>', during: after, after, tail: () => '<tail>' };
    await writeEventFile(
      async (chunk) => {
        // The disk takes its time: a turn of the event loop per chunk.
        await new Promise((resolve) => setImmediate(resolve));
        text += chunk;
        if (chunk !== '<head>' && chunk !== '<tail>') written += chunk.length;
      },
      format,
      null,
      result,
    );
    expect(text).toBe(`<head>${Array.from({ length: count }, (_, i) => `${line}${i % 10}`).join('')}<tail>`);
    expect(mostAhead).toBeLessThan(2 * 256 * 1024);
  });
});
