import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { makeFixture, saveFixture } from '../../src/store/write.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { runInPty } from '../helpers/pty.js';

let dir: string;
let files: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-fixtures-'));
  files = await writeFixtures(dir, [
    { at: '2026-11-20T01:00:00Z', body: event('video.created', 1), status: 200 },
    { at: '2026-11-20T02:00:00Z', body: event('video.ready', 2), status: 500 },
    { at: '2026-11-20T03:00:00Z', body: 'not json at all' },
  ]);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fixtures list', () => {
  it('prints a table with time, type, video, status, last answer and file', async () => {
    const { code, stdout } = await runCli(['fixtures', 'list', dir]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+TYPE\s+VIDEO\s+STATUS\s+LAST ANSWER\s+FILE$/);
    expect(lines[1]).toMatch(/^2026-11-20 01:00:00Z\s+video\.created\s+1\s+waiting_for_upload\s+200\s+\S+_video\.created_v1_/);
    expect(lines[2]).toMatch(/video\.ready\s+2\s+waiting_for_upload\s+500/);
    expect(lines[3]).toMatch(/\(not JSON\)\s+-\s+-\s+-/);
  });

  it('filters and prints NDJSON', async () => {
    const { stdout } = await runCli(['fixtures', 'list', dir, '--event', 'video.*', '--json']);
    const rows = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; lastAnswer: string });
    expect(rows.map((r) => [r.type, r.lastAnswer])).toEqual([
      ['video.created', '200'],
      ['video.ready', '500'],
    ]);
  });

  it('names a corrupt file and exits 2, still listing the rest', async () => {
    await writeFile(join(dir, 'broken.json'), '{');
    const { code, stdout, stderr } = await runCli(['fixtures', 'list', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/broken\.json: not valid JSON/);
    expect(stdout.trim().split('\n')).toHaveLength(4);
  });
});

describe('fixtures show', () => {
  it('shows the request, headers, pretty body and the answer', async () => {
    const { code, stdout } = await runCli(['fixtures', 'show', files[1] ?? '']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^video\.ready {2}video 2/);
    expect(stdout).toMatch(/POST \/hook/);
    expect(stdout).toMatch(/user-agent: HeapStream-Webhooks\/1\.0/);
    expect(stdout).toMatch(/"event_type": "video\.ready"/);
    expect(stdout).toMatch(/answer: 500/);
  });

  it('shows the handler’s recorded headers and body, made printable', async () => {
    const fixture = makeFixture({
      via: 'tunnel',
      method: 'POST',
      path: '/hook',
      headers: {},
      body: Buffer.from(event('video.ready', 3)),
      response: { ok: false, status: 503, durationMs: 7, target: 'http://127.0.0.1:1/h', headers: { 'retry-after': '30' }, body: '{"error": "busy \u001b[2J"}', bodyEncoding: 'utf8', truncated: true },
    });
    const file = await saveFixture(dir, fixture);
    const { code, stdout } = await runCli(['fixtures', 'show', file]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/answer: 503 in 7 ms from http:\/\/127\.0\.0\.1:1\/h\n {2}retry-after: 30\n\n\{"error": "busy \\x1b\[2J"\}\n… \(only the start of the body was kept\)/);
    expect(stdout).not.toContain('\u001b');
  });

  it('--body prints the exact bytes; a bare name is found in ./fixtures', async () => {
    const { stdout } = await runCli(['fixtures', 'show', basename(files[1] ?? ''), '--body'], { env: { HEAPSTREAM_FIXTURES_DIR: dir } });
    expect(stdout).toBe(event('video.ready', 2));
  });

  it('exits 2 for a missing file', async () => {
    const { code, stderr } = await runCli(['fixtures', 'show', 'nope.json'], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(/no fixture at nope\.json/);
  });
});

describe('fixtures rm', () => {
  it('removes matching fixtures with --yes', async () => {
    const { code, stdout } = await runCli(['fixtures', 'rm', dir, '--event', 'video.ready', '--yes']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/removed 1 fixture/);
    expect((await readdir(dir)).sort()).toEqual([basename(files[0] ?? ''), basename(files[2] ?? '')].sort());
  });

  it('refuses without --yes when not on a terminal', async () => {
    const { code, stderr } = await runCli(['fixtures', 'rm', dir]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/would remove 3 fixture\(s\); add --yes/);
    expect(await readdir(dir)).toHaveLength(3);
  });

  it('asks first on a terminal', async () => {
    const pty = runInPty(['fixtures', 'rm', dir, '--until', '2026-11-20T01:30:00Z']);
    try {
      await pty.waitFor(/Remove 1 fixture\(s\)/);
      pty.type('y\r');
      expect(await pty.exit).toBe(0);
    } finally {
      pty.kill();
    }
    expect(await readdir(dir)).toHaveLength(2);
  });
});

describe('fixtures check and schema', () => {
  const repository = new URL('../../', import.meta.url).pathname;

  it('check: the shipped samples in ./fixtures pass (exit 0); the drift data exits 2 with a finding per NDJSON line', async () => {
    const samples = await runCli(['fixtures', 'check'], { cwd: repository });
    expect(samples).toMatchObject({ code: 0, stdout: '5 fixtures checked: all fit the model\n', stderr: '' });
    const drift = await runCli(['fixtures', 'check', 'test/data/drift', '--json'], { cwd: repository });
    expect(drift.code).toBe(2);
    const kinds = drift.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { kind: string }).kind);
    expect(kinds).toHaveLength(10);
    expect(kinds).toContain('unparseable');
  });

  it('schema: a block per event type', async () => {
    const { code, stdout } = await runCli(['fixtures', 'schema', dir, '--event', 'video.ready']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^video\.ready · 1 recording · in the catalog\n {2}PATH\s+TYPES SEEN\s+IN\s+MODEL\n/);
  });
});
