/**
 * `fixtures rm` deletes inside the directory it was given, never through a symlink that
 * leads elsewhere.
 */
import { mkdir, readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { run } from '../../src/commands/fixtures/rm.js';
import { HswError } from '../../src/errors.js';
import { captureOutput, test } from '../helpers/context.js';
import { event, writeFixtures } from '../helpers/fixtures.js';

function rm(paths: string[]) {
  return run({ paths, filter: {}, yes: true, output: captureOutput().output });
}

async function layout(dir: string): Promise<{ fixtures: string; outside: string }> {
  const fixtures = join(dir, 'fixtures');
  const outside = join(dir, 'notes');
  await mkdir(fixtures);
  await mkdir(outside);
  await writeFixtures(outside, [{ at: '2026-11-20T01:00:00Z', body: event('video.ready', 1) }]);
  await writeFixtures(fixtures, [{ at: '2026-11-20T02:00:00Z', body: event('video.ready', 2) }]);
  return { fixtures, outside };
}

describe('fixtures rm stays inside', () => {
  test('a symlinked directory given as the path: refused (exit 2), nothing deleted on either side', async ({ dir }) => {
    const { fixtures, outside } = await layout(dir);
    await symlink(outside, join(fixtures, 'archive'));
    const before = await readdir(outside);
    const error = await rm([join(fixtures, 'archive')]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(HswError);
    expect(error).toMatchObject({ code: 'HSW_OUTSIDE_DIRECTORY', exitCode: 2 });
    expect((error as Error).message).toMatch(/^".*archive" is a symlink to ".*notes": removing ".*archive\/.*\.json" would delete a file outside the directory given; nothing was removed/);
    expect(await readdir(outside)).toEqual(before);
  });

  test('a file named through a symlinked directory deeper in the path: refused', async ({ dir }) => {
    const { fixtures, outside } = await layout(dir);
    await mkdir(join(outside, 'sub'));
    await writeFixtures(join(outside, 'sub'), [{ at: '2026-11-20T03:00:00Z', body: event('video.ready', 3) }]);
    await symlink(outside, join(fixtures, 'archive'));
    const [name] = await readdir(join(outside, 'sub'));
    await expect(rm([join(fixtures, 'archive', 'sub', name as string)])).rejects.toMatchObject({ code: 'HSW_OUTSIDE_DIRECTORY' });
    expect(await readdir(join(outside, 'sub'))).toEqual([name]);
  });

  test('a symlinked fixture inside the directory: the link is removed, never the file it names', async ({ dir }) => {
    const { fixtures, outside } = await layout(dir);
    const [target] = await readdir(outside);
    const [own] = await readdir(fixtures);
    // Inside its directory, so it loads; it names a sibling.
    await symlink(join(fixtures, own as string), join(fixtures, 'a-link.json'));
    const result = await rm([join(fixtures, 'a-link.json')]);
    expect(result.removed).toBe(1);
    expect(await readdir(fixtures)).toEqual([own]);
    expect(await readdir(outside)).toEqual([target]);
  });

  test('the directory itself: its fixtures are removed', async ({ dir }) => {
    const { fixtures, outside } = await layout(dir);
    expect((await rm([fixtures])).removed).toBe(1);
    expect(await readdir(fixtures)).toEqual([]);
    expect(await readdir(outside)).toHaveLength(1);
  });
});
