import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/events/builder.js';
import { CATALOG } from '../../src/events/catalog.js';
import { checkBody, checkEvent, type DriftFinding } from '../../src/events/drift.js';
import { nodeValue, parseJsonText } from '../../src/events/json-text.js';
import { HswError } from '../../src/errors.js';

const DATA = new URL('../data/drift/', import.meta.url);
const SAMPLES = new URL('../../fixtures/', import.meta.url);

/** The body of a recorded fixture, as the bytes that arrived. */
function recorded(dir: URL, name: string): Buffer {
  const fixture = JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as { request: { body: string } };
  return Buffer.from(fixture.request.body, 'utf8');
}

function findings(name: string): Pick<DriftFinding, 'kind' | 'path' | 'expected' | 'actual'>[] {
  const result = checkBody(recorded(DATA, `${name}.json`));
  if (!result.json) throw new Error(`${name}: ${result.reason}`);
  return result.findings.map(({ kind, path, expected, actual }) => ({ kind, path, expected, actual }));
}

describe('checkBody, one recorded fixture per kind of finding', () => {
  it('a body that fits has no findings', () => {
    expect(findings('fits')).toEqual([]);
  });

  it('unknown-type: an event type the catalog does not model, and nothing else', () => {
    expect(findings('unknown-type')).toEqual([{ kind: 'unknown-type', path: 'event_type', expected: undefined, actual: 'live_stream.started' }]);
  });

  it('new-field: fields the model lacks, at any depth', () => {
    expect(findings('new-field')).toEqual([
      { kind: 'new-field', path: 'video.asset.resolution', expected: undefined, actual: 'string' },
      { kind: 'new-field', path: 'video.title', expected: undefined, actual: 'string' },
    ]);
  });

  it('missing-field: a field the model has that did not arrive', () => {
    expect(findings('missing-field')).toEqual([{ kind: 'missing-field', path: 'video.status', expected: 'string', actual: undefined }]);
  });

  it('type-change: a float as a string, a string as null, an object as an array', () => {
    expect(findings('type-change')).toEqual([
      { kind: 'type-change', path: 'video.asset.duration', expected: 'float', actual: 'string' },
      { kind: 'type-change', path: 'video.status', expected: 'string', actual: 'null' },
    ]);
    expect(findings('type-change-array')).toEqual([{ kind: 'type-change', path: 'video.asset', expected: 'object', actual: 'array' }]);
  });

  it('format: a timestamp not in HeapStream form', () => {
    expect(findings('format-timestamp')).toEqual([{ kind: 'format', path: 'timestamp', expected: 'YYYY-MM-DDTHH:MM:SS.ffffff+0000', actual: '2026-11-20T10:00:00Z' }]);
  });

  it('format: a float written without a decimal point, seen in the raw text', () => {
    expect(findings('format-float')).toEqual([{ kind: 'format', path: 'video.asset.duration', expected: '12.0', actual: '12' }]);
    // The same body parsed first has lost the difference: 12 and 12.0 are one number.
    expect(checkEvent(JSON.parse(recorded(DATA, 'format-float.json').toString('utf8')) as object)).toEqual([]);
  });

  it('an unparseable body is its own result, not drift', () => {
    const result = checkBody(recorded(DATA, 'not-json.json'));
    expect(result).toEqual({ json: false, reason: expect.stringMatching(/^the body is not JSON \(unexpected end of input at offset \d+\)$/) as unknown });
    expect(checkBody(Buffer.from([0x7b, 0xff, 0x7d]))).toEqual({ json: false, reason: 'the body is not UTF-8 text' });
    expect(() => checkEvent('{"event_type": ')).toThrow(expect.objectContaining({ code: 'HSW_BODY_NOT_JSON' }) as HswError);
  });
});

