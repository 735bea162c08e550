import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { event, fiveFixtures as fiveFixturesIn, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';
import { KEY, runInPty } from '../helpers/pty.js';
import { waitUntil } from '../helpers/time.js';

let handler: TestHandler;
let dir: string;

beforeEach(async () => {
  handler = await new TestHandler().start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-replay-'));
});
afterEach(async () => {
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const videoIds = (): number[] => handler.received.map((r) => (JSON.parse(r.body.toString()) as { video: { id: number } }).video.id);

function fiveFixtures(): Promise<string[]> {
  return fiveFixturesIn(dir);
}

describe('replay: bytes and headers', () => {
  it('sends the recorded bytes exactly: JSON, oddly formatted JSON, and non-JSON', async () => {
    const bodies = [
      Buffer.from(event('video.ready', 7)),
      Buffer.from('{ "event_type" :"video.ready",\n  "video": {"asset": {"duration": -1.0}, "id": 8 } ,"x": 1.50 }'),
      Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x80, 0x0a]),
    ];
    const files = await writeFixtures(dir, bodies.map((body, i) => ({ at: `2026-11-20T0${i}:00:00Z`, body })));
    for (const file of files.slice(0, 2)) expect(JSON.parse(await readFile(file, 'utf8')).request.bodyEncoding).toBe('utf8');
    expect(JSON.parse(await readFile(files[2] ?? '', 'utf8')).request.bodyEncoding).toBe('base64');

    const { code } = await runCli(['replay', dir, '--to', handler.url]);
    expect(code).toBe(0);
    expect(handler.received.map((r) => sha256(r.body))).toEqual(bodies.map(sha256));
  });

  it('passes recorded headers and the query; host and content-length are recomputed, hop-by-hop dropped', async () => {
    await writeFixtures(dir, [
      { at: '2026-11-20T00:00:00Z', body: event('video.ready', 1), query: 'attempt=3', headers: { 'x-heapstream-signature': 'abc', host: 'old.loca.lt', 'content-length': '999', connection: 'keep-alive', 'keep-alive': 'timeout=5' } },
    ]);
    expect((await runCli(['replay', dir, '--to', handler.url])).code).toBe(0);
    const [received] = handler.received;
    expect(received?.url).toBe('/webhooks?attempt=3');
    expect(received?.headers['x-heapstream-signature']).toBe('abc');
    expect(received?.headers['user-agent']).toBe('HeapStream-Webhooks/1.0');
    expect(received?.headers['host']).toBe(`127.0.0.1:${handler.port}`);
    expect(received?.headers['content-length']).toBe(String(received?.body.length));
    expect(received?.headers['keep-alive']).toBeUndefined();
  });

  it('sends a hand-edited fixture as edited', async () => {
    const [file] = await writeFixtures(dir, [{ at: '2026-11-20T00:00:00Z', body: event('video.ready', 1) }]);
    const data = JSON.parse(await readFile(file ?? '', 'utf8')) as { request: { body: string } };
    data.request.body = data.request.body.replace('"id": 1,', '"id": 4242,').replace('-1.0', '-1.00');
    await writeFile(file ?? '', JSON.stringify(data, null, 2));
    expect((await runCli(['replay', file ?? '', '--to', handler.url])).code).toBe(0);
    expect(handler.received[0]?.body.toString()).toBe(data.request.body);
  });
});

describe('replay: wiring', () => {
  it('exits 2 for a missing --to, and for a path that does not exist', async () => {
    expect((await runCli(['replay', dir])).code).toBe(2);
    const missing = await runCli(['replay', join(dir, 'nope'), '--to', handler.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: ${join(dir, 'nope')}: not found\n`);
  });

  it('maps its flags: filters, order, copies and --json', async () => {
    await fiveFixtures();
    const { code, stdout } = await runCli(['replay', dir, '--to', handler.url, '--json', '--event', 'video.ready', '--reverse', '--times', '2', '--since', '2026-11-20T00:00:00Z']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l['kind'])).toEqual(['delivery', 'delivery', 'delivery', 'delivery', 'summary']);
    expect(lines[4]).toMatchObject({ sent: 4, ok: 4, failed: 0 });
    expect(videoIds()).toEqual([4, 4, 3, 3]);
  });

  it('uses ./fixtures by default', async () => {
    await writeFixtures(join(dir, 'fixtures'), [{ at: '2026-11-20T00:00:00Z', body: event('video.ready', 77) }]);
    expect((await runCli(['replay', '--to', handler.url], { cwd: dir })).code).toBe(0);
    expect(videoIds()).toEqual([77]);
  });
});

describe('replay -i', () => {
  it('picks fixtures in a searchable multi-select on a terminal', async () => {
    await fiveFixtures();
    const pty = runInPty(['replay', '-i', dir, '--to', handler.url]);
    try {
      await pty.waitFor(/Which fixtures should be sent again\?/);
      await pty.waitFor(/5 of 5 shown, 0 selected/);
      pty.type('ready');
      await pty.waitFor(/2 of 5 shown, 0 selected/);
      pty.type('\t');
      await pty.waitFor(/2 of 5 shown, 1 selected/);
      pty.type(KEY.down);
      pty.type('\t');
      await pty.waitFor(/2 of 5 shown, 2 selected/);
      pty.type(KEY.enter);
      expect(await pty.exit).toBe(0);
    } finally {
      pty.kill();
    }
    expect(videoIds()).toEqual([3, 4]);
  });

  it('is refused when not on a terminal', async () => {
    await fiveFixtures();
    const { code, stderr } = await runCli(['replay', '-i', dir, '--to', handler.url]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/-i needs a terminal/);
  });
});

describe('replay: interrupted', () => {
  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} stops sending, prints the summary of what was sent, and exits ${exitCode}`, async () => {
      await fiveFixtures();
      // The first two answers come at once; the third hangs until the signal.
      handler.setBehaviour((_request, index) => (index < 2 ? undefined : { delayMs: 30_000 }));
      const cli = new CliProcess(['replay', dir, '--to', handler.url, '--times', '2']);
      try {
        await cli.waitFor(/✓[^]*✓/);
        await waitUntil(() => handler.received.length >= 3, 'the third request to be in flight');
        cli.child.kill(signal);
        expect(await cli.wait()).toBe(exitCode);
      } finally {
        await cli.stop();
      }
      // The send cut short by the signal is not reported as a failure.
      expect(cli.stdout).toMatch(new RegExp(`^2 sent of 10 \\(interrupted by ${signal}\\) · 2 ok · 0 failed`, 'm'));
      expect(handler.received).toHaveLength(3);
    });
  }
});
