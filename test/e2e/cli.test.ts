import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

describe('the CLI shell', () => {
  it('prints the version and exits 0', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('--help lists every command with examples', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['listen', 'trigger|fire', 'replay', 'simulate', 'fixtures']) expect(stdout).toContain(command);
    expect(stdout).toMatch(/Examples:/);
    expect(stdout).toMatch(/Exit codes: 0 success · 1 .* · 2 .* · 130 interrupted/);
  });

  it('an unknown command or flag is a usage error (exit 2)', async () => {
    expect((await runCli(['nope'])).code).toBe(2);
    const flag = await runCli(['replay', '--bogus']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--bogus'/);
  });

  it('errors are one line; --debug adds the stack trace', async () => {
    const plain = await runCli(['trigger', 'video.ready', '--to', 'localhost:3000']);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    const debug = await runCli(['--debug', 'trigger', 'video.ready', '--to', 'localhost:3000']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^error: --to "localhost:3000"/);
    expect(debug.stderr).toMatch(/\n\s+at .*src\/delivery\/url\.ts/);
  });

  it('the library entry exports the event builder and serializer', async () => {
    const lib = (await import('../../dist/index.js')) as typeof import('../../src/index.js');
    const { body } = lib.buildEvent('video.created', { videoId: 500, projectId: 20, seed: 1, now: new Date('2024-10-10T10:10:10.000Z') });
    expect(body).toMatch(/^\{"event_type": "video\.created", "project_id": 20, "timestamp": "2024-10-10T10:10:10\.000\d{3}\+0000"/);
    expect(lib.serializeEvent({ duration: -1 }, { floatPaths: new Set(['duration']) })).toBe('{"duration": -1.0}');
  });
});
