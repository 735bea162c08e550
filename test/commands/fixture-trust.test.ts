/**
 * Fixtures are input from elsewhere (a repository, a hand edit, a hostile sender's body):
 * a bad one is named at load, never sent mangled; a file outside its directory is not read;
 * nothing from a fixture reaches a terminal raw; a directory that cannot be made says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { run as listFixtures } from '../../src/commands/fixtures/list.js';
import { run as showFixture } from '../../src/commands/fixtures/show.js';
import { pickerChoices } from '../../src/commands/replay/pick.js';
import { run as replay, type ReplayCommandOptions } from '../../src/commands/replay/run.js';
import { run as trigger } from '../../src/commands/trigger/run.js';
import { loadFixtures, readFixture } from '../../src/store/read.js';
import { makeFixture, serializeFixture } from '../../src/store/write.js';
import { HswError } from '../../src/errors.js';
import { captureOutput, test } from '../helpers/context.js';
import { event } from '../helpers/fixtures.js';
import type { TestHandler } from '../helpers/handler.js';

type Edit = (fixture: Record<string, unknown> & { request: Record<string, unknown> }) => void;

/** Writes a fixture file, edited by hand the way a user (or an attacker) could. */
async function writeEdited(dir: string, name: string, edit: Edit = () => undefined, body = event('video.ready', 7)): Promise<string> {
  const fixture = JSON.parse(serializeFixture(makeFixture({ recordedAt: new Date('2026-11-20T10:00:00Z'), via: 'tunnel', method: 'POST', path: '/hook', headers: { 'content-type': 'application/json' }, body: Buffer.from(body) }))) as Parameters<Edit>[0];
  edit(fixture);
  const file = join(dir, name);
  await writeFile(file, JSON.stringify(fixture, null, 2));
  return file;
}

function replayOptions(paths: string[], handler: TestHandler, output: ReplayCommandOptions['output']): ReplayCommandOptions {
  return { paths, to: new URL(handler.url), filter: {}, order: {}, times: 1, delayMs: 0, concurrency: 1, timeoutMs: 5_000, interactive: false, skipInvalid: false, output, takeInterrupt: () => new AbortController().signal };
}

// Controls but the newline that ends each line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('an invalid fixture is named at load (exit 2), never sent', () => {
  const cases: [string, Edit, RegExp][] = [
    ['CR/LF in a header value', (f) => (f.request['headers'] = { 'content-type': 'application/json', 'x-injected': 'a\r\nx-evil: 1' }), /"request\.headers\.x-injected" has a CR, LF or other control character/],
    ['an invalid header name', (f) => (f.request['headers'] = { 'bad header:': 'x' }), /the name of header 1 is not a valid header name/],
    ['an invalid method', (f) => (f.request['method'] = 'PO ST'), /"request\.method" is not an HTTP method/],
    ['a base64 body that is not base64', (f) => Object.assign(f.request, { bodyEncoding: 'base64', body: 'not base64!' }), /"request\.body" is not base64/],
  ];

  test.for(cases)('%s', async ([, edit, message], { dir, handler }) => {
    const bad = await writeEdited(dir, 'b-bad.json', edit);
    await writeEdited(dir, 'a-good.json');
    await expect(readFixture(bad)).rejects.toMatchObject({ code: 'HSW_FIXTURE_INVALID', exitCode: 2, message: expect.stringMatching(message) as unknown });

    const captured = captureOutput();
    const result = await replay(replayOptions([dir], handler, captured.output));
    expect(result.exitCode).toBe(2);
    expect(captured.stderr()).toMatch(new RegExp(`^error: .*b-bad\\.json: `, 'm'));
    // Nothing went out: the bad one is not a failed delivery, nor a mangled send, and the
    // good one waits until the set is whole.
    expect(handler.received).toHaveLength(0);
    expect(result.summary).toMatchObject({ sent: 0, failed: 0 });
  });

  test('valid base64 and an empty method (POST) still load', async ({ dir }) => {
    const file = await writeEdited(dir, 'ok.json', (f) => Object.assign(f.request, { bodyEncoding: 'base64', body: Buffer.from([0xff, 0x00, 0x7b]).toString('base64'), method: '' }));
    expect((await readFixture(file)).body).toEqual(Buffer.from([0xff, 0x00, 0x7b]));
  });
});

