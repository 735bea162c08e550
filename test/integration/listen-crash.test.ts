/**
 * "Answered 2xx means on disk", tested the hard way: `listen --forward-to` under load
 * (100 webhooks in flight) is killed with SIGKILL, and every webhook that got a 2xx must
 * have a complete fixture. The next start tidies what the crash left.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliProcess } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';
import { waitUntil } from '../helpers/time.js';

const IN_FLIGHT = 100;

let handler: TestHandler;
let dir: string;
const processes: CliProcess[] = [];

beforeAll(async () => {
  // A few ms in the handler keeps ~100 webhooks (and their fixtures) in flight at any moment.
  handler = await new TestHandler(() => ({ delayMs: 5 + Math.floor(Math.random() * 20) })).start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-crash-'));
});
afterAll(async () => {
  for (const cli of processes) await cli.stop();
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

function listen(): CliProcess {
  const cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--record', join(dir, 'fixtures'), '--path', '/hook', '--forward-to', handler.url], { cwd: dir });
  processes.push(cli);
  return cli;
}

it('after kill -9 under load, every webhook answered 2xx has a complete fixture', { timeout: 60_000 }, async () => {
  const cli = listen();
  await cli.waitFor(/"kind":"ready"/);
  const url = String(cli.records()[0]?.['localUrl']);

  const answered2xx: number[] = [];
  let next = 0;
  let killed = false;
  const agent = new Agent({ connections: IN_FLIGHT });
  const worker = async (): Promise<void> => {
    while (!killed) {
      const id = next++;
      try {
        const response = await request(url, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: `{"event_type": "video.ready", "project_id": 20, "video": {"id": ${id}, "status": "ready"}}`,
        });
        await response.body.dump();
        if (response.statusCode >= 200 && response.statusCode < 300) answered2xx.push(id);
      } catch {
        return; // the listener is gone
      }
    }
  };
  const load = Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await waitUntil(() => answered2xx.length >= 1_000, '1,000 webhooks answered 2xx', 50_000);
  cli.child.kill('SIGKILL');
  killed = true;
  await cli.wait();
  await load;
  await agent.close();

  const fixtureDir = join(dir, 'fixtures');
  const names = await readdir(fixtureDir);
  const recorded = new Set<number>();
  for (const name of names.filter((n) => !n.startsWith('.'))) {
    const fixture = JSON.parse(await readFile(join(fixtureDir, name), 'utf8')) as { event: { videoId: number }; request: { body: string }; response: { status: number } };
    expect(fixture.response.status).toBe(200);
    expect(JSON.parse(fixture.request.body).video.id).toBe(fixture.event.videoId);
    recorded.add(fixture.event.videoId);
  }
  const lost = answered2xx.filter((id) => !recorded.has(id));
  expect(lost).toEqual([]);

  // What the crash left (the fixtures of webhooks still in flight) is tidied at the next start.
  const leftovers = names.filter((n) => n.endsWith('.tmp'));
  const again = listen();
  await again.waitFor(/"kind":"ready"/);
  const tidied = again.records().find((r) => r['kind'] === 'tidied');
  if (leftovers.length > 0) expect(Number(tidied?.['recovered']) + Number(tidied?.['removed'])).toBe(leftovers.length);
  else expect(tidied).toBeUndefined();
  expect((await readdir(fixtureDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
});
