/**
 * The Artillery export without Artillery: the files it writes, its processor driven in
 * process the way Artillery drives it (a function step per virtual user, counters through
 * an emitter), and --from-artillery's reading of the resulting counters. The same storm
 * played by real Artillery is test/e2e/artillery.test.ts.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect } from 'vitest';
import { parse } from 'yaml';
import { syntheticHeaders } from '../../src/delivery/request.js';
import { exportArtillery, type ExportResult } from '../../src/simulate/artillery/export.js';
import { fromArtilleryReports } from '../../src/simulate/artillery/reports.js';
import type { PayloadLine, StormMeta } from '../../src/simulate/artillery/types.js';
import { duplicateDelays } from '../../src/simulate/duplicate-plan.js';
import { EventStore } from '../../src/simulate/event-store.js';
import { prepareSimulation, simulate } from '../../src/simulate/simulate.js';
import type { SimulateOptions } from '../../src/simulate/simulate-options.js';
import { test } from '../helpers/context.js';
import type { Behaviour, Received, TestHandler } from '../helpers/handler.js';

type Counters = Record<string, number>;

async function exportStorm(dir: string, options: Omit<SimulateOptions, 'target'>, extra: { shards?: number; partBytes?: number; events?: EventStore } = {}): Promise<ExportResult> {
  const prepared = await prepareSimulation({ ...options, target: 'http://127.0.0.1/' });
  return exportArtillery({
    dir,
    shards: extra.shards ?? 1,
    settings: prepared.settings,
    events: extra.events ?? prepared.events,
    scenario: prepared.scenario,
    compression: prepared.compression,
    tool: 'heapstream-webhooks/test',
    command: null,
    headers: syntheticHeaders(),
    ...(extra.partBytes !== undefined ? { partBytes: extra.partBytes } : {}),
  });
}

async function readPayload(dir: string): Promise<{ meta: StormMeta; byShard: PayloadLine[][] }> {
  const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as StormMeta;
  const byShard: PayloadLine[][] = [];
  for (const shard of meta.shards) {
    const lines: PayloadLine[] = [];
    for (const part of shard.parts) for (const line of (await readFile(join(dir, part), 'utf8')).split('\n')) if (line) lines.push(JSON.parse(line) as PayloadLine);
    byShard.push(lines);
  }
  return { meta, byShard };
}

let runs = 0;

/** Plays one shard as an Artillery run would (a fresh process: a fresh module), a virtual user per event, all arriving at once; returns the counters. */
async function play(dir: string, target: string, shard: number, users: number): Promise<Counters> {
  const processor = (await import(`${pathToFileURL(join(dir, 'processor.mjs')).href}?run=${++runs}`)) as { hswDeliver(context: object, events: object): Promise<void> };
  const counters: Counters = {};
  const events = {
    emit(type: string, name: string, value: number): void {
      if (type === 'counter') counters[name] = (counters[name] ?? 0) + value;
    },
  };
  await Promise.all(Array.from({ length: users }, () => processor.hswDeliver({ vars: { target, hswShard: shard } }, events)));
  return counters;
}

async function writeReport(file: string, counters: Counters): Promise<string> {
  await writeFile(file, JSON.stringify({ aggregate: { counters }, intermediate: [] }));
  return file;
}

function failFirst(handler: TestHandler, failures: number, answer: Partial<ReturnType<Behaviour> & object> = { status: 500 }): void {
  const seen = new Map<string, number>();
  handler.setBehaviour((request) => {
    const key = request.body.toString('hex');
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    return nth <= failures ? answer : undefined;
  });
}

function byBody(received: Received[]): Map<string, Received[]> {
  const out = new Map<string, Received[]>();
  for (const r of received) out.set(r.body.toString('hex'), [...(out.get(r.body.toString('hex')) ?? []), r]);
  return out;
}

const bodyOf = (line: PayloadLine): Buffer => (line.s !== undefined ? Buffer.from(line.s, 'utf8') : Buffer.from(line.b as string, 'base64'));

