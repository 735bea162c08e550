/**
 * Drift through the commands, in-process: `fixtures check`, `fixtures schema` and
 * `trigger --like` with a captured Output and a real loopback handler.
 */
import { cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect } from 'vitest';
import { run as check } from '../../src/commands/fixtures/check.js';
import { run as schema } from '../../src/commands/fixtures/schema.js';
import { run as trigger } from '../../src/commands/trigger/run.js';
import type { TriggerOptions } from '../../src/trigger/types.js';
import { captureOutput, test } from '../helpers/context.js';
import { writeFixtures } from '../helpers/fixtures.js';

const DATA = fileURLToPath(new URL('../data/drift/', import.meta.url));
const SAMPLES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

describe('fixtures check', () => {
  test('the shipped samples fit the model: exit 0', async () => {
    const captured = captureOutput();
    const result = await check({ paths: [SAMPLES], filter: {}, output: captured.output });
    expect(result).toMatchObject({ exitCode: 0, checked: 5, drifting: 0, findings: 0 });
    expect(captured.stdout()).toBe('5 fixtures checked: all fit the model\n');
  });

  test('drift is exit 1, a line per finding with the file and the JSON path', async ({ dir }) => {
    for (const name of ['fits.json', 'missing-field.json', 'format-float.json']) await cp(join(DATA, name), join(dir, name));
    const captured = captureOutput();
    const result = await check({ paths: [dir], filter: {}, output: captured.output });
    expect(result).toMatchObject({ exitCode: 1, checked: 3, drifting: 2, findings: 2 });
    const lines = captured.stdout().split('\n');
    expect(lines[0]).toMatch(/^FILE\s+PATH\s+KIND\s+WHAT DIFFERS$/);
    expect(lines.find((l) => l.includes('missing-field.json'))).toMatch(/missing-field\.json\s+video\.status\s+missing-field\s+missing; the model has a string$/);
    expect(lines.find((l) => l.includes('format-float.json'))).toMatch(/format-float\.json\s+video\.asset\.duration\s+format\s+float written without a decimal point \(12\)/);
    expect(captured.stdout()).toMatch(/^3 fixtures checked: 2 drift from the model \(2 findings\)$/m);
  });

  test('--json: one record per finding; an unparseable body is its own record and exit 2', async () => {
    const captured = captureOutput({ json: true });
    const result = await check({ paths: [DATA], filter: {}, output: captured.output });
    expect(result).toMatchObject({ exitCode: 2, unparseable: 1, drifting: 7, findings: 9 });
    const records = captured.records();
    expect(records).toHaveLength(10);
    expect(new Set(records.map((r) => r['kind']))).toEqual(new Set(['unknown-type', 'new-field', 'missing-field', 'type-change', 'format', 'unparseable']));
    expect(records).toContainEqual({
      kind: 'type-change',
      path: 'video.asset',
      expected: 'object',
      actual: 'array',
      message: 'object in the model, array here',
      file: join(DATA, 'type-change-array.json'),
      type: 'video.ready',
    });
    expect(records).toContainEqual({ kind: 'unparseable', file: join(DATA, 'not-json.json'), reason: expect.stringMatching(/^the body is not JSON/) as unknown });
  });

  test('an unreadable fixture is exit 2, named once', async ({ dir }) => {
    const captured = captureOutput();
    const result = await check({ paths: [join(dir, 'nope')], filter: {}, output: captured.output });
    expect(result.exitCode).toBe(2);
    expect(captured.stderr()).toBe(`error: ${join(dir, 'nope')}: not found\n`);
  });
});

