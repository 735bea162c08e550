/**
 * Files a run will write when it is over (reports, JUnit, the HTML picture, the app's log,
 * GitHub's step summary), checked before it starts: a path that cannot be written must fail
 * at once, with one line that names it and says why, not after minutes of deliveries with a
 * temp-file error.
 */
import { constants } from 'node:fs';
import { access, open, stat, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { tempNameFor } from './durable.js';

export interface OutputFile {
  /** What the user knows the path by: `--junit`, `$GITHUB_STEP_SUMMARY`. */
  name: string;
  file: string;
  /**
   * `replace`: written whole to a temp file beside it, then renamed over it (the directory
   * must take new files). `append`: opened and added to (the file must take writes).
   */
  mode: 'replace' | 'append';
}

/** Throws a UsageError (HSW_BAD_OUTPUT, exit 2) for the first file that cannot be written. */
export async function checkOutputFiles(files: readonly OutputFile[]): Promise<void> {
  for (const output of files) await checkOutputFile(output);
}

async function checkOutputFile({ name, file, mode }: OutputFile): Promise<void> {
  const path = resolve(file);
  const dir = dirname(path);
  const refuse = (why: string, cause?: unknown): never => {
    throw new UsageError(`${name} "${file}" cannot be written: ${why}; choose another path`, 'HSW_BAD_OUTPUT', cause === undefined ? {} : { cause });
  };
  const existing = await stat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : refuse(reason(error.code, dir), error)));
  if (existing?.isDirectory()) refuse('it is a directory');
  if (existing && mode === 'replace' && !existing.isFile()) refuse('it is not a regular file');
  const parent = await stat(dir).catch((error: NodeJS.ErrnoException) => refuse(reason(error.code, dir), error));
  if (!parent.isDirectory()) refuse(`"${dir}" is not a directory`);
  try {
    if (mode === 'append') {
      // Opening for append creates the file as the run would; nothing is written.
      const handle = await open(path, 'a');
      await handle.close();
      return;
    }
    if (existing) await access(path, constants.W_OK);
    // The run writes a temp file beside the target and renames it: prove that works here.
    const probe = tempNameFor(path);
    const handle = await open(probe, 'wx');
    await handle.close();
    await unlink(probe);
  } catch (error) {
    refuse(reason((error as NodeJS.ErrnoException).code, dir), error);
  }
}

function reason(code: string | undefined, dir: string): string {
  switch (code) {
    case 'ENOENT':
      return `the directory "${dir}" does not exist`;
    case 'ENOTDIR':
      return `a part of "${dir}" is not a directory`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in "${dir}"`;
    case 'EROFS':
      return `"${dir}" is on a read-only file system`;
    case 'ENOSPC':
      return 'the disk is full';
    default:
      return `it cannot be created there (${code ?? 'unknown error'})`;
  }
}
