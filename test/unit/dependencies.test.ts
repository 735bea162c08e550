/**
 * npm's audit endpoint is not reachable from every machine, so the advisories that touch
 * our tree are checked by the versions `npm ls` resolves from the lockfile. The production
 * tree no longer holds localtunnel's client (listen speaks its protocol itself, see
 * src/tunnel/localtunnel.ts), nor the axios, debug and yargs it brings; it stays a dev
 * dependency, as the bench's baseline, and there localtunnel 2.0.2 pins axios 0.21.4, which
 * package.json overrides.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Node {
  version?: string;
  dependencies?: Record<string, Node>;
}

const root = fileURLToPath(new URL('../..', import.meta.url));
// The tree as package-lock.json resolves it (what `npm ci` installs), not as node_modules
// happens to be laid out: where node_modules is a symlink shared by several checkouts, npm
// lists every package in it as extraneous, runs to megabytes and exits 1. The buffer is
// large all the same, so that a big tree is never cut off (ENOBUFS).
const ls = (...extra: string[]): Node => JSON.parse(execFileSync('npm', ['ls', '--package-lock-only', '--all', '--json', ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as Node;
const production = ls('--omit=dev');
// What runs outside the tests: the production tree, and the localtunnel client the bench runs.
const tree: Node = { dependencies: { ...production.dependencies, localtunnel: ls().dependencies?.['localtunnel'] ?? {} } };

function versionsOf(name: string, node: Node = tree, found = new Set<string>()): Set<string> {
  for (const [dep, child] of Object.entries(node.dependencies ?? {})) {
    if (dep === name && child.version) found.add(child.version);
    versionsOf(name, child, found);
  }
  return found;
}

function atLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

describe('dependency tree', () => {
  it('installs no HTTP client but undici for users: localtunnel and axios are dev-only', () => {
    for (const name of ['localtunnel', 'axios', 'follow-redirects', 'form-data', 'debug']) expect(versionsOf(name, production), name).toEqual(new Set());
    expect(versionsOf('undici', production).size).toBe(1);
  });

  it.each([
    // GHSA-4hjh-wcwx-xvwj (high, fixed in 1.12.0); GHSA-jr5f-v2jv-69x6 (high, 1.8.2); GHSA-cph5-m8f7-6c5x (high, 0.21.2)
    ['axios', '1.12.0'],
    // GHSA-cxjh-pqwp-8mfp (moderate, fixed in 1.15.6)
    ['follow-redirects', '1.15.6'],
    // GHSA-fjxv-7rqg-78g4 (critical, fixed in 4.0.4)
    ['form-data', '4.0.4'],
    // GHSA-gxpj-cx7g-858c (ReDoS, fixed in 4.3.1)
    ['debug', '4.3.1'],
  ])('every %s is at least %s', (name, minimum) => {
    const versions = [...versionsOf(name)];
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(atLeast(version, minimum), `${name}@${version}`).toBe(true);
  });
});
