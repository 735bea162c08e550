/**
 * What a crash leaves in a fixtures directory: temp files (see durable.ts) that were never
 * renamed into place. A complete one holds a whole fixture (its sender may even have been
 * answered, in a run without group commit), so it is recovered; a partial one is removed.
 * Temp files of a writer that is still running are left alone.
 */
import { open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../pid.js';
import { syncDirectory } from './durable.js';
import { insideDirectory } from './name.js';
import { validate as fixtureProblem } from './read.js';

const TEMP = /^\.(.+\.json)\.(\d+)\.[0-9a-f]+\.tmp$/;

export interface TidyResult {
  /** Final paths of the fixtures recovered from complete temp files. */
  recovered: string[];
  /** Temp files removed because they held no whole fixture. */
  removed: string[];
}

export async function tidyTempFiles(dir: string): Promise<TidyResult> {
  const result: TidyResult = { recovered: [], removed: [] };
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw error;
  }
  for (const name of names) {
    const match = TEMP.exec(name);
    const writer = Number(match?.[2]);
    // Ours, or another writer's that is still running: not left over.
    if (!match || writer === process.pid || isProcessAlive(writer)) continue;
    const temp = join(dir, name);
    if (await holdsWholeFixture(temp)) {
      const file = insideDirectory(dir, match[1] as string);
      // Its writer died before syncing it: sync now, so a recovered fixture is as durable as any.
      const handle = await open(temp, 'r+');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
      result.recovered.push(file);
    } else {
      await unlink(temp);
      result.removed.push(temp);
    }
  }
  if (result.recovered.length > 0) await syncDirectory(dir);
  return result;
}

async function holdsWholeFixture(file: string): Promise<boolean> {
  try {
    return fixtureProblem(JSON.parse(await readFile(file, 'utf8'))) === undefined;
  } catch {
    return false;
  }
}
