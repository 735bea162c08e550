/**
 * Durable files in one directory, with group commit.
 *
 * A file is written into a temp file next to its final name (same filesystem, so the
 * rename is atomic), in two steps: `begin` writes the start of it at once, `finish` writes
 * the rest and commits. A commit is: fdatasync the temp file, rename it into place, fsync
 * the directory (a renamed file survives a power loss only once its directory entry is on
 * disk). Files finished while a commit is running wait and are committed together: their
 * fdatasyncs are issued at the same time (the filesystem joins them in one journal commit)
 * and one directory fsync covers all their renames. At low load a file commits at once; under
 * load batches grow by themselves, with no timer to tune.
 *
 * Temp names are `.<final name>.<pid>.<hex>.tmp`: dot files, which listings skip, and which
 * `tidyTempFiles` (tidy.ts) can map back to their final name and their writer.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

interface Pending {
  temp: string;
  file: string;
  handle: FileHandle;
  resolve(): void;
  reject(error: unknown): void;
}

export interface CommitStats {
  /** Files made durable. */
  files: number;
  /** Commits (directory fsyncs) that made them so. */
  batches: number;
}

export class DurableDirectory {
  private queue: Pending[] = [];
  private committing = false;
  readonly stats: CommitStats = { files: 0, batches: 0 };

  constructor(readonly dir: string) {}

  /** Starts `file` (a path in this directory): the temp file is created and `head` written. */
  begin(file: string, head: string | Uint8Array): DraftFile {
    return new DraftFile(this, file, head);
  }

  /** Writes `data` as `file` and resolves once it is durable under its final name. */
  async write(file: string, data: string | Uint8Array): Promise<void> {
    await this.begin(file, data).finish('');
  }

  /** @internal Queues a fully written temp file for the next commit. */
  commit(temp: string, file: string, handle: FileHandle): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ temp, file, handle, resolve, reject });
      if (!this.committing) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.committing = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.commitBatch(batch);
    }
    this.committing = false;
  }

  private async commitBatch(batch: Pending[]): Promise<void> {
    // Data first, then names: a rename must never reach the disk before the bytes it names.
    const synced = await Promise.all(
      batch.map(async (entry) => {
        try {
          await entry.handle.datasync();
          await entry.handle.close();
          await rename(entry.temp, entry.file);
          return true;
        } catch (error) {
          await entry.handle.close().catch(() => undefined);
          await unlink(entry.temp).catch(() => undefined);
          entry.reject(error);
          return false;
        }
      }),
    );
    const renamed = batch.filter((_, i) => synced[i]);
    if (renamed.length === 0) return;
    try {
      await syncDirectory(this.dir);
    } catch (error) {
      for (const entry of renamed) entry.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.files += renamed.length;
    for (const entry of renamed) entry.resolve();
  }
}

/** A file being written: visible under its final name only once `finish` resolves. */
export class DraftFile {
  readonly temp: string;
  private readonly opened: Promise<FileHandle>;
  private done = false;

  constructor(
    private readonly directory: DurableDirectory,
    readonly file: string,
    head: string | Uint8Array,
  ) {
    const temp = tempNameFor(file);
    this.temp = temp;
    this.opened = (async () => {
      const handle = await open(temp, 'wx', 0o644);
      try {
        // writeFile on an open handle writes all of the data at the current position.
        await handle.writeFile(head);
        return handle;
      } catch (error) {
        await handle.close().catch(() => undefined);
        await unlink(temp).catch(() => undefined);
        throw error;
      }
    })();
    // A draft that is discarded before anyone awaits it must not leave an unhandled rejection.
    this.opened.catch(() => undefined);
  }

  /** Appends `tail`, commits, and resolves with the final path once it is durable. */
  async finish(tail: string | Uint8Array): Promise<string> {
    this.claim();
    const handle = await this.opened;
    try {
      if (tail.length > 0) await handle.writeFile(tail);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(this.temp).catch(() => undefined);
      throw error;
    }
    await this.directory.commit(this.temp, this.file, handle);
    return this.file;
  }

  /** Drops the draft: nothing appears under the final name. */
  async discard(): Promise<void> {
    this.claim();
    const handle = await this.opened.catch(() => undefined);
    if (!handle) return;
    await handle.close().catch(() => undefined);
    await unlink(this.temp).catch(() => undefined);
  }

  private claim(): void {
    if (this.done) throw new Error(`draft ${this.file} was already finished or discarded`);
    this.done = true;
  }
}

/** Filesystems (and platforms) that cannot open or fsync a directory say so with these. */
const NO_DIRECTORY_SYNC = new Set(['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP']);

export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    await handle.close();
  }
}
