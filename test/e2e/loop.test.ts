/**
 * The Stripe-like loop with the built CLI, as two terminals in one project would run it:
 * `listen` in one, `fire` (and `replay`/`simulate --to listen`) in the other. Extra headers
 * from each command reach the handler; bad ones are refused before anything is sent.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler } from '../helpers/handler.js';

let project: string;
let handler: TestHandler;
let listen: CliProcess | undefined;

beforeEach(async () => {
  project = await mkdtemp(join(tmpdir(), 'hsw-loop-'));
  handler = await new TestHandler(() => ({ status: 201, body: '{"handled": true}' })).start();
});
afterEach(async () => {
  await listen?.stop();
  listen = undefined;
  await handler.stop();
  await rm(project, { recursive: true, force: true });
});

async function startListen(forwardTo: string[] = ['--forward-to', handler.url], extra: string[] = []): Promise<CliProcess> {
  listen = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', ...forwardTo, ...extra], { cwd: project });
  await listen.waitFor(/"kind":"ready"/);
  return listen;
}

const typesAt = (h: TestHandler): string[] => h.received.map((r) => (JSON.parse(r.body.toString()) as { event_type: string }).event_type);

describe('fire into the running listen', () => {
  it('with no target: the handler gets it once, listen records and prints it, fire prints the answer', async () => {
    const running = await startListen(['--forward-to', handler.url], ['--header', 'X-From-Listen: yes']);
    const fired = await runCli(['fire', 'video.created', '--header', 'X-From-Fire: yes'], { cwd: project });
    expect(fired.stderr).toBe('');
    expect(fired.code).toBe(0);
    expect(fired.stdout).toMatch(/^✓ video\.created video \d+ → 201 in \d+ ms\n {2}answer: \{"handled": true\}\n$/);

    expect(typesAt(handler)).toEqual(['video.created']);
    expect(handler.received[0]?.headers).toMatchObject({ 'x-from-fire': 'yes', 'x-from-listen': 'yes' });
    await running.waitFor(/"kind":"event"/);
    const line = running.records().find((r) => r['kind'] === 'event');
    expect(line).toMatchObject({ type: 'video.created', status: 201, via: 'local', handler: { status: 201 } });
    const recorded = JSON.parse(await readFile(String(line?.['fixture']), 'utf8')) as { request: { body: string }; response: { status: number; body: string } };
    expect(recorded.request.body).toBe(handler.received[0]?.body.toString());
    expect(recorded.response).toMatchObject({ status: 201, body: '{"handled": true}' });
  });

  it('when the listener was killed (its entry left behind), exits 2 naming listen', async () => {
    const running = await startListen();
    running.child.kill('SIGKILL');
    await running.wait();
    const fired = await runCli(['fire', 'video.created'], { cwd: project });
    expect(fired.code).toBe(2);
    expect(fired.stderr).toMatch(/^error: the listen that was running in .+ is gone \(.+\); start one in this directory .*`heapstream-webhooks listen --forward-to <your handler>`, or send elsewhere with --to <url>, --print or --save \[dir\]\n$/);
    expect(handler.received).toHaveLength(0);
  });

  it('with no listener at all, exits 2 saying how to start one', async () => {
    const fired = await runCli(['fire', 'video.created'], { cwd: project });
    expect(fired.code).toBe(2);
    expect(fired.stderr).toMatch(/^error: no listen is running in .+; start one .*heapstream-webhooks listen/);
  });

  it('replay and simulate go through it when asked with --to listen, their headers too', async () => {
    await startListen();
    const samples = join(project, 'samples');
    await writeFixtures(samples, [{ at: '2026-11-20T01:00:00Z', body: event('video.ready', 7) }]);
    const replayed = await runCli(['replay', samples, '--to', 'listen', '--header', 'X-From-Replay: yes'], { cwd: project });
    expect(replayed.code).toBe(0);
    expect(handler.received.at(-1)?.headers['x-from-replay']).toBe('yes');
    const simulated = await runCli(['simulate', '--to', 'listen', '--events', '2', '--within', '2s', '--header', 'X-From-Simulate: yes'], { cwd: project });
    expect(simulated.code).toBe(0);
    expect(handler.received).toHaveLength(3);
    expect(handler.received.slice(1).map((r) => r.headers['x-from-simulate'])).toEqual(['yes', 'yes']);
    // All three went through listen: each recorded there.
    expect((await readdir(join(project, 'fixtures'))).filter((name) => name.endsWith('.json'))).toHaveLength(3);
  });
});

describe('listen routes event types to handlers', () => {
  it('a video.ready= route and a default: each handler receives only its types', async () => {
    const readyHandler = await new TestHandler().start();
    try {
      const running = await startListen(['--forward-to', `video.ready=${readyHandler.url}`, '--forward-to', handler.url]);
      for (const type of ['video.created', 'video.ready', 'video.uploaded', 'video.ready']) expect((await runCli(['fire', type], { cwd: project })).code).toBe(0);
      expect(typesAt(readyHandler)).toEqual(['video.ready', 'video.ready']);
      expect(typesAt(handler)).toEqual(['video.created', 'video.uploaded']);
      await running.waitFor(/("kind":"event"[\s\S]*){4}/);
      expect(running.records().find((r) => r['kind'] === 'ready')).toMatchObject({ forwardTo: handler.url, routes: [{ pattern: 'video.ready', to: readyHandler.url }] });
      expect(running.records().filter((r) => r['kind'] === 'event').map((r) => r['route'])).toEqual(['default', 'video.ready', 'default', 'video.ready']);
    } finally {
      await readyHandler.stop();
    }
  });
});

describe('--header that would break the request', () => {
  it.each([
    ['listen', ['listen', '--no-tunnel', '--port', '0', '--no-record']],
    ['trigger', ['trigger', 'video.created']],
    ['replay', ['replay', 'samples']],
    ['simulate', ['simulate', '--events', '1']],
  ])('is refused by %s with exit 2, before anything is sent', async (_name, args) => {
    const forTarget = args[0] === 'listen' ? ['--forward-to', handler.url] : ['--to', handler.url];
    for (const bad of ['X-Test: a\r\nX-Injected: b', 'Bad Name: x', 'Connection: close']) {
      const result = await runCli([...args, ...forTarget, '--header', bad], { cwd: project });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: header .+\n$/);
    }
    expect(handler.received).toHaveLength(0);
  });
});
