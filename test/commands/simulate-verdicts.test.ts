/**
 * Verdicts that name the real cause: a refused duplicate is not an undelivered event; the
 * handler's answer body goes wherever a failure is reported; attempts carry HeapStream's
 * time beside the run's; an answer that is not HTTP is a bad answer, not "unreachable".
 */
import { createServer, type Server } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { run, type SimulateCommandOptions } from '../../src/commands/simulate/run.js';
import { send } from '../../src/delivery/send.js';
import { simulate } from '../../src/simulate/simulate.js';
import { STORM_DATA_ID, type StormData } from '../../src/simulate/storm-types.js';
import { captureOutput, test } from '../helpers/context.js';
import type { TestHandler } from '../helpers/handler.js';
import { commandOptions } from '../helpers/simulate-command.js';
import { findAll, parseXml } from '../helpers/xml.js';

function simulateCli(handler: TestHandler, options: Partial<SimulateCommandOptions> = {}) {
  const captured = captureOutput();
  const result = run(commandOptions(handler.url, { events: 4, withinMs: 2_000, command: 'npx heapstream-webhooks simulate --seed 7', output: captured.output, ...options }));
  return { result, captured };
}

/** A handler that processes each event once: 200 the first time, 409 to any copy of it. */
function idempotentButRefusing(handler: TestHandler): void {
  const seen = new Set<string>();
  handler.setBehaviour((request) => {
    const key = request.body.toString();
    if (seen.has(key)) return { status: 409, body: 'already processed' };
    seen.add(key);
    return { status: 200 };
  });
}

function stormData(html: string): StormData {
  const match = new RegExp(`<script type="application/json" id="${STORM_DATA_ID}">(.*?)</script>`, 's').exec(html);
  return JSON.parse((match?.[1] ?? 'null').replace(/\\u003c/g, '<')) as StormData;
}

describe('refused duplicates', () => {
  test('the verdict says the first delivery got a 2xx and the copy was refused, in the terminal, JUnit, the GitHub summary and the HTML report', async ({ dir, handler }) => {
    idempotentButRefusing(handler);
    const files = { junitFile: join(dir, 'junit.xml'), htmlFile: join(dir, 'report.html') };
    const stepSummaryFile = join(dir, 'summary.md');
    await writeFile(stepSummaryFile, '');
    const { result, captured } = simulateCli(handler, { scenario: 'duplicates', maxAttempts: 3, ...files, github: { stepSummaryFile, outputFile: undefined } });
    const { exitCode, report } = await result;
    expect(exitCode).toBe(1);
    expect(report.totals).toMatchObject({ events: 4, exhausted: 4, duplicatesRefused: 4 });
    // Not "never got a 2xx": every event got one on its first delivery.
    expect(report.verdict.reasons.join('\n')).not.toMatch(/never got a 2xx/);
    const [reason] = report.verdict.reasons;
    expect(reason).toBe(
      '4 of 4 events got a 2xx on their first delivery, but a duplicate copy was refused (409×12), and HeapStream would retry such a copy for 6m: a handler must answer 2xx to a copy of an event it has already processed',
    );

    const stdout = captured.stdout();
    expect(stdout).toContain(`FAIL: ${reason}`);
    expect(stdout).toMatch(/duplicate refused: its first delivery got a 2xx, but its duplicate copy was refused \(409\) on all 3 attempts, which HeapStream would make over 6m; a handler must answer 2xx to a copy of an event it has already processed/);
    expect(stdout).toContain('answer: already processed');

    const failures = findAll(parseXml(await readFile(files.junitFile, 'utf8')), 'failure');
    expect(failures).toHaveLength(4);
    for (const failure of failures) {
      expect(failure.attributes['type']).toBe('duplicate-refused');
      expect(failure.attributes['message']).toMatch(/^its first delivery got a 2xx, but its duplicate copy was refused \(409\) on all 3 attempts.*a handler must answer 2xx to a copy of an event it has already processed; answer: already processed$/);
    }

    const summary = await readFile(stepSummaryFile, 'utf8');
    expect(summary).toContain(reason);
    expect(summary).toMatch(/\| duplicate refused: its first delivery got a 2xx, but its duplicate copy was refused \(409\) on all 3 attempts[^|]*\| [^|]+ \| already processed \|/);

    const data = stormData(await readFile(files.htmlFile, 'utf8'));
    expect(data.summary.verdict.reasons).toEqual(report.verdict.reasons);
    expect(data.events.filter((event) => event.duplicateRefused && event.answer === 'already processed')).toHaveLength(4);
  });

  it('an event whose original never got a 2xx is still "never got a 2xx"', async () => {
    const report = await simulate({ target: { fetch: () => new Response('down', { status: 503 }) }, events: 2, maxAttempts: 2, seed: 1 });
    expect(report.totals).toMatchObject({ exhausted: 2, duplicatesRefused: 0 });
    expect(report.verdict.reasons).toEqual(['2 of 2 events never got a 2xx within 2 attempts']);
    expect(report.events.every((event) => !event.duplicateRefused)).toBe(true);
  });
});

