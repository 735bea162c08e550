/**
 * Durable fixture files: the two-part serialization, group commit, the tidy-up of what a
 * crash leaves, and the writable-directory check.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkWritableDirectory } from '../../src/store/directory.js';
import { DurableDirectory } from '../../src/store/durable.js';
import { readFixture } from '../../src/store/read.js';
import { tidyTempFiles } from '../../src/store/tidy.js';
import { fixtureHead, fixtureResponse, fixtureTail, makeFixture, serializeFixture } from '../../src/store/write.js';
import type { Fixture } from '../../src/store/types.js';
import { makeReadOnly } from '../helpers/read-only.js';
import { waitUntil } from '../helpers/time.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-durable-'));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

function sample(videoId: number, withAnswer = false): Fixture {
  return makeFixture({
    recordedAt: new Date('2026-01-02T03:04:05.678Z'),
    via: 'tunnel',
    method: 'POST',
    path: '/hook',
    headers: { 'content-type': 'application/json', 'x-odd': ['a', 'b'] },
    body: Buffer.from(`{"event_type": "video.ready", "video": {"id": ${videoId}, "note": "line\\nbreak \u00e9"}}`),
    ...(withAnswer
      ? { response: fixtureResponse({ ok: true, status: 201, durationMs: 3.14159, response: { body: Buffer.from('{"ok": true}'), headers: { location: '/v/1' }, truncated: false } }, 'http://127.0.0.1:1/h') }
      : {}),
  });
}

describe('fixtureHead + fixtureTail', () => {
  it('is byte for byte serializeFixture, with and without an answer', () => {
    for (const fixture of [sample(1), sample(2, true)]) {
      expect(fixtureHead(fixture) + fixtureTail(fixture.response)).toBe(serializeFixture(fixture));
    }
  });
});

describe('fixtureResponse', () => {
  it('keeps a cut text body as text, dropping a character split by the cut', () => {
    const body = Buffer.from('ab€', 'utf8').subarray(0, 4); // "ab" and two of the euro sign's three bytes
    const response = fixtureResponse({ ok: true, status: 200, durationMs: 1, response: { body, truncated: true } }, 'http://x');
    expect(response).toMatchObject({ body: 'ab', bodyEncoding: 'utf8', truncated: true });
  });

  it('writes a binary body as base64', () => {
    const response = fixtureResponse({ ok: true, status: 200, durationMs: 1, response: { body: Buffer.from([0xff, 0x00, 0xfe]), truncated: false } }, 'http://x');
    expect(response).toMatchObject({ body: '/wD+', bodyEncoding: 'base64' });
    expect(response.truncated).toBeUndefined();
  });
});

describe('DurableDirectory', () => {
  it('shows nothing under the final name until finish, then the whole file', async () => {
    const durable = new DurableDirectory(dir);
    const draft = durable.begin(join(dir, 'a.json'), '{\n  "x": 1');
    // The temp file exists (begin created it), yet nothing shows under a final name.
    await waitUntil(async () => (await readdir(dir)).some((name) => name.endsWith('.tmp')), 'the temp file to be created');
    expect((await readdir(dir)).filter((name) => !name.startsWith('.'))).toEqual([]);
    expect(await draft.finish('\n}\n')).toBe(join(dir, 'a.json'));
    expect(await readFile(join(dir, 'a.json'), 'utf8')).toBe('{\n  "x": 1\n}\n');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('commits files finished together in a few batches, not one each', async () => {
    const durable = new DurableDirectory(dir);
    const drafts = Array.from({ length: 40 }, (_, i) => durable.begin(join(dir, `f${i}.json`), `{"n": ${i}`));
    await Promise.all(drafts.map((draft) => draft.finish('}\n')));
    expect(durable.stats.files).toBe(40);
    // The first file starts a commit alone; the rest queue behind it and go in a few more.
    expect(durable.stats.batches).toBeLessThanOrEqual(10);
    expect((await readdir(dir)).sort()).toHaveLength(40);
  });

  it.runIf(process.platform === 'linux')('keeps the directory open across commits, and lets go of it on close', async () => {
    const durable = new DurableDirectory(dir);
    const openOnDir = async (): Promise<number> => {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.filter((target) => target === dir).length;
    };
    await durable.write(join(dir, 'a.json'), '{}\n');
    await durable.write(join(dir, 'b.json'), '{}\n');
    expect(await openOnDir()).toBe(1);
    durable.close();
    expect(await openOnDir()).toBe(0);
    // Written after close: still durable, and the directory is let go of again.
    await durable.write(join(dir, 'c.json'), '{}\n');
    expect(await openOnDir()).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['a.json', 'b.json', 'c.json']);
  });

  it('reports a temp file it could not create when finishing, leaving nothing behind', async () => {
    const draft = new DurableDirectory(dir).begin(join(dir, 'missing-subdir', 'x.json'), 'head');
    await expect(draft.finish('tail')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('tidyTempFiles', () => {
  it('recovers complete temp files of a dead writer, removes partial ones, leaves a live writer alone', async () => {
    const dead = await deadPid();
    const whole = serializeFixture(sample(7, true));
    await writeFile(join(dir, `.2026-01-02_video.ready_v7_aaaaaa.json.${dead}.0a1b2c3d.tmp`), whole);
    await writeFile(join(dir, `.2026-01-02_video.ready_v8_bbbbbb.json.${dead}.0a1b2c3e.tmp`), fixtureHead(sample(8)));
    await writeFile(join(dir, `.2026-01-02_video.ready_v9_cccccc.json.${dead}.0a1b2c3f.tmp`), '{"format": "something else"}');
    const live = `.2026-01-02_video.ready_v10_dddddd.json.${process.ppid}.0a1b2c40.tmp`;
    await writeFile(join(dir, live), fixtureHead(sample(10)));
    await writeFile(join(dir, 'notes.txt'), 'not ours');

    const result = await tidyTempFiles(dir);
    expect(result.recovered).toEqual([join(dir, '2026-01-02_video.ready_v7_aaaaaa.json')]);
    expect(result.removed).toHaveLength(2);
    expect((await readdir(dir)).sort()).toEqual([live, '2026-01-02_video.ready_v7_aaaaaa.json', 'notes.txt'].sort());
    const recovered = await readFixture(join(dir, '2026-01-02_video.ready_v7_aaaaaa.json'));
    expect(recovered.event.videoId).toBe(7);
    expect(await readFile(join(dir, '2026-01-02_video.ready_v7_aaaaaa.json'), 'utf8')).toBe(whole);
  });

  it('finds nothing to do in a directory that does not exist yet', async () => {
    expect(await tidyTempFiles(join(dir, 'missing'))).toEqual({ recovered: [], removed: [] });
  });
});

describe('checkWritableDirectory', () => {
  it('creates missing parents and leaves nothing of its check behind', async () => {
    await checkWritableDirectory(join(dir, 'a', 'b'));
    expect(await readdir(join(dir, 'a', 'b'))).toEqual([]);
  });

  it('fails on a path under a file', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(checkWritableDirectory(join(dir, 'file', 'fixtures'))).rejects.toMatchObject({ code: 'HSW_BAD_DIRECTORY', message: expect.stringMatching(/file" is not a directory/) });
  });

  it('fails on a directory it cannot write into', async () => {
    const readOnly = join(dir, 'read-only');
    await mkdir(readOnly);
    const release = await makeReadOnly(readOnly);
    try {
      await expect(checkWritableDirectory(readOnly)).rejects.toMatchObject({ code: 'HSW_BAD_DIRECTORY', message: expect.stringMatching(/no permission to write/) });
    } finally {
      await release();
    }
  });
});

/** A pid that is certainly not running: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}
