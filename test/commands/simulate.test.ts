/**
 * `simulate` in-process: the command's run() with a captured Output against a real loopback
 * handler: GitHub Actions reporting, the seed, the terminal summary, lateness. Signals and
 * `--start` are covered end to end in test/e2e/simulate.test.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { run, type SimulateCommandOptions } from '../../src/commands/simulate/run.js';
import { captureOutput, test } from '../helpers/context.js';
import type { TestHandler } from '../helpers/handler.js';
import { commandOptions } from '../helpers/simulate-command.js';

function simulate(handler: TestHandler, options: Partial<SimulateCommandOptions> = {}, json = false) {
  const captured = captureOutput({ json });
  const result = run(commandOptions(handler.url, { events: 5, withinMs: 2_000, command: 'npx heapstream-webhooks simulate --seed 7', output: captured.output, ...options }));
  return { result, captured };
}

/** A fake GitHub Actions environment: the files a runner would hand the step. */
async function github(dir: string): Promise<{ env: { stepSummaryFile: string; outputFile: string }; summary(): Promise<string>; outputs(): Promise<Record<string, string>> }> {
  const env = { stepSummaryFile: join(dir, 'summary.md'), outputFile: join(dir, 'output.txt') };
  // A runner's files already hold what earlier steps wrote: we append.
  await writeFile(env.stepSummaryFile, '# earlier step\n');
  await writeFile(env.outputFile, 'earlier=1\n');
  return {
    env,
    summary: () => readFile(env.stepSummaryFile, 'utf8'),
    outputs: async () => {
      // name=value lines, and name<<DELIMITER … DELIMITER blocks.
      const lines = (await readFile(env.outputFile, 'utf8')).split('\n');
      const values: Record<string, string> = {};
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] as string;
        const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
        if (heredoc) {
          const end = lines.indexOf(heredoc[2] as string, i + 1);
          values[heredoc[1] as string] = lines.slice(i + 1, end).join('\n');
          i = end;
        } else if (line.includes('=')) values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
      }
      return values;
    },
  };
}

const annotations = (stdout: string): string[] => stdout.split('\n').filter((line) => line.startsWith('::error '));

