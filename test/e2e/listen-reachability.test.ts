/**
 * More than one way to be reachable: a public URL the user already has (`--public-url`), and
 * cloudflared or ngrok already on PATH (`--tunnel`). Neither program can be installed here, so
 * each is played by a small stand-in executable that prints (cloudflared) or serves (ngrok's
 * agent API) exactly what the real one documents, and records how it was started.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';
import { freePort } from '../helpers/processes.js';
import { waitUntil } from '../helpers/time.js';

let handler: TestHandler;
let dir: string;
let bin: string;
let cli: CliProcess | undefined;
let proxy: Server | undefined;

beforeEach(async () => {
  handler = await new TestHandler().start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-reach-'));
  bin = join(dir, 'bin');
  await writeFile(join(dir, '.keep'), '');
  await import('node:fs/promises').then((fs) => fs.mkdir(bin));
});
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = undefined;
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

/** PATH with the stand-ins first; node itself stays reachable for their shebang. */
function pathWithStandIns(): string {
  return [bin, ...(process.env['PATH'] ?? '').split(delimiter)].join(delimiter);
}

/** Whether process `pid` runs (a zombie, dead but not reaped, does not). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function standIn(name: string, source: string): Promise<void> {
  const file = join(bin, name);
  await writeFile(file, `#!${process.execPath}\n${source}`);
  await chmod(file, 0o755);
}

/** Writes how it was started, then prints cloudflared's quick-tunnel box to stderr, as cloudflared 2024+ does. */
const CLOUDFLARED = `
require('node:fs').writeFileSync(process.env.STAND_IN_ARGS, JSON.stringify(process.argv.slice(2)));
if (process.env.STAND_IN_PID) require('node:fs').writeFileSync(process.env.STAND_IN_PID, String(process.pid));
const t = '2026-12-04T10:00:00Z';
process.stderr.write(t + ' INF Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out.\\n');
process.stderr.write(t + ' INF Requesting new quick Tunnel on trycloudflare.com...\\n');
process.stderr.write(t + ' INF +--------------------------------------------------------------------------------------------+\\n');
process.stderr.write(t + ' INF |  Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):  |\\n');
process.stderr.write(t + ' INF |  https://gentle-river-1234-words.trycloudflare.com                                        |\\n');
process.stderr.write(t + ' INF +--------------------------------------------------------------------------------------------+\\n');
setInterval(() => {}, 1 << 30);
process.on('SIGTERM', () => process.exit(0));
`;