describe('fixtures schema over mixed recordings', () => {
  test('per event type: each path, the types seen and in how many events, beside the model', async ({ dir }) => {
    const ready = (duration: string, extra = ''): string =>
      `{"event_type": "video.ready", "project_id": 20, "timestamp": "2026-11-20T10:00:00.000010+0000", "video": {"asset": {"duration": ${duration}, "encoding_tier": "full", "errors": [], "id": 22, "normalize_audio": false}, "id": 500, "status": "ready"${extra}}}`;
    await writeFixtures(dir, [
      { at: '2026-11-20T01:00:00Z', body: ready('12.0') },
      { at: '2026-11-20T02:00:00Z', body: ready('12') },
      { at: '2026-11-20T03:00:00Z', body: ready('3.5', ', "title": "Launch"') },
      { at: '2026-11-20T04:00:00Z', body: '{"event_type": "live_stream.started", "stream": {"id": 7}}' },
      { at: '2026-11-20T05:00:00Z', body: 'not json' },
    ]);
    const captured = captureOutput();
    const result = await schema({ paths: [dir], filter: {}, output: captured.output });
    expect(result.exitCode).toBe(0);
    const out = captured.stdout();
    expect(out).toMatch(/^live_stream\.started · 1 recording · not in the catalog$/m);
    expect(out).toMatch(/^ {2}stream\.id\s+integer\s+1\/1\s+-$/m);
    expect(out).toMatch(/^video\.ready · 3 recordings · in the catalog$/m);
    expect(out).toMatch(/^ {2}video\.asset\.duration\s+float 2, integer 1\s+3\/3\s+float\s+differs$/m);
    expect(out).toMatch(/^ {2}video\.title\s+string\s+1\/3\s+-\s+new$/m);
    expect(out).toMatch(/^ {2}video\.asset\.errors\[\]\s+-\s+0\/3\s+string\s+no items seen$/m);
    expect(out).toMatch(/^1 body is not JSON \(not shown\)$/m);

    const json = captureOutput({ json: true });
    await schema({ paths: [dir], filter: { event: 'video.*' }, output: json.output });
    const [record, ...rest] = json.records();
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ kind: 'type', type: 'video.ready', known: true, events: 3 });
    expect((record?.['fields'] as unknown[]).find((f) => (f as { path: string }).path === 'video.asset.duration')).toEqual({ path: 'video.asset.duration', types: { float: 2, integer: 1 }, events: 3, model: 'float' });
  });
});

describe('trigger --like', () => {
  const RECORDED = '{"event_type": "live_stream.ended", "project_id": 20, "timestamp": "2026-11-20T10:00:00.000010+0000", "live_stream": {"id": 41, "duration": 12.0, "peak_viewers": 40}, "video": {"id": 500}}';

  function options(dir: string, overrides: Partial<TriggerOptions>): TriggerOptions {
    return { print: false, set: [], force: false, times: 1, delayMs: 0, timeoutMs: 5_000, output: captureOutput().output, like: { fixture: 'recorded.json', fixturesDir: dir, keepIds: false }, ...overrides };
  }

  test('sends a new event shaped like the recording, with the recording headers; --save keeps it', async ({ dir, handler }) => {
    const [file] = await writeFixtures(dir, [{ at: '2026-11-20T10:00:00Z', body: RECORDED, headers: { 'user-agent': 'HeapStream-Webhooks/1.0', 'x-heapstream-attempt': '1' } }]);
    const out = join(dir, 'out');
    const result = await trigger(options(dir, { to: new URL(handler.url), saveDir: out, like: { fixture: file as string, fixturesDir: dir, keepIds: false }, set: [{ path: 'live_stream.duration', value: 30 }] }));
    expect(result.exitCode).toBe(0);
    const [received] = handler.received;
    const body = received?.body.toString('utf8') ?? '';
    const skeleton = (text: string): string => text.replace(/"timestamp": "[^"]*"/, 'T').replace(/"id": \d+/g, 'ID').replace(/"duration": [\d.]+/, 'D');
    expect(skeleton(body)).toBe(skeleton(RECORDED));
    expect(body).toContain('"duration": 30.0');
    expect(body).not.toContain('"timestamp": "2026-11-20T10:00:00.000010+0000"');
    expect(body).not.toMatch(/"id": (41|500)\b/);
    expect(received?.headers).toMatchObject({ 'user-agent': 'HeapStream-Webhooks/1.0', 'x-heapstream-attempt': '1' });
    const [savedName] = await readdir(out);
    const saved = JSON.parse(await readFile(join(out, savedName as string), 'utf8')) as { request: { body: string } };
    expect(saved.request.body).toBe(body);
  });

  test('a bare name is looked up in the fixtures directory; the type argument replaces event_type; ids kept on request', async ({ dir }) => {
    await writeFixtures(dir, [{ at: '2026-11-20T10:00:00Z', body: RECORDED }]);
    const [name] = await readdir(dir);
    const captured = captureOutput();
    await trigger(options(dir, { print: true, type: 'live_stream.started', videoId: 9, like: { fixture: name as string, fixturesDir: dir, keepIds: true }, output: captured.output }));
    const printed = captured.stdout();
    expect(printed.replace(/"timestamp": "[^"]*"/, 'T')).toBe(`${RECORDED.replace('live_stream.ended', 'live_stream.started').replace('"video": {"id": 500}', '"video": {"id": 9}').replace(/"timestamp": "[^"]*"/, 'T')}\n`);
  });

  test('a recording whose body is not JSON is an input error', async ({ dir }) => {
    const [file] = await writeFixtures(dir, [{ at: '2026-11-20T10:00:00Z', body: 'not json' }]);
    await expect(trigger(options(dir, { print: true, like: { fixture: file as string, fixturesDir: dir, keepIds: false } }))).rejects.toMatchObject({ code: 'HSW_BODY_NOT_JSON', exitCode: 2 });
  });
});
