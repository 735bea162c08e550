import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { summarizeBody, type EventSummary } from '../events/summary.js';
import { encodeBody } from './body.js';
import { DurableDirectory, tempNameFor } from './durable.js';
import { fixtureFileName, insideDirectory } from './name.js';
import { FIXTURE_FORMAT, type Fixture, type FixtureResponse } from './types.js';
import type { DeliveryResult, HeaderMap } from '../http/types.js';
import { round } from '../round.js';

/**
 * Writes a file so that readers only ever see the old file or the whole new one: `produce`
 * writes into a temp file in the same directory (same filesystem, so rename is atomic),
 * which is flushed, then renamed over `file`. Temp names start with a dot, so listings skip
 * them. Writing in chunks keeps large outputs (simulate reports) out of memory.
 */
export async function writeFileAtomicStreamed(file: string, produce: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<void>, mode = 0o644): Promise<void> {
  const temp = tempNameFor(file);
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
  /** The body's summary, when the caller has read it already (else it is read here). */
  event?: EventSummary;
  /** The body as text (utf8Text), when the caller has decoded it already. */
  bodyText?: string;
  response?: FixtureResponse;
}

export function makeFixture(input: NewFixture): Fixture {
  const recordedAt = input.recordedAt ?? new Date();
  return {
    format: FIXTURE_FORMAT,
    recordedAt: recordedAt.toISOString(),
    via: input.via,
    event: input.event ?? summarizeBody(input.body, input.bodyText),
    request: {
      method: input.method,
      path: input.path,
      query: input.query ?? '',
      headers: input.headers,
      ...(input.remoteAddress ? { remoteAddress: input.remoteAddress } : {}),
      ...encodeBody(input.body, input.bodyText),
    },
    ...(input.response ? { response: input.response } : {}),
  };
}

export function serializeFixture(fixture: Fixture): string {
  return `${JSON.stringify(fixture, null, 2)}\n`;
}

/**
 * serializeFixture in two parts, so that most of a fixture (the request, up to the body
 * cap) can be written while the handler is still working: `head` is everything before
 * `response`, which is last in a fixture; `fixtureTail(response)` completes it.
 * `fixtureHead(f) + fixtureTail(f.response)` equals `serializeFixture(f)` byte for byte.
 */
export function fixtureHead(fixture: Fixture): string {
  const { response: _response, ...rest } = fixture;
  return JSON.stringify(rest, null, 2).replace(/\n\}$/, '');
}

export function fixtureTail(response: FixtureResponse | undefined): string {
  if (!response) return '\n}\n';
  return `,\n  "response": ${JSON.stringify(response, null, 2).replace(/\n/g, '\n  ')}\n}\n`;
}

/** How much of a handler's answer body a fixture keeps. */
export const RESPONSE_BODY_BYTES = 64 * 1024;

/** A delivery's outcome as a fixture records it: the status, timing, and the answer itself when kept. */
export function fixtureResponse(result: DeliveryResult, target: string): FixtureResponse {
  const answer = result.response;
  const body = answer ? encodeAnswerBody(answer.body, Boolean(answer.truncated)) : undefined;
  return {
    ok: result.ok,
    ...(result.status !== undefined ? { status: result.status } : {}),
    durationMs: round(result.durationMs, 2),
    ...(result.error ? { error: result.error } : {}),
    target,
    ...(answer?.headers ? { headers: answer.headers } : {}),
    ...(body ? { ...body, ...(answer?.truncated ? { truncated: true } : {}) } : {}),
  };
}

/**
 * A cut body can end inside a multi-byte character; that alone should not turn a text body
 * into base64, so up to three trailing bytes of an unfinished character are dropped first.
 */
function encodeAnswerBody(bytes: Buffer, truncated: boolean): Pick<FixtureResponse, 'body' | 'bodyEncoding'> {
  const encoded = encodeBody(bytes);
  if (encoded.bodyEncoding === 'utf8' || !truncated) return encoded;
  for (let drop = 1; drop <= 3 && drop < bytes.length; drop++) {
    const shorter = encodeBody(bytes.subarray(0, bytes.length - drop));
    if (shorter.bodyEncoding === 'utf8') return shorter;
  }
  return encoded;
}

/** Writes a new fixture file into `dir` (created if missing) and returns its path once it is durable. */
export async function saveFixture(dir: string, fixture: Fixture): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = insideDirectory(dir, fixtureFileName(new Date(fixture.recordedAt), fixture.event));
  const durable = new DurableDirectory(dir);
  try {
    await durable.write(file, serializeFixture(fixture));
  } finally {
    durable.close();
  }
  return file;
}
