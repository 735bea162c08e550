/**
 * The inspector's list of deliveries: the fixtures in a directory, then what arrives while
 * listening. The fixture files stay the data; this keeps one summary line per delivery and
 * the file it came from, and reads the file again (store/read) when a delivery is opened.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { DeliveryResult } from '../delivery/types.js';
import { checkBody } from '../events/drift.js';
import type { ListenEvent } from '../listen/types.js';
import { loadFixtures, readFixture } from '../store/read.js';
import type { LoadedFixture } from '../store/types.js';
import type { AnswerDetail, AnswerSummary, BodyBytes, EntryDetail, EntrySummary, HeaderList } from './api.js';

interface Stored {
  summary: EntrySummary;
  file: string | null;
}

export class EntryList {
  /** Oldest first, as they arrived. */
  private readonly entries: Stored[] = [];
  private readonly byId = new Map<string, Stored>();
  /** Body hash → the latest delivery with those bytes, to tell retries from duplicates. */
  private readonly lastByBody = new Map<string, EntrySummary>();
  private liveCount = 0;
  skipped: { file: string; reason: string }[] = [];

  /** Lists the fixtures already in `dir` (none when it does not exist yet). */
  async load(dir: string): Promise<void> {
    if (!existsSync(dir)) return;
    const { fixtures, invalid } = await loadFixtures([dir]);
    this.skipped = invalid;
    fixtures.sort((a, b) => Date.parse(a.fixture.recordedAt) - Date.parse(b.fixture.recordedAt) || a.file.localeCompare(b.file));
    for (const loaded of fixtures) this.add(summarize(loaded, false), loaded.file, loaded.body);
  }

  /** Newest first. */
  list(): EntrySummary[] {
    const out: EntrySummary[] = [];
    for (let i = this.entries.length - 1; i >= 0; i--) out.push((this.entries[i] as Stored).summary);
    return out;
  }

  /** Adds a webhook that just arrived; its fixture (when recorded) is read for the details. */
  async addLive(event: ListenEvent): Promise<EntrySummary> {
    if (event.fixture) {
      const loaded = await readFixture(event.fixture);
      const summary = { ...summarize(loaded, true), sent: event.status };
      // The session's answer is the one that counts (it knows about --ack); the file has the same.
      if (event.handler) summary.answer = answerSummary(event.handler);
      return this.add(summary, event.fixture, loaded.body);
    }
    const summary: EntrySummary = {
      id: `live-${++this.liveCount}`,
      recordedAt: event.receivedAt,
      via: event.via,
      type: event.type,
      videoId: event.videoId,
      videoStatus: null,
      json: event.json,
      answer: event.handler ? answerSummary(event.handler) : null,
      sent: event.status,
      mark: event.retry ? 'retry' : event.duplicate ? 'duplicate' : null,
      drift: event.drift.length,
      live: true,
      recorded: false,
    };
    return this.add(summary, null, undefined);
  }

  /** The fixture file behind an id; undefined for unknown ids and unrecorded deliveries. */
  fileOf(id: string): string | undefined {
    return this.byId.get(id)?.file ?? undefined;
  }

  async detail(id: string): Promise<EntryDetail | undefined> {
    const stored = this.byId.get(id);
    if (!stored?.file) return undefined;
    const loaded = await readFixture(stored.file);
    return detailOf(loaded, stored.summary);
  }

  private add(summary: EntrySummary, file: string | null, body: Buffer | undefined): EntrySummary {
    if (body) {
      const key = createHash('sha256').update(body).digest('base64');
      const previous = this.lastByBody.get(key);
      if (previous) summary.mark = previous.answer && !previous.answer.ok ? 'retry' : 'duplicate';
      this.lastByBody.set(key, summary);
    }
    const stored = { summary, file };
    // The same file seen twice (listed at start, then announced live) is one delivery.
    const existing = this.byId.get(summary.id);
    if (existing) {
      Object.assign(existing, stored);
      return summary;
    }
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
function recordedAnswer(loaded: LoadedFixture): AnswerDetail | null {
  const response = loaded.fixture.response as
    | (NonNullable<LoadedFixture['fixture']['response']> & {
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

function detailOf(loaded: LoadedFixture, summary: EntrySummary): EntryDetail {
  const { request } = loaded.fixture;
  return {
    summary,
    file: loaded.file,
    request: {
      method: request.method,
      path: request.path,
      query: request.query,
      headers: headerList(request.headers),
      remoteAddress: request.remoteAddress ?? null,
      body: bodyBytes(loaded.body),
    },
    answer: recordedAnswer(loaded),
    drift: driftOf(loaded.body),
  };
}
