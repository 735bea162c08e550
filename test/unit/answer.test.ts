import { describe, expect, it } from 'vitest';
import { ANSWER_BYTES, answerText } from '../../src/delivery/answer.js';

describe('answerText: the start of a handler answer, as failure reports quote it', () => {
  it('is printable, trimmed, and undefined when empty', () => {
    expect(answerText(Buffer.from('  \u001b[31mconflict\n'))).toBe('\\x1b[31mconflict');
    expect(answerText(Buffer.from('   '))).toBeUndefined();
    expect(answerText(undefined)).toBeUndefined();
  });

  it('keeps 200 characters (not bytes), and marks what was cut', () => {
    expect(answerText(Buffer.from('é'.repeat(300)))).toBe(`${'é'.repeat(200)}…`);
    expect(answerText(Buffer.from('😀'.repeat(150)))).toBe(`${'😀'.repeat(150)}`);
  });

  it('a character split by the byte bound is dropped, not shown as U+FFFD', () => {
    const kept = Buffer.from('€'.repeat(ANSWER_BYTES)).subarray(0, 10); // 3 whole euros and a third of one
    expect(answerText(kept, true)).toBe('€€€…');
  });
});
