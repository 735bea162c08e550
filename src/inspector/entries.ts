/**
 * The inspector's list of deliveries: the fixtures in a directory, then what arrives while
 * listening. The fixture files stay the data: this keeps one summary line per delivery and
 * the file it came from, and reads the file again (store/read) when a delivery is opened.
 * Only webhooks that were not recorded (listen --no-record) are kept in memory, the latest
 * few hundred within 64 MiB, so that they can still be opened and replayed: a count alone let
 * 600 webhooks of 1 MB each hold 850 MB.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { DeliveryResult } from '../http/types.js';
import { checkBody } from '../events/drift.js';
import type { ListenEvent } from '../listen/types.js';
import { summarizeBody } from '../events/summary.js';
import { decodeBody } from '../store/body.js';
import { loadFixtures, readFixture } from '../store/read.js';
import type { Fixture, LoadedFixture } from '../store/types.js';
import type { AnswerDetail, AnswerSummary, BodyBytes, EntryDetail, EntrySummary, HeaderList, MemoryState } from './api.js';

/** Unrecorded webhooks kept for opening and replay, by count and by bytes; older ones are dropped first. */
export const KEPT_IN_MEMORY = 500;
export const KEPT_IN_MEMORY_BYTES = 64 * 1024 * 1024;
/** What a kept fixture costs besides its body: headers, summary, the map's entry. */
const ENTRY_OVERHEAD_BYTES = 2_048;

interface Stored {
  summary: EntrySummary;
  file: string | null;
}

/** A delivery's fixture and exact body, from its file or from memory. */
export interface EntryFixture {
  fixture: Fixture;
  body: Buffer;
}

export class EntryList {
  /** Oldest first, as they arrived. */
  private readonly entries: Stored[] = [];
  private readonly byId = new Map<string, Stored>();
  /** Body hash → the latest fixture on disk with those bytes, to tell retries from duplicates. */
  private readonly lastByBody = new Map<string, EntrySummary>();
  private readonly unrecorded = new Map<string, { fixture: Fixture; bytes: number }>();
  private unrecordedBytes = 0;
  private droppedCount = 0;
  private liveCount = 0;
  skipped: { file: string; reason: string }[] = [];

  constructor(private readonly limits: { bytes: number; count: number } = { bytes: KEPT_IN_MEMORY_BYTES, count: KEPT_IN_MEMORY }) {}

  get memory(): MemoryState {
    return { dropped: this.droppedCount, keptBytes: this.unrecordedBytes, limitBytes: this.limits.bytes, limitCount: this.limits.count };
  }

  /** Lists the fixtures already in `dir` (none when it does not exist yet). */
  async load(dir: string): Promise<void> {
    if (!existsSync(dir)) return;
    const { fixtures, invalid } = await loadFixtures([dir]);
    this.skipped = invalid;
    fixtures.sort((a, b) => Date.parse(a.fixture.recordedAt) - Date.parse(b.fixture.recordedAt) || a.file.localeCompare(b.file));
    for (const loaded of fixtures) {
      const summary = summarize(loaded, false);
      // The same bytes again: after a failed answer HeapStream retries, after a 2xx it is a duplicate.
      const key = createHash('sha256').update(loaded.body).digest('base64');
      const previous = this.lastByBody.get(key);
      if (previous) summary.mark = previous.answer && !previous.answer.ok ? 'retry' : 'duplicate';
      this.lastByBody.set(key, summary);
      this.add(summary, loaded.file);
    }
  }

  /** Newest first. */
  list(): EntrySummary[] {
    const out: EntrySummary[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) out.push((this.entries[i] as Stored).summary);
    return out;
  }

  /** A webhook listen just answered, with its fixture's content (whether or not it was written). */
  addLive(event: ListenEvent, data: Fixture): EntrySummary {
    const body = decodeBody(data.request);
    const id = event.fixture ? basename(event.fixture) : `live-${++this.liveCount}`;
    const summary: EntrySummary = {
      ...summarize({ file: id, fixture: data, body, event: summarizeBody(body) }, true),
      // What listen saw and said: the sender's answer, and its own retry and duplicate marks.
      sent: event.status,
      mark: event.retry ? 'retry' : event.duplicate ? 'duplicate' : null,
      drift: event.drift.length,
      recorded: event.fixture !== null,
    };
    const added = this.add(summary, event.fixture);
    if (!event.fixture) this.keep(id, data);
    return added;
  }

