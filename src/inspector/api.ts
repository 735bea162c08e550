/**
 * What the inspector's server and its page say to each other (JSON over HTTP and SSE).
 * Shared by both sides, so it imports nothing from Node or the DOM.
 */

/** The handler's answer in a line: enough for the list and the status filter. */
export interface AnswerSummary {
  ok: boolean;
  status: number | null;
  durationMs: number;
  /** timeout, unreachable, error: why there was no HTTP answer. */
  error: string | null;
}

/** One delivery in the list: a fixture on disk, or a webhook that arrived while listening. */
export interface EntrySummary {
  /** The fixture's file name, or `live-N` for a webhook that was not recorded. */
  id: string;
  recordedAt: string;
  via: 'tunnel' | 'local' | 'synthetic';
  type: string | null;
  videoId: number | null;
  videoStatus: string | null;
  json: boolean;
  /** The handler's answer, when the webhook was forwarded. */
  answer: AnswerSummary | null;
  /** What the sender (HeapStream) was answered; known for webhooks that arrived live. */
  sent: number | null;
  /** The same bytes arrived before: after a failed answer (a retry) or after a 2xx (a duplicate). */
  mark: 'retry' | 'duplicate' | null;
  /** How many places the body differs from the catalog's model of its type (drift). */
  drift: number;
  /** Arrived while this inspector was running. */
  live: boolean;
  /** A fixture on disk backs it; else (listen --no-record) it is kept in memory while the inspector runs. */
  recorded: boolean;
  /** Not recorded, and dropped from memory since to make room for newer ones: it can no longer be opened. */
  dropped?: boolean;
}

/** Webhooks kept only in memory (listen --no-record), bounded by count and bytes: what was dropped. */
export interface MemoryState {
  /** Unrecorded webhooks dropped so far, oldest first, to stay within the bounds. */
  dropped: number;
  keptBytes: number;
  limitBytes: number;
  limitCount: number;
}

/** Bytes exactly as they are: base64 on the wire; the page decides how to show them. */
export interface BodyBytes {
  base64: string;
  size: number;
  /** Only the first `size` bytes were kept (answers are capped). */
  truncated: boolean;
}

export type HeaderList = [name: string, value: string][];

export interface AnswerDetail extends AnswerSummary {
  target: string | null;
  errorMessage: string | null;
  headers: HeaderList | null;
  body: BodyBytes | null;
  contentType: string | null;
}

export interface EntryDetail {
  summary: EntrySummary;
  /** The fixture file, as given to the inspector (relative when it was); null when not recorded. */
  file: string | null;
  request: {
    method: string;
    path: string;
    query: string;
    headers: HeaderList;
    remoteAddress: string | null;
    body: BodyBytes;
  };
  answer: AnswerDetail | null;
  /** Where the body differs from the catalog's model of its type. */
  drift: { path: string; message: string }[];
}

export interface ReplayRequest {
  id: string;
  /** An edited body (UTF-8 text) to send instead of the recorded bytes. */
  body?: string;
}

export interface ReplayOutcome {
  id: string;
  url: string;
  edited: boolean;
  sentBytes: number;
  at: string;
  answer: AnswerDetail;
}

export interface InspectorInfo {
  mode: 'listen' | 'inspect' | 'report';
  /** Where fixtures are listed from. */
  source: string | null;
  /** Where Replay sends, by event type as listen routes (`default` for the rest); empty: replay is off. */
  replay: { route: string; to: string }[];
  /** Files in the directory that could not be read as fixtures. */
  skipped: { file: string; reason: string }[];
  memory: MemoryState;
}

export interface ApiError {
  error: string;
}

/** Server-sent event names. */
export const STREAM_SNAPSHOT = 'snapshot';
export const STREAM_ENTRY = 'entry';
/** Unrecorded webhooks were dropped from memory: data is the MemoryState. */
export const STREAM_MEMORY = 'memory';
