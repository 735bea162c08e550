/**
 * Durable files in one directory, with group commit.
 *
 * A file is written into a temp file next to its final name (same filesystem, so the
 * rename is atomic), in two steps: `begin` creates the temp file at once, `finish` writes
 * all of it (the start given to `begin` and the rest, in one write) and commits. A commit
 * is: fdatasync the temp file, rename it into place, fsync the directory (a renamed file
 * survives a power loss only once its directory entry is on disk). Files finished while a
 * commit is running wait and are committed together: their fdatasyncs are issued at the
 * same time (the filesystem joins them in one journal commit) and one directory fsync
 * covers all their renames. At low load a file commits at once; under load batches grow by
 * themselves, with no timer to tune.
 *
 * libuv's thread pool (four threads) does the syncs and the creation of temp files: creating
 * an inode can wait for a journal commit in progress, which on the main thread stalled every
 * request (more than half of listen's time under load, measured); on ext4 without a journal
 * it scans past every inode freed in the last minutes (0.8 ms a file in a busy /tmp,
 * measured). Writing a small file into the page cache, closing it and renaming it take
 * microseconds, less than a round trip through the pool behind the syncs, so those are
 * synchronous. The directory sync of one batch overlaps the data syncs of the next; the
 * directory stays open for them until `close`.
 *
 * Temp names are `.<final name>.<pid>.<n>.tmp`: dot files, which listings skip, and which
 * `tidyTempFiles` (tidy.ts) can map back to their final name and their writer.
 */
import { closeSync, fdatasync, fsync, open, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let tempCounter = 0;

export function tempNameFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${(tempCounter++).toString(16)}.tmp`);
}

interface Pending {
  temp: string;
  file: string;
  fd: number;
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
  /**
   * The directory, open for its syncs: at low load every webhook is a commit of its own, and
   * opening and closing the directory each time sat on the path to its answer.
   */
  private directoryFd: number | undefined;
  private directorySyncs = 0;
  private closed = false;
  readonly stats: CommitStats = { files: 0, batches: 0 };

  constructor(readonly dir: string) {}

  /** Starts `file` (a path in this directory): the temp file is created; `head` is its start. */
  begin(file: string, head: string | Uint8Array): DraftFile {
    return new DraftFile(this, file, head);
  }

  /** Writes `data` as `file` and resolves once it is durable under its final name. */
  async write(file: string, data: string | Uint8Array): Promise<void> {
    await this.begin(file, data).finish('');
  }

  /** @internal Queues a fully written temp file for the next commit. */
  commit(temp: string, file: string, fd: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ temp, file, fd, resolve, reject });
      if (!this.committing) this.next();
    });
  }

  /**
   * Commits what is queued as one batch, then the next batch, until none is left. Data first,
   * then names: a file is renamed only once its bytes are synced, so a rename never reaches
   * the disk before the bytes it names. Plain callbacks, not promises: this runs per file.
   */
  private next(): void {
    const batch = this.queue;
    this.committing = batch.length > 0;
    if (batch.length === 0) return;
    this.queue = [];
    const synced: boolean[] = [];
    let waiting = batch.length;
    batch.forEach((entry, i) => {
      fdatasync(entry.fd, (error) => {
        try {
          if (error) throw error;
          closeSync(entry.fd);
          renameSync(entry.temp, entry.file);
          synced[i] = true;
        } catch (failure) {
          discardTemp(entry.fd, entry.temp);
          entry.reject(failure);
        }
        if (--waiting > 0) return;
        const renamed = batch.filter((_, j) => synced[j]);
        // The directory sync that makes these renames durable overlaps the next batch's data
        // syncs: the filesystem can take them in one journal commit.
        if (renamed.length > 0) void this.syncRenames(renamed);
        this.next();
      });
    });
  }

  private async syncRenames(renamed: Pending[]): Promise<void> {
    this.directorySyncs++;
    try {
      await this.syncDirectory();
    } catch (error) {
      for (const entry of renamed) entry.reject(error);
      return;
    } finally {
      this.directorySyncs--;
      if (this.closed) this.releaseDirectory();
    }
    this.stats.batches++;
    this.stats.files += renamed.length;
    for (const entry of renamed) entry.resolve();
  }

  private async syncDirectory(): Promise<void> {
    if (this.directoryFd === undefined) {
      try {
        this.directoryFd = openSync(this.dir, 'r');
      } catch (error) {
        if (NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
        throw error;
      }
    }
    const fd = this.directoryFd;
    try {
      await callback((done) => fsync(fd, done));
    } catch (error) {
      if (!NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
  }

  /**
   * Lets go of the directory once the syncs under way are over. Files written after this
   * are still made durable (the directory is opened again for them).
   */
  close(): void {
    this.closed = true;
    this.releaseDirectory();
  }

  private releaseDirectory(): void {
    if (this.directorySyncs > 0 || this.directoryFd === undefined) return;
    const fd = this.directoryFd;
    this.directoryFd = undefined;
    closeSync(fd);
  }
}

/** A file being written: visible under its final name only once `finish` resolves. */
export class DraftFile {
  readonly temp: string;
  /** The temp file's descriptor once created; rejects with why not. */
  private readonly opened: Promise<number>;
  private done = false;

  constructor(
    private readonly directory: DurableDirectory,
    readonly file: string,
    /** Written with the tail, in one write: a file is one system call of data, not two. */
    private readonly head: string | Uint8Array,
  ) {
    const temp = tempNameFor(file);
    this.temp = temp;
    this.opened = new Promise<number>((resolve, reject) => open(temp, 'wx', 0o644, (error, fd) => (error ? reject(error) : resolve(fd))));
    // The failure is reported by finish(); until then it must not count as unhandled.
    this.opened.catch(() => undefined);
  }

  /** Appends `tail`, commits, and resolves with the final path once it is durable. */
  async finish(tail: string | Uint8Array): Promise<string> {
    this.claim();
    const fd = await this.opened;
    try {
      writeAll(fd, typeof this.head === 'string' && typeof tail === 'string' ? this.head + tail : Buffer.concat([toBytes(this.head), toBytes(tail)]));
    } catch (error) {
      discardTemp(fd, this.temp);
      throw error;
    }
    await this.directory.commit(this.temp, this.file, fd);
    return this.file;
  }

  private claim(): void {
    if (this.done) throw new Error(`draft ${this.file} was already finished`);
    this.done = true;
  }
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = toBytes(data);
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function discardTemp(fd: number, temp: string): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: the unlink below is what matters.
  }
  try {
    unlinkSync(temp);
  } catch {
    // Already gone.
  }
}

function callback(run: (done: (error: NodeJS.ErrnoException | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

/** Filesystems (and platforms) that cannot open or fsync a directory say so with these. */
const NO_DIRECTORY_SYNC = new Set(['EISDIR', 'EINVAL', 'EPERM', 'ENOTSUP']);

export async function syncDirectory(dir: string): Promise<void> {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch (error) {
    if (NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) return;
    throw error;
  }
  try {
    await callback((done) => fsync(fd, done));
  } catch (error) {
    if (!NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    closeSync(fd);
  }
}
