import type { CatalogEntry } from './types.js';

/**
 * HeapStream's docs cut their list of event types off after `video.created`; this catalog
 * models the video lifecycle the docs describe ("changes status from encoding to ready").
 * It is data on purpose: amend it when HeapStream documents more.
 */
export const CATALOG: readonly CatalogEntry[] = [
  { type: 'video.created', description: 'A video was created and waits for its upload', status: 'waiting_for_upload', durationKnown: false },
  { type: 'video.uploaded', description: 'The source file arrived; encoding is queued', status: 'uploaded', durationKnown: false },
  { type: 'video.encoding', description: 'Encoding started; the duration is now known', status: 'encoding', durationKnown: true },
  { type: 'video.ready', description: 'Encoding finished; the video can be played', status: 'ready', durationKnown: true },
  { type: 'video.failed', description: 'Encoding failed; asset.errors says why', status: 'failed', durationKnown: false, failed: true },
  { type: 'video.updated', description: 'A ready video changed (e.g. audio normalization turned on)', status: 'ready', durationKnown: true, normalizeAudio: true },
  { type: 'video.deleted', description: 'The video was deleted', status: 'deleted', durationKnown: true },
];

/** The order a real upload goes through, used by `--flow lifecycle` and the simulate mix. */
export const LIFECYCLE: readonly string[] = ['video.created', 'video.uploaded', 'video.encoding', 'video.ready'];

/** Fields whose values HeapStream writes as floats (`-1.0`, `12.0`), by dotted path. */
export const FLOAT_PATHS: ReadonlySet<string> = new Set(['video.asset.duration']);

/** Messages a failed encode carries in `asset.errors`. */
export const ENCODING_ERRORS: readonly string[] = [
  'Unsupported codec: the source has no decodable video stream',
  'The uploaded file is truncated: expected more bytes than were received',
  'Source resolution exceeds the maximum supported (8192x4320)',
];

export function findCatalogEntry(type: string): CatalogEntry | undefined {
  return CATALOG.find((entry) => entry.type === type);
}

export function catalogTypes(): string[] {
  return CATALOG.map((entry) => entry.type);
}
