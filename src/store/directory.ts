import { constants } from 'node:fs';
import { access, mkdir, open, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { tempNameFor } from './durable.js';

/**
 * Makes a directory the user named (and its missing parents), or fails at once with one line
 * that names it and says why. Not `mkdir({ recursive: true })`: under /proc that retries
 * forever, because the kernel answers ENOENT for a parent that exists. Here each missing
 * level is made once, from the deepest existing ancestor down, so the work is bounded.
 */
export async function ensureDirectory(dir: string): Promise<void> {
  const unusable = (why: string, cause?: unknown): UsageError =>
    new UsageError(`the directory "${dir}" cannot be used: ${why}; choose another one`, 'HSW_BAD_DIRECTORY', cause === undefined ? {} : { cause });
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      const info = await stat(at);
      if (!info.isDirectory()) throw unusable(`"${at}" is not a directory`);
      break;
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: some ancestor is a file; keep climbing to name it.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(at) !== at) {
        missing.unshift(at);
        at = dirname(at);
        continue;
      }
      throw unusable(reason(code, at, at), error);
    }
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(level).catch(() => undefined))?.isDirectory()) continue;
      throw unusable(reason(code, dirname(level), level), error);
    }
  }
  try {
    await access(resolve(dir), constants.W_OK | constants.X_OK);
  } catch (error) {
    throw unusable(reason((error as NodeJS.ErrnoException).code, resolve(dir), resolve(dir)), error);
  }
}

/** Why `target` cannot be made or written, `where` being the directory that refused. */
function reason(code: string | undefined, where: string, target: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in "${where}"`;
    case 'EROFS':
      return `"${where}" is on a read-only file system`;
    case 'ENOENT':
      return `"${where}" does not take new directories`;
    case 'EEXIST':
      return `"${target}" exists and is not a directory`;
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return `"${target}" cannot be made (${code ?? 'unknown error'})`;
  }
}

/**
 * ensureDirectory, then proof that a file can be created, written, synced and removed there
 * (a directory can pass the permission check and still refuse: a read-only or full disk, an
 * immutable directory). The probe is a temp file (see durable.ts), so one left by a crash is
 * tidied like any other.
 */
export async function checkWritableDirectory(dir: string): Promise<void> {
  await ensureDirectory(dir);
  const probe = tempNameFor(resolve(dir, 'write-check.json'));
  try {
    const handle = await open(probe, 'wx');
    try {
      await handle.writeFile('x');
      await handle.datasync();
    } finally {
      await handle.close();
      await unlink(probe);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`the directory "${dir}" cannot be used: ${reason(code, resolve(dir), probe)}; choose another one`, 'HSW_BAD_DIRECTORY', { cause: error });
  }
}
