/**
 * `replay` in-process: the command's run() with a captured Output against a real loopback
 * handler. The CLI wiring is covered by test/e2e/replay.test.ts.
 */
import { symlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect } from 'vitest';
import { run, type ReplayCommandOptions } from '../../src/commands/replay/run.js';
import type { FixtureFilter } from '../../src/store/filter.js';
import { captureOutput, test } from '../helpers/context.js';
import { event, fiveFixtures, writeFixtures } from '../helpers/fixtures.js';
import type { TestHandler } from '../helpers/handler.js';

const videoIds = (handler: TestHandler): number[] => handler.received.map((r) => (JSON.parse(r.body.toString()) as { video: { id: number } }).video.id);

function replay(dir: string, handler: TestHandler, options: Partial<ReplayCommandOptions> = {}, json = false) {
  const captured = captureOutput({ json });
  const result = run({
    paths: [dir],
    to: options.to ?? new URL(handler.url),
    filter: {},
    order: { reverse: false, shuffle: false },
    times: 1,
    delayMs: 0,
    concurrency: 1,
    timeoutMs: 5_000,
    interactive: false,
    skipInvalid: false,
    output: captured.output,
    takeInterrupt: () => new AbortController().signal,
    ...options,
  });
  return { result, captured };
}

describe('replay: order and filters', () => {
  test('goes chronologically by recorded time, or reversed', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    await replay(dir, handler).result;
    expect(videoIds(handler)).toEqual([1, 2, 3, 4, 5]);
    handler.received.length = 0;
    await replay(dir, handler, { order: { reverse: true, shuffle: false } }).result;
    expect(videoIds(handler)).toEqual([5, 4, 3, 2, 1]);
  });

  test('shuffle with a seed gives the same order every time', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    await replay(dir, handler, { order: { reverse: false, shuffle: true, seed: 11 } }).result;
    const first = videoIds(handler);
    handler.received.length = 0;
    await replay(dir, handler, { order: { reverse: false, shuffle: true, seed: 11 } }).result;
    expect(videoIds(handler)).toEqual(first);
    expect([...first].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(first).not.toEqual([1, 2, 3, 4, 5]);
  });

  test.for<[FixtureFilter, number[]]>([
    [{ event: 'video.ready' }, [3, 4]],
    [{ event: 'video.created,video.f*' }, [1, 5]],
    [{ videoId: 2 }, [2]],
    [{ since: new Date('2026-11-20T03:00:00Z') }, [3, 4, 5]],
    [{ until: new Date('2026-11-20T02:00:00Z') }, [1, 2]],
    [{ since: new Date('2026-11-20T02:00:00Z'), until: new Date('2026-11-20T04:00:00Z') }, [2, 3, 4]],
    [{ last: 2 }, [4, 5]],
    [{ event: 'video.ready', last: 1 }, [4]],
  ])('filter %j sends %j', async ([filter, expected], { dir, handler }) => {
    await fiveFixtures(dir);
    const { result } = replay(dir, handler, { filter });
    expect((await result).exitCode).toBe(0);
    expect(videoIds(handler)).toEqual(expected);
  });

  test('no matching fixture is an input error (exit 2) that says so', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    await expect(replay(dir, handler, { filter: { event: 'video.deleted' } }).result).rejects.toMatchObject({
      code: 'HSW_NO_FIXTURES',
      exitCode: 2,
      message: expect.stringMatching(/none of the 5 fixtures .* match the filters/) as unknown,
    });
  });
});

