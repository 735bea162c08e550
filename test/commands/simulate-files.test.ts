/**
 * `simulate --report --junit` in-process: the files are written while the run goes, events
 * finishing in any order (src/simulate/event-file.ts), yet they hold exactly the bytes the
 * whole-run writers (`writeReport`, `writeJunit`) produce for the same run, also when the run
 * is interrupted, and leave no temporary file behind. Signals themselves are covered end to
 * end in test/e2e/simulate.test.ts; here the command's interrupt is a signal the test aborts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, vi } from 'vitest';
import type { SimulationRun } from '../../src/simulate/simulate.js';
import { captureOutput, test } from '../helpers/context.js';
import { commandOptions } from '../helpers/simulate-command.js';
import type { TestHandler } from '../helpers/handler.js';
import { findAll, parseXml } from '../helpers/xml.js';
import { waitUntil } from '../helpers/time.js';

const hooks = vi.hoisted(() => ({
  /** What runSimulation resolved to, for the whole-run writers. */
  runs: [] as unknown[],
}));

vi.mock('../../src/simulate/simulate.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/simulate/simulate.js')>();
  return {
    ...actual,
    runSimulation: async (...args: Parameters<typeof actual.runSimulation>) => {
      const run = await actual.runSimulation(...args);
      hooks.runs.push(run);
      return run;
    },
  };
});

const { run } = await import('../../src/commands/simulate/run.js');
const { writeReport } = await import('../../src/simulate/report.js');
const { writeJunit } = await import('../../src/simulate/junit.js');

interface ReportFile {
  interrupted: { reason: string; finishedEvents: number } | null;
  totals: { events: number; unfinished: number };
  events: { index: number; delivered: boolean; exhausted: boolean; attempts: unknown[] }[];
}

function simulate(handler: TestHandler, dir: string, options: { events: number; concurrency: number; maxAttempts?: number; json?: boolean }) {
  const captured = captureOutput({ json: options.json ?? false });
  const reportFile = join(dir, 'report.json');
  const junitFile = join(dir, 'junit.xml');
  // Aborting it is a first Ctrl-C.
  const interrupt = new AbortController();
  const result = run(
    commandOptions(handler.url, {
      type: 'video.ready',
      events: options.events,
      concurrency: options.concurrency,
      maxAttempts: options.maxAttempts ?? 1,
      withinMs: 2_000,
      seed: 5,
      takeInterrupt: () => interrupt.signal,
      reportFile,
      junitFile,
      output: captured.output,
    }),
  );
  return { result, captured, reportFile, junitFile, interrupt };
}

/** What the whole-run writers produce for the run the command just made. */
async function wholeRunFiles(): Promise<{ report: string; junit: string }> {
  expect(hooks.runs).toHaveLength(1);
  const { report, result } = hooks.runs[0] as SimulationRun;
  let reportText = '';
  let junitText = '';
  await writeReport(async (chunk) => void (reportText += chunk), report, result);
  await writeJunit(async (chunk) => void (junitText += chunk), report, result);
  return { report: reportText, junit: junitText };
}

