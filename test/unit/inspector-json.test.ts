import { describe, expect, it } from 'vitest';
import { formatJson, jsonText, parseJson } from '../../src/inspector/json.js';

describe('parseJson', () => {
  it.each(['{}', '[]', '"x"', '-1.0', '0', '1e-7', 'true', 'null', '{"a": [1, {"b": "\\u00e9\\n"}]}', ' \n{"a":1}\t'])('parses %j as JSON.parse does', (text) => {
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(JSON.parse(jsonText(parsed.value))).toEqual(JSON.parse(text));
  });

  it.each([
    ['{"a": 1,}', 'trailing comma before "}"', 1, 8],
    ['{"event_type": "video.ready", oops}', 'expected a key in quotes, found "o"', 1, 31],
    ['{\n  "a": 01\n}', 'malformed number', 2, 9],
    ['{"a": "b', 'unterminated string', 1, 7],
    ['', 'unexpected end of the text', 1, 1],
    ['{"a": 1} x', 'unexpected "x" after the JSON value', 1, 10],
    ['\ufeff{}', 'byte order mark (U+FEFF) before the JSON', 1, 1],
    ['{"a": "tab\there"}', 'control character inside a string (escape it)', 1, 11],
  ])('points at the error in %j', (text, message, line, column) => {
    const parsed = parseJson(text);
    expect(parsed).toMatchObject({ ok: false, error: { message, line, column } });
    expect(JSON.parse.bind(null, text)).toThrow();
  });

  it('keeps what JSON.parse drops: number text and duplicate keys', () => {
    const parsed = parseJson('{"d": -1.0, "d": 2}');
    expect(parsed.ok && jsonText(parsed.value)).toBe('{"d":-1.0,"d":2}');
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const parsed = parseJson(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(parsed).toMatchObject({ ok: false, error: { message: 'nested deeper than 512 levels' } });
  });

  it('lays JSON out for editing without changing any number', () => {
    const parsed = parseJson('{"a": {"duration": -1.0, "list": [1, []]}, "e": {}}');
    expect(parsed.ok && formatJson(parsed.value)).toBe('{\n  "a": {\n    "duration": -1.0,\n    "list": [\n      1,\n      []\n    ]\n  },\n  "e": {}\n}');
  });
});
