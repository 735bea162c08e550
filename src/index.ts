/**
 * Library entry: the same core the CLI uses, importable from a project's own tests.
 */
export * from './events/index.js';
export { send, HEAPSTREAM_TIMEOUT_MS, type SendOptions } from './delivery/send.js';
export { describeResult } from './delivery/describe.js';
export type { DeliveryResult, DeliveryErrorKind } from './delivery/types.js';
export { passThroughHeaders, type HeaderMap } from './delivery/headers.js';
export { makeFixture, saveFixture, writeFileAtomic, serializeFixture } from './store/write.js';
export { readFixture, loadFixtures } from './store/read.js';
export { selectFixtures, type FixtureFilter, type FixtureOrder } from './store/filter.js';
export type { Fixture, LoadedFixture, EventSummary } from './store/types.js';
export { HswError, UsageError, ExitCode, type ErrorCode } from './errors.js';
export { checkEvent, type DriftFinding, type DriftKind } from './events/drift.js';