describe('simulate --export artillery: the files', () => {
  test('every event once across the shards, dealt round-robin in delivery order, its bytes and headers exact, parts split by size', async ({ dir }) => {
    const store = new EventStore(syntheticHeaders());
    const bodies: Buffer[] = [];
    for (let i = 0; i < 40; i++) {
      // Every seventh body is not UTF-8, as a recorded broken body can be: it travels as base64.
      const body = i % 7 === 3 ? Buffer.from([0x7b, 0xff, 0xfe, i, 0x7d]) : Buffer.from(JSON.stringify({ event_type: 'video.ready', n: i, text: 'é\u2028"' }));
      bodies.push(body);
      store.add({ body, type: 'video.ready', videoId: i, timestamp: `2024-01-01T00:00:${String(59 - i).padStart(2, '0')}`, ...(i === 5 ? { headers: { 'x-recorded': 'yes' } } : {}) });
    }
    const result = await exportStorm(dir, { duplicateRate: 0.5, seed: 9 }, { shards: 3, partBytes: 600, events: store });
    const { meta, byShard } = await readPayload(dir);
    expect(result.events).toBe(40);
    expect(byShard.map((lines) => lines.length)).toEqual([14, 13, 13]);
    expect(meta.shards.every((shard) => shard.parts.length > 1)).toBe(true);
    // Delivery order is by timestamp (descending indexes here), dealt to shard 1, 2, 3, 1, …
    expect(byShard[0]?.slice(0, 3).map((line) => line.i)).toEqual([39, 36, 33]);
    const all = byShard.flat();
    expect(all.map((line) => line.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const line of all) {
      expect(bodyOf(line).equals(bodies[line.i] as Buffer), `event #${line.i}`).toBe(true);
      expect(line.b !== undefined).toBe(line.i % 7 === 3);
      expect(line.h).toEqual(line.i === 5 ? { 'x-recorded': 'yes' } : undefined);
      expect(line.d ?? []).toEqual(duplicateDelays(meta.settings, line.i).map((d) => Math.round(d * 10) / 10));
    }
    expect(all.some((line) => line.d)).toBe(true);

    const yml = parse(await readFile(join(dir, 'storm.yml'), 'utf8')) as { config: Record<string, unknown> & { environments: Record<string, { variables: object; phases: object[]; includeFiles: string[] }> }; scenarios: unknown[] };
    expect(yml.config['phases']).toBeUndefined();
    expect(Object.keys(yml.config.environments)).toEqual(['shard-1', 'shard-2', 'shard-3']);
    expect(yml.config.environments['shard-2']).toEqual({ variables: { hswShard: 2 }, phases: [{ name: 'first attempts', duration: 1, arrivalCount: 13 }], includeFiles: ['meta.json', ...(meta.shards[1]?.parts ?? [])] });
    expect(yml.scenarios).toEqual([{ name: 'HeapStream delivery', flow: [{ function: 'hswDeliver' }] }]);
    expect((await readdir(join(dir, 'payload'))).length).toBe(meta.shards.reduce((n, shard) => n + shard.parts.length, 0));
  });

  test('exporting again into the same directory replaces the old parts and nothing else', async ({ dir }) => {
    await exportStorm(dir, { events: 6, seed: 1 }, { shards: 3 });
    await writeFile(join(dir, 'payload', 'notes.txt'), 'mine');
    await exportStorm(dir, { events: 6, seed: 1 }, { shards: 2 });
    expect((await readdir(join(dir, 'payload'))).sort()).toEqual(['notes.txt', 'shard-1-1.ndjson', 'shard-2-1.ndjson']);
  });

  test('refuses more shards than events, in one line', async ({ dir }) => {
    await expect(exportStorm(dir, { events: 3, seed: 1 }, { shards: 4 })).rejects.toMatchObject({ code: 'HSW_BAD_VALUE', message: 'shards 4 is more than the 3 events; give at most 3' });
  });
});

describe('the processor, driven as Artillery drives it', () => {
  test('3 attempts per event at the delays, the seed’s duplicates, the verdict and totals of simulate() on the same seed', async ({ dir, handler }) => {
    const options = { events: 6, schedule: [150, 300], timeScale: 1, maxAttempts: 3, duplicateRate: 0.5, duplicateWindow: 100, seed: 3 };
    await exportStorm(dir, options);
    failFirst(handler, 2);
    const counters = await play(dir, handler.url, 1, 6);
    const { meta, byShard } = await readPayload(dir);
    const receipts = byBody(handler.received);
    for (const line of byShard[0] ?? []) {
      const got = receipts.get(bodyOf(line).toString('hex')) as Received[];
      expect(got.length).toBe(3 + duplicateDelays(meta.settings, line.i).length);
      expect((got[1] as Received).at - (got[0] as Received).at).toBeGreaterThanOrEqual(150 - 5);
      expect((got[2] as Received).at - (got[1] as Received).at).toBeGreaterThanOrEqual(300 - 5);
    }
    const { report, result } = await fromArtilleryReports([await writeReport(join(dir, 'report.json'), counters)]);

    failFirst(handler, 2);
    const local = await simulate({ ...options, target: handler.url });
    expect(report.verdict).toEqual(local.verdict);
    const pick = ({ events, delivered, exhausted, attempts, retries, non2xx, duplicatesSent, unfinished }: typeof local.totals): object => ({ events, delivered, exhausted, attempts, retries, non2xx, duplicatesSent, unfinished });
    expect(pick(report.totals)).toEqual(pick(local.totals));
    for (let index = 0; index < 6; index++) {
      const outcome = result.outcome(index);
      expect(outcome.duplicatesSent).toBe(local.events[index]?.duplicatesSent);
      expect(outcome.attempts.filter((a) => a.copy === 0).map((a) => [a.attempt, a.status, a.ok])).toEqual([
        [1, 500, false],
        [2, 500, false],
        [3, 200, true],
      ]);
    }
    expect(counters['hsw.attempts']).toBe(report.totals.attempts);
  });

  test('a timeout and an unreachable handler are failed attempts, retried; an event exhausted is the verdict', async ({ dir, handler }) => {
    await exportStorm(dir, { events: 2, schedule: [20], timeScale: 1, maxAttempts: 2, timeout: 100, seed: 1 });
    failFirst(handler, 1, { delayMs: 400 });
    const { report, result } = await fromArtilleryReports([await writeReport(join(dir, 'a.json'), await play(dir, handler.url, 1, 2))]);
    expect(report.verdict.ok).toBe(true);
    expect(report.totals).toMatchObject({ events: 2, delivered: 2, timeouts: 2, retries: 2 });
    expect(result.outcome(0).attempts.map((a) => a.error)).toEqual(['timeout', null]);

    const closed = `http://127.0.0.1:${handler.port}/webhooks`;
    await handler.stop();
    const down = await fromArtilleryReports([await writeReport(join(dir, 'b.json'), await play(dir, closed, 1, 2))]);
    expect(down.report.verdict).toMatchObject({ ok: false, reasons: ['2 of 2 events never got a 2xx within 2 attempts'] });
    expect(down.report.totals).toMatchObject({ exhausted: 2, unreachable: 4 });
  });

  test('an event with more attempts than one counter name holds is recorded in pieces and read back whole', async ({ dir, handler }) => {
    await exportStorm(dir, { events: 1, schedule: [1], timeScale: 1, maxAttempts: 60, seed: 2 });
    handler.setBehaviour(() => ({ status: 503 }));
    const counters = await play(dir, handler.url, 1, 1);
    const names = Object.keys(counters).filter((name) => name.startsWith('hsw.event.') || name.startsWith('hsw.run.'));
    expect(names.filter((name) => name.startsWith('hsw.event.')).length).toBeGreaterThan(1);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(1_024);
    const { report, result } = await fromArtilleryReports([await writeReport(join(dir, 'r.json'), counters)]);
    expect(result.outcome(0).attempts.map((a) => a.attempt)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(report.totals).toMatchObject({ exhausted: 1, attempts: 60, non2xx: { '503': 60 } });
  });

  test('a retry after the handler closed the idle keep-alive connection still reaches it', async ({ dir, handler }) => {
    // The test handler closes idle connections after 1 s; the retry comes 1.3 s after the first answer.
    await exportStorm(dir, { events: 2, schedule: [1_300], timeScale: 1, maxAttempts: 2, seed: 5 });
    failFirst(handler, 1);
    const { report } = await fromArtilleryReports([await writeReport(join(dir, 'r.json'), await play(dir, handler.url, 1, 2))]);
    expect(report.totals).toMatchObject({ delivered: 2, attempts: 4, unreachable: 0, errors: 0, non2xx: { '500': 2 } });
  });

  test('more virtual users than events: the extra ones send nothing', async ({ dir, handler }) => {
    await exportStorm(dir, { events: 2, seed: 4 });
    await play(dir, handler.url, 1, 5);
    expect(handler.received.length).toBe(2);
  });
});

describe('--from-artillery: reports of two shards', () => {
  test('together the whole storm; a shard missing fails the verdict and is named; bad or doubled reports are refused', async ({ dir, handler }) => {
    // Small parts: each shard's payload is read across several files.
    const exported = await exportStorm(dir, { events: 7, maxAttempts: 1, seed: 6 }, { shards: 2, partBytes: 700 });
    expect(exported.shards.every((shard) => shard.parts.length > 1)).toBe(true);
    const first = await writeReport(join(dir, 'shard-1.json'), await play(dir, handler.url, 1, 4));
    const second = await writeReport(join(dir, 'shard-2.json'), await play(dir, handler.url, 2, 3));
    expect(handler.received.length).toBe(7);

    const both = await fromArtilleryReports([first, second]);
    expect(both.report.verdict.ok).toBe(true);
    expect(both.report.totals).toMatchObject({ events: 7, delivered: 7, unfinished: 0 });

    const one = await fromArtilleryReports([first]);
    expect(one.missingShards).toEqual([2]);
    expect(one.report.verdict).toMatchObject({ ok: false, reasons: ['no report for shard 2 of 2 after 4 of 7 events finished'] });
    expect(one.report.totals.unfinished).toBe(3);

    await mkdir(join(dir, 'copy'));
    const copy = join(dir, 'copy', 'shard-1.json');
    await writeFile(copy, await readFile(first));
    await expect(fromArtilleryReports([first, copy])).rejects.toMatchObject({ code: 'HSW_REPORT_INVALID', exitCode: 2, message: expect.stringMatching(/both reports of shard 1/) as unknown });
    await expect(fromArtilleryReports([first, first])).rejects.toMatchObject({ code: 'HSW_REPORT_INVALID', message: expect.stringMatching(/is given twice/) as unknown });

    const other = join(dir, 'other');
    await exportStorm(other, { events: 7, maxAttempts: 1, seed: 6 }, { shards: 2 });
    const foreign = await writeReport(join(dir, 'foreign.json'), await play(other, handler.url, 2, 3));
    await expect(fromArtilleryReports([first, foreign])).rejects.toMatchObject({ code: 'HSW_REPORT_INVALID', message: expect.stringMatching(/is from another export/) as unknown });

    await writeFile(join(dir, 'text.json'), 'not json');
    await expect(fromArtilleryReports([join(dir, 'text.json')])).rejects.toMatchObject({ code: 'HSW_REPORT_INVALID', message: expect.stringMatching(/is not JSON/) as unknown });
    await writeFile(join(dir, 'plain.json'), JSON.stringify({ aggregate: { counters: { 'vusers.created': 3 } } }));
    await expect(fromArtilleryReports([join(dir, 'plain.json')])).rejects.toMatchObject({ message: expect.stringMatching(/holds no heapstream-webhooks events/) as unknown });
    await writeFile(join(dir, 'none.json'), JSON.stringify({ hello: 1 }));
    await expect(fromArtilleryReports([join(dir, 'none.json')])).rejects.toMatchObject({ message: expect.stringMatching(/is not an Artillery report/) as unknown });
    await expect(fromArtilleryReports([join(dir, 'missing.json')])).rejects.toMatchObject({ code: 'HSW_REPORT_INVALID', message: expect.stringMatching(/cannot read .*ENOENT/) as unknown });
  });
});
