/**
 * The exit-code contract at the edges a user hits: a reader that goes away (`| head`),
 * Ctrl-C inside a prompt, SIGTERM from a CI timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, CliProcess, cleanEnv } from '../helpers/cli.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';
import { runInPty } from '../helpers/pty.js';
import { waitUntil } from '../helpers/time.js';

let dir: string;
let handler: TestHandler;
let cli: CliProcess | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-exit-'));
  handler = await new TestHandler().start();
});
afterEach(async () => {
  await cli?.stop();
  cli = undefined;
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

/** `hsw ARGS | head -1` in a real shell: the CLI's exit code, its stderr, what head printed. */
function pipedToHead(args: string[], cwd = dir): Promise<{ code: number; stderr: string; head: string }> {
  const script = `${[process.execPath, BIN, ...args].map(quote).join(' ')} 2>"$ERR" | head -1; echo "exit=\${PIPESTATUS[0]}"`;
  const errFile = join(cwd, 'stderr.txt');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...cleanEnv(), ERR: errFile } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', async () => {
      const match = /exit=(\d+)\s*$/.exec(out);
      resolve({ code: match ? Number(match[1]) : -1, stderr: await readFile(errFile, 'utf8').catch(() => ''), head: out.replace(/exit=\d+\s*$/, '') });
    });
  });
}

/** Enough fixtures that their listing overflows a pipe's 64 KiB buffer. */
async function manyFixtures(n: number): Promise<string> {
  const fixtures = join(dir, 'fixtures');
  await writeFixtures(
    fixtures,
    Array.from({ length: n }, (_, i) => ({ at: new Date(Date.UTC(2026, 10, 20, 0, 0, i)).toISOString(), body: event('video.ready', i + 1) })),
  );
  return fixtures;
}