const testcaseIndexes = (junit: string): number[] => findAll(parseXml(junit), 'testcase').map((testcase) => Number(/^#(\d+) /.exec(testcase.attributes['name'] ?? '')?.[1]));

const temporariesIn = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith('.events.tmp'));

describe('report and JUnit files written while the run goes', () => {
  test('events finishing out of order still give files in index order, byte for byte what the whole-run writers give', async ({ dir, handler }) => {
    hooks.runs.length = 0;
    // The first two requests to arrive (two of events 0…3, sent at once) are answered late,
    // the rest at once (every third with a 500, so the JUnit file has failures too).
    handler.setBehaviour((_request, index) => (index < 2 ? { delayMs: 1_000 } : index % 3 === 0 ? { status: 500 } : undefined));
    const { result, captured, reportFile, junitFile } = simulate(handler, dir, { events: 12, concurrency: 4, json: true });
    const { report } = await result;
    expect(report.totals.events).toBe(12);
    expect(report.totals.exhausted).toBeGreaterThan(0);

    // The run did finish them out of order (NDJSON event lines are printed as events finish).
    const finishOrder = captured.records().filter((record) => record['kind'] === 'event').map((record) => record['index'] as number);
    expect([...finishOrder].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(finishOrder.slice(-2).every((index) => index < 4)).toBe(true);

    const reportText = await readFile(reportFile, 'utf8');
    const parsed = JSON.parse(reportText) as ReportFile;
    expect(parsed.events.map((event) => event.index)).toEqual([...Array(12).keys()]);
    const junitText = await readFile(junitFile, 'utf8');
    expect(testcaseIndexes(junitText)).toEqual([...Array(12).keys()]);
    expect(findAll(parseXml(junitText), 'failure')).toHaveLength(report.totals.exhausted);

    const whole = await wholeRunFiles();
    expect(reportText).toBe(whole.report);
    expect(junitText).toBe(whole.junit);
    expect(await temporariesIn(dir)).toEqual([]);
  });

  test('an interrupted run: both files parse, list every event in index order, mark the unfinished ones, and match the whole-run writers', async ({ dir, handler }) => {
    hooks.runs.length = 0;
    // The second request to arrive (event 0 or 1) hangs until the run is stopped; the other
    // slot carries on past it up to the seventh request, which hangs too: events after an
    // unfinished one finished, and the last ones were never sent.
    handler.setBehaviour((_request, index) => (index === 1 || index >= 6 ? { delayMs: 30_000 } : undefined));
    const { result, reportFile, junitFile, interrupt } = simulate(handler, dir, { events: 10, concurrency: 2 });
    await waitUntil(() => handler.received.length >= 7, 'seven requests');
    // The temporary files exist while the run goes…
    expect(await temporariesIn(dir)).toHaveLength(2);
    interrupt.abort('SIGINT');
    const { exitCode, report } = await result;
    expect(exitCode).toBe(130);
    expect(report.interrupted).toMatchObject({ reason: 'interrupted by SIGINT', finishedEvents: 5 });

    const reportText = await readFile(reportFile, 'utf8');
    const parsed = JSON.parse(reportText) as ReportFile;
    expect(parsed.events.map((event) => event.index)).toEqual([...Array(10).keys()]);
    expect(parsed.interrupted).toMatchObject({ reason: 'interrupted by SIGINT', finishedEvents: 5 });
    // 0 or 1 and 2…5 were delivered; the other of 0 and 1 and 6 were in flight, 7…9 never sent.
    const delivered = parsed.events.filter((event) => event.delivered).map((event) => event.index);
    const unfinished = parsed.events.filter((event) => !event.delivered && !event.exhausted).map((event) => event.index);
    expect(delivered).toHaveLength(5);
    expect(delivered.slice(1)).toEqual([2, 3, 4, 5]);
    expect(unfinished).toEqual([1 - (delivered[0] as number), 6, 7, 8, 9]);
    expect(parsed.totals.unfinished).toBe(5);

    const junitText = await readFile(junitFile, 'utf8');
    const testcases = findAll(parseXml(junitText), 'testcase');
    expect(testcaseIndexes(junitText)).toEqual([...Array(10).keys()]);
    const skipped = testcases.filter((testcase) => findAll(testcase, 'skipped').length > 0);
    expect(skipped.map((testcase) => Number(/^#(\d+) /.exec(testcase.attributes['name'] ?? '')?.[1]))).toEqual(unfinished);
    // Unfinished events are written after the run, so they can say why it stopped.
    for (const testcase of skipped) expect(findAll(testcase, 'skipped')[0]?.attributes['message']).toBe('not finished: interrupted by SIGINT');

    const whole = await wholeRunFiles();
    expect(reportText).toBe(whole.report);
    expect(junitText).toBe(whole.junit);
    // …and not after it.
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json']);
  });

  test('--check without --report: the temporary events file next to the temporary report is removed too', async ({ handler }) => {
    hooks.runs.length = 0;
    const near = (): Promise<string[]> => readdir(tmpdir()).then((names) => names.filter((name) => name.startsWith(`.heapstream-simulate-report.json.${process.pid}.`)));
    const before = await near();
    const captured = captureOutput();
    const { exitCode, report } = await run(commandOptions(handler.url, { events: 3, withinMs: 2_000, seed: 5, check: 'exit 0', output: captured.output }));
    expect(exitCode).toBe(0);
    expect(report.check).toEqual({ command: 'exit 0', exitCode: 0 });
    expect(await near()).toEqual(before);
  });
});