describe("the handler's answer body in failure reports", () => {
  it('is kept for non-2xx answers of every kind of target: bounded to 200 characters and printable', async () => {
    const hostile = `\u001b[2Jboom ${'x'.repeat(500)}`;
    const fetchTarget = { fetch: () => new Response(hostile, { status: 500 }) };
    const listener = (_req: unknown, res: { statusCode: number; end(body: string): void }): void => {
      res.statusCode = 500;
      res.end(hostile);
    };
    for (const target of [fetchTarget, listener]) {
      const report = await simulate({ target, events: 1, maxAttempts: 1, seed: 1 });
      const answer = report.events[0]?.attempts[0]?.answer;
      expect(answer).toBe(`\\x1b[2Jboom ${'x'.repeat(200 - 9)}…`);
    }
    // A 2xx answer is not kept.
    const ok = await simulate({ target: { fetch: () => new Response('fine') }, events: 1, seed: 1 });
    expect(ok.events[0]?.attempts[0]?.answer).toBeUndefined();
  });

  test('is quoted in the terminal failure lines, JUnit and the step summary', async ({ dir, handler }) => {
    handler.setBehaviour(() => ({ status: 422, body: 'missing field video.asset' }));
    const junitFile = join(dir, 'junit.xml');
    const { result, captured } = simulateCli(handler, { events: 1, maxAttempts: 2, junitFile });
    const { report } = await result;
    expect(report.worstEvents[0]?.attempts.map((a) => a.answer)).toEqual(['missing field video.asset', 'missing field video.asset']);
    expect(captured.stdout()).toContain('    answer: missing field video.asset');
    const failure = findAll(parseXml(await readFile(junitFile, 'utf8')), 'failure')[0];
    expect(failure?.attributes['message']).toBe('no 2xx within 2 attempts; answer: missing field video.asset');
  });
});

describe("HeapStream's time beside the run's", () => {
  test('attempts read "#2 500 at 1h… (0.1 s into the run)" in the terminal, JUnit and the step summary', async ({ dir, handler }) => {
    handler.setBehaviour(() => ({ status: 500 }));
    const junitFile = join(dir, 'junit.xml');
    const stepSummaryFile = join(dir, 'summary.md');
    await writeFile(stepSummaryFile, '');
    // 1h of HeapStream time lasts 100 ms of the run.
    const { result, captured } = simulateCli(handler, { events: 1, scheduleMs: [3_600_000], timeScale: 36_000, withinMs: undefined, junitFile, github: { stepSummaryFile, outputFile: undefined } });
    await result;
    const second = /#2 500 at 1h(\d+[ms])? \(0\.[1-9] s into the run\)/;
    expect(captured.stdout()).toMatch(new RegExp(`#1 500 at \\d+(ms|s|m\\d*s?) \\(0\\.\\d s into the run\\) → ${second.source}`));
    expect(await readFile(junitFile, 'utf8')).toMatch(second);
    expect(await readFile(stepSummaryFile, 'utf8')).toMatch(second);
  });
});

describe('an answer that is not HTTP', () => {
  async function rawServer(answer: string): Promise<Server> {
    const server = createServer((socket) => {
      socket.once('data', () => {
        socket.end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  for (const [what, answer] of [
    ['only 100 Continue, then a close', 'HTTP/1.1 100 Continue\r\n\r\n'],
    ['a truncated status line', 'HTTP/1.1 20'],
    ['bytes that are not HTTP', 'hello\r\n\r\n'],
  ] as const) {
    it(`${what} is a bad answer, not unreachable`, async () => {
      const server = await rawServer(answer);
      try {
        const { port } = server.address() as { port: number };
        const report = await simulate({ target: `http://127.0.0.1:${port}/`, events: 1, maxAttempts: 1, seed: 1 });
        expect(report.events[0]?.attempts[0]?.error).toBe('bad-answer');
        expect(report.totals).toMatchObject({ badAnswers: 1, unreachable: 0 });
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }

  it('a kept-alive connection that answered before, closed before any byte of this answer, is still unreachable', async () => {
    let requests = 0;
    const server = createServer((socket) => {
      socket.on('data', () => {
        // The first request gets a whole answer on a kept-alive connection; the next one a close.
        if (++requests === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
        else socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ connections: 1 });
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
      expect((await send({ url, body: '{}', dispatcher: agent })).status).toBe(200);
      const second = await send({ url, body: '{}', dispatcher: agent });
      expect(second.error?.kind).toBe('unreachable');
    } finally {
      await agent.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a refused connection is still unreachable', async () => {
    const server = await rawServer('');
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const report = await simulate({ target: `http://127.0.0.1:${port}/`, events: 1, maxAttempts: 1, seed: 1 });
    expect(report.events[0]?.attempts[0]?.error).toBe('unreachable');
    expect(report.totals).toMatchObject({ badAnswers: 0, unreachable: 1 });
  });
});
