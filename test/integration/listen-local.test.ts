/**
 * `listen --no-tunnel` against a real handler: hostile input, failure answers, options.
 */
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request as httpRequest } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, CONFIG_HOME } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';
import { waitUntil } from '../helpers/time.js';

let handler: TestHandler;
let dir: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  handler = await new TestHandler().start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-listen-'));
});
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

async function startListen(extra: string[] = [], forward = true): Promise<string> {
  cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--record', join(dir, 'fixtures'), '--path', '/hook', ...(forward ? ['--forward-to', handler.url] : []), ...extra], { cwd: dir });
  await cli.waitFor(/"kind":"ready"/);
  return String(cli.records()[0]?.['localUrl']);
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<{ status: number; text: string; ms: number }> {
  const started = Date.now();
  const response = await request(url, { method: method as 'POST', body: method === 'GET' ? null : body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.statusCode, text: await response.body.text(), ms: Date.now() - started };
}

async function fixtures(): Promise<{ file: string; data: { request: { body: string; query: string; headers: Record<string, string> }; response?: { status?: number; error?: { kind: string } } } }[]> {
  const fixtureDir = join(dir, 'fixtures');
  const names = await readdir(fixtureDir).catch(() => [] as string[]);
  return Promise.all(names.map(async (file) => ({ file, data: JSON.parse(await readFile(join(fixtureDir, file), 'utf8')) })));
}

async function eventRecords(count: number): Promise<Record<string, unknown>[]> {
  await cli?.waitFor(new RegExp(`("kind":"event"[\\s\\S]*){${count}}`));
  return cli?.records().filter((r) => r['kind'] === 'event') ?? [];
}

describe('listen: hostile and broken input', () => {
  it('answers 413 to a 2 MiB body and forwards nothing', async () => {
    const url = await startListen();
    const big = Buffer.alloc(2 * 1024 * 1024, 'a');
    expect((await post(url, big)).status).toBe(413);
    await cli?.waitFor(/"kind":"rejected".*"reason":"too-large"/);
    expect(handler.received).toHaveLength(0);
    expect(await fixtures()).toHaveLength(0);
  });

  it('answers 405 to a GET and 404 to another path, recording nothing', async () => {
    const url = await startListen();
    expect((await post(url, '', {}, 'GET')).status).toBe(405);
    expect((await post(url.replace('/hook', '/other'), '{}')).status).toBe(404);
    expect((await post(url.replace('/hook', '/hook/../etc/passwd'), '{}')).status).toBe(404);
    await cli?.waitFor(/("kind":"rejected"[\s\S]*){3}/);
    expect(handler.received).toHaveLength(0);
    expect(await fixtures()).toHaveLength(0);
  });

  it('records and forwards invalid JSON as-is', async () => {
    const url = await startListen();
    const broken = '{"event_type": "video.ready", oops';
    expect((await post(url, broken)).status).toBe(200);
    expect(handler.received[0]?.body.toString()).toBe(broken);
    const [event] = await eventRecords(1);
    expect(event).toMatchObject({ json: false, type: null, status: 200 });
    const [fixture] = await fixtures();
    expect(fixture?.data.request.body).toBe(broken);
  });

  it('keeps a hostile event_type inside the fixtures directory', async () => {
    const url = await startListen();
    expect((await post(url, '{"event_type": "../../x", "video": {"id": 1}}')).status).toBe(200);
    const [event] = await eventRecords(1);
    const file = String(event?.['fixture']);
    expect(resolve(file).startsWith(resolve(join(dir, 'fixtures')) + '/')).toBe(true);
    expect(await readdir(dir)).toEqual(['fixtures']);
    expect((await fixtures()).map((f) => f.file)[0]).toMatch(/_x_v1_[0-9a-f]{6}\.json$/);
  });

  it('shows an escape-laden event_type as visible text, never raw', async () => {
    cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--record', join(dir, 'fixtures'), '--path', '/hook', '--forward-to', handler.url], { cwd: dir });
    const local = (await cli.waitFor(/Listening\s+(http:\/\/127\.0\.0\.1:\d+\/hook)/))[1] ?? '';
    expect((await post(local, JSON.stringify({ event_type: 'video.ready\u001b]0;pwned\u0007\u001b[2J', video: { id: 4 } }))).status).toBe(200);
    await cli.waitFor(/video\.ready\\x1b\]0;pwned\\x07\\x1b\[2J/);
    expect(cli.stdout + cli.stderr).not.toContain('\u001b');
  });

  it('refuses a --record directory it cannot create: exit 2, one line naming it', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const bad = join(dir, 'a-file', 'fixtures');
    cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--record', bad], { cwd: dir });
    expect(await cli.wait()).toBe(2);
    expect(cli.stderr.trim().split('\n')).toEqual([`error: the directory "${bad}" cannot be used: "${join(dir, 'a-file')}" is not a directory; choose another one to record fixtures in, or turn recording off`]);
    expect(cli.stdout).toBe('');
  });

  it('answers 502 when the handler is down, and still records the event', async () => {
    const url = await startListen();
    await handler.stop();
    const answer = await post(url, '{"event_type": "video.created"}');
    expect(answer.status).toBe(502);
    expect(answer.text).toMatch(/unreachable \(ECONNREFUSED\)/);
    await eventRecords(1);
    const [fixture] = await fixtures();
    expect(fixture?.data.response?.error?.kind).toBe('unreachable');
  });

  it('answers 504 after about 5 s when the handler sleeps 6 s', async () => {
    handler.setBehaviour(() => ({ delayMs: 6_000 }));
    const url = await startListen();
    const answer = await post(url, '{"event_type": "video.created"}');
    expect(answer.status).toBe(504);
    expect(answer.ms).toBeGreaterThanOrEqual(4_900);
    // Ended by the 5 s deadline (a 6 s handler would otherwise have answered 200), and it says so.
    expect(answer.text).toContain('no answer within 5000 ms');
    await eventRecords(1);
    const [fixture] = await fixtures();
    expect(fixture?.data.response?.error?.kind).toBe('timeout');
  });
});

describe('listen: forwarding', () => {
  it('passes headers (minus hop-by-hop and host) and the query string through', async () => {
    const url = await startListen();
    // node:http, not undici: undici refuses to send hop-by-hop headers at all.
    await new Promise<void>((done, fail) => {
      const req = httpRequest(`${url}?attempt=2&x=y`, { method: 'POST', headers: { 'x-custom': 'kept', 'keep-alive': 'timeout=5', connection: 'keep-alive, x-hop', 'x-hop': 'dropped' } }, (res) => {
        res.resume();
        res.on('end', done);
      });
      req.on('error', fail);
      req.end('{"event_type": "video.ready"}');
    });
    const [received] = handler.received;
    expect(received?.url).toBe('/webhooks?attempt=2&x=y');
    expect(received?.headers['x-custom']).toBe('kept');
    expect(received?.headers['keep-alive']).toBeUndefined();
    expect(received?.headers['x-hop']).toBeUndefined();
    expect(received?.headers['host']).toBe(`127.0.0.1:${handler.port}`);
    const [fixture] = (await eventRecords(1)) && (await fixtures());
    expect(fixture?.data.request.query).toBe('attempt=2&x=y');
    expect(fixture?.data.request.headers['x-custom']).toBe('kept');
  });

  it('marks a duplicate body', async () => {
    const url = await startListen();
    const body = '{"event_type": "video.ready", "video": {"id": 9}}';
    await post(url, body);
    await post(url, body);
    const events = await eventRecords(2);
    expect(events.map((e) => e['duplicate'])).toEqual([false, true]);
  });

  it('--ack answers 200 at once and forwards in the background', async () => {
    handler.setBehaviour(() => ({ status: 500, delayMs: 2_000 }));
    const url = await startListen(['--ack']);
    const answer = await post(url, '{"event_type": "video.ready"}');
    expect(answer.status).toBe(200);
    // At once: the sender has its 200 before the handler has answered.
    expect(handler.answered).toBe(0);
    const [event] = await eventRecords(1);
    expect(event).toMatchObject({ status: 200, handler: { status: 500, ok: false } });
  });

  it('--events forwards and shows only matching types, still recording the rest', async () => {
    const url = await startListen(['--events', 'video.ready,video.fail*']);
    await post(url, '{"event_type": "video.created"}');
    await post(url, '{"event_type": "video.failed"}');
    const events = await eventRecords(1);
    expect(events.map((e) => e['type'])).toEqual(['video.failed']);
    expect(handler.received.map((r) => JSON.parse(r.body.toString()).event_type)).toEqual(['video.failed']);
    expect(await fixtures()).toHaveLength(2);
  });

  it('without --forward-to records and answers 200', async () => {
    const url = await startListen([], false);
    const answer = await post(url, '{"event_type": "video.ready"}');
    expect(answer.status).toBe(200);
    expect(await fixtures()).toHaveLength(1);
    expect(handler.received).toHaveLength(0);
  });

  it('Ctrl-C lets in-flight deliveries finish, prints a summary and exits 130', async () => {
    handler.setBehaviour(() => ({ delayMs: 800 }));
    const url = await startListen();
    const inFlight = post(url, '{"event_type": "video.ready"}');
    await waitUntil(() => handler.inFlight > 0, 'the delivery to be in flight at the handler');
    const code = await cli?.interrupt();
    expect((await inFlight).status).toBe(200);
    expect(code).toBe(130);
    const summary = cli?.records().find((r) => r['kind'] === 'summary');
    expect(summary).toMatchObject({ received: 1, forwarded: 1, handlerOk: 1, recorded: 1 });
    expect(await fixtures()).toHaveLength(1);
  });

  it('--no-record writes nothing', async () => {
    cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--no-record', '--path', '/hook'], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    const url = String(cli.records()[0]?.['localUrl']);
    expect((await post(url, '{}')).status).toBe(200);
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the path token for a directory across runs; --new-url rotates it', async () => {
    const pathOf = async (cwd: string, extra: string[] = []): Promise<string> => {
      const run = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--no-record', ...extra], { cwd });
      try {
        await run.waitFor(/"kind":"ready"/);
        return new URL(String(run.records()[0]?.['localUrl'])).pathname;
      } finally {
        await run.stop();
      }
    };
    const first = await pathOf(dir);
    expect(await pathOf(dir)).toBe(first);
    const rotated = await pathOf(dir, ['--new-url']);
    expect(rotated).not.toBe(first);
    expect(await pathOf(dir)).toBe(rotated);
    const other = await mkdtemp(join(tmpdir(), 'hsw-listen-other-'));
    try {
      expect(await pathOf(other)).not.toBe(rotated);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
    const saved = await readdir(join(CONFIG_HOME, 'heapstream-webhooks', 'listen'));
    const mode = (await stat(join(CONFIG_HOME, 'heapstream-webhooks', 'listen', saved[0] ?? ''))).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('takes its port from HEAPSTREAM_PORT, and --port wins over it', async () => {
    const free = async (): Promise<number> => {
      const server = createNetServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as { port: number };
      await new Promise((resolve) => server.close(resolve));
      return port;
    };
    const fromEnv = await free();
    const run = new CliProcess(['listen', '--no-tunnel', '--json', '--no-record'], { cwd: dir, env: { HEAPSTREAM_PORT: String(fromEnv) } });
    try {
      await run.waitFor(/"kind":"ready"/);
      expect(new URL(String(run.records()[0]?.['localUrl'])).port).toBe(String(fromEnv));
    } finally {
      await run.stop();
    }
    cli = new CliProcess(['listen', '--no-tunnel', '--json', '--no-record', '--port', '0'], { cwd: dir, env: { HEAPSTREAM_PORT: String(fromEnv) } });
    await cli.waitFor(/"kind":"ready"/);
    expect(new URL(String(cli.records()[0]?.['localUrl'])).port).not.toBe(String(fromEnv));
  });

  it('by default accepts only an unguessable path token', async () => {
    cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--no-record'], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    const url = new URL(String(cli.records()[0]?.['localUrl']));
    expect(url.pathname).toMatch(/^\/[A-Za-z0-9_-]{22}$/);
    expect((await post(`${url.origin}/`, '{}')).status).toBe(404);
    expect((await post(url.href, '{}')).status).toBe(200);
  });
});
