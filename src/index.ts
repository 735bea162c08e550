/**
 * The library: the CLI's core, for a project's own tests. An explicit list, so that what
 * is public is decided here (and tested through the package entry: test/library/). CLI
 * internals (UsageError, exit codes, fixture writing, flag parsing) stay out, and nothing
 * here loads the CLI's dependencies (commander, ora, inquirer, chalk).
 */

// HeapStream's delivery semantics against a handler.
export { simulate } from './simulate/simulate.js';
export type { SimulateOptions, SimulatedAttempt } from './simulate/simulate-options.js';
export type { SimulateReport } from './simulate/report.js';
export type { EventOutcome as SimulatedEvent, AttemptRecord, AttemptError } from './simulate/types.js';
export type { ScenarioName } from './simulate/scenarios.js';
// What the handler did (the state option): the difference from a reference run, and its minimal reproduction.
export type { EffectsReport as SimulateEffects, Reproduction, ReproDelivery, FailureKind } from './simulate/effects/types.js';
export type { StateDifference, StateValue } from './simulate/effects/state-diff.js';
export type { Duration } from './options/values.js';
// The GitHub Actions step summary the CLI writes, for a report from simulate().
export { stepSummaryMarkdown } from './ci/github.js';

// Recorded fixtures, sent again byte for byte.
export { replay } from './replay/replay.js';
export type { ReplayOptions, ReplayResult, ReplaySummary, ReplayDelivery } from './replay/replay.js';

// Where deliveries go.
export type { Target, FetchTarget, NodeListener } from './delivery/targets.js';

// Events as HeapStream sends them.
export { buildEvent, buildFlow, type BuiltEvent, type BuildEventOptions } from './events/builder.js';
export { buildRequest, type WebhookRequest } from './delivery/request.js';
export { serializeEvent } from './events/serializer.js';
export { CATALOG, LIFECYCLE } from './events/catalog.js';
export type { Assignment } from './events/set-path.js';
export type { HeapStreamEvent, HeapStreamVideo, HeapStreamAsset, CatalogEntry } from './events/types.js';

// Fixture files.
export { loadFixtures, readFixture, type LoadResult } from './store/read.js';
export type { Fixture, LoadedFixture, InvalidFixture } from './store/types.js';
export type { EventSummary } from './events/summary.js';

// One POST, as HeapStream makes it.
export { send, HEAPSTREAM_TIMEOUT_MS, type SendOptions } from './delivery/send.js';
export type { DeliveryResult, DeliveryErrorKind, HeaderMap } from './http/types.js';

// Real events against the model (drift).
export { checkEvent, type DriftFinding, type DriftKind } from './events/drift.js';

// Errors carry a stable code; branch on it, never on the message.
// `isHswError` (or `instanceof HswError`) holds across the ESM and CommonJS builds.
export { HswError, isHswError, type ErrorCode } from './errors.js';
