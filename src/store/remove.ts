/**
 * Removing fixture files without reaching outside the directories named. `unlink` on a
 * symlinked file removes the link, never what it points to; but a path through a symlinked
 * directory (`fixtures-link/x.json`, with `fixtures-link` → `/home/me/notes`) removes a file
 * in the directory the link leads to. Such a path is refused, before anything is removed.
 */
import { lstat, readlink, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** The symlinked directory on the way to `file`, as the user named it, if there is one. */
async function symlinkOnTheWay(file: string): Promise<string | undefined> {
  const dir = normalize(dirname(file));
  // Every directory the user typed, but those at the top of the file system: system
  // directories such as macOS's /tmp and /var are symlinks nobody chose to delete through.
  const parts = dir.split(sep).filter((part) => part !== '' && part !== '.');
  const root = isAbsolute(dir) ? sep : '';
  const typed = parts.map((_, i) => `${root}${join(...parts.slice(0, i + 1))}`).filter((path, i) => !(root && i === 0) && !path.split(sep).includes('..'));
  for (const path of typed) {
    const info = await lstat(path).catch(() => undefined);
    if (info?.isSymbolicLink()) return path;
  }
  return undefined;
}

/** Throws HSW_OUTSIDE_DIRECTORY (exit 2) if any file would be removed through a symlinked directory; else removes them all. */
export async function removeFixtureFiles(files: readonly string[], onRemoved: (file: string) => void = () => undefined): Promise<void> {
  for (const file of files) {
    const link = await symlinkOnTheWay(file);
    if (link !== undefined) {
      const target = await readlink(link).catch(() => 'elsewhere');
      throw new UsageError(
        `"${link}" is a symlink to "${target}": removing "${file}" would delete a file outside the directory given; nothing was removed (name the directory itself)`,
        'HSW_OUTSIDE_DIRECTORY',
      );
    }
  }
  for (const file of files) {
    const info = await lstat(file);
    // A symlinked fixture: the link goes, never the file it names.
    if (!info.isFile() && !info.isSymbolicLink()) throw new UsageError(`"${file}" is not a file; nothing more was removed`, 'HSW_OUTSIDE_DIRECTORY');
    await unlink(file);
    onRemoved(file);
  }
}