describe('a recorded header that only negotiated its own hop', () => {
  test('a recorded Expect: 100-continue (curl, bodies over 1 KiB) is dropped, not a failed delivery', async ({ dir, handler }) => {
    await writeEdited(dir, 'curl.json', (f) => (f.request['headers'] = { 'content-type': 'application/json', expect: '100-continue' }), event('video.ready', 7).padEnd(2_000, ' '));
    const result = await replay(replayOptions([dir], handler, captureOutput().output));
    expect(result.summary).toMatchObject({ sent: 1, ok: 1 });
    expect(handler.received[0]?.headers['expect']).toBeUndefined();
  });
});

describe('files a fixture must not be', () => {
  test('a symlink to outside its directory is refused; one inside it is read', async ({ dir }) => {
    const fixtures = join(dir, 'fixtures');
    await mkdir(fixtures);
    await writeFile(join(dir, 'secret.txt'), 'root:x:0:0:root:/root:/bin/bash\n');
    await symlink(join(dir, 'secret.txt'), join(fixtures, 'evil.json'));
    await symlink('/etc/passwd', join(fixtures, 'passwd.json'));
    const real = await writeEdited(fixtures, 'real.json');
    await symlink(real, join(fixtures, 'alias.json'));

    const { fixtures: loaded, invalid } = await loadFixtures([fixtures]);
    // The alias and the file it names are one fixture, loaded once.
    expect(loaded.map((f) => f.file)).toEqual([join(fixtures, 'alias.json')]);
    expect(invalid.map((bad) => bad.reason)).toEqual([
      `${join(fixtures, 'evil.json')}: a symlink to outside its directory; refusing to read it (copy the file here instead)`,
      `${join(fixtures, 'passwd.json')}: a symlink to outside its directory; refusing to read it (copy the file here instead)`,
    ]);
  });

  test('a JSON error gives the offset and quotes nothing of the file', async ({ dir }) => {
    await writeFile(join(dir, 'secret.json'), 'root:x:0:0:root:/root:/bin/bash\n');
    const error = (await readFixture(join(dir, 'secret.json')).catch((e: unknown) => e)) as HswError;
    expect(error).toMatchObject({ code: 'HSW_FIXTURE_INVALID', exitCode: 2 });
    expect(error.message).toBe(`${join(dir, 'secret.json')}: not valid JSON (unexpected character at offset 0)`);
  });

  test('a fifo is not a regular file (and reading it would block)', async ({ dir }) => {
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    await expect(readFixture(join(dir, 'pipe.json'))).rejects.toMatchObject({ message: `${join(dir, 'pipe.json')}: not a regular file` });
  });
});

describe('replay of a path that does not exist', () => {
  test('prints one error, not two, and exits 2', async ({ dir, handler }) => {
    for (const skipInvalid of [false, true]) {
      const captured = captureOutput();
      const result = await replay({ ...replayOptions([join(dir, 'nope')], handler, captured.output), skipInvalid });
      expect(result.exitCode).toBe(2);
      expect(captured.stderr()).toBe(`error: ${join(dir, 'nope')}: not found\n`);
    }
  });
});

