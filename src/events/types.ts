/** The event body HeapStream POSTs, as its public docs show it. */
export interface HeapStreamAsset {
  duration: number;
  encoding_tier: string;
  errors: string[];
  id: number;
  normalize_audio: boolean;
}

export interface HeapStreamVideo {
  asset: HeapStreamAsset;
  id: number;
  status: string;
}

export interface HeapStreamEvent {
  event_type: string;
  project_id: number;
  timestamp: string;
  video: HeapStreamVideo;
}

/**
 * A JSON type as a strict parser sees it: numbers are integers or floats by how they are
 * written (`12` or `12.0`), which JSON.parse forgets and a typed handler does not.
 */
export type JsonType = 'string' | 'integer' | 'float' | 'boolean' | 'null' | 'object' | 'array';

/** The model of one field of an event. */
export interface FieldModel {
  type: JsonType;
  /** A string form that strict parsers depend on. */
  format?: 'timestamp';
  /** An object's fields, in HeapStream's key order. */
  fields?: Readonly<Record<string, FieldModel>>;
  /** An array's items. */
  items?: FieldModel;
}

/** One entry of the event catalog: what a synthetic event of this type looks like. */
export interface CatalogEntry {
  type: string;
  description: string;
  status: string;
  /** Whether the asset's duration is known yet (else -1.0, as HeapStream sends). */
  durationKnown: boolean;
  failed?: boolean;
  normalizeAudio?: boolean;
}

/** Options that fix what the builder would otherwise pick at random. */
export interface BuildOptions {
  seed?: number;
  videoId?: number;
  projectId?: number;
  assetId?: number;
  /** The moment the event claims to have happened; default: now. */
  now?: Date;
}
