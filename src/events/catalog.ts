import type { CatalogEntry, FieldModel } from './types.js';

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

/**
 * The shape of every event type in the catalog, as the documented example shows it: what
 * `trigger` builds, what `simulate` sends and what `fixtures check` compares recordings with.
 * Numbers are split by how they are written: `duration` is a float (`-1.0`), ids are integers.
 */
export const EVENT_MODEL: FieldModel = {
  type: 'object',
  fields: {
    event_type: { type: 'string' },
    project_id: { type: 'integer' },
    timestamp: { type: 'string', format: 'timestamp' },
    video: {
      type: 'object',
      fields: {
        asset: {
          type: 'object',
          fields: {
            duration: { type: 'float' },
            encoding_tier: { type: 'string' },
            errors: { type: 'array', items: { type: 'string' } },
            id: { type: 'integer' },
            normalize_audio: { type: 'boolean' },
          },
        },
        id: { type: 'integer' },
        status: { type: 'string' },
      },
    },
  },
};

/** The model a body of this type is checked against; undefined when the catalog does not know the type. */
export function modelFor(type: string): FieldModel | undefined {
  return findCatalogEntry(type) ? EVENT_MODEL : undefined;
}

function floatPaths(model: FieldModel, path: string, into: Set<string>): Set<string> {
  if (model.type === 'float') into.add(path);
  for (const [key, child] of Object.entries(model.fields ?? {})) floatPaths(child, path ? `${path}.${key}` : key, into);
  if (model.items) floatPaths(model.items, `${path}[]`, into);
  return into;
}

/** Fields whose values HeapStream writes as floats (`-1.0`, `12.0`), by dotted path (`[]` for array items). */
export const FLOAT_PATHS: ReadonlySet<string> = floatPaths(EVENT_MODEL, '', new Set());

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
