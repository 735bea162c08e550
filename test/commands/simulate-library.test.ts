/**
 * `simulate()` as a library caller uses it: in-process targets on virtual time, the same
 * report `--report` writes, options checked and named, aborts, progress callbacks.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import express from 'express';
import { run as runCommand } from '../../src/commands/simulate/run.js';
import { HswError } from '../../src/errors.js';
import { flagWording } from '../../src/cli.js';
import { writeReport, fullReport, type SimulateReport } from '../../src/simulate/report.js';
import { prepareSimulation, runSimulation, simulate } from '../../src/simulate/simulate.js';
import type { SimulatedAttempt, SimulateOptions } from '../../src/simulate/simulate-options.js';
import { loadFixtures } from '../../src/store/read.js';
import { captureOutput, test } from '../helpers/context.js';
import { commandOptions } from '../helpers/simulate-command.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { findAll, parseXml } from '../helpers/xml.js';

const MINUTE = 60_000;
const failing = { fetch: () => new Response('nope', { status: 503 }) };

describe('simulate() against in-process handlers', () => {
  it('adds the headers option to every delivery, and refuses one that would break the request', async () => {
    const seen = new Set<string | null>();
    const target = {
      fetch(request: Request) {
        seen.add(request.headers.get('authorization'));
        return new Response('ok');
      },
    };
    const report = await simulate({ target, events: 3, seed: 1, headers: { Authorization: 'Bearer test' } });
    expect(report.verdict.ok).toBe(true);
    expect([...seen]).toEqual(['Bearer test']);
    await expect(simulate({ target, events: 1, headers: { Connection: 'close' } })).rejects.toMatchObject({ code: 'HSW_BAD_HEADER' });
  });

  it('runs the whole 10-attempt, 24-hour schedule against an always-failing fetch handler in well under a second', async () => {
    const started = performance.now();
    const report = await simulate({ target: failing, events: 20, seed: 1 });
    // Against the time it stands for: a thousand times faster than HeapStream's 24 hours at the very least.
    expect(performance.now() - started).toBeLessThan(report.durationMs / 1_000);
    expect(report.settings).toMatchObject({ clock: 'virtual', timeScale: 1, maxAttempts: 10 });
    expect(report.totals).toMatchObject({ events: 20, delivered: 0, exhausted: 20, attempts: 200, retries: 180, non2xx: { '503': 200 } });
    expect(report.verdict.ok).toBe(false);
    expect(report.verdict.reasons[0]).toMatch(/20 of 20 events never got a 2xx within 10 attempts/);
    // HeapStream time, as the report always shows it.
    expect(report.durationMs).toBe(1_431 * MINUTE);
    expect(report.events[0]?.attempts.map((a) => a.at / MINUTE)).toEqual([0, 1, 6, 21, 51, 111, 231, 471, 951, 1431]);
    expect(report.target).toBe('in-process fetch handler /');
  });

  it('runs an Express app through its routes and middleware, with retries until it recovers', async () => {
    const app = express();
    app.use(express.json());
    const seen = new Map<string, number>();
    app.post('/webhooks', (req, res) => {
      const key = `${req.body.event_type} ${req.body.video.id}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      // Every event fails twice, then goes through.
      res.sendStatus((seen.get(key) ?? 0) <= 2 ? 500 : 200);
    });
    const started = performance.now();
    const report = await simulate({ target: app, path: '/webhooks', events: 20, seed: 3 });
    // The two retries stand for 6 minutes of HeapStream time; far less of it passed.
    expect(performance.now() - started).toBeLessThan(report.durationMs / 10);
    expect(report.verdict).toEqual({ ok: true, reasons: [] });
    expect(report.totals).toMatchObject({ delivered: 20, attempts: 60, retries: 40, non2xx: { '500': 40 } });
    expect(report.target).toBe('in-process Node listener /webhooks');
    for (const e of report.events) expect(e.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it('a handler that hangs still times out, in real time, per attempt', async () => {
    const started = performance.now();
    const report = await simulate({ target: { fetch: () => new Promise<Response>(() => undefined) }, events: 2, maxAttempts: 3, timeout: 60, seed: 1 });
    // Two events in parallel, three attempts each: about 3 × 60 ms.
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(report.totals).toMatchObject({ attempts: 6, timeouts: 6, exhausted: 2 });
    expect(report.settings.timeoutMs).toBe(60);
  });

  it("tells a handler that keeps only a listener on request.signal that its attempt timed out, whatever the garbage collector does meanwhile", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let told = 0;
    const target = {
      fetch: (request: Request) => {
        // Nothing but the listener is kept: the Request itself may be collected.
        request.signal.addEventListener('abort', () => told++);
        setImmediate(() => (gc(), gc()));
        return new Promise<Response>(() => undefined);
      },
    };
    const report = await simulate({ target, events: 3, maxAttempts: 1, timeout: 200, seed: 1 });
    expect(report.totals).toMatchObject({ attempts: 3, timeouts: 3 });
    expect(told).toBe(3);
  });

  it('clock: "real" runs an in-process handler on the wall clock, compressed by within', async () => {
    const started = performance.now();
    const report = await simulate({ target: failing, events: 1, schedule: [1_000, 1_000], within: '150ms', clock: 'real', seed: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(report.settings).toMatchObject({ clock: 'real', schedule: ['1s', '1s'] });
    expect(report.totals.attempts).toBe(3);
  });

  it('duplicates: every acknowledged event arrives again, byte for byte', async () => {
    const bodies: string[] = [];
    const report = await simulate({
      target: {
        async fetch(request: Request) {
          bodies.push(await request.text());
          return new Response(null, { status: 204 });
        },
      },
      events: 10,
      duplicates: 2,
      seed: 5,
    });
    expect(report.totals).toMatchObject({ delivered: 10, duplicatesSent: 20, attempts: 30 });
    const counts = new Map<string, number>();
    for (const body of bodies) counts.set(body, (counts.get(body) ?? 0) + 1);
    expect([...counts.values()]).toEqual(Array(10).fill(3));
  });

  it('outage: nothing reaches the handler for the first hour, then the backlog lands', async () => {
    const arrivals: number[] = [];
    const report = await simulate({
      target: {
        fetch: () => {
          arrivals.push(1);
          return new Response('ok');
        },
      },
      events: 20,
      scenario: 'outage',
      seed: 2,
    });
    expect(report.verdict.ok).toBe(true);
    expect(report.settings.outage).toBe('1h');
    expect(report.totals.outageFailures).toBe(100);
    expect(arrivals).toHaveLength(20);
    expect(report.recovery).toMatchObject({ at: 60 * MINUTE, firstAttemptAt: 111 * MINUTE, attemptsWithinBurst: 20 });
  });

  test('sends recorded fixtures with their bytes and headers', async ({ dir }) => {
    await writeFixtures(dir, [
      { at: '2026-11-20T01:00:00Z', body: event('video.created', 1), headers: { 'x-heapstream-signature': 'sig-1' } },
      { at: '2026-11-20T02:00:00Z', body: event('video.ready', 1) },
    ]);
    const received: { body: string; signature: string | null }[] = [];
    const report = await simulate({
      target: {
        async fetch(request: Request) {
          received.push({ body: await request.text(), signature: request.headers.get('x-heapstream-signature') });
          return new Response('ok');
        },
      },
      fixtures: dir,
      seed: 1,
    });
    expect(report.totals.events).toBe(2);
    expect(received).toEqual([
      { body: event('video.created', 1), signature: 'sig-1' },
      { body: event('video.ready', 1), signature: null },
    ]);
    expect(report.events.map((e) => e.source)).toEqual([expect.stringContaining(dir), expect.stringContaining(dir)]);
  });

  test('takes what loadFixtures() returns, as the README says', async ({ dir }) => {
    await writeFixtures(dir, [{ at: '2026-11-20T01:00:00Z', body: event('video.created', 1) }]);
    const report = await simulate({ target: { fetch: () => new Response('ok') }, fixtures: await loadFixtures([dir]), seed: 1 });
    expect(report.totals).toMatchObject({ events: 1, delivered: 1 });
  });

  it('onAttempt reports each attempt as the report lists it, and onEvent each finished event', async () => {
    const attempts: SimulatedAttempt[] = [];
    const finished: number[] = [];
    const report = await simulate({ target: failing, events: 3, maxAttempts: 2, seed: 1, onAttempt: (a) => attempts.push(a), onEvent: (e) => finished.push(e.index) });
    expect(attempts).toHaveLength(6);
    for (const { index, type, videoId, ...attempt } of attempts) {
      expect(report.events[index]).toMatchObject({ type, videoId });
      expect(report.events[index]?.attempts).toContainEqual(attempt);
    }
    expect([...finished].sort()).toEqual([0, 1, 2]);
  });
});

describe('the report is the one --report writes', () => {
  it('simulate() resolves to exactly what the streamed report file holds', async () => {
    const { report, result } = await runSimulation(await prepareSimulation({ target: failing, events: 30, duplicates: 1, maxAttempts: 3, seed: 9 }));
    let text = '';
    await writeReport(async (chunk) => void (text += chunk), report, result);
    expect(JSON.parse(text)).toEqual(fullReport(report, result));
  });

  test('and the CLI writes that report through the same run', async ({ dir, handler }) => {
    handler.setBehaviour((_request, index) => (index % 2 === 0 ? { status: 500 } : undefined));
    const reportFile = join(dir, 'report.json');
    const captured = captureOutput();
    const { exitCode, report } = await runCommand(commandOptions(handler.url, { events: 4, withinMs: 2_000, seed: 4, reportFile, output: captured.output }));
    expect(exitCode).toBe(0);
    const file = JSON.parse(await readFile(reportFile, 'utf8')) as SimulateReport;
    const { events, ...summary } = file;
    expect(summary).toEqual(JSON.parse(JSON.stringify(report)));
    expect(file.settings).toMatchObject({ clock: 'real', timeScale: expect.closeTo((1_431 * MINUTE) / 2_000, 0) });
    expect(events).toHaveLength(4);
    expect(captured.stdout()).toMatch(/Simulating HeapStream delivery of 4 events to http:\/\/127\.0\.0\.1:\d+\/webhooks/);
  });
});

describe('the files: reportFile, junitFile and htmlFile, as --report, --junit and --html write them', () => {
  test('simulate() writes all three: the report it resolves to, a testcase per event, the picture; no temporary file is left', async ({ dir }) => {
    const [reportFile, junitFile, htmlFile] = ['report.json', 'junit.xml', 'storm.html'].map((name) => join(dir, name)) as [string, string, string];
    const report = await simulate({ target: failing, events: 5, maxAttempts: 2, seed: 3, reportFile, junitFile, htmlFile });
    expect(JSON.parse(await readFile(reportFile, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    const testcases = findAll(parseXml(await readFile(junitFile, 'utf8')), 'testcase');
    expect(testcases.map((testcase) => testcase.attributes['name'])).toEqual(report.events.map((outcome) => `#${outcome.index} ${outcome.type} video ${outcome.videoId}`));
    expect(testcases.every((testcase) => findAll(testcase, 'failure').length === 1)).toBe(true);
    const html = await readFile(htmlFile, 'utf8');
    expect(html).toMatch(/<title>FAIL · simulate · in-process/);
    expect(html).toContain('"exhausted":5');
    expect((await readdir(dir)).sort()).toEqual(['junit.xml', 'report.json', 'storm.html']);
  });

  test('a stopped run still writes its files with what ran, then simulate() rejects', async ({ dir }) => {
    const reportFile = join(dir, 'report.json');
    const controller = new AbortController();
    let finished = 0;
    const running = simulate({
      target: failing,
      events: 6,
      maxAttempts: 1,
      concurrency: 1,
      seed: 3,
      reportFile,
      signal: controller.signal,
      onEvent: () => {
        if (++finished === 2) controller.abort(new Error('enough'));
      },
    });
    await expect(running).rejects.toThrow('enough');
    const file = JSON.parse(await readFile(reportFile, 'utf8')) as SimulateReport;
    expect(file.interrupted).toMatchObject({ finishedEvents: 2 });
    expect(file.events).toHaveLength(6);
    expect(file.events.filter((outcome) => outcome.exhausted)).toHaveLength(2);
    expect(await readdir(dir)).toEqual(['report.json']);
  });

  test('a file that cannot be written is refused before anything is sent, by its option name', async ({ dir }) => {
    let calls = 0;
    const target = { fetch: () => (calls++, new Response('ok')) };
    await mkdir(join(dir, 'taken.xml'));
    const refusals: [Partial<SimulateOptions>, RegExp][] = [
      [{ reportFile: join(dir, 'missing', 'report.json') }, /^reportFile ".*missing\/report\.json" cannot be written: the directory ".*missing" does not exist; choose another path$/],
      [{ junitFile: join(dir, 'taken.xml') }, /^junitFile ".*taken\.xml" cannot be written: it is a directory; choose another path$/],
      [{ htmlFile: 42 as never }, /^htmlFile 42 is not a file path/],
    ];
    for (const [options, message] of refusals) {
      const error = (await simulate({ target, events: 2, ...options }).catch((e: unknown) => e)) as HswError;
      expect(error).toBeInstanceOf(HswError);
      expect(error.message).toMatch(message);
    }
    expect(calls).toBe(0);
  });
});

describe('options', () => {
  const bad: [Partial<SimulateOptions> & Record<string, unknown>, string, RegExp][] = [
    [{ duplicatRate: 0.5 }, 'duplicatRate', /^duplicatRate is not a simulate\(\) option/],
    [{ events: 0 }, 'events', /^events 0 is not a whole number from 1 to 10000000$/],
    [{ duplicateRate: 2 }, 'duplicateRate', /^duplicateRate 2 is not a number from 0 to 1/],
    [{ within: 'soon' }, 'within', /^within "soon" is not a duration; give milliseconds or a string such as "30s"/],
    [{ schedule: '1m,5x' }, 'schedule', /^schedule "1m,5x" is not a list of durations; e\.g\. "1m,5m,15m"/],
    [{ schedule: [] }, 'schedule', /^schedule \[\] is not a list of delays/],
    [{ scenario: 'storm' as never }, 'scenario', /^scenario "storm" is not a scenario; use one of outage, flaky, duplicates, slow, concurrent-duplicates$/],
    [{ within: '1s', timeScale: 10 }, 'within', /both set the compression/],
    [{ clock: 'fast' as never }, 'clock', /^clock "fast" is neither "virtual" nor "real"$/],
  ];
  it.each(bad)('%j is refused with the option named (no flags in sight)', async (options, option, message) => {
    const error = await simulate({ target: failing, ...options } as SimulateOptions).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HswError);
    expect(error).toMatchObject({ code: 'HSW_BAD_VALUE', option });
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/--/);
  });

  it('the CLI words the same errors as its flags', async () => {
    const error = (await simulate({ target: failing, schedule: '1m,5x' }).catch((e: unknown) => e)) as HswError;
    expect(flagWording(error)).toBe('--schedule "1m,5x" is not a list of durations; e.g. "1m,5m,15m" (units ms, s, m, h, d; a bare number is milliseconds)');
    const camel = (await simulate({ target: failing, duplicateRate: -1 }).catch((e: unknown) => e)) as HswError;
    expect(flagWording(camel)).toMatch(/^--duplicate-rate -1 is not a number from 0 to 1/);
  });

  it('settings that would make the run meaningless are refused in the options\' names', async () => {
    const refused = async (options: Partial<SimulateOptions>): Promise<HswError> => (await simulate({ target: failing, ...options }).catch((e: unknown) => e)) as HswError;
    expect(await refused({ timeout: 0 })).toMatchObject({ code: 'HSW_BAD_OPTIONS', message: expect.stringMatching(/^timeout 0 ms fails every attempt/) });
    expect((await refused({ scenario: 'outage', outage: 0 })).message).toMatch(/^scenario outage with outage 0 has no outage; give a positive outage/);
    // On the wall clock, a compression under which timers would collapse.
    const tooShort = await refused({ clock: 'real', within: '100ms' });
    expect(tooShort).toMatchObject({ code: 'HSW_BAD_OPTIONS' });
    expect(tooShort.message).toMatch(/^within 100ms is too short to carry the retry schedule's shortest delay .*; give within 1\.5s or more$/);
    expect(tooShort.message).not.toMatch(/--/);
  });

  it('on virtual time the same compression runs: its timers jump to the due time and cannot collapse', async () => {
    const report = await simulate({ target: failing, events: 2, within: '100ms', maxAttempts: 3, seed: 1 });
    expect(report.totals).toMatchObject({ attempts: 6, exhausted: 2 });
    const scale = (1_431 * MINUTE) / 100;
    expect(report.events[0]?.attempts.map((a) => Math.round((a.at * scale) / MINUTE))).toEqual([0, 1, 6]);
  });

  it('explicit duplicates replace the duplicates scenario\'s rate instead of clashing with it', async () => {
    const report = await simulate({ target: { fetch: () => new Response('ok') }, events: 2, scenario: 'duplicates', duplicates: 2, seed: 1 });
    expect(report.settings).toMatchObject({ duplicateRate: 0, duplicates: 2, reorder: true });
    expect(report.totals.duplicatesSent).toBe(4);
  });

  it('a scenario presets what was not given; what was given wins', async () => {
    const preset = await simulate({ target: failing, events: 1, maxAttempts: 1, scenario: 'duplicates', seed: 1 });
    expect(preset.settings).toMatchObject({ duplicateRate: 1, reorder: true });
    const given = await simulate({ target: failing, events: 1, maxAttempts: 1, scenario: 'duplicates', duplicateRate: 0.25, reorder: false, seed: 1 });
    expect(given.settings).toMatchObject({ duplicateRate: 0.25, reorder: false });
  });
});

describe('abort', () => {
  it('a signal stops the run at once: deliveries in flight end and simulate() rejects with its reason', async () => {
    const controller = new AbortController();
    let requestAborted = false;
    const running = simulate({
      target: {
        fetch: (request: Request) => {
          request.signal.addEventListener('abort', () => (requestAborted = true));
          setTimeout(() => controller.abort(new Error('test over')), 20);
          return new Promise<Response>(() => undefined);
        },
      },
      events: 5,
      // At once: the attempt's own deadline is far longer than the test may run.
      timeout: '10m',
      signal: controller.signal,
    });
    await expect(running).rejects.toThrow('test over');
    expect(requestAborted).toBe(true);
  });

  it('an aborted signal rejects before anything is sent', async () => {
    let calls = 0;
    const target = {
      fetch: () => {
        calls++;
        return new Response('ok');
      },
    };
    await expect(simulate({ target, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(0);
  });
});
