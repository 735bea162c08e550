import { describe, expect, it } from 'vitest';
import { printable } from '../../src/text/printable.js';

describe('printable', () => {
  it('writes escape sequences, bells, newlines and bidi overrides as visible escapes', () => {
    expect(printable('video.\u001b]0;pwned\u0007ready')).toBe('video.\\x1b]0;pwned\\x07ready');
    expect(printable('\u001b[2J')).toBe('\\x1b[2J');
    expect(printable('a\nb\rc\td')).toBe('a\\x0ab\\x0dc\\x09d');
    expect(printable('\u009b31m')).toBe('\\x9b31m');
    expect(printable('abc\u202Efed')).toBe('abc\\u202efed');
  });

  it('leaves ordinary text, including non-ASCII letters, as it is', () => {
    expect(printable('video.ready — café 视频')).toBe('video.ready — café 视频');
  });
});
