import { describe, expect, it } from 'vitest';
import { formatJson, jsonText, parseJson } from '../../src/inspector/json.js';

describe('parseJson for the inspector', () => {
  it.each(['{}', '[]', '"x"', '-1.0', '0', '1e-7', 'true', 'null', '{"a": [1, {"b": "\\u00e9\\n"}]}', ' \n{"a":1}\t'])('parses %j as JSON.parse does', (text) => {
    const parsed = parseJson(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(JSON.parse(jsonText(parsed.value.root, text))).toEqual(JSON.parse(text));
  });

  it.each([
    ['{"a": 1,}', 'expected a key, found "}"', 1, 9],
    ['{"event_type": "video.ready", oops}', 'expected a key, found "o"', 1, 31],
    ['{\n  "a": 01\n}', 'expected "," or "}", found "1"', 2, 9],
    ['{"a": "b', 'unexpected end of input', 1, 9],
    ['{"a": 1} x', 'unexpected text after the value, found "x"', 1, 10],
    ['{"a": "tab\there"}', 'control character in a string, found "\\t"', 1, 11],
  ])('points at the error in %j by line and column', (text, message, line, column) => {
    expect(parseJson(text)).toMatchObject({ ok: false, error: { message, line, column } });
  });

  it('keeps what JSON.parse drops: number text and duplicate keys', () => {
    const text = '{"d": -1.0, "d": 2}';
    const parsed = parseJson(text);
    expect(parsed.ok && jsonText(parsed.value.root, text)).toBe('{"d":-1.0,"d":2}');
  });

  it('lays JSON out for editing without changing any number', () => {
    const parsed = parseJson('{"a": {"duration": -1.0, "list": [1, []]}, "e": {}}');
    expect(parsed.ok && formatJson(parsed.value)).toBe('{\n  "a": {\n    "duration": -1.0,\n    "list": [\n      1,\n      []\n    ]\n  },\n  "e": {}\n}');
  });
});
