/**
 * `trigger` in-process: run() with a captured Output against a real loopback handler.
 * The CLI wiring (flags, env, --print bytes, the picker) is in test/e2e/trigger.test.ts.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { run } from '../../src/commands/trigger/run.js';
import type { TriggerOptions } from '../../src/trigger/types.js';
import { captureOutput, test } from '../helpers/context.js';
import type { TestHandler } from '../helpers/handler.js';

function trigger(handler: TestHandler, options: Partial<TriggerOptions> = {}, json = false) {
  const captured = captureOutput({ json });
  const result = run({
    type: 'video.ready',
    to: options.to ?? new URL(handler.url),
    print: false,
    set: [],
    force: false,
    times: 1,
    delayMs: 0,
    timeoutMs: 5_000,
    output: captured.output,
    ...options,
  });
  return { result, captured };
}

const stampOf = (body: Buffer): number => Date.parse((JSON.parse(body.toString()) as { timestamp: string }).timestamp.replace(/(\.\d{3})\d{3}\+0000$/, '$1Z'));

describe('trigger: sending', () => {
  test('times N sends the same bytes N times', async ({ handler }) => {
    const { result, captured } = trigger(handler, { type: 'video.created', times: 3 });
    expect((await result).exitCode).toBe(0);
    expect(captured.stdout()).toMatch(/copy 3\/3/);
    expect(handler.received).toHaveLength(3);
    expect(new Set(handler.received.map((r) => r.body.toString('hex'))).size).toBe(1);
  });

  test('the lifecycle flow sends created → uploaded → encoding → ready for one video, the delay apart', async ({ handler }) => {
    const { result } = trigger(handler, { flow: 'lifecycle', videoId: 500, delayMs: 100 });
    expect((await result).exitCode).toBe(0);
    const bodies = handler.received.map((r) => JSON.parse(r.body.toString()) as { event_type: string; video: { id: number } });
    expect(bodies.map((b) => b.event_type)).toEqual(['video.created', 'video.uploaded', 'video.encoding', 'video.ready']);
    expect(bodies.every((b) => b.video.id === 500)).toBe(true);
    const stamps = handler.received.map((r) => stampOf(r.body));
    expect(stamps[3]! - stamps[0]!).toBeGreaterThanOrEqual(300);
    const gaps = handler.received.slice(1).map((r, i) => r.at - (handler.received[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(70);
    expect((handler.received[3]?.at ?? 0) - (handler.received[0]?.at ?? 0)).toBeGreaterThanOrEqual(250);
  });

  test('the flow without a delay stamps events a second apart, the last one now', async ({ handler }) => {
    const before = Date.now();
    await trigger(handler, { flow: 'lifecycle' }).result;
    const stamps = handler.received.map((r) => stampOf(r.body));
    expect(stamps.slice(1).map((t, i) => Math.round((t - (stamps[i] as number)) / 1000))).toEqual([1, 1, 1]);
    expect(stamps[3]).toBeGreaterThanOrEqual(before - 1);
    expect(stamps[3]).toBeLessThanOrEqual(Date.now());
  });
});

describe('trigger: failures', () => {
  test('a non-2xx answer is exit 1 with one clear line', async ({ handler }) => {
    handler.setBehaviour(() => ({ status: 500 }));
    const { result, captured } = trigger(handler);
    expect((await result).exitCode).toBe(1);
    expect(captured.stdout()).toMatch(/500 in \d+ ms: the handler did not answer 2xx/);
  });

  test("a non-2xx answer's body is quoted under the line: printable, the first 200 characters", async ({ handler }) => {
    handler.setBehaviour(() => ({ status: 422, body: `\u001b]0;owned\u0007missing video.asset ${'y'.repeat(400)}` }));
    const { result, captured } = trigger(handler);
    expect((await result).exitCode).toBe(1);
    const answer = captured.stdout().split('\n').find((line) => line.startsWith('  answer: '));
    expect(answer).toBe(`  answer: \\x1b]0;owned\\x07missing video.asset ${'y'.repeat(200 - 30)}…`);
  });

  test('a timeout is exit 1, after the timeout', async ({ handler }) => {
    handler.setBehaviour(() => ({ delayMs: 3_000 }));
    const { result, captured } = trigger(handler, { timeoutMs: 300 });
    // Exit 1: ended by the deadline, before the handler's answer (a 200) came.
    expect((await result).exitCode).toBe(1);
    expect(captured.stdout()).toMatch(/no answer within \d+ ms/);
    expect(handler.answered).toBe(0);
  });

  test('an unreachable handler is exit 1, naming the URL', async ({ handler }) => {
    const to = new URL(handler.url);
    await handler.stop();
    const { result, captured } = trigger(handler, { to });
    expect((await result).exitCode).toBe(1);
    expect(captured.stdout()).toContain(`${to.href} is unreachable (ECONNREFUSED)`);
  });

  test('json mode prints NDJSON only', async ({ handler }) => {
    const { result, captured } = trigger(handler, { times: 2 }, true);
    expect((await result).exitCode).toBe(0);
    const lines = captured.records();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ kind: 'delivery', type: 'video.ready', status: 200, ok: true, copy: 1, to: handler.url });
  });
});

describe('trigger: saving', () => {
  test('writes a fixture with the exact bytes and the handler answer', async ({ handler, dir }) => {
    const { result } = trigger(handler, { saveDir: dir, videoId: 42 });
    expect((await result).saved).toHaveLength(1);
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z_video\.ready_v42_[0-9a-f]{6}\.json$/);
    const fixture = JSON.parse(await readFile(join(dir, files[0] ?? ''), 'utf8')) as { request: { body: string }; response: { status: number } };
    expect(Buffer.from(fixture.request.body)).toEqual(handler.received[0]?.body);
    expect(fixture.response.status).toBe(200);
  });

  test('with the answer shown (sending through listen), prints it and saves it as text, headers added', async ({ handler, dir }) => {
    handler.setBehaviour(() => ({ status: 202, body: '{"queued": true}' }));
    const { result, captured } = trigger(handler, { saveDir: dir, showAnswer: true, headers: { 'x-extra': 'yes' } });
    expect((await result).exitCode).toBe(0);
    expect(captured.stdout()).toMatch(/→ 202 in \d+ ms\n {2}answer: \{"queued": true\}\n/);
    expect(handler.received[0]?.headers['x-extra']).toBe('yes');
    const [file] = await readdir(dir);
    const fixture = JSON.parse(await readFile(join(dir, file ?? ''), 'utf8')) as { response: Record<string, unknown> };
    expect(fixture.response).toMatchObject({ status: 202, body: '{"queued": true}', bodyEncoding: 'utf8' });
    expect(fixture.response['response']).toBeUndefined();
  });
});
