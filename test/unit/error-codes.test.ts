/**
 * The error codes are a contract: the README's table lists every one with its exit code,
 * and an error's exit code follows its code unless a caller chose otherwise.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, HswError, isHswError, UsageError, type ErrorCode } from '../../src/errors.js';

async function readmeTable(): Promise<Map<string, string>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('#### Error codes'));
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `(HSW_[A-Z_]+)` \| (.+) \| (.+) \|$/gm)) {
    expect(match[2]?.trim()).not.toBe('');
    rows.set(match[1] as string, match[3] as string);
  }
  return rows;
}

describe('error codes', () => {
  it('the README lists every code, and only those, with the exit code it ends the CLI with', async () => {
    const rows = await readmeTable();
    expect([...rows.keys()].sort()).toEqual(Object.keys(EXIT_CODES).sort());
    for (const [code, exit] of Object.entries(EXIT_CODES)) {
      const written = typeof exit === 'number' ? `\`${exit}\`` : exit.map((value) => `\`${value}\``).join(' or ');
      expect(rows.get(code), code).toBe(written);
    }
  });

  it("an error's exit code comes from its code unless given", () => {
    expect(new HswError('HSW_BAD_OUTPUT', 'x').exitCode).toBe(2);
    expect(new HswError('HSW_TUNNEL_FAILED', 'x').exitCode).toBe(1);
    expect(new HswError('HSW_INTERRUPTED', 'x').exitCode).toBe(130);
    expect(new HswError('HSW_INTERRUPTED', 'x', { exitCode: 143 }).exitCode).toBe(143);
  });

  it('isHswError goes by the brand: a plain object with a code is not one; a subclass is', () => {
    expect(isHswError(new UsageError('x'))).toBe(true);
    expect(isHswError({ code: 'HSW_USAGE' as ErrorCode, message: 'x' })).toBe(false);
    expect(new UsageError('x') instanceof HswError).toBe(true);
    expect(new HswError('HSW_USAGE', 'x') instanceof UsageError).toBe(false);
    // The brand is not enumerable: spreading or logging an error does not carry it along.
    const error = new HswError('HSW_USAGE', 'x');
    const brand = Symbol.for('heapstream-webhooks.HswError');
    expect(Object.getOwnPropertySymbols(error)).toEqual([brand]);
    expect(Object.prototype.propertyIsEnumerable.call(error, brand)).toBe(false);
    expect(isHswError({ ...error })).toBe(false);
  });
});
