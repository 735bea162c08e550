/**
 * `simulate --export artillery`: the storm a local run would play, written for Artillery.
 * storm.yml (one virtual user per event, one environment per shard), processor.mjs (the
 * delivery model: retries, timeout, duplicates), meta.json and the payload: one JSON line
 * per event, in delivery order, dealt round-robin to the shards so that each shard spans
 * the whole storm. Events are built and written one at a time with backpressure, so a
 * million of them cost the memory of a few.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { HeaderMap } from '../../http/types.js';
import { optionError } from '../../errors.js';
import { eventSeed, duplicateDelays } from '../duplicate-plan.js';
import type { EventStore } from '../event-store.js';
import type { SimulateSettings } from '../types.js';
import type { Compression } from '../validate.js';
import { PROCESSOR_SOURCE } from './processor-source.js';
import { stormYaml } from './storm-yaml.js';
import { EXPORT_FORMAT, type PayloadLine, type StormMeta, type StormSummary } from './types.js';

/**
 * A payload part is closed past this size and the next one opened: files this size upload
 * to Fargate's and Lambda's bundles and stream through the processor without strain.
 */
export const PART_BYTES = 64 * 1024 * 1024;

const PART_NAME = /^shard-\d+-\d+\.ndjson$/;

/** First attempts per second per shard: one Artillery thread (an arrivalCount phase runs on one) keeps up with it. */
export const ARRIVALS_PER_SECOND = 1_000;

export interface ExportInput {
  dir: string;
  shards: number;
  settings: SimulateSettings;
  events: EventStore;
  scenario: string | null;
  compression: Compression;
  tool: string;
  command: string | null;
  /** Written into storm.yml as config.target; Artillery's --target overrides it. */
  target?: string;
  /** Headers of synthesized events (recorded ones keep theirs). */
  headers: HeaderMap;
  extraHeaders?: HeaderMap;
  /** Payload part size (tests make it small). */
  partBytes?: number;
}

export interface ExportResult {
  dir: string;
  events: number;
  shards: { shard: number; events: number; parts: string[] }[];
  payloadBytes: number;
  exportId: string;
}

export async function exportArtillery(input: ExportInput): Promise<ExportResult> {
  const { dir, settings, events } = input;
  const shards = input.shards;
  if (!Number.isInteger(shards) || shards < 1 || shards > 10_000) throw optionError('shards', `${JSON.stringify(shards)} is not a number of shards; give a whole number from 1 to 10000`);
  if (shards > events.count) throw optionError('shards', `${shards} is more than the ${events.count} events; give at most ${events.count}`);
  const partBytes = input.partBytes ?? PART_BYTES;
  const order = events.order({ reorder: settings.reorder, window: settings.reorderWindow, seed: settings.seed });
  const types: (string | null)[] = [];
  const typeIds = new Map<string | null, number>();
  const typeId = (type: string | null): number => {
    let id = typeIds.get(type);
    if (id === undefined) {
      id = types.push(type) - 1;
      typeIds.set(type, id);
    }
    return id;
  };

  // Synthesized events share one headers object: compared once, then by identity.
  const defaultHeaders = JSON.stringify(input.headers);
  let sharedHeaders: HeaderMap | undefined;
  await mkdir(join(dir, 'payload'), { recursive: true });
  // Parts of an earlier export into this directory would be listed nowhere; only those go.
  for (const name of await readdir(join(dir, 'payload'))) if (PART_NAME.test(name)) await rm(join(dir, 'payload', name), { force: true });
  const writers = Array.from({ length: shards }, (_, k) => new PartWriter(dir, k + 1, partBytes));
  try {
    for (let position = 0; position < order.length; position++) {
      const index = order[position] as number;
      const line: PayloadLine = { i: index, t: typeId(events.type(index)), v: events.videoId(index), r: eventSeed(settings.seed ^ 0x51ed, index) };
      const body = events.body(index);
      const text = body.toString('utf8');
      if (Buffer.byteLength(text) === body.length && Buffer.from(text, 'utf8').equals(body)) line.s = text;
      else line.b = body.toString('base64');
      const headers = events.headers(index);
      if (headers !== sharedHeaders) {
        if (JSON.stringify(headers) === defaultHeaders) sharedHeaders = headers;
        else line.h = headers;
      }
      const duplicates = duplicateDelays(settings, index);
      if (duplicates.length > 0) line.d = duplicates.map((d) => Math.round(d * 10) / 10);
      await (writers[position % shards] as PartWriter).write(`${JSON.stringify(line)}\n`);
    }
    for (const writer of writers) await writer.close();
  } catch (error) {
    for (const writer of writers) writer.destroy();
    throw error;
  }

  const storm: StormSummary = {
    tool: input.tool,
    scenario: input.scenario,
    command: input.command,
    compression: input.compression,
    settings,
    types,
    events: order.length,
    shards: writers.map((w) => w.events),
  };
  const exportId = createHash('sha256').update(JSON.stringify([storm, Date.now()])).digest('hex').slice(0, 16);
  const meta: StormMeta = {
    format: EXPORT_FORMAT,
    exportId,
    settings,
    retryDelaysMs: settings.schedule.map((delay) => delay / settings.scale),
    outageRunMs: settings.outageMs / settings.scale,
    headers: input.headers,
    extraHeaders: input.extraHeaders ?? null,
    shards: writers.map((w) => ({ shard: w.shard, events: w.events, parts: w.parts })),
    storm,
  };
  await writeAtomically(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeAtomically(join(dir, 'processor.mjs'), PROCESSOR_SOURCE);
  await writeAtomically(join(dir, 'storm.yml'), stormYaml(meta, { ...(input.target !== undefined ? { target: input.target } : {}), arrivalsPerSecond: ARRIVALS_PER_SECOND }));
  return { dir, events: order.length, shards: meta.shards, payloadBytes: writers.reduce((sum, w) => sum + w.totalBytes, 0), exportId };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

/** One shard's payload: lines appended with backpressure, a new part past `partBytes`. */
class PartWriter {
  events = 0;
  totalBytes = 0;
  readonly parts: string[] = [];
  private stream: WriteStream | undefined;
  private bytes = 0;

  constructor(
    private readonly dir: string,
    readonly shard: number,
    private readonly partBytes: number,
  ) {}

  async write(line: string): Promise<void> {
    const size = Buffer.byteLength(line);
    if (!this.stream || (this.bytes > 0 && this.bytes + size > this.partBytes)) await this.next();
    this.events++;
    this.bytes += size;
    this.totalBytes += size;
    if (!(this.stream as WriteStream).write(line)) await once(this.stream as WriteStream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.stream) await this.next();
    await this.end();
  }

  destroy(): void {
    this.stream?.destroy();
  }

  private async next(): Promise<void> {
    await this.end();
    const part = `payload/shard-${this.shard}-${this.parts.length + 1}.ndjson`;
    this.parts.push(part);
    this.stream = createWriteStream(join(this.dir, part));
    this.bytes = 0;
  }

  private async end(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    stream.end();
    await once(stream, 'close');
  }
}
