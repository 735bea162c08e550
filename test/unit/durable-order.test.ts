/**
 * "Answered 2xx means on disk" rests on the order of a durable write: the temp file's data
 * is synced, then it is renamed into place, then the directory is synced (the rename itself
 * is on disk only then), and only after all of that is the sender answered. A missing sync
 * changes nothing a test can read back from the page cache, so the fs layer is watched here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { waitUntil } from '../helpers/time.js';

/** What the fs layer was asked to do, in order, with paths instead of descriptors. */
const log: string[] = [];
const paths = new Map<number, string>();

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  type Done = (error: NodeJS.ErrnoException | null) => void;
  const name = (fd: number): string => paths.get(fd) ?? `fd ${fd}`;
  const watched = {
    open(path: string, flags: string, mode: number, done: (error: NodeJS.ErrnoException | null, fd: number) => void) {
      fs.open(path, flags, mode, (error, fd) => {
        if (!error) paths.set(fd, path);
        done(error, fd);
      });
    },
    openSync(path: string, ...rest: unknown[]) {
      const fd = (fs.openSync as (...args: unknown[]) => number)(path, ...rest);
      paths.set(fd, path);
      return fd;
    },
    fdatasync(fd: number, done: Done) {
      log.push(`datasync ${name(fd)}`);
      fs.fdatasync(fd, (error) => {
        log.push(`datasync done ${name(fd)}`);
        done(error);
      });
    },
    fsync(fd: number, done: Done) {
      log.push(`fsync ${name(fd)}`);
      fs.fsync(fd, (error) => {
        log.push(`fsync done ${name(fd)}`);
        done(error);
      });
    },
    renameSync(from: string, to: string) {
      log.push(`rename ${from} -> ${to}`);
      fs.renameSync(from, to);
    },
  };
  return { ...fs, ...watched, default: { ...fs, ...watched } };
});

const { DurableDirectory } = await import('../../src/store/durable.js');
const { ListenSession } = await import('../../src/listen/session.js');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-order-'));
  log.length = 0;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The log entries about `file` (its temp file included) and its directory, with `dir` dropped. */
function about(file: string): string[] {
  const temp = new RegExp(`\\.${basename(file).replace(/[.]/g, '\\.')}\\.\\d+\\.[0-9a-f]+\\.tmp`, 'g');
  return log
    .filter((entry) => entry.includes(basename(file)) || entry.endsWith(` ${dir}`) || entry === 'answered')
    .map((entry) => entry.replaceAll(`${dir}/`, '').replace(temp, 'TEMP').replace(` ${dir}`, ' DIR'));
}

describe('the durable write', () => {
  it('syncs the data, then renames, then syncs the directory, before it resolves', async () => {
    const durable = new DurableDirectory(dir);
    const file = join(dir, 'a.json');
    await durable.write(file, '{}\n');
    log.push('answered');
    durable.close();
    expect(about(file)).toEqual(['datasync TEMP', 'datasync done TEMP', 'rename TEMP -> a.json', 'fsync DIR', 'fsync done DIR', 'answered']);
  });

  it('listen answers 2xx only once the fixture and its name are synced', async () => {
    let localUrl = '';
    const fixtures: string[] = [];
    const session = new ListenSession({
      port: 0,
      path: '/hook',
      maxBodyBytes: 1024,
      forwardTimeoutMs: 1_000,
      ack: false,
      recordDir: dir,
      shutdownGraceMs: 100,
      reporter: { ready: (info) => (localUrl = info.localUrl), tidied() {}, tunnel() {}, event: (e) => e.fixture && fixtures.push(e.fixture), rejected() {}, warn() {} },
    });
    await session.start();
    try {
      log.length = 0;
      const answer = await request(localUrl, { method: 'POST', body: '{"event_type": "video.ready"}', headers: { 'content-type': 'application/json' } });
      await answer.body.text();
      log.push('answered');
      expect(answer.statusCode).toBe(200);
      const file = await waitUntil(() => fixtures[0], 'listen to report the fixture');
      expect(about(file)).toEqual(['datasync TEMP', 'datasync done TEMP', `rename TEMP -> ${basename(file)}`, 'fsync DIR', 'fsync done DIR', 'answered']);
    } finally {
      await session.stop();
    }
  });
});
