import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { globalDispatcher, undiciAgent } from '../../src/delivery/undici.js';

const require = createRequire(import.meta.url);

describe('undici, loaded in part', () => {
  it('loads the Agent without undici\'s index (fetch, WebSocket, caches)', () => {
    const index = require.resolve('undici');
    expect(require.cache[index]).toBeUndefined();
    undiciAgent();
    globalDispatcher();
    expect(require.cache[index]).toBeUndefined();
  });

  // If an undici upgrade moves these files, this fails here rather than in a user's run.
  it('gives the very Agent class and global dispatcher that undici exports', () => {
    const undici = require('undici') as typeof import('undici');
    expect(undiciAgent()).toBe(undici.Agent);
    expect(globalDispatcher()).toBe(undici.getGlobalDispatcher());
    const replaced = new undici.Agent();
    const previous = undici.getGlobalDispatcher();
    undici.setGlobalDispatcher(replaced);
    try {
      expect(globalDispatcher()).toBe(replaced);
    } finally {
      undici.setGlobalDispatcher(previous);
      void replaced.close();
    }
  });
});