describe('simulate in GitHub Actions', () => {
  test('a failing run: a summary with the verdict, a table and the seed; one annotation per failed event; the outputs', async ({ dir, handler }) => {
    handler.setBehaviour((request) => (request.body.toString().includes('"video.ready"') ? { status: 500 } : undefined));
    const gh = await github(dir);
    const reportFile = join(dir, 'report.json');
    const { result, captured } = simulate(handler, { github: gh.env, events: 12, reportFile, maxAttempts: 2 });
    const { exitCode, report } = await result;
    expect(exitCode).toBe(1);
    const failed = report.totals.exhausted;
    expect(failed).toBeGreaterThanOrEqual(1);
    expect(failed).toBeLessThanOrEqual(10);

    const summary = await gh.summary();
    expect(summary.startsWith('# earlier step\n### ❌ HeapStream delivery simulation: FAIL\n')).toBe(true);
    expect(summary).toContain(`${failed} of 12 events never got a 2xx within 2 attempts`);
    expect(summary).toMatch(/^\| events \| 12: \d+ delivered, \d+ exhausted \|$/m);
    expect(summary).toMatch(/^\| seed \| 7 \|$/m);
    expect(summary).toMatch(/^\| latency p50 \/ p95 \/ p99 \/ max \| \d+ \/ \d+ \/ \d+ \/ \d+ ms \|$/m);
    // The worst events with their attempts, and the command that repeats the run.
    // Each attempt at HeapStream's time, then the run's; the handler's answer body last.
    expect(summary).toMatch(/^\| #\d+ video\.ready video \d+ \| exhausted: no 2xx within 2 attempts \| #1 500 at \d+(ms|[hms]\d*[hms]?) \(\d+\.\d s into the run\) → #2 500 at \d+[hm]\d*[ms]? \(\d+\.\d s into the run\) \| ok \|$/m);
    expect(summary).toContain('#### Reproduce\n\n```sh\nnpx heapstream-webhooks simulate --seed 7\n```');

    const errors = annotations(captured.stdout());
    expect(errors).toHaveLength(failed);
    expect(errors[0]).toMatch(/^::error title=HeapStream simulate%3A #\d+ video\.ready video \d+ exhausted::no 2xx within 2 attempts: #1 500 at \S+ \(\d+\.\d s into the run\) → #2 500 at \S+ \(\d+\.\d s into the run\); answer: ok$/);
    expect(captured.stdout()).toMatch(/^::group::HeapStream simulate: 12 events to http:\/\/127\.0\.0\.1:\d+\/webhooks\n[^]*^::endgroup::$/m);

    expect(await gh.outputs()).toEqual({ earlier: '1', verdict: 'fail', delivered: String(12 - failed), exhausted: String(failed), attempts: String(report.totals.attempts), report: reportFile });
  });

  test('at most 10 annotations, however many events fail', async ({ dir, handler }) => {
    handler.setBehaviour(() => ({ status: 503 }));
    const gh = await github(dir);
    const { result, captured } = simulate(handler, { github: gh.env, events: 25, maxAttempts: 1 });
    expect((await result).report.totals.exhausted).toBe(25);
    expect(annotations(captured.stdout())).toHaveLength(10);
  });

  test('a passing run: PASS and no annotations; the report output is empty without --report', async ({ dir, handler }) => {
    const gh = await github(dir);
    const { result, captured } = simulate(handler, { github: gh.env });
    expect((await result).exitCode).toBe(0);
    expect(await gh.summary()).toContain('### ✅ HeapStream delivery simulation: PASS');
    expect(annotations(captured.stdout())).toEqual([]);
    expect(await gh.outputs()).toMatchObject({ verdict: 'pass', delivered: '5', exhausted: '0', attempts: '5', report: '' });
  });

  test('with --json, workflow commands go to stderr and stdout stays NDJSON', async ({ dir, handler }) => {
    handler.setBehaviour(() => ({ status: 500 }));
    const gh = await github(dir);
    const { result, captured } = simulate(handler, { github: gh.env, events: 2, maxAttempts: 1 }, true);
    await result;
    expect(captured.records().map((r) => r['kind'])).toEqual(['event', 'event', 'summary']);
    expect(annotations(captured.stderr())).toHaveLength(2);
  });

  test('hostile event types reach the summary and annotations escaped', async ({ dir, handler }) => {
    handler.setBehaviour(() => ({ status: 500 }));
    const gh = await github(dir);
    const type = 'video.x|<img src=x onerror=alert(1)>\u001b[2J\n::warning::forged';
    const { result, captured } = simulate(handler, { github: gh.env, events: 1, type, maxAttempts: 1 });
    await result;
    const summary = await gh.summary();
    // Markdown-escaped: no raw markup, no raw control character, no cell break.
    expect(summary).not.toMatch(/(^|[^\\])</m);
    expect(summary).not.toContain('\u001b');
    expect(summary).toContain('video.x\\|\\<img src=x onerror=alert(1)\\>\\\\x1b\\[2J\\\\x0a::warning::forged');
    // One annotation line; the forged command stays inside it.
    const lines = captured.stdout().split('\n').filter((line) => line.startsWith('::'));
    expect(lines.filter((line) => line.startsWith('::warning'))).toEqual([]);
    expect(annotations(captured.stdout())[0]).toContain('\\x0a%3A%3Awarning%3A%3Aforged');
  });
});

describe('simulate summary on a terminal', () => {
  test('hostile event types are shown through printable(), in the warning and the worst events', async ({ handler }) => {
    handler.setBehaviour(() => ({ status: 500 }));
    const type = 'video.\u001b]0;pwned\u0007\u001b[2J';
    const { result, captured } = simulate(handler, { events: 2, type, maxAttempts: 1 });
    await result;
    expect(captured.stdout() + captured.stderr()).not.toContain('\u001b');
    expect(captured.stdout()).toMatch(/^worst events$/m);
    expect(captured.stdout()).toContain('#0 video.\\x1b]0;pwned\\x07\\x1b[2J');
    expect(captured.stderr()).toContain('"video.\\x1b]0;pwned\\x07\\x1b[2J" is not in the catalog');
  });

  test('the seed is always printed; a random one with how to repeat the run', async ({ handler }) => {
    const given = simulate(handler);
    await given.result;
    expect(given.captured.stdout()).toMatch(/^seed\s+7$/m);
    const random = simulate(handler, { seedGiven: false, seed: 123456 });
    expect((await random.result).report.settings.seed).toBe(123456);
    expect(random.captured.stdout()).toMatch(/seed 123456 \(random\)/);
    expect(random.captured.stdout()).toMatch(/^seed\s+123456 \(random; --seed 123456 repeats this run\)$/m);
  });

  test('retries stuck behind a full concurrency: the report counts the wait, and a warning says how far behind and what to change', async ({ handler }) => {
    // The case scaled down: every attempt fails after 10 ms, one slot, 40 events.
    // First attempts hold the slot for ~400 ms while retries fall due every few ms.
    handler.setBehaviour(() => ({ status: 500, delayMs: 10 }));
    const { result, captured } = simulate(handler, { events: 40, concurrency: 1, maxAttempts: 2 });
    const { report } = await result;
    expect(report.scheduler.latenessMs.max).toBeGreaterThan(200);
    expect(report.scheduler.behind?.attempts).toBeGreaterThan(20);
    expect(report.warnings[0]).toMatch(/^behind schedule: \d+ of 40 retries and duplicates went out later than a tenth of the gap before them, up to \d+h\d*m?\d*s? late in HeapStream time \(\d+ ms of run time, one \d+% of its 1m gap\)/);
    expect(captured.stderr()).toMatch(/warning: behind schedule: .*give more --concurrency \(now 1\) or a longer --within \(now 2s\)$/m);
  });
});
