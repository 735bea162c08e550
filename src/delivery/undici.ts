/**
 * undici's dispatchers without the rest of undici. `import('undici')` loads all of it
 * (fetch, WebSocket, EventSource, caches, mocks): about 100 ms of every `simulate`, `replay`
 * and `trigger --to` process here, where the Agent alone takes about 30 ms, and delivering
 * needs nothing else. undici publishes no exports map, so these lib/ files are importable;
 * test/unit/undici.test.ts checks that they are the very classes and functions undici
 * exports, so an upgrade that moves them fails that test instead of a user's run.
 */
import { createRequire } from 'node:module';
import type { Agent as AgentClass, Dispatcher } from 'undici';

const require = createRequire(import.meta.url);

/** undici's `Agent` (a pool of connections per origin). */
export function undiciAgent(): typeof AgentClass {
  return require('undici/lib/dispatcher/agent.js') as typeof AgentClass;
}

/** undici's global dispatcher, the one `setGlobalDispatcher()` (from any undici copy of this major) sets. */
export function globalDispatcher(): Dispatcher {
  return (require('undici/lib/global.js') as { getGlobalDispatcher(): Dispatcher }).getGlobalDispatcher();
}
