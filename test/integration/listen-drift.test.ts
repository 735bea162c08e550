/**
 * `listen` checks each webhook against the catalog's model as it arrives: a real session on
 * 127.0.0.1 with the console reporter writing to a captured Output, in both modes.
 */
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect } from 'vitest';
import { buildEvent } from '../../src/events/builder.js';
import { ConsoleListenReporter } from '../../src/listen/reporter.js';
import { ListenSession } from '../../src/listen/session.js';
import { captureOutput, test } from '../helpers/context.js';

const FITS = buildEvent('video.ready', { seed: 1 }).body;
const DRIFTS = FITS.replace(/"duration": [\d.]+/, '"duration": 12').replace('"status": "ready"', '"status": "ready", "title": "Launch\\u001b[2J"');

async function listenAndPost(dir: string, json: boolean, bodies: string[]) {
  const captured = captureOutput({ json });
  const reporter = new ConsoleListenReporter(captured.output, () => undefined, undefined);
  const session = new ListenSession({ port: 0, path: '/hook', maxBodyBytes: 1024 * 1024, forwardTimeoutMs: 5_000, ack: false, recordDir: join(dir, 'fixtures'), shutdownGraceMs: 1_000, reporter });
  await session.start();
  try {
    const url = json ? String(captured.records()[0]?.['localUrl']) : String(/Listening\s+(\S+)/.exec(captured.stdout())?.[1]);
    // One at a time, so that lines come in the order sent.
    for (const body of bodies) expect((await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).statusCode).toBe(200);
  } finally {
    reporter.summary(await session.stop());
  }
  return captured;
}

describe('listen marks drift live', () => {
  test('the --json event line carries the drift list; a fitting event has none; the summary counts them', async ({ dir }) => {
    const captured = await listenAndPost(dir, true, [FITS, DRIFTS, 'not json']);
    const events = captured.records().filter((r) => r['kind'] === 'event');
    expect(events.map((e) => [e['json'], (e['drift'] as unknown[]).length])).toEqual([
      [true, 0],
      [true, 2],
      [false, 0],
    ]);
    expect(events[1]?.['drift']).toEqual([
      expect.objectContaining({ kind: 'format', path: 'video.asset.duration', expected: '12.0', actual: '12' }),
      expect.objectContaining({ kind: 'new-field', path: 'video.title', actual: 'string' }),
    ]);
    expect(captured.records().find((r) => r['kind'] === 'summary')).toMatchObject({ received: 3, drifting: 1 });
  });

  test('a drifting event is marked in its line, a fitting one is not; an unparseable body is said as such', async ({ dir }) => {
    const captured = await listenAndPost(dir, false, [FITS, DRIFTS, 'not json']);
    const lines = captured.stdout().split('\n').filter((line) => / 200 {2}not forwarded /.test(line));
    expect(lines, captured.stdout()).toHaveLength(3);
    expect(lines[0]).toMatch(/video\.ready/);
    expect(lines[0]).not.toMatch(/drift/);
    expect(lines[1]).toMatch(/ \[drift: format video\.asset\.duration \+1\]$/);
    expect(lines[2]).toMatch(/non-json body/);
    expect(lines[2]).not.toMatch(/drift/);
    expect(captured.stdout()).toMatch(/ · 1 drifting from the model · /);
  });
});
