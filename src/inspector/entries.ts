/**
 * The inspector's list of deliveries: the fixtures in a directory, then what arrives while
 * listening. The fixture files stay the data: this keeps one summary line per delivery and
 * the file it came from, and reads the file again (store/read) when a delivery is opened.
 * Only webhooks that were not recorded (listen --no-record) are kept in memory, the latest
 * few hundred, so that they can still be opened and replayed.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { DeliveryResult } from '../delivery/types.js';
import { checkBody } from '../events/drift.js';
import type { ListenEvent } from '../listen/types.js';
import { decodeBody, summarizeBody } from '../store/body.js';
import { loadFixtures, readFixture } from '../store/read.js';
import type { Fixture, LoadedFixture } from '../store/types.js';
import type { AnswerDetail, AnswerSummary, BodyBytes, EntryDetail, EntrySummary, HeaderList } from './api.js';

/** Unrecorded webhooks kept for opening and replay; older ones are dropped first. */
const KEPT_IN_MEMORY = 500;

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
  private readonly unrecorded = new Map<string, Fixture>();
  private liveCount = 0;
  skipped: { file: string; reason: string }[] = [];

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
    if (!event.fixture) {
      this.unrecorded.set(id, data);
      if (this.unrecorded.size > KEPT_IN_MEMORY) this.unrecorded.delete(this.unrecorded.keys().next().value as string);
    }
    return this.add(summary, event.fixture);
  }

  /** The fixture and body behind an id: read from its file, or kept in memory; undefined when unknown or no longer kept. */
  async fixtureOf(id: string): Promise<EntryFixture | undefined> {
    const stored = this.byId.get(id);
    if (!stored) return undefined;
    if (stored.file) {
      const { fixture, body } = await readFixture(stored.file);
      return { fixture, body };
    }
    const fixture = this.unrecorded.get(id);
    return fixture ? { fixture, body: decodeBody(fixture.request) } : undefined;
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
