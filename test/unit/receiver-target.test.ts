/**
 * The receiver reads plain request targets without a URL object; every target must read
 * exactly as `new URL()` reads it, or a path could be accepted (or recorded) differently.
 */
import { describe, expect, it } from 'vitest';
import { requestTarget } from '../../src/receiver/server.js';

/** What URL reads, or that it throws (a target it cannot parse fails the request, as before). */
function viaUrl(raw: string): { pathname: string; query: string } | 'throws' {
  try {
    const url = new URL(raw, 'http://receiver.invalid');
    return { pathname: url.pathname, query: url.search.replace(/^\?/, '') };
  } catch {
    return 'throws';
  }
}

function read(raw: string): { pathname: string; query: string } | 'throws' {
  try {
    return requestTarget(raw);
  } catch {
    return 'throws';
  }
}

const TARGETS = [
  '/',
  '/hook',
  '/hook/',
  '/hook?',
  '/hook?a=1&b=2',
  '/hook?a?b',
  '/hook/?x=y',
  '/2oOrVV8bJyCfjiskbS3DDw',
  '/a/b_c-d~e',
  '/hook?q="x"',
  "/hook?q='x'",
  '/hook?q=<x>',
  '/hook?q=a b',
  '/hook?q=é',
  '/hook?q=a#frag',
  '/hook#frag',
  '/hook?q=%zz&r=%41',
  '/hook?\\^`{|}',
  '/hook?\x7f',
  '/hook/../hook',
  '/x/./hook',
  '/hook/.',
  '/%68ook',
  '/ho%2fok',
  '//evil.example/hook',
  '/hook//',
  '/hook\\x',
  '//[::1',
  '/hook\t',
  '/hook é',
  '/.heapstream-webhooks/probe/abc123',
  'hook',
  '*',
  'http://other.example/hook?a=1',
];

describe('requestTarget', () => {
  it.each(TARGETS)('reads %j as URL does', (raw) => {
    expect(read(raw)).toEqual(viaUrl(raw));
  });

  it('reads random targets as URL does', () => {
    const alphabet = '/?#.%aZ09-_~!$&\'()*+,;=:@"<> \\^`{|}é\x7f\t';
    let seed = 7;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      let raw = '/';
      const length = next() % 12;
      for (let j = 0; j < length; j++) raw += alphabet[next() % alphabet.length];
      expect(read(raw), raw).toEqual(viaUrl(raw));
    }
  });
});