/** Serves ngrok's agent API, \`GET /api/tunnels\`, in the documented shape, for the address it was started with. */
const NGROK = `
const args = process.argv.slice(2);
require('node:fs').writeFileSync(process.env.STAND_IN_ARGS, JSON.stringify(args));
const addr = args[1];
const api = new URL(process.env.HEAPSTREAM_NGROK_API);
require('node:http').createServer((req, res) => {
  if (req.url !== '/api/tunnels') { res.statusCode = 404; res.end(); return; }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ tunnels: [
    { name: 'command_line', ID: 'a1b2', uri: '/api/tunnels/command_line', public_url: 'https://84c5df439d74.ngrok-free.app', proto: 'https', config: { addr, inspect: true }, metrics: {} },
  ], uri: '/api/tunnels' }));
}).listen(Number(api.port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

describe('listen --tunnel cloudflared | ngrok, with the program on PATH', () => {
  it('cloudflared: starts a quick tunnel at the receiver, prints its URL with the webhook path, and delivers what it forwards', async () => {
    await standIn('cloudflared', CLOUDFLARED);
    const argsFile = join(dir, 'cloudflared-args.json');
    cli = new CliProcess(['listen', '--port', '0', '--json', '--tunnel', 'cloudflared', '--path', '/hook', '--forward-to', handler.url, '--record', join(dir, 'fixtures'), '--probe-interval', '1h'], {
      cwd: dir,
      env: { PATH: pathWithStandIns(), STAND_IN_ARGS: argsFile },
    });
    await cli.waitFor(/"state":"open"/);
    const open = cli.records().find((r) => r['state'] === 'open');
    expect(open?.['publicUrl']).toBe('https://gentle-river-1234-words.trycloudflare.com/hook');
    const args = JSON.parse(await readFile(argsFile, 'utf8')) as string[];
    expect(args.slice(0, 3)).toEqual(['tunnel', '--no-autoupdate', '--url']);
    // cloudflared forwards to the address it was given: the receiver's tunnel side.
    const target = new URL(args[3] ?? '');
    expect(target.hostname).toBe('127.0.0.1');
    const response = await request(`${target.origin}/hook`, { method: 'POST', body: '{"event_type": "video.ready"}' });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    await cli.waitFor(/"kind":"event"/);
    expect(cli.records().find((r) => r['kind'] === 'event')).toMatchObject({ via: 'tunnel', type: 'video.ready', status: 200 });
    expect(handler.received.map((r) => r.body.toString())).toEqual(['{"event_type": "video.ready"}']);
  });

  it('cloudflared does not outlive a listen killed with kill -9', async () => {
    await standIn('cloudflared', CLOUDFLARED);
    const pidFile = join(dir, 'cloudflared.pid');
    cli = new CliProcess(['listen', '--port', '0', '--json', '--tunnel', 'cloudflared', '--path', '/hook', '--no-record', '--probe-interval', '1h'], {
      cwd: dir,
      env: { PATH: pathWithStandIns(), STAND_IN_ARGS: join(dir, 'cloudflared-args.json'), STAND_IN_PID: pidFile },
    });
    await cli.waitFor(/"state":"open"/);
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(running(pid)).toBe(true);
    cli.child.kill('SIGKILL');
    await cli.wait();
    await waitUntil(() => !running(pid), 'the cloudflared that listen started to be gone');
  });

  it('ngrok: reads the public URL from its local agent API', async () => {
    await standIn('ngrok', NGROK);
    const argsFile = join(dir, 'ngrok-args.json');
    const api = `http://127.0.0.1:${await freePort()}`;
    cli = new CliProcess(['listen', '--port', '0', '--json', '--tunnel', 'ngrok', '--path', '/hook', '--no-record', '--probe-interval', '1h'], {
      cwd: dir,
      env: { PATH: pathWithStandIns(), STAND_IN_ARGS: argsFile, HEAPSTREAM_NGROK_API: api },
    });
    await cli.waitFor(/"state":"open"/);
    expect(cli.records().find((r) => r['state'] === 'open')?.['publicUrl']).toBe('https://84c5df439d74.ngrok-free.app/hook');
    const args = JSON.parse(await readFile(argsFile, 'utf8')) as string[];
    expect(args[0]).toBe('http');
    expect(args[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(['cloudflared', 'ngrok'])('%s missing from PATH is a one-line usage error that says how to install it', async (program) => {
    const result = await runCli(['listen', '--port', '0', '--tunnel', program, '--no-record'], { cwd: dir, env: { PATH: bin } });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`--tunnel ${program} needs ${program} on PATH.*install ${program}`));
    expect(await readdir(dir)).toEqual(['.keep', 'bin']);
  });

  it('an unknown --tunnel, or --public-url beside another tunnel, is a usage error', async () => {
    const unknown = await runCli(['listen', '--tunnel', 'bore', '--no-record'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--tunnel "bore" is not one of localtunnel, cloudflared, ngrok, none/);
    const both = await runCli(['listen', '--tunnel', 'ngrok', '--public-url', 'https://hooks.example.com', '--no-record'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--public-url and --tunnel ngrok contradict each other/);
  });
});

describe('listen --public-url', () => {
  /** The user's own reverse proxy in front of listen's port; `broken` makes it answer like a dead upstream. */
  async function startProxy(to: () => number, broken: () => boolean): Promise<string> {
    proxy = createServer((req, res) => {
      if (broken()) {
        res.writeHead(503, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>503</title><h1>upstream unavailable</h1>');
        return;
      }
      const upstream = httpRequest({ host: '127.0.0.1', port: to(), method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  }

  it('prints the URL to paste, probes it, and counts answers that did not come from this listener', async () => {
    let port = 0;
    let broken = false;
    const url = await startProxy(() => port, () => broken);
    cli = new CliProcess(['listen', '--port', '0', '--json', '--public-url', `${url}/`, '--path', '/hook', '--forward-to', handler.url, '--record', join(dir, 'fixtures'), '--probe-interval', '100ms'], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    port = Number(new URL(String(cli.records()[0]?.['localUrl'])).port);
    await cli.waitFor(/"state":"open"/);
    expect(cli.records().find((r) => r['state'] === 'open')?.['publicUrl']).toBe(`${url}/hook`);

    const response = await request(`${url}/hook`, { method: 'POST', body: '{"event_type": "video.created"}' });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    await cli.waitFor(/"kind":"event"/);
    expect(await readdir(join(dir, 'fixtures'))).toHaveLength(1);
    expect(cli.stdout).not.toMatch(/probe-failed/);

    broken = true;
    await cli.waitFor(/"state":"probe-failed"[\s\S]*"state":"probe-failed"/);
    const failed = cli.records().find((r) => r['state'] === 'probe-failed');
    expect(failed).toMatchObject({ url: `${url}/hook`, status: 503, detail: expect.stringMatching(/^503 Service Unavailable, an HTML page/) });
    // A URL we do not run is never "reconnected": it is reported, and listen goes on.
    expect(cli.records().filter((r) => r['state'] === 'down' || r['state'] === 'changed')).toEqual([]);
    broken = false;
    expect(await cli.interrupt()).toBe(130);
    const summary = cli.records().find((r) => r['kind'] === 'summary');
    expect(summary?.['probesFailed']).toBeGreaterThanOrEqual(2);
    // The probes never reached the handler, and none was recorded.
    expect(handler.received).toHaveLength(1);
    expect(await readdir(join(dir, 'fixtures'))).toHaveLength(1);
  });
});