describe('a closed stdout ends the command quietly', () => {
  it('fixtures list --json | head -1: one line, exit 0, nothing on stderr', async () => {
    const fixtures = await manyFixtures(1_500);
    const { code, stderr, head } = await pipedToHead(['fixtures', 'list', '--json', fixtures]);
    expect(JSON.parse(head)).toMatchObject({ type: 'video.ready' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('replay --json | head -1: every delivery still made, exit 0, nothing on stderr', async () => {
    const fixtures = await manyFixtures(600);
    const { code, stderr, head } = await pipedToHead(['replay', '--json', '--concurrency', '20', fixtures, '--to', handler.url]);
    expect(JSON.parse(head)).toMatchObject({ kind: 'delivery', ok: true });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(handler.received).toHaveLength(600);
  });

  it('listen --help | head -1: exit 0, nothing on stderr', async () => {
    const { code, stderr, head } = await pipedToHead(['listen', '--help']);
    expect(head).toMatch(/^Usage: heapstream-webhooks listen/);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('listen --json | head -1: the next line after the reader left stops listen, exit 0', async () => {
    const args = ['listen', '--json', '--no-tunnel', '--port', '0', '--no-record', '--path', '/hook'];
    const script = `${[process.execPath, BIN, ...args].map(quote).join(' ')} 2>"$ERR" | head -1; echo "exit=\${PIPESTATUS[0]}"`;
    const child = spawn('bash', ['-c', script], { cwd: dir, env: { ...cleanEnv(), ERR: join(dir, 'stderr.txt') } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
    try {
      await waitUntil(() => out.includes('\n'), 'listen to print its ready line');
      const ready = JSON.parse(out.split('\n')[0] as string) as { localUrl: string };
      // head has exited; this webhook's line is the first write to a closed pipe.
      const answer = await fetch(ready.localUrl, { method: 'POST', body: event('video.ready', 1) });
      expect(answer.status).toBe(200);
      await closed;
      expect(out).toMatch(/exit=0\s*$/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('signals', () => {
  it('listen exits 143 on SIGTERM and 130 on SIGINT, with its summary', async () => {
    for (const [signal, expected] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
      cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--no-record', '--path', '/hook'], { cwd: dir });
      await cli.waitFor(/"kind":"ready"/);
      cli.child.kill(signal);
      expect(await cli.wait()).toBe(expected);
      expect(cli.records().at(-1)).toMatchObject({ kind: 'summary' });
    }
  });

  it('inspect exits 143 on SIGTERM and 130 on SIGINT', async () => {
    for (const [signal, expected] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
      cli = new CliProcess(['inspect', dir, '--port', '0', '--json'], { cwd: dir });
      await cli.waitFor(/"kind":"ready"/);
      cli.child.kill(signal);
      expect(await cli.wait()).toBe(expected);
    }
  });

  it('a command with nothing to finish (trigger) exits 130 on SIGINT at once, not after its request times out', async () => {
    handler.setBehaviour(() => ({ delayMs: 30_000 }));
    cli = new CliProcess(['trigger', 'video.created', '--to', handler.url, '--timeout', '60s'], { cwd: dir });
    await waitUntil(() => handler.received.length === 1, 'the request to arrive');
    cli.child.kill('SIGINT');
    expect(await cli.wait()).toBe(130);
    expect(cli.stdout).not.toMatch(/timed out|no answer/);
  });

  it('a second Ctrl-C exits listen at once while it waits for a delivery in flight', async () => {
    handler.setBehaviour(() => ({ delayMs: 30_000 }));
    cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--no-record', '--path', '/hook', '--forward-to', handler.url, '--forward-timeout', '60s'], { cwd: dir });
    const [, url] = (await cli.waitFor(/Listening\s+(http:\/\/127\.0\.0\.1:\d+\/hook)/)) as unknown as [string, string];
    void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: event('video.created', 1) }).catch(() => undefined);
    await waitUntil(() => handler.received.length === 1, 'the delivery to reach the handler');
    cli.child.kill('SIGINT');
    await cli.waitFor(/Stopping: finishing in-flight deliveries/);
    cli.child.kill('SIGINT');
    expect(await cli.wait()).toBe(130);
    // The first Ctrl-C waits for the delivery (up to 10 s); the second does not, so no summary.
    expect(cli.stdout).not.toMatch(/received ·/);
  });
});

describe('Ctrl-C in a prompt is an interrupt, not an error', () => {
  const ctrlC = '\x03';

  const prompts = [
    { name: 'trigger picker', args: (): string[] => ['trigger', '--to', handler.url], prompt: /Which event should be sent\?/ },
    { name: 'fixtures rm confirmation', args: (fixtures: string): string[] => ['fixtures', 'rm', fixtures], prompt: /Remove 2 fixture\(s\)/ },
    { name: 'replay -i picker', args: (fixtures: string): string[] => ['replay', '-i', fixtures, '--to', handler.url], prompt: /Which fixtures should be sent again\?/ },
  ];

  it.each(prompts)('$name: exit 130, no error line, nothing sent or removed', async ({ args, prompt }) => {
    const fixtures = await manyFixtures(2);
    const pty = runInPty(args(fixtures), { cwd: dir });
    try {
      await pty.waitFor(prompt);
      pty.type(ctrlC);
      expect(await pty.exit).toBe(130);
      expect(pty.output()).not.toMatch(/error:|please report/);
    } finally {
      pty.kill();
    }
    expect(handler.received).toHaveLength(0);
    expect(await readdir(fixtures)).toHaveLength(2);
  });

  it('a SIGTERM while replay -i waits in its picker exits 143 at once: nothing to finish yet, nothing sent', async () => {
    const fixtures = await manyFixtures(2);
    const pty = runInPty(['replay', '-i', fixtures, '--to', handler.url], { cwd: dir });
    try {
      await pty.waitFor(/Which fixtures should be sent again\?/);
      pty.signal('SIGTERM');
      expect(await pty.exit).toBe(143);
    } finally {
      pty.kill();
    }
    expect(handler.received).toHaveLength(0);
  });
});