describe('trigger --save into a directory that cannot be made', () => {
  test('is an input error naming the path, found before anything is sent', async ({ dir, handler }) => {
    await writeFile(join(dir, 'notes.txt'), 'x');
    const saveDir = join(dir, 'notes.txt', 'fixtures');
    const attempt = trigger({ type: 'video.ready', to: new URL(handler.url), print: false, saveDir, set: [], force: false, times: 1, delayMs: 0, timeoutMs: 5_000, output: captureOutput().output });
    await expect(attempt).rejects.toMatchObject({
      code: 'HSW_BAD_DIRECTORY',
      exitCode: 2,
      message: `the directory "${saveDir}" cannot be used: "${join(dir, 'notes.txt')}" is not a directory; choose another one`,
    });
    expect(handler.received).toHaveLength(0);
  });

  test('under /proc it fails at once instead of spinning', async () => {
    // A spin would never end: the test's own timeout catches it, no clock needed here.
    const attempt = trigger({ type: 'video.ready', print: false, saveDir: '/proc/hsw-test/fixtures', set: [], force: false, times: 1, delayMs: 0, timeoutMs: 5_000, output: captureOutput().output });
    await expect(attempt).rejects.toMatchObject({ code: 'HSW_BAD_DIRECTORY', message: 'the directory "/proc/hsw-test/fixtures" cannot be used: "/proc" does not take new directories; choose another one' });
  });
});

describe('text from a fixture reaches the terminal only through printable()', () => {
  const HOSTILE = 'video.\u001b]0;pwned\u0007ready\u001b[2J';

  async function hostileFixture(dir: string): Promise<string> {
    return writeEdited(
      dir,
      'hostile.json',
      (f) => {
        f.request['path'] = '/hook\nanswer: 200 in 1 ms from http://fake';
        f.request['query'] = 'a=\u001b[31m';
        f['response'] = { ok: false, durationMs: 3, error: { kind: 'x\u001b[2J', message: 'm\u001b[2J' }, target: 'http://127.0.0.1/\u001b]0;t\u0007' };
      },
      event('TYPE', 7).replace('"TYPE"', JSON.stringify(HOSTILE)).replace('"waiting_for_upload"', '"\\u001b[5m"'),
    );
  }

  test('fixtures list, its table and its warnings', async ({ dir }) => {
    await hostileFixture(dir);
    await writeFile(join(dir, 'bad\u001b[2J.json'), '{');
    const captured = captureOutput();
    await listFixtures({ paths: [dir], filter: {}, output: captured.output });
    expect(captured.stdout()).toContain('video.\\x1b]0;pwned\\x07ready\\x1b[2J');
    expect(captured.stdout()).toContain('x\\x1b[2J');
    expect(captured.stdout()).not.toMatch(CONTROL);
    expect(captured.stderr()).toContain('bad\\x1b[2J.json');
    expect(captured.stderr()).not.toMatch(CONTROL);
  });

  test('fixtures show: no value can start a line of its own or carry an escape', async ({ dir }) => {
    const file = await hostileFixture(dir);
    const captured = captureOutput();
    await showFixture({ file, fixturesDir: dir, mode: 'human', output: captured.output });
    const out = captured.stdout();
    expect(out).not.toMatch(CONTROL);
    expect(out).toContain('POST /hook\\x0aanswer: 200 in 1 ms from http://fake?a=\\x1b[31m');
    expect(out.split('\n').filter((line) => line.startsWith('answer:'))).toEqual(['answer: error: m\\x1b[2J from http://127.0.0.1/\\x1b]0;t\\x07']);
  });

  test('replay lines and the replay picker', async ({ dir, handler }) => {
    await hostileFixture(dir);
    const captured = captureOutput();
    await replay(replayOptions([dir], handler, captured.output));
    expect(captured.stdout()).toContain('video.\\x1b]0;pwned\\x07ready\\x1b[2J');
    expect(captured.stdout()).not.toMatch(CONTROL);
    const { fixtures } = await loadFixtures([dir]);
    const [choice] = pickerChoices(fixtures);
    expect(choice?.name).toContain('video.\\x1b]0;pwned\\x07ready\\x1b[2J');
    expect(choice?.name).not.toMatch(CONTROL);
  });
});
