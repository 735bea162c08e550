/**
 * 5,000 webhooks, 100 at a time, through `listen --no-tunnel` to a real handler: each is
 * forwarded exactly once and recorded exactly once, and every fixture parses.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliProcess } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';

const TOTAL = 5_000;
const CONCURRENCY = 100;

let handler: TestHandler;
let dir: string;
let cli: CliProcess | undefined;

beforeAll(async () => {
  handler = await new TestHandler().start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-load-'));
});
afterAll(async () => {
  await cli?.stop();
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

it('forwards and records each of 5,000 webhooks exactly once', { timeout: 120_000 }, async () => {
  cli = new CliProcess(['listen', '--no-tunnel', '--port', '0', '--json', '--record', join(dir, 'fixtures'), '--path', '/hook', '--forward-to', handler.url], { cwd: dir });
  await cli.waitFor(/"kind":"ready"/);
  const url = String(cli.records()[0]?.['localUrl']);
  const agent = new Agent({ connections: CONCURRENCY });
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < TOTAL) {
      const n = next++;
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: `{"event_type": "video.ready", "project_id": 20, "video": {"asset": {"duration": ${n}.0}, "id": ${n}, "status": "ready"}}`,
      });
      await response.body.dump();
      statuses.push(response.statusCode);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await agent.close();
  expect(statuses.filter((s) => s === 200)).toHaveLength(TOTAL);

  expect(await cli.interrupt()).toBe(130);
  const summary = cli.records().find((r) => r['kind'] === 'summary');
  expect(summary).toMatchObject({ received: TOTAL, forwarded: TOTAL, handlerOk: TOTAL, recorded: TOTAL, recordErrors: 0, duplicates: 0 });

  const ids = handler.received.map((r) => (JSON.parse(r.body.toString()) as { video: { id: number } }).video.id);
  expect(ids).toHaveLength(TOTAL);
  expect(new Set(ids).size).toBe(TOTAL);

  const files = (await readdir(join(dir, 'fixtures'))).filter((f) => f.endsWith('.json'));
  expect(files).toHaveLength(TOTAL);
  expect((await readdir(join(dir, 'fixtures'))).filter((f) => f.startsWith('.'))).toEqual([]);
  const recordedIds = new Set<number>();
  for (const file of files) {
    const fixture = JSON.parse(await readFile(join(dir, 'fixtures', file), 'utf8')) as { event: { videoId: number }; response: { status: number } };
    expect(fixture.response.status).toBe(200);
    recordedIds.add(fixture.event.videoId);
  }
  expect(recordedIds.size).toBe(TOTAL);
});