  /** Keeps an unrecorded webhook, dropping the oldest until the count and the bytes fit (the newest always stays). */
  private keep(id: string, fixture: Fixture): void {
    const bytes = fixture.request.body.length + ENTRY_OVERHEAD_BYTES;
    this.unrecorded.set(id, { fixture, bytes });
    this.unrecordedBytes += bytes;
    while (this.unrecorded.size > 1 && (this.unrecorded.size > this.limits.count || this.unrecordedBytes > this.limits.bytes)) {
      const [oldest, kept] = this.unrecorded.entries().next().value as [string, { bytes: number }];
      this.unrecorded.delete(oldest);
      this.unrecordedBytes -= kept.bytes;
      this.droppedCount++;
      const stored = this.byId.get(oldest);
      if (stored) stored.summary.dropped = true;
    }
  }

  /** Whether `id` was an unrecorded webhook since dropped from memory. */
  wasDropped(id: string): boolean {
    return this.byId.get(id)?.summary.dropped === true;
  }

  /** The fixture and body behind an id: read from its file, or kept in memory; undefined when unknown or no longer kept. */
  async fixtureOf(id: string): Promise<EntryFixture | undefined> {
    const stored = this.byId.get(id);
    if (!stored) return undefined;
    if (stored.file) {
      const { fixture, body } = await readFixture(stored.file);
      return { fixture, body };
    }
    const kept = this.unrecorded.get(id);
    return kept ? { fixture: kept.fixture, body: decodeBody(kept.fixture.request) } : undefined;
  }

  async detail(id: string): Promise<EntryDetail | undefined> {
    const found = await this.fixtureOf(id);
    const stored = this.byId.get(id);
    if (!found || !stored) return undefined;
    return detailOf(found, stored);
  }

  private add(summary: EntrySummary, file: string | null): EntrySummary {
    const stored = { summary, file };
    this.entries.push(stored);
    this.byId.set(summary.id, stored);
    return summary;
  }
}

function summarize(loaded: LoadedFixture, live: boolean): EntrySummary {
  const { fixture, event } = loaded;
  const response = fixture.response;
  return {
    id: basename(loaded.file),
    recordedAt: fixture.recordedAt,
    via: fixture.via,
    type: event.type,
    videoId: event.videoId,
    videoStatus: event.status,
    json: event.json,
    answer: response ? answerSummary(response) : null,
    sent: null,
    mark: null,
    drift: driftOf(loaded.body).length,
    live,
    recorded: true,
  };
}

function driftOf(body: Buffer): { path: string; message: string }[] {
  const check = checkBody(body);
  return check.json ? check.findings.map(({ path, message }) => ({ path, message })) : [];
}

export function answerSummary(result: Pick<DeliveryResult, 'ok' | 'status' | 'durationMs' | 'error'>): AnswerSummary {
  return { ok: result.ok, status: result.status ?? null, durationMs: Math.round(result.durationMs * 10) / 10, error: result.error?.kind ?? null };
}

export function bodyBytes(bytes: Uint8Array, truncated = false): BodyBytes {
  return { base64: Buffer.from(bytes).toString('base64'), size: bytes.length, truncated };
}

export function headerList(headers: Record<string, string | string[] | undefined>): HeaderList {
  const out: HeaderList = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) out.push([name, String(one)]);
  }
  return out;
}

/**
 * The recorded answer. Headers and body are read when the fixture has them (newer
 * recordings keep the handler's answer); older fixtures have status and timing only.
 */
function recordedAnswer(fixture: Fixture): AnswerDetail | null {
  const response = fixture.response as
    | (NonNullable<Fixture['response']> & {
        headers?: Record<string, string | string[]>;
        body?: string;
        bodyEncoding?: 'utf8' | 'base64';
        truncated?: boolean;
      })
    | undefined;
  if (!response) return null;
  const body = typeof response.body === 'string' ? Buffer.from(response.body, response.bodyEncoding === 'base64' ? 'base64' : 'utf8') : null;
  const headers = response.headers && typeof response.headers === 'object' ? headerList(response.headers) : null;
  const contentType = headers?.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? null;
  return {
    ...answerSummary(response),
    target: response.target ?? null,
    errorMessage: response.error?.message ?? null,
    headers,
    body: body ? bodyBytes(body, Boolean(response.truncated)) : null,
    contentType,
  };
}

function detailOf({ fixture, body }: EntryFixture, stored: Stored): EntryDetail {
  const { request } = fixture;
  return {
    summary: stored.summary,
    file: stored.file,
    request: {
      method: request.method,
      path: request.path,
      query: request.query,
      headers: headerList(request.headers),
      remoteAddress: request.remoteAddress ?? null,
      body: bodyBytes(body),
    },
    answer: recordedAnswer(fixture),
    drift: driftOf(body),
  };
}
