import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { encodeBody, summarizeBody } from './body.js';
import { fixtureFileName, insideDirectory } from './name.js';
import { FIXTURE_FORMAT, type Fixture, type FixtureResponse } from './types.js';
import type { HeaderMap } from '../delivery/headers.js';

/**
 * Writes a file so that readers only ever see the old file or the whole new one: `produce`
 * writes into a temp file in the same directory (same filesystem, so rename is atomic),
 * which is flushed, then renamed over `file`. Temp names start with a dot, so listings skip
 * them. Writing in chunks keeps large outputs (simulate reports) out of memory.
 */
export async function writeFileAtomicStreamed(file: string, produce: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>, mode = 0o644): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    // writeFile on an open handle writes all of the chunk at the current position.
    await produce((chunk) => handle.writeFile(chunk));
    await handle.datasync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The whole of `data`, atomically (see writeFileAtomicStreamed). */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  return writeFileAtomicStreamed(file, (write) => write(data), mode);
}

export interface NewFixture {
  recordedAt?: Date;
  via: Fixture['via'];
  method: string;
  path: string;
  query?: string;
  headers: HeaderMap;
  remoteAddress?: string;
  body: Uint8Array;
  response?: FixtureResponse;
}

export function makeFixture(input: NewFixture): Fixture {
  const recordedAt = input.recordedAt ?? new Date();
  return {
    format: FIXTURE_FORMAT,
    recordedAt: recordedAt.toISOString(),
    via: input.via,
    event: summarizeBody(input.body),
    request: {
      method: input.method,
      path: input.path,
      query: input.query ?? '',
      headers: input.headers,
      ...(input.remoteAddress ? { remoteAddress: input.remoteAddress } : {}),
      ...encodeBody(input.body),
    },
    ...(input.response ? { response: input.response } : {}),
  };
}

export function serializeFixture(fixture: Fixture): string {
  return `${JSON.stringify(fixture, null, 2)}\n`;
}

/** Writes a new fixture file into `dir` (created if missing) and returns its path. */
export async function saveFixture(dir: string, fixture: Fixture): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = insideDirectory(dir, fixtureFileName(new Date(fixture.recordedAt), fixture.event));
  await writeFileAtomic(file, serializeFixture(fixture));
  return file;
}
