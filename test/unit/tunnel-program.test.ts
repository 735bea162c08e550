/**
 * Reading a tunnel program's public URL where the tool documents it: cloudflared's output,
 * ngrok's local agent API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudflaredUrl, ngrokUrl } from '../../src/tunnel/program.js';

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
