/**
 * Where `trigger` finds the listen of its directory: published for the length of a run,
 * gone after, and a stale entry (killed listener) recognised.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listenStateFile } from '../../src/listen/identity.js';
import { findListener, publishListener } from '../../src/listen/registry.js';
import { ListenSession } from '../../src/listen/session.js';
import type { ListenOptions, ListenReporter } from '../../src/listen/types.js';
import { idlePast } from '../helpers/time.js';

let configDir: string;
let session: ListenSession | undefined;
const cwd = '/some/project';

beforeEach(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'hsw-registry-'));
});
afterEach(async () => {
  await session?.stop();
  session = undefined;
  await rm(configDir, { recursive: true, force: true });
});

/** A listen session on loopback; its local URL once started. */
async function startSession(publish: boolean, options: Partial<ListenOptions> = {}): Promise<string> {
  let localUrl = '';
  const reporter: ListenReporter = { ready: (info) => (localUrl = info.localUrl), tidied() {}, tunnel() {}, event() {}, rejected() {}, warn() {} };
  session = new ListenSession({ port: 0, path: '/hook', maxBodyBytes: 1024, forwardTimeoutMs: 1_000, ack: false, shutdownGraceMs: 100, reporter, ...(publish ? { publish: { cwd, configDir } } : {}), ...options });
  await session.start();
  return localUrl;
}

describe('the listen registry', () => {
  it('finds a listen session for its directory only while it runs', async () => {
    const localUrl = await startSession(true);
    expect(await findListener({ cwd, configDir })).toEqual({ state: 'running', localUrl: new URL(localUrl), pid: process.pid });
    expect(await findListener({ cwd: '/another/project', configDir })).toEqual({ state: 'none' });
    await session?.stop();
    expect(await findListener({ cwd, configDir })).toEqual({ state: 'none' });
    expect((await readdir(join(configDir, 'listen'))).filter((name) => name.endsWith('.running.json'))).toEqual([]);
  });

  it('calls an entry stale when its process is gone', async () => {
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.on('exit', resolve));
    // As a listener killed with SIGKILL leaves it: its own pid, never removed.
    await publishListener({ cwd, configDir, localUrl: 'http://127.0.0.1:9/hook', probe: { token: 't', answer: 'a' } });
    const { file } = listenStateFile(cwd, '.running.json', configDir);
    await writeFile(file, JSON.stringify({ ...(JSON.parse(await readFile(file, 'utf8')) as object), pid: child.pid }));
    expect(await findListener({ cwd, configDir })).toMatchObject({ state: 'stale', pid: child.pid, reason: expect.stringMatching(/is gone/) });
  });

  it('calls an entry stale when what answers on its port is not that listener', async () => {
    const localUrl = await startSession(false);
    await publishListener({ cwd, configDir, localUrl, probe: { token: 'not-its-token', answer: 'x' } });
    expect(await findListener({ cwd, configDir })).toMatchObject({ state: 'stale', reason: expect.stringMatching(/something else answers/) });
    await session?.stop();
    session = undefined;
    expect(await findListener({ cwd, configDir })).toMatchObject({ state: 'stale', reason: expect.stringMatching(/nothing answers/) });
  });

  describe('idle past its timeouts, configured short', () => {
    // Short, yet longer than a loaded machine may take to answer a probe.
    const PROBE_MS = 400;

    it('still finds a listener that has sat idle past the probe and header timeouts', async () => {
      const localUrl = await startSession(true, { headersTimeoutMs: PROBE_MS });
      const found = { state: 'running', localUrl: new URL(localUrl), pid: process.pid };
      expect(await findListener({ cwd, configDir, timeoutMs: PROBE_MS })).toEqual(found);
      await idlePast(PROBE_MS);
      expect(await findListener({ cwd, configDir, timeoutMs: PROBE_MS })).toEqual(found);
      await idlePast(PROBE_MS);
      expect(await findListener({ cwd, configDir, timeoutMs: PROBE_MS })).toEqual(found);
    });

    it('calls a listener that never answers its probe stale once the probe times out', async () => {
      // Accepts the connection, never answers: as a listener stuck in a debugger would.
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = silent.address() as AddressInfo;
        await publishListener({ cwd, configDir, localUrl: `http://127.0.0.1:${port}/hook`, probe: { token: 't', answer: 'a' } });
        expect(await findListener({ cwd, configDir, timeoutMs: PROBE_MS })).toMatchObject({ state: 'stale', reason: expect.stringMatching(/^nothing answers on 127\.0\.0\.1:\d+ \(/) });
      } finally {
        silent.closeAllConnections();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });
});
