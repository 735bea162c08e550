/**
 * Reading a tunnel program's public URL where the tool documents it: cloudflared's output,
 * ngrok's local agent API.
 */
import type { ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudflaredUrl, describeExit, ngrokUrl, spawnWatched } from '../../src/tunnel/program.js';

describe('cloudflaredUrl', () => {
  it('reads the URL from the quick-tunnel box', () => {
    const out = [
      '2026-12-04T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...',
      '2026-12-04T10:00:01Z INF +--------------------------------------------------------------------------------------------+',
      '2026-12-04T10:00:01Z INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |',
      '2026-12-04T10:00:01Z INF |  https://gentle-river-1234-words.trycloudflare.com                                        |',
    ].join('\n');
    expect(cloudflaredUrl(out)).toBe('https://gentle-river-1234-words.trycloudflare.com');
  });

  it('never takes the address of cloudflared\'s own API, which it names when the request fails', () => {
    const out = [
      '2026-12-04T10:00:00Z INF Requesting new quick Tunnel on trycloudflare.com...',
      '2026-12-04T10:00:05Z ERR failed to request quick Tunnel: Post "https://api.trycloudflare.com/tunnel": dial tcp: lookup api.trycloudflare.com: no such host',
    ].join('\n');
    expect(cloudflaredUrl(out)).toBeUndefined();
  });
});

describe('ngrokUrl', () => {
  let api: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (api ? api.close(resolve) : resolve(undefined)));
    api = undefined;
  });

  async function serve(body: unknown): Promise<string> {
    api = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => api?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }

  it('takes the https tunnel for our port, not another tunnel the agent runs', async () => {
    const url = await serve({
      tunnels: [
        { name: 'other', public_url: 'https://other.ngrok-free.app', proto: 'https', config: { addr: 'http://localhost:3000' } },
        { name: 'command_line (http)', public_url: 'http://84c5df439d74.ngrok-free.app', proto: 'http', config: { addr: 'http://127.0.0.1:4321' } },
        { name: 'command_line', public_url: 'https://84c5df439d74.ngrok-free.app', proto: 'https', config: { addr: 'http://127.0.0.1:4321' } },
      ],
      uri: '/api/tunnels',
    });
    expect(await ngrokUrl(url, 4321)).toBe('https://84c5df439d74.ngrok-free.app');
    expect(await ngrokUrl(url, 5555)).toBeUndefined();
  });

  it('is undefined while the agent has no tunnel, answers something else, or is not there', async () => {
    expect(await ngrokUrl(await serve({ tunnels: [], uri: '/api/tunnels' }), 4321)).toBeUndefined();
    await new Promise((resolve) => api?.close(resolve));
    expect(await ngrokUrl(await serve('<html>not the API</html>'), 4321)).toBeUndefined();
    const gone = `http://127.0.0.1:${(api?.address() as AddressInfo).port}`;
    await new Promise((resolve) => api?.close(resolve));
    api = undefined;
    expect(await ngrokUrl(gone, 4321)).toBeUndefined();
  });
});

describe('the watchdog shell a tunnel program runs under', () => {
  const ended = (child: ChildProcess): Promise<string> =>
    new Promise((resolve) => child.once('exit', (code, signal) => resolve(describeExit('cloudflared', code, signal))));

  it("reports the program's own status, also when it exits at once (every time: the shell must not race it)", async () => {
    for (let i = 0; i < 20; i++) expect(await ended(spawnWatched('/bin/sh', ['-c', 'exit 5'], process.env))).toBe('cloudflared exited (code 5)');
  });

  it('names the signal that ended the program, and a program that could not be run', async () => {
    expect(await ended(spawnWatched('/bin/sh', ['-c', 'kill -KILL $$'], process.env))).toBe('cloudflared exited (SIGKILL)');
    const dir = await mkdtemp(join(tmpdir(), 'hsw-watchdog-'));
    try {
      const notExecutable = join(dir, 'cloudflared');
      await writeFile(notExecutable, '#!/bin/sh\n');
      await chmod(notExecutable, 0o644);
      expect(await ended(spawnWatched(notExecutable, [], process.env))).toBe('cloudflared could not be started (not executable)');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("passes listen's close (SIGTERM) on to the program", async () => {
    const child = spawnWatched('/bin/sh', ['-c', "trap 'exit 7' TERM; echo ready; while :; do sleep 0.05; done"], process.env);
    await new Promise((resolve) => child.stdout?.once('data', resolve));
    const end = ended(child);
    child.kill('SIGTERM');
    expect(await end).toBe('cloudflared exited (code 7)');
  });
});
