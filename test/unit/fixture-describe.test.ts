/**
 * What `fixtures list`, the replay picker and `fixtures show` print for a fixture. Every
 * value came from a file a hand may have edited, or from a handler: hostile until printable.
 */
import { describe, expect, it } from 'vitest';
import { describeAnswer, fixtureRow, relativeFile } from '../../src/store/describe.js';
import type { EventSummary } from '../../src/events/summary.js';
import type { FixtureResponse, LoadedFixture } from '../../src/store/types.js';
import { makeFixture } from '../../src/store/write.js';

const ESC = '\u001b';
// Raw control characters (a newline between lines is fine): what must never reach a terminal.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

function loaded(options: { event?: Partial<EventSummary>; response?: FixtureResponse; recordedAt?: string; file?: string } = {}): LoadedFixture {
  const fixture = makeFixture({ recordedAt: new Date('2026-11-27T10:00:00.123Z'), via: 'tunnel', method: 'POST', path: '/hook', headers: {}, body: Buffer.from('{}'), ...(options.response ? { response: options.response } : {}) });
  if (options.recordedAt !== undefined) fixture.recordedAt = options.recordedAt;
  const event: EventSummary = { type: 'video.ready', videoId: 500, status: 'ready', timestamp: null, json: true, ...options.event };
  return { file: options.file ?? '/work/project/fixtures/a.json', fixture, body: Buffer.from('{}'), event };
}

const answer = (extra: Partial<FixtureResponse>): FixtureResponse => ({ ok: true, status: 200, durationMs: 12.4, target: 'http://127.0.0.1:3000/webhooks', ...extra });

describe('fixtureRow', () => {
  it('shows a recorded, forwarded event', () => {
    expect(fixtureRow(loaded({ response: answer({}) }), '/work/project')).toEqual({
      time: '2026-11-27 10:00:00Z',
      type: 'video.ready',
      video: '500',
      status: 'ready',
      lastAnswer: '200',
      file: 'fixtures/a.json',
    });
  });

  it('says what is missing: not forwarded, no type, not JSON, no video', () => {
    expect(fixtureRow(loaded({ event: { type: null, videoId: null, status: null } }), '/work/project')).toMatchObject({ type: '(no event_type)', video: '-', status: '-', lastAnswer: '-' });
    expect(fixtureRow(loaded({ event: { type: null, videoId: null, status: null, json: false } }), '/work/project').type).toBe('(not JSON)');
  });

  it('names a failed delivery by its kind, or "error" when the file does not say', () => {
    const timedOut = answer({ ok: false, status: undefined, error: { kind: 'timeout', code: 'TIMEOUT', message: 'no answer within 5000 ms' } });
    expect(fixtureRow(loaded({ response: timedOut })).lastAnswer).toBe('timeout');
    const bare = answer({ ok: false, status: undefined });
    expect(fixtureRow(loaded({ response: bare })).lastAnswer).toBe('error');
  });

  it('makes every field printable, whatever the file says', () => {
    const row = fixtureRow(
      loaded({
        event: { type: `video.ready${ESC}[2J`, status: `ready\u202e` },
        recordedAt: `2026-11-27T10:00:00Z${ESC}]0;owned\u0007`,
        response: answer({ status: `200${ESC}[31m` as unknown as number }),
        file: `/work/project/fixtures/${ESC}[1mbold.json`,
      }),
      '/work/project',
    );
    expect(Object.values(row).join('')).not.toMatch(RAW_CONTROL);
    expect(row.type).toBe('video.ready\\x1b[2J');
    expect(row.status).toBe('ready\\u202e');
    expect(row.lastAnswer).toBe('200\\x1b[31m');
    expect(row.file).toBe('fixtures/\\x1b[1mbold.json');
    expect(row.time).toBe('2026-11-27 10:00:00Z\\x1b]0;owned\\x07');
  });
});

describe('relativeFile', () => {
  it('is the path from here, or the path itself when it is here', () => {
    expect(relativeFile('/work/project/fixtures/a.json', '/work/project')).toBe('fixtures/a.json');
    expect(relativeFile('/work/other/a.json', '/work/project')).toBe('../other/a.json');
    expect(relativeFile('/work/project', '/work/project')).toBe('/work/project');
  });
});

describe('describeAnswer', () => {
  it('says when the event was not forwarded', () => {
    expect(describeAnswer(undefined)).toEqual(['answer: not forwarded']);
  });

  it('gives the outcome and where it came from, without a body when none was kept', () => {
    expect(describeAnswer(answer({}))).toEqual(['answer: 200 in 12 ms from http://127.0.0.1:3000/webhooks']);
    expect(describeAnswer(answer({ ok: false, status: undefined, durationMs: 5000, error: { kind: 'timeout', code: 'TIMEOUT', message: 'x' } }))).toEqual(['answer: timeout after 5000 ms from http://127.0.0.1:3000/webhooks']);
  });

  it('lists the headers (repeated ones joined) and pretty-prints a JSON body', () => {
    const lines = describeAnswer(answer({ headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] }, body: '{"queued":true,"id":7}', bodyEncoding: 'utf8' }));
    expect(lines).toEqual([
      'answer: 200 in 12 ms from http://127.0.0.1:3000/webhooks',
      '  content-type: application/json',
      '  set-cookie: a=1, b=2',
      '',
      '{',
      '  "queued": true,',
      '  "id": 7',
      '}',
    ]);
  });

  it('shows a text body as it is, line by line, and says when only its start was kept', () => {
    expect(describeAnswer(answer({ body: 'not json\nsecond line', bodyEncoding: 'utf8', truncated: true })).slice(1)).toEqual(['', 'not json', 'second line', '… (only the start of the body was kept)']);
  });

  it('gives the size of a binary body instead of printing it', () => {
    expect(describeAnswer(answer({ body: Buffer.from([0, 1, 2, 255]).toString('base64'), bodyEncoding: 'base64' })).slice(1)).toEqual(['', '(binary body, 4 bytes kept; --json shows it as base64)']);
    expect(describeAnswer(answer({ body: 'AAAA', bodyEncoding: 'base64', truncated: true })).at(-1)).toBe('… (only the start of the body was kept)');
  });

  it('makes the target, headers and body printable', () => {
    const lines = describeAnswer(answer({ target: `http://x/${ESC}[2J`, headers: { [`x-evil${ESC}`]: `v${ESC}[31m` }, body: `line${ESC}]0;title\u0007`, bodyEncoding: 'utf8' }));
    expect(lines.join('\n')).not.toMatch(RAW_CONTROL);
    expect(lines).toEqual(['answer: 200 in 12 ms from http://x/\\x1b[2J', '  x-evil\\x1b: v\\x1b[31m', '', 'line\\x1b]0;title\\x07']);
  });
});
