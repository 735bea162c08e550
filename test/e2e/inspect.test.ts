/**
 * `inspect` from the command line: the thin layer over the in-process browser tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { event, writeFixtures } from '../helpers/fixtures.js';

let dir: string;
let cli: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-inspect-cli-'));
});
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('inspect', () => {
  it('serves the page over a fixtures directory until Ctrl-C', async () => {
    await writeFixtures(join(dir, 'fixtures'), [{ at: '2026-11-27T10:00:00.000Z', body: event('video.ready', 500), status: 200 }]);
    cli = new CliProcess(['inspect', '--json'], { cwd: dir });
    await cli.waitFor(/"kind":"ready"/);
    const ready = cli.records()[0] as { ui: string; dir: string; replayTo: string | null };
    expect(ready).toMatchObject({ dir: 'fixtures', replayTo: null });

    const page = await request(ready.ui);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'; script-src 'self'");
    expect(await page.body.text()).toMatch(/<meta name="hsw-token" content="[\w-]{32}">/);
    const script = await request(`${ready.ui}page.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    await script.body.dump();

    expect(await cli.interrupt()).toBe(130);
  });

  it('names a missing directory and how to fill one', async () => {
    const result = await runCli(['inspect', 'nowhere'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: no fixtures directory at nowhere; record some with `listen` or `trigger --save`, or name one: inspect <dir>\n');
  });
});