describe('replay: copies, spacing, concurrency', () => {
  test('times N sends each fixture N times in a row', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    await replay(dir, handler, { times: 2, filter: { last: 2 } }).result;
    expect(videoIds(handler)).toEqual([4, 4, 5, 5]);
  });

  test('a delay spaces the sends', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    await replay(dir, handler, { delayMs: 150, filter: { last: 3 } }).result;
    // Starts are spaced 150 ms apart; arrivals carry noise (the first one also opens the connection).
    const gaps = handler.received.slice(1).map((r, i) => r.at - (handler.received[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect((handler.received[2]?.at ?? 0) - (handler.received[0]?.at ?? 0)).toBeGreaterThanOrEqual(250);
  });

  test('concurrency caps requests in flight', async ({ dir, handler }) => {
    await writeFixtures(
      dir,
      Array.from({ length: 12 }, (_, i) => ({ at: `2026-11-20T00:00:${String(i).padStart(2, '0')}Z`, body: event('video.ready', i) })),
    );
    handler.setBehaviour(() => ({ delayMs: 150 }));
    const { result } = replay(dir, handler, { concurrency: 3 });
    expect((await result).exitCode).toBe(0);
    expect(handler.received).toHaveLength(12);
    expect(handler.maxInFlight).toBe(3);
  });
});

describe('replay: failures and exit codes', () => {
  test('a failed delivery is exit 1, with a summary', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    handler.setBehaviour((request) => (request.body.toString().includes('"id": 3,') ? { status: 500 } : undefined));
    const { result, captured } = replay(dir, handler);
    expect(await result).toMatchObject({ exitCode: 1, summary: { sent: 5, ok: 4, failed: 1, byStatus: { 200: 4, 500: 1 } } });
    expect(captured.stdout()).toMatch(/5 sent · 4 ok · 1 failed \(200×4, 500×1\)/);
  });

  test('an unreachable handler is exit 1, named with the reason', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    const to = new URL(handler.url);
    await handler.stop();
    const { result, captured } = replay(dir, handler, { to, filter: { last: 1 } });
    expect((await result).exitCode).toBe(1);
    expect(captured.stdout()).toMatch(/unreachable \(ECONNREFUSED\)/);
  });

  test('every file is checked first: a corrupt fixture means nothing is sent (exit 2), each named on its line; skipInvalid makes it a warning', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    await writeFile(join(dir, '2026-11-20T00-30-00-000Z_broken.json'), '{"format": "heapstream-webhooks/fixture@1", "request": ');
    await writeFile(join(dir, '2026-11-20T00-40-00-000Z_other.json'), '{"hello": "world"}');
    const strict = replay(dir, handler);
    expect((await strict.result).exitCode).toBe(2);
    const errors = strict.captured.stderr().split('\n').filter((line) => line.startsWith('error: '));
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^error: .*_broken\.json: not valid JSON/);
    expect(errors[1]).toMatch(/^error: .*_other\.json: not a fixture/);
    expect(errors[2]).toBe('error: 2 invalid fixture(s); nothing was sent (fix or remove them, or add --skip-invalid to send the 5 valid one(s))');
    expect(handler.received).toHaveLength(0);

    handler.received.length = 0;
    const lenient = replay(dir, handler, { skipInvalid: true });
    expect((await lenient.result).exitCode).toBe(0);
    expect(lenient.captured.stderr()).toMatch(/warning: skipping .*_broken\.json/);
    expect(videoIds(handler)).toEqual([1, 2, 3, 4, 5]);
  });

  test('a fixture reached twice (named twice, or through a symlink to a sibling) is sent once', async ({ dir, handler }) => {
    const [first] = await fiveFixtures(dir);
    await symlink(first as string, join(dir, 'zz-link-to-first.json'));
    const { result } = replay(dir, handler, { paths: [dir, first as string, join(dir, '.', basename(first as string))] });
    expect((await result).exitCode).toBe(0);
    expect(videoIds(handler)).toEqual([1, 2, 3, 4, 5]);
  });

  test('json mode prints NDJSON deliveries and a summary, nothing else', async ({ dir, handler }) => {
    await fiveFixtures(dir);
    const { result, captured } = replay(dir, handler, { filter: { last: 2 } }, true);
    await result;
    const lines = captured.records();
    expect(lines.map((l) => l['kind'])).toEqual(['delivery', 'delivery', 'summary']);
    expect(lines[0]).toMatchObject({ type: 'video.ready', videoId: 4, copy: 1, ok: true, status: 200, to: handler.url });
    expect(lines[2]).toMatchObject({ sent: 2, ok: 2, failed: 0 });
  });
});
