export { CATALOG, LIFECYCLE, FLOAT_PATHS, catalogTypes, findCatalogEntry } from './catalog.js';
export { buildEvent, buildFlow, type BuiltEvent, type BuildEventOptions } from './builder.js';
export { serializeEvent, formatTimestamp, pythonFloat } from './serializer.js';
export { parseAssignment, setPath, listPaths, type Assignment } from './set-path.js';
export type { HeapStreamEvent, HeapStreamVideo, HeapStreamAsset, CatalogEntry, BuildOptions } from './types.js';
