import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';
import { KEY, runInPty } from '../helpers/pty.js';

const documented = JSON.parse(await readFile(new URL('../data/documented-example.json', import.meta.url), 'utf8')) as Record<string, unknown>;

let handler: TestHandler;
let dir: string;

beforeEach(async () => {
  handler = await new TestHandler().start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-trigger-'));
});
afterEach(async () => {
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Key paths of a JSON value in document order, e.g. `video.asset.duration`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return [path, ...keyPaths(child, path)];
  });
}

describe('trigger --print', () => {
  it('prints a body matching the documented example field by field', async () => {
    const { code, stdout, stderr } = await runCli(['trigger', 'video.created', '--print']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const raw = stdout.trim();
    const body = JSON.parse(raw) as Record<string, unknown>;
    expect(keyPaths(body)).toEqual(keyPaths(documented));
    const event = body as { event_type: string; project_id: number; timestamp: string; video: { id: number; status: string; asset: Record<string, unknown> } };
    expect(event.event_type).toBe('video.created');
    expect(Number.isInteger(event.project_id) && event.project_id > 0).toBe(true);
    expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);
    expect(event.video.status).toBe('waiting_for_upload');
    expect(event.video.asset).toMatchObject({ duration: -1, encoding_tier: 'full', errors: [], normalize_audio: false });
    expect(typeof event.video.asset['id']).toBe('number');
    expect(raw).toContain('"duration": -1.0');
    expect(raw).not.toMatch(/"duration": -1[,}]/);
  });

  it('is reproducible with --seed and honours --video-id, --project-id and --set', async () => {
    const args = ['trigger', 'video.ready', '--print', '--seed', '42', '--video-id', '777', '--project-id', '20', '--set', 'video.asset.duration=30', '--set', 'timestamp=2024-10-10T10:10:10.000010+0000'];
    const a = await runCli(args);
    const b = await runCli(args);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const body = JSON.parse(a.stdout) as { project_id: number; video: { id: number; asset: { duration: number } } };
    expect(body.video.id).toBe(777);
    expect(body.project_id).toBe(20);
    expect(a.stdout).toContain('"duration": 30.0');
    expect(a.stdout).toContain('"timestamp": "2024-10-10T10:10:10.000010+0000"');
  });

  it('rejects an unknown --set path with the valid ones (exit 2), and --force allows it', async () => {
    const bad = await runCli(['trigger', 'video.ready', '--print', '--set', 'video.title=Hello']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/video\.title.*valid paths: .*video\.asset\.duration/);
    const forced = await runCli(['trigger', 'video.ready', '--print', '--set', 'video.title=Hello', '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('"title": "Hello"');
  });

  it('warns about an unknown type and still builds it', async () => {
    const { code, stdout, stderr } = await runCli(['trigger', 'video.transcribed', '--print']);
    expect(code).toBe(0);
    expect(stderr).toMatch(/not in the catalog/);
    expect(JSON.parse(stdout)).toMatchObject({ event_type: 'video.transcribed' });
  });
});

describe('trigger --list', () => {
  it('lists every catalog type with a description, and as NDJSON', async () => {
    const human = await runCli(['trigger', '--list']);
    expect(human.code).toBe(0);
    for (const type of ['video.created', 'video.uploaded', 'video.encoding', 'video.ready', 'video.failed', 'video.updated', 'video.deleted']) {
      expect(human.stdout).toMatch(new RegExp(`^${type.replace('.', '\\.')}\\s+\\S`, 'm'));
    }
    const json = await runCli(['trigger', '--list', '--json']);
    const rows = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(rows.map((r) => r.type)).toContain('video.failed');
  });
});

describe('trigger --to', () => {
  it('POSTs JSON with a user agent naming the tool, and prints status and duration', async () => {
    const { code, stdout } = await runCli(['trigger', 'video.ready', '--to', handler.url]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/video\.ready video \d+ → 200 in \d+ ms/);
    expect(handler.received).toHaveLength(1);
    const [request] = handler.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/webhooks');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(/^heapstream-webhooks\/\d+\.\d+\.\d+/);
    expect(JSON.parse(request?.body.toString() ?? '')).toMatchObject({ event_type: 'video.ready', video: { status: 'ready' } });
  });

  it('uses HEAPSTREAM_FORWARD_TO when --to is not given', async () => {
    const { code } = await runCli(['trigger', 'video.created'], { env: { HEAPSTREAM_FORWARD_TO: handler.url } });
    expect(code).toBe(0);
    expect(handler.received).toHaveLength(1);
  });

  it('exits 2 with the fix for a malformed --to', async () => {
    const { code, stderr } = await runCli(['trigger', 'video.ready', '--to', 'localhost:3000']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')[0]).toBe('error: --to "localhost:3000" is not an http(s) URL; did you mean http://localhost:3000 ?');
    expect(handler.received).toHaveLength(0);
  });
});

describe('trigger --save', () => {
  it('defaults to ./fixtures in the working directory', async () => {
    const { code } = await runCli(['trigger', 'video.created', '--save'], { cwd: dir });
    expect(code).toBe(0);
    expect(await readdir(join(dir, 'fixtures'))).toHaveLength(1);
  });

  it('exits 2 at once with one line for a directory that cannot be made (here: under /proc, where mkdir -p spins)', async () => {
    const { code, stderr } = await runCli(['trigger', 'video.created', '--save', '/proc/hsw/fixtures'], { timeoutMs: 5_000 });
    expect(code).toBe(2);
    expect(stderr).toBe('error: the directory "/proc/hsw/fixtures" cannot be used: "/proc" does not take new directories; choose another one\n');
  });
});

describe('trigger --like', () => {
  it('prints an event built like a recording; --keep-ids keeps its ids; --keep-ids alone is a usage error', async () => {
    const sample = new URL('../../fixtures/2026-11-27T13-19-02-180Z_video.failed_v501_0eab5e.json', import.meta.url).pathname;
    const recorded = (JSON.parse(await readFile(sample, 'utf8')) as { request: { body: string } }).request.body;
    const { code, stdout } = await runCli(['trigger', '--like', sample, '--keep-ids', '--print']);
    expect(code).toBe(0);
    const withoutTime = (text: string): string => text.replace(/"timestamp": "[^"]*"/, '');
    expect(withoutTime(stdout)).toBe(`${withoutTime(recorded)}\n`);
    expect(stdout).not.toBe(`${recorded}\n`);
    const alone = await runCli(['trigger', 'video.ready', '--keep-ids', '--print']);
    expect(alone).toMatchObject({ code: 2, stderr: 'error: --keep-ids goes with --like <fixture>\n' });
  });
});

describe('trigger without a type', () => {
  it('is a usage error (exit 2) when stdin is not a terminal', async () => {
    const { code, stderr } = await runCli(['trigger', '--to', handler.url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no event type given/);
    expect(handler.received).toHaveLength(0);
  });

  it('offers an interactive select on a terminal', async () => {
    const pty = runInPty(['trigger', '--to', handler.url]);
    try {
      await pty.waitFor(/Which event should be sent\?/);
      await pty.waitFor(/video\.deleted/);
      pty.type(KEY.down);
      pty.type(KEY.down);
      pty.type(KEY.down);
      // The cursor has reached the fourth type once the prompt draws it there.
      await pty.waitFor(/❯ video\.ready/);
      pty.type(KEY.enter);
      expect(await pty.exit).toBe(0);
    } finally {
      pty.kill();
    }
    expect(handler.received).toHaveLength(1);
    expect(JSON.parse(handler.received[0]?.body.toString() ?? '')).toMatchObject({ event_type: 'video.ready' });
  });
});