describe('checkBody against the model', () => {
  it('passes every shipped sample fixture', () => {
    const names = readdirSync(SAMPLES).filter((name) => name.endsWith('.json'));
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) expect([name, checkBody(recorded(SAMPLES, name))]).toEqual([name, { json: true, type: expect.any(String) as unknown, findings: [] }]);
  });

  it.each(CATALOG.map((entry) => entry.type))('passes what trigger builds for %s (one model for both)', (type) => {
    expect(checkEvent(buildEvent(type, { seed: 3 }).body)).toEqual([]);
  });

  it('an integer field written as a float is a type change', () => {
    const body = buildEvent('video.ready', { seed: 1 }).body.replace(/"project_id": (\d+)/, '"project_id": $1.0');
    expect(checkEvent(body)).toEqual([expect.objectContaining({ kind: 'type-change', path: 'project_id', expected: 'integer', actual: 'float' })]);
  });

  it('array items are checked, each finding once per array', () => {
    const body = buildEvent('video.failed', { seed: 1 }).body.replace(/"errors": \[[^\]]*\]/, '"errors": [{"code": 1}, {"code": 2}, "text"]');
    expect(checkEvent(body)).toEqual([expect.objectContaining({ kind: 'type-change', path: 'video.asset.errors[0]', expected: 'string', actual: 'object' })]);
  });

  it('a body that is not an object, and one without event_type', () => {
    expect(checkEvent('[1, 2]')).toEqual([expect.objectContaining({ kind: 'type-change', path: '$', expected: 'object', actual: 'array' })]);
    const withoutType = buildEvent('video.ready', { seed: 1 }).body.replace('"event_type": "video.ready", ', '');
    expect(checkEvent(withoutType)).toEqual([expect.objectContaining({ kind: 'missing-field', path: 'event_type' })]);
  });

  it('odd keys are quoted in paths; a hostile body gives a bounded list', () => {
    expect(checkEvent('{"event_type": "video.ready", "a.b": 1}').map((f) => f.path)).toContain('["a.b"]');
    const many = `{"event_type": "video.ready", ${Array.from({ length: 5_000 }, (_, i) => `"k${i}": ${i}`).join(', ')}}`;
    expect(checkEvent(many)).toHaveLength(100);
  });

  it('the last of duplicate keys counts, as for JSON.parse', () => {
    const body = buildEvent('video.ready', { seed: 1 }).body.replace('"project_id": ', '"project_id": "x", "project_id": ');
    expect(checkEvent(body)).toEqual([]);
  });
});

describe('parseJsonText', () => {
  it.each([
    '{"a": [1, -0.5, 2e3, 1E-2, true, false, null, "x\\"y\\u00e9\\n"]}',
    ' \t\r\n{ } ',
    '[]',
    '"\\ud83d\\ude00"',
    '0',
    '{"__proto__": 1, "a": {"a": 2, "a": 3}}',
  ])('reads %s as JSON.parse does', (text) => {
    expect(nodeValue(parseJsonText(text))).toEqual(JSON.parse(text));
  });

  it.each(['', '{', '[1,]', '{"a" 1}', '01', '1.', '-', '"\u0001"', '"\\x"', '{"a": 1} x', 'nul', '\ufeff{}', "{'a': 1}", '[1 2]'])('refuses %j as JSON.parse does', (text) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(() => parseJsonText(text)).toThrow(/at offset \d+$/);
  });

  it('keeps how numbers were written and where each value is', () => {
    const text = '{"d": 12.0, "i": 12}';
    const root = parseJsonText(text);
    if (root.kind !== 'object') throw new Error('not an object');
    const [d, i] = root.members.map((m) => m.value);
    expect(d).toMatchObject({ kind: 'number', value: 12, integer: false });
    expect(i).toMatchObject({ kind: 'number', value: 12, integer: true });
    expect(text.slice(d?.start, d?.end)).toBe('12.0');
  });

  it('stops nesting before the stack does, and never quotes the text', () => {
    expect(() => parseJsonText('['.repeat(100_000))).toThrow(/nested deeper than 256 levels at offset 256$/);
    expect(() => parseJsonText('root:x:0:0:root:/root:/bin/bash')).toThrow(/^unexpected character at offset 0$/);
  });
});
