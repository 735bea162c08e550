/**
 * The public URL's stable parts, kept per working directory: the same URL after a restart,
 * a new one only when asked (or when the saved one is unusable), and a run that goes on
 * with a fresh URL when nothing can be saved.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configDirectory, listenStateFile, loadListenIdentity, randomPathToken, randomSubdomain } from '../../src/listen/identity.js';
import { makeReadOnly } from '../helpers/read-only.js';

let configDir: string;
let warnings: string[];
let restore: (() => Promise<void>) | undefined;
const cwd = '/work/project';

beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'hsw-identity-'));
  warnings = [];
});
afterEach(async () => {
  await restore?.();
  restore = undefined;
  await rm(configDir, { recursive: true, force: true });
});

const load = (options: { renew?: boolean; cwd?: string } = {}) => loadListenIdentity({ cwd: options.cwd ?? cwd, renew: options.renew ?? false, configDir, warn: (text) => warnings.push(text) });

describe('the listen identity', () => {
  it('is made once, saved privately, and the same on the next run', async () => {
    const first = await load();
    expect(first.path).toMatch(/^\/[A-Za-z0-9_-]{22}$/);
    expect(first.subdomain).toMatch(/^hsw-[0-9a-f]{16}$/);
    const { file, dir } = listenStateFile(cwd, '.json', configDir);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    expect(saved).toMatchObject({ directory: cwd, path: first.path, subdomain: first.subdomain });
    expect(new Date(saved['createdAt'] as string).getTime()).not.toBeNaN();
    // The path token is a secret: only its owner may read the file.
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(await load()).toEqual(first);
    expect(warnings).toEqual([]);
  });

  it('belongs to one directory: another directory gets its own, the same one spelled differently the same', async () => {
    const first = await load();
    const other = await load({ cwd: '/work/other' });
    expect(other.path).not.toBe(first.path);
    expect(other.subdomain).not.toBe(first.subdomain);
    expect(await load({ cwd: '/work/other/../project/' })).toEqual(first);
    expect(listenStateFile('/work/project', '.json', configDir).file).toBe(listenStateFile('/work/./project', '.json', configDir).file);
    expect(listenStateFile(cwd, '.running.json', configDir).file).toMatch(/\/listen\/[0-9a-f]{32}\.running\.json$/);
  });

  it('is renewed when asked, and the new one is kept', async () => {
    const first = await load();
    const renewed = await load({ renew: true });
    expect(renewed.path).not.toBe(first.path);
    expect(renewed.subdomain).not.toBe(first.subdomain);
    expect(await load()).toEqual(renewed);
  });

  it.each([
    ['not JSON', '{"path": '],
    ['JSON null', 'null'],
    ['a path that is not a token', JSON.stringify({ path: '/short', subdomain: 'hsw-0123456789abcdef' })],
    ['a path outside the root', JSON.stringify({ path: '../../etc/passwd-and-more-chars', subdomain: 'hsw-0123456789abcdef' })],
    ['a subdomain that is not a DNS label', JSON.stringify({ path: '/AAAAAAAAAAAAAAAAAAAAAA', subdomain: 'Evil.Example' })],
    ['a subdomain missing', JSON.stringify({ path: '/AAAAAAAAAAAAAAAAAAAAAA' })],
  ])('replaces a saved identity that is %s', async (_name, text) => {
    const { dir, file } = listenStateFile(cwd, '.json', configDir);
    await mkdir(dir, { recursive: true });
    await writeFile(file, text);
    const identity = await load();
    expect(identity.path).toMatch(/^\/[A-Za-z0-9_-]{22}$/);
    expect(identity.subdomain).toMatch(/^hsw-[0-9a-f]{16}$/);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject(identity);
    expect(warnings).toEqual([]);
  });

  it('keeps a valid identity written by hand', async () => {
    const { dir, file } = listenStateFile(cwd, '.json', configDir);
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify({ path: '/my-own-token-0123456789', subdomain: 'my-team-hooks', extra: true }));
    expect(await load()).toEqual({ path: '/my-own-token-0123456789', subdomain: 'my-team-hooks' });
  });

  it('when nothing can be saved, says where and why, and this run still gets a URL', async () => {
    restore = await makeReadOnly(configDir);
    const identity = await load();
    expect(identity.path).toMatch(/^\/[A-Za-z0-9_-]{22}$/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`^could not save the listen URL in ${configDir}/listen \\(.+\\); it will change on the next run$`));
    // Nothing was kept: the next run gets another one.
    expect((await load()).path).not.toBe(identity.path);
  });
});

describe('where it is kept', () => {
  it('under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configDirectory({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/heapstream-webhooks');
    expect(configDirectory({ XDG_CONFIG_HOME: '' })).toBe(join(homedir(), '.config', 'heapstream-webhooks'));
    expect(configDirectory({})).toBe(join(homedir(), '.config', 'heapstream-webhooks'));
  });

  it('random parts are fresh each time', () => {
    expect(new Set(Array.from({ length: 20 }, randomPathToken)).size).toBe(20);
    expect(new Set(Array.from({ length: 20 }, randomSubdomain)).size).toBe(20);
  });
});
