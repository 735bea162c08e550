/**
 * `listen` through the real localtunnel server on loopback: the webhook goes in at the
 * public side (Host: <subdomain>.localhost), out to a real handler, and back.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../helpers/cli.js';
import type { TestHandler } from '../helpers/handler.js';
import { tunnelBed, type TunnelBed, type TunnelServer } from '../helpers/tunnel-server.js';

let handler: TestHandler;
let server: TunnelServer;
let dir: string;
let cli: CliProcess | undefined;

let bed: TunnelBed;

beforeEach(async () => void ({ handler, server, dir } = bed = await tunnelBed('hsw-listen-tunnel-')));
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  await bed.stop();
});

/** POSTs to the public side of the tunnel, as HeapStream would. */
function postThroughTunnel(subdomain: string, path: string, body: string): Promise<{ status: number; text: string }> {
  return server.post(subdomain, path, body, { headers: { 'x-heapstream-test': 'yes' } });
}

function startListen(subdomain: string, extra: string[] = []): CliProcess {
  return new CliProcess(
    ['listen', '--port', '0', '--json', '--tunnel-host', server.url, '--subdomain', subdomain, '--path', '/hook', '--forward-to', handler.url, '--record', dir, '--probe-interval', '500ms', ...extra],
    { cwd: dir },
  );
}

describe('listen through the real localtunnel server', () => {
  it('delivers byte-identical, records, and passes the handler status back', async () => {
    handler.setBehaviour(() => ({ status: 201, body: 'created by handler' }));
    cli = startListen('hswtunnelone');
    await cli.waitFor(/"state":"open".*"publicUrl":"http:\/\/hswtunnelone\.localhost\/hook"/);
    const ready = cli.records()[0];
    expect(ready).toMatchObject({ kind: 'ready', publicUrl: null, tunnel: 'connecting' });
    expect(String(ready?.['localUrl'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hook$/);

    const body = '{"event_type": "video.ready", "project_id": 20, "video": {"asset": {"duration": 12.0}, "id": 500}}';
    const answer = await postThroughTunnel('hswtunnelone', '/hook', body);
    expect(answer).toEqual({ status: 201, text: 'created by handler' });
    expect(handler.received).toHaveLength(1);
    expect(handler.received[0]?.body.toString('utf8')).toBe(body);
    expect(handler.received[0]?.headers['x-heapstream-test']).toBe('yes');

    await cli.waitFor(/"kind":"event"/);
    const event = cli.records().find((r) => r['kind'] === 'event');
    expect(event).toMatchObject({ via: 'tunnel', type: 'video.ready', videoId: 500, status: 201, handler: { status: 201 } });
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    const fixture = JSON.parse(await readFile(join(dir, files[0] ?? ''), 'utf8')) as { via: string; request: { body: string }; response: { status: number } };
    expect(fixture.via).toBe('tunnel');
    expect(fixture.request.body).toBe(body);
    expect(fixture.response.status).toBe(201);
  });

  it('reconnects after the tunnel server restarts, and events flow again', async () => {
    cli = startListen('hswtunneltwo');
    await cli.waitFor(/"state":"open"/);
    expect((await postThroughTunnel('hswtunneltwo', '/hook', '{"n": 1}')).status).toBe(200);

    const port = server.port;
    await server.stop();
    await cli.waitFor(/"state":"(down|unavailable)"/, { timeoutMs: 10_000 });
    await server.start(port);
    // A second "open" line, with the same URL, says the tunnel is back.
    await cli.waitFor(/"state":"open"[\s\S]*"state":"open"/, { timeoutMs: 30_000 });
    const states = cli.records().filter((r) => r['kind'] === 'tunnel');
    expect(states.filter((r) => r['state'] === 'changed')).toEqual([]);
    expect(states.filter((r) => r['state'] === 'open').map((r) => r['publicUrl'])).toEqual(['http://hswtunneltwo.localhost/hook', 'http://hswtunneltwo.localhost/hook']);

    const again = await postThroughTunnel('hswtunneltwo', '/hook', '{"n": 2}');
    expect(again.status).toBe(200);
    expect(handler.received.map((r) => r.body.toString())).toEqual(['{"n": 1}', '{"n": 2}']);
  });

  it('with no tunnel server, warns and keeps serving locally', async () => {
    const port = server.port;
    await server.stop();
    cli = new CliProcess(['listen', '--port', '0', '--tunnel-host', `http://127.0.0.1:${port}`, '--tunnel-timeout', '1s', '--record', dir, '--path', '/hook'], { cwd: dir });
    await cli.waitFor(/no public tunnel: cannot reach the tunnel server .*Still serving locally/, { stream: 'stderr' });
    const local = (await cli.waitFor(/Listening\s+(http:\/\/127\.0\.0\.1:\d+\/hook)/))[1] ?? '';
    const response = await request(local, { method: 'POST', body: '{"event_type": "video.created"}' });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('--require-tunnel exits 1 when no tunnel opens', async () => {
    const port = server.port;
    await server.stop();
    cli = new CliProcess(['listen', '--port', '0', '--no-record', '--require-tunnel', '--tunnel-host', `http://127.0.0.1:${port}`, '--tunnel-timeout', '1s'], { cwd: dir });
    expect(await cli.wait()).toBe(1);
    expect(cli.stderr).toMatch(/no tunnel could be opened .*--require-tunnel/);
  });

  it('keeps the public URL through kill -9 and a restart within 0.2 s', async () => {
    // No --subdomain: the one saved for this directory, as a user would run it.
    const args = ['listen', '--port', '0', '--json', '--tunnel-host', server.url, '--path', '/hook', '--forward-to', handler.url, '--record', dir, '--probe-interval', '1s'];
    cli = new CliProcess(args, { cwd: dir });
    await cli.waitFor(/"state":"open"/);
    const first = String(cli.records().find((r) => r['state'] === 'open')?.['publicUrl']);
    // The restart is under way before the old process dies (node's own start-up can outlast
    // the server's grace period): its tunnel request meets a subdomain the server still holds.
    const old = cli;
    cli = new CliProcess(args, { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    old.child.kill('SIGKILL');
    await old.wait();
    await cli.waitFor(/"state":"(open|changed)"/, { timeoutMs: 20_000 });
    const states = cli.records().filter((r) => r['kind'] === 'tunnel');
    expect(states.filter((r) => r['state'] === 'changed')).toEqual([]);
    expect(states.find((r) => r['state'] === 'open')?.['publicUrl']).toBe(first);
    const subdomain = new URL(first).hostname.replace(/\.localhost$/, '');
    expect((await postThroughTunnel(subdomain, '/hook', '{"n": 1}')).status).toBe(200);
  });
});
