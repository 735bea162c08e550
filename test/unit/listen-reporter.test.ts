/**
 * listen's human lines: hostile text from a request or a handler never reaches the
 * terminal raw, and retries are told apart from duplicates.
 */
import { basename, dirname, join, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleListenReporter } from '../../src/listen/reporter.js';
import type { ListenEvent } from '../../src/listen/types.js';
import { createOutput } from '../../src/ui/output.js';

function capture(json = false): { reporter: ConsoleListenReporter; text: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const reporter = new ConsoleListenReporter(createOutput({ json, stdout, stderr }), () => undefined, undefined);
  return { reporter, text: () => text };
}

const base: ListenEvent = {
  receivedAt: '2026-01-02T03:04:05.000Z',
  via: 'tunnel',
  type: 'video.ready',
  videoId: 1,
  json: true,
  drift: [],
  status: 200,
  handler: null,
  fixture: null,
  duplicate: false,
  retry: false,
  route: null,
  filtered: false,
};

describe('ConsoleListenReporter', () => {
  it('says a tunnel problem once per reason, with the wait only when it is worth a number, and what answered a probe', () => {
    const { reporter, text } = capture();
    const held = 'the tunnel server still holds hsw-1: ... run with --new-url for a new URL';
    reporter.tunnel({ kind: 'unavailable', reason: held, retryInMs: 250 });
    reporter.tunnel({ kind: 'unavailable', reason: held, retryInMs: 375 });
    reporter.tunnel({ kind: 'unavailable', reason: 'cannot reach the tunnel server', retryInMs: 2_000 });
    reporter.tunnel({ kind: 'probe-failed', url: 'https://x.example/hook', status: 408, detail: '408 Request Timeout\u001b[2J' });
    const lines = text().trim().split('\n');
    expect(lines).toEqual([
      `warning: no public tunnel: ${held}. Still serving locally at the URL above; retrying in the background.`,
      'warning: no public tunnel: cannot reach the tunnel server. Still serving locally at the URL above; retrying in the background (next in 2 s).',
      expect.stringMatching(/^warning: a probe through https:\/\/x\.example\/hook was not answered by this listener: 408 Request Timeout\\x1b\[2J\. A webhook sent now would meet the same/),
    ]);
  });

  it('writes an escape-laden event type, handler error and path as visible text', () => {
    const { reporter, text } = capture();
    reporter.event({ ...base, type: 'video.ready\u001b]0;pwned\u0007\u001b[2J', handler: { ok: false, durationMs: 3, error: { kind: 'error', message: 'bad\u001b[31m' } } });
    reporter.rejected({ reason: 'path', status: 404, method: 'POST', path: '/x\u001b[2J', remoteAddress: undefined });
    reporter.warn('handler said \u001b]0;title\u0007');
    expect(text()).not.toContain('\u001b');
    expect(text()).not.toContain('\u0007');
    expect(text()).toContain('video.ready\\x1b]0;pwned\\x07\\x1b[2J');
    expect(text()).toContain('bad\\x1b[31m');
  });

  it('keeps the raw type in --json (JSON escapes it)', () => {
    const { reporter, text } = capture(true);
    reporter.event({ ...base, type: 'a\u001b[2J' });
    expect(text()).not.toContain('\u001b');
    expect(JSON.parse(text()).type).toBe('a\u001b[2J');
  });

  it('marks a retry and a duplicate apart, in lines, records and the summary', () => {
    const human = capture();
    human.reporter.event({ ...base, retry: true });
    human.reporter.event({ ...base, duplicate: true });
    const [retryLine, duplicateLine] = human.text().trim().split('\n');
    expect(retryLine).toMatch(/\[retry\]$/);
    expect(duplicateLine).toMatch(/\[duplicate\]$/);
    const machine = capture(true);
    machine.reporter.event({ ...base, retry: true });
    expect(JSON.parse(machine.text())).toMatchObject({ kind: 'event', retry: true, duplicate: false });
    const summary = capture();
    summary.reporter.summary({ received: 3, forwarded: 3, handlerOk: 2, handlerFailed: 1, duplicates: 1, retries: 1, drifting: 0, filtered: 0, recorded: 3, recordErrors: 0, recovered: 0, rejected: 0, rejectedByReason: {}, probesPassed: 0, probesFailed: 0 });
    expect(summary.text()).toMatch(/1 retries · 1 duplicates/);
  });

  it('shows the path of a fixture relative to the working directory, inside it or not', () => {
    const { reporter, text } = capture();
    reporter.event({ ...base, fixture: join(process.cwd(), 'fixtures', 'a.json') });
    reporter.event({ ...base, fixture: join(dirname(process.cwd()), 'elsewhere', 'b.json') });
    reporter.event({ ...base, fixture: `${process.cwd()}-sibling${sep}c.json` });
    const paths = text()
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).at(-1));
    expect(paths).toEqual([join('fixtures', 'a.json'), join('..', 'elsewhere', 'b.json'), join('..', `${basename(process.cwd())}-sibling`, 'c.json')]);
  });

  it('says once what it recovered from an interrupted run', () => {
    const { reporter, text } = capture();
    reporter.tidied({ dir: 'fixtures', recovered: 88, removed: 12 });
    expect(text()).toMatch(/interrupted .* fixtures: recovered 88 complete fixture\(s\), removed 12 partial one\(s\)/);
  });

  it('lists the routes at start, and says on each line which one took the webhook', () => {
    const { reporter, text } = capture();
    reporter.ready({ localUrl: 'http://127.0.0.1:1/h', forwardTo: 'http://127.0.0.1:3000/webhooks', routes: [{ pattern: 'video.ready', to: 'http://127.0.0.1:4000/hooks' }], recordDir: null, tunnel: 'off' });
    reporter.event({ ...base, route: 'video.ready', handler: { ok: true, status: 200, durationMs: 3 } });
    reporter.event({ ...base, route: 'none' });
    expect(text()).toMatch(/Forwarding {4}video\.ready {5}→ http:\/\/127\.0\.0\.1:4000\/hooks\n {14}everything else → http:\/\/127\.0\.0\.1:3000\/webhooks\n/);
    expect(text()).toMatch(/handler 200 in 3 ms \[video\.ready\]/);
    expect(text()).toMatch(/no route: not forwarded/);
  });
});
