/**
 * The one parser for `--header "Name: value"` (listen, trigger, replay, simulate) and
 * listen's `--forward-to` rules.
 */
import { describe, expect, it } from 'vitest';
import { parseHeader, parseHeaders } from '../../src/delivery/headers.js';
import { parseForwardRules } from '../../src/listen/routes.js';

describe('parseHeader', () => {
  it('takes "Name: value", trimming around the value, with the name in lower case', () => {
    expect(parseHeader('X-Request-Source:  local-test ')).toEqual(['x-request-source', 'local-test']);
    expect(parseHeader('Authorization: Bearer a:b')).toEqual(['authorization', 'Bearer a:b']);
    expect(parseHeader('X-Empty:')).toEqual(['x-empty', '']);
  });

  it.each([
    ['no colon', 'X-Test value', /is not "Name: value"/],
    ['a space in the name', 'Bad Name: x', /not a valid HTTP header name/],
    ['an empty name', ': x', /not a valid HTTP header name/],
    ['a CR/LF in the value', 'X-Test: a\r\nX-Injected: b', /line break or control character/],
    ['a bare LF in the value', 'X-Test: a\nb', /line break or control character/],
    ['a NUL in the value', 'X-Test: a\u0000b', /line break or control character/],
    ['a hop-by-hop header', 'Connection: close', /describes one connection/],
    ['Transfer-Encoding', 'Transfer-Encoding: chunked', /describes one connection/],
    ['Host', 'Host: example.com', /computed for each request/],
    ['Content-Length', 'Content-Length: 3', /computed for each request/],
  ])('refuses %s as a usage error', (_what, text, message) => {
    expect(() => parseHeader(text)).toThrow(message);
    expect(() => parseHeader(text)).toThrow(expect.objectContaining({ code: 'HSW_BAD_HEADER', exitCode: 2 }));
  });

  it('keeps both values of a name given twice', () => {
    expect(parseHeaders(['X-A: 1', 'x-a: 2', 'X-B: 3'])).toEqual({ 'x-a': ['1', '2'], 'x-b': '3' });
  });
});

describe('parseForwardRules', () => {
  it('takes a URL as the default and <glob>=<url> as rules, in order', () => {
    const { forwardTo, routes } = parseForwardRules(['video.ready=http://127.0.0.1:4000/hooks', 'http://127.0.0.1:3000/webhooks?a=b', 'video.fail*,video.deleted=http://127.0.0.1:5000/'], '--forward-to');
    expect(forwardTo?.href).toBe('http://127.0.0.1:3000/webhooks?a=b');
    expect(routes.map((r) => [r.pattern, r.to.href])).toEqual([
      ['video.ready', 'http://127.0.0.1:4000/hooks'],
      ['video.fail*,video.deleted', 'http://127.0.0.1:5000/'],
    ]);
  });

  it('refuses two defaults, a rule without an event type, and a rule whose URL is not one', () => {
    expect(() => parseForwardRules(['http://a.test/', 'http://b.test/'], '--forward-to')).toThrow(/two default handlers/);
    expect(() => parseForwardRules(['=http://a.test/'], '--forward-to')).toThrow(/no event type before "="/);
    expect(() => parseForwardRules(['video.ready=localhost:3000'], '--forward-to')).toThrow(/--forward-to rule video\.ready "localhost:3000" is not an http\(s\) URL; did you mean http:\/\/localhost:3000/);
  });
});
