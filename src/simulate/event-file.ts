/**
 * The per-event part of a report file, written while the run goes. Files list events by
 * index but events finish in any order, so this writes the finished prefix: whenever the
 * lowest unwritten event finishes, it and every finished event after it are formatted
 * (from the attempt log, which holds them anyway) and appended to a temporary file. The
 * summary that heads the file is only known at the end; `assemble` then writes the head,
 * copies the events and writes the tail. A million events thus never wait as strings in
 * memory, and most of the formatting happens during delivery instead of after it.
 */
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { EngineResult } from './engine.js';
import type { EventOutcome, SimulateSettings } from './types.js';

/** Formats one event; `position` is its place in the file (0 for the first). */
export type FormatEvent = (outcome: EventOutcome, position: number) => string;

/**
 * A file format with a line (or element) per event, between a head and a tail that only the
 * finished run's summary gives: the report's JSON, JUnit's XML. One definition per format,
 * and one writer of its events (EventWriter), whether into the file after the run
 * (writeEventFile) or into a temporary file while it goes (IncrementalEventFile).
 */
export interface EventFileFormat<Summary> {
  head(summary: Summary): string;
  /** How events are formatted while the run goes, when only its settings are known. */
  during(settings: SimulateSettings): FormatEvent;
  /** How events are formatted after the run (an unfinished event may say why it stopped). */
  after(summary: Summary): FormatEvent;
  tail(summary: Summary): string;
}

/**
 * The whole file from a finished run, through `write`: the simple case of the incremental
 * writer, where every event is formatted after the run and the summary is known from the
 * start, so the events go straight into the file between head and tail.
 */
export async function writeEventFile<Summary>(write: (chunk: string) => Promise<void>, format: EventFileFormat<Summary>, summary: Summary, result: EngineResult): Promise<void> {
  await write(format.head(summary));
  await new EventWriter(result.order.length, format.after(summary), write).complete((index) => result.outcome(index));
  await write(format.tail(summary));
}

/** Appended in chunks about this big: few writes, little held in memory. */
const CHUNK_CHARS = 256 * 1024;
const COPY_BYTES = 4 * 1024 * 1024;

/**
 * Events in index order, formatted as the finished prefix grows and handed to `sink` in
 * chunks, one write after another: into a temporary file while the run goes
 * (IncrementalEventFile), or straight into the file when the run is over (writeEventFile).
 */
export class EventWriter {
  private readonly done: Uint8Array;
  private next = 0;
  private batch: string[] = [];
  private batchChars = 0;
  private writing: Promise<unknown> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly count: number,
    private readonly format: FormatEvent,
    private readonly sink: (chunk: string) => Promise<unknown>,
  ) {
    this.done = new Uint8Array(count);
  }

  /** Event `index` is over: no attempt will be added to it. */
  finished(index: number, outcome: (index: number) => EventOutcome): void {
    this.done[index] = 1;
    while (this.next < this.count && this.done[this.next] === 1) this.add(outcome(this.next));
  }

  /**
   * After the run: the events not yet written (the run stopped, or a later one is still
   * unfinished), with `format` now knowing how the run ended.
   */
  async complete(outcome: (index: number) => EventOutcome, format: FormatEvent = this.format): Promise<void> {
    // Each chunk written before the next is formatted: a million events never wait as strings.
    // After a failed write (disk full) nothing more is formatted: complete() reports it.
    while (this.next < this.count && !this.failure) if (this.add(outcome(this.next), format)) await this.settled();
    this.flush();
    await this.settled();
    if (this.failure) throw this.failure;
  }

  /** Every write handed to the sink so far is over (a failure is kept for complete()). */
  async settled(): Promise<void> {
    await this.writing;
  }

  /** Whether a chunk went to the sink. */
  private add(outcome: EventOutcome, format: FormatEvent = this.format): boolean {
    const line = format(outcome, this.next++);
    this.batch.push(line);
    this.batchChars += line.length;
    if (this.batchChars < CHUNK_CHARS) return false;
    this.flush();
    return true;
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    const chunk = this.batch.join('');
    this.batch = [];
    this.batchChars = 0;
    // One write at a time, in order; a failure (disk full) is reported by complete().
    this.writing = this.writing.then(() => (this.failure ? undefined : this.sink(chunk))).catch((error: unknown) => (this.failure = error));
  }
}

/** An EventWriter into a temporary file, whose events are copied between head and tail once the summary is known. */
export class IncrementalEventFile extends EventWriter {
  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    count: number,
    format: FormatEvent,
  ) {
    super(count, format, (chunk) => handle.write(chunk));
  }

  /** A temporary file next to `file` (same file system, so the final copy stays local). */
  static async create(file: string, count: number, format: FormatEvent): Promise<IncrementalEventFile> {
    const path = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.events.tmp`);
    return new IncrementalEventFile(await open(path, 'wx+', 0o600), path, count, format);
  }

  /** Head, the events written so far, tail, through `write` (writeFileAtomicStreamed's). */
  async assemble(write: (chunk: string | Uint8Array) => Promise<void>, head: string, tail: string): Promise<void> {
    await write(head);
    const buffer = Buffer.allocUnsafe(COPY_BYTES);
    for (let position = 0; ; ) {
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      // writeFile on the destination writes all of it before the next read reuses the buffer.
      await write(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
    await write(tail);
  }

  async discard(): Promise<void> {
    await this.settled();
    await this.handle.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}
