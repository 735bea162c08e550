/**
 * `simulate --from-artillery`: the JSON reports that `artillery run --output` wrote for an
 * export (one per shard) turned back into the engine's result, so the report, JUnit, step
 * summary and picture are built by the same code as after a local run.
 *
 * The processor records what it did in counter names, which Artillery sums per name and
 * keeps in `aggregate.counters`. Artillery cuts a name at 1,024 characters, so a record is
 * written in numbered pieces (piece k of n) that each stay below that:
 * - `hsw.run.<export id>.<shard>.<k>.<n>.<base64url JSON>`: once per process, the export id,
 *   shard, target and the storm's settings (RunRecord);
 * - `hsw.event.<index>~<type id>~<video id>~<k>~<n>@<epoch ms of the first attempt>:<attempts>`:
 *   once per event when its last chain ends; attempts are `,`-separated
 *   `copy/attempt/status/error/offset ms/latency ms/late ms`, offsets from the first attempt.
 * An event no report names never finished (its shard did not run, or was stopped).
 *
 * Two passes over the files, one file in memory at a time: the first reads the run records
 * and when the storm began, the second puts every attempt into an attempt log at its place
 * on the storm's one timeline. Events live in columns, as in the engine.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, HswError } from '../../errors.js';
import { printable } from '../../text/printable.js';
import { AttemptLog, type AttemptInput } from '../attempt-log.js';
import type { EngineResult, OutcomeFlags } from '../engine.js';
import { buildReport, type ReportSummary } from '../report.js';
import type { AttemptError, EventOutcome } from '../types.js';
import { grown } from '../typed-arrays.js';
import type { OptionNames } from '../option-table.js';
import { ReportShapeError, scanCounters } from './report-scan.js';
import type { RunRecord, StormSummary } from './types.js';

const RUN = /^hsw\.run\.([0-9a-f]+)\.(\d+)\.(\d+)\.(\d+)\.([A-Za-z0-9_-]*)$/;
const EVENT = /^hsw\.event\.(\d+)~(\d+)~([^~@]*)~(\d+)~(\d+)@(\d+):(.*)$/;
const FIRST_AT = /^hsw\.event\.\d+~[^@]*@(\d+):/;
const ERRORS = new Set<AttemptError>(['timeout', 'unreachable', 'cut-off', 'error', 'outage', 'answer-lost']);
const DELIVERED = 1;
const EXHAUSTED = 2;
/** A duplicate copy's chain ended without a 2xx: the handler refused a copy. */
const COPY_REFUSED = 16;
const TOO_SLOW = 4;

export interface ArtilleryVerdict {
  report: ReportSummary;
  result: EngineResult;
  /** Shards (1-based) for which no report was given. */
  missingShards: number[];
}

function invalid(file: string, why: string): HswError {
  return new HswError('HSW_REPORT_INVALID', `"${printable(file)}" ${why}`, { exitCode: ExitCode.usage });
}

const AS_WRITTEN = 'give the report exactly as artillery run --output wrote it';

export async function fromArtilleryReports(files: readonly string[], options: { names?: OptionNames } = {}): Promise<ArtilleryVerdict> {
  const given = new Set<string>();
  for (const file of files) {
    if (given.has(resolve(file))) throw invalid(file, "is given twice; give each shard's report once");
    given.add(resolve(file));
  }

  // Pass 1: which export and shard each report is, and when the storm began.
  let storm: StormSummary | undefined;
  let exportId: string | undefined;
  let target = '';
  let start = Infinity;
  const shardFiles = new Map<number, string>();
  const shardOfFile = new Map<string, number>();
  for (const file of files) {
    const runs: RunRecord[] = [];
    const pieces = new Map<string, string[]>();
    await eachCounter(file, (name) => {
      if (name.startsWith('hsw.event.')) {
        const at = FIRST_AT.exec(name);
        if (at) start = Math.min(start, Number(at[1]));
        return;
      }
      if (!name.startsWith('hsw.run.')) return;
      const match = RUN.exec(name);
      if (!match) throw invalid(file, `has a damaged hsw.run counter; ${AS_WRITTEN}`);
      const [, id, shard, k, n, text] = match as unknown as [string, string, string, string, string, string];
      const list = pieces.get(`${id}.${shard}`) ?? Array<string>(Number(n)).fill('');
      if (list.length !== Number(n) || Number(k) < 1 || Number(k) > Number(n)) throw invalid(file, `has a damaged hsw.run counter; ${AS_WRITTEN}`);
      list[Number(k) - 1] = text;
      pieces.set(`${id}.${shard}`, list);
    });
    for (const list of pieces.values()) {
      try {
        if (list.some((text) => text === '')) throw new Error('a piece is missing');
        runs.push(JSON.parse(Buffer.from(list.join(''), 'base64url').toString('utf8')) as RunRecord);
      } catch {
        throw invalid(file, `has a damaged hsw.run counter; ${AS_WRITTEN}`);
      }
    }
    if (runs.length === 0) throw invalid(file, 'holds no heapstream-webhooks events: was it written by artillery run --output on a simulate --export artillery script?');
    for (const run of runs) {
      if (exportId !== undefined && run.export !== exportId) throw invalid(file, `is from another export (${run.export}, not ${exportId}); give the reports of one export`);
      exportId = run.export;
      storm ??= run.storm;
      target ||= run.target;
      const earlier = shardFiles.get(run.shard);
      if (earlier !== undefined && earlier !== file) throw invalid(file, `and "${printable(earlier)}" are both reports of shard ${run.shard}; give each shard's report once`);
      shardFiles.set(run.shard, file);
      shardOfFile.set(file, run.shard);
    }
  }
  const summary = storm as StormSummary;
  const { settings } = summary;
  const total = summary.events;
  if (!Number.isFinite(start)) start = Date.now();

  // Pass 2: every event's attempts into the log, on the one timeline.
  const log = new AttemptLog(total);
  const shardOf = new Uint16Array(total);
  const typeOf = new Uint16Array(total);
  const videoOf = new Float64Array(total).fill(Number.NaN);
  const firstAtOf = new Float64Array(total);
  const flags = new Uint8Array(total);
  const duplicates = new Uint16Array(total);
  const fileOf = new Map<number, string>();
  let seen = 0;
  let end = 0;
  let starts = new Float64Array(1024);
  let ends = new Float64Array(1024);
  let sent = 0;
  for (const file of files) {
    const shard = shardOfFile.get(file) as number;
    const waiting = new Map<number, { head: string[]; trails: string[] }>();
    const add = (head: string[], trail: string): void => {
      const [, indexText, type, video, , , firstAt] = head;
      const index = Number(indexText);
      if (index >= total) throw invalid(file, `names event #${index}, but the export has ${total}`);
      if (shardOf[index] !== 0) throw invalid(file, `and "${printable(fileOf.get(shardOf[index] as number) ?? '')}" both delivered event #${index}: a shard ran twice, or one report was given twice`);
      shardOf[index] = shard;
      fileOf.set(shard, file);
      seen++;
      typeOf[index] = Number(type);
      if (video !== '') videoOf[index] = Number(video);
      firstAtOf[index] = Number(firstAt);
      const base = Number(firstAt) - start;
      // Whether each chain (copy) ended with a 2xx: its last attempt's answer.
      const chains: boolean[] = [];
      let state = 0;
      for (const attempt of parseAttempts(trail, index, file).sort((a, b) => a.at - b.at)) {
        const at = base + attempt.at;
        attempt.at = at;
        log.add(attempt);
        chains[attempt.copy] = attempt.ok;
        if (attempt.ok && settings.maxLatencyMs !== undefined && attempt.latencyMs > settings.maxLatencyMs) state |= TOO_SLOW;
        if (attempt.error !== 'outage') {
          if (sent === starts.length) {
            starts = grown(starts, sent * 2);
            ends = grown(ends, sent * 2);
          }
          starts[sent] = at;
          ends[sent++] = at + attempt.latencyMs;
        }
        end = Math.max(end, at + attempt.latencyMs);
      }
      let copies = 0;
      let failed = false;
      let refused = false;
      chains.forEach((ok, copy) => {
        copies++;
        if (!ok) failed = true;
        // As in the engine: a duplicate copy that ran out of attempts was refused by the handler.
        if (!ok && copy > 0) refused = true;
      });
      duplicates[index] = Math.max(0, copies - 1);
      flags[index] = state | (failed ? EXHAUSTED : DELIVERED) | (refused ? COPY_REFUSED : 0);
    };
    await eachCounter(file, (name, count) => {
      if (!name.startsWith('hsw.event.')) return;
      const match = EVENT.exec(name);
      if (!match) throw invalid(file, `has a damaged hsw.event counter; ${AS_WRITTEN}`);
      if (count !== 1) throw invalid(file, `counts event #${match[1]} ${count} times; an event is delivered by one virtual user`);
      const [, index, , , k, n, , trail] = match as unknown as string[];
      if (n === '1') return add([...match], trail as string);
      // A record in pieces: the pieces are written one after the other, so few wait here.
      const entry = waiting.get(Number(index)) ?? { head: [...match], trails: Array<string>(Number(n)).fill('') };
      if (entry.trails.length !== Number(n) || Number(k) < 1 || Number(k) > Number(n)) throw invalid(file, `has damaged records of event #${index}; ${AS_WRITTEN}`);
      entry.trails[Number(k) - 1] = trail as string;
      if (entry.trails.every((piece) => piece !== '')) {
        waiting.delete(Number(index));
        add(entry.head, entry.trails.join(','));
      } else waiting.set(Number(index), entry);
    });
    const [incomplete] = waiting.keys();
    if (incomplete !== undefined) throw invalid(file, `misses part of event #${incomplete}'s record; ${AS_WRITTEN}`);
  }

  const delivered = new Uint32Array(seen);
  let filled = 0;
  for (let index = 0; index < total; index++) if (shardOf[index] !== 0) delivered[filled++] = index;
  delivered.sort((a, b) => (firstAtOf[a] as number) - (firstAtOf[b] as number) || a - b);
  const order = new Uint32Array(total);
  order.set(delivered);
  let position = seen;
  for (let index = 0; index < total; index++) if (shardOf[index] === 0) order[position++] = index;

  const outcomeFlags = (index: number): OutcomeFlags => {
    const state = flags[index] as number;
    return { delivered: (state & DELIVERED) !== 0, exhausted: (state & EXHAUSTED) !== 0, duplicateRefused: (state & COPY_REFUSED) !== 0, tooSlow: (state & TOO_SLOW) !== 0, duplicatesSent: duplicates[index] as number };
  };
  const outcome = (index: number): EventOutcome => {
    const shard = shardOf[index] as number;
    const video = videoOf[index] as number;
    return {
      index,
      type: shard === 0 ? null : (summary.types[typeOf[index] as number] ?? null),
      videoId: Number.isNaN(video) ? null : video,
      source: shard === 0 ? 'artillery (no report)' : `artillery shard ${shard}`,
      ...outcomeFlags(index),
      attempts: log.forEvent(index),
    };
  };
  const result: EngineResult = {
    events: total,
    log,
    outcome,
    outcomeFlags,
    order,
    maxPending: 0,
    maxInFlight: maxInFlight(starts.subarray(0, sent), ends.subarray(0, sent)),
    durationMs: end,
    outageEndsAt: settings.outageMs > 0 ? settings.outageMs / settings.scale : null,
  };
  const missingShards = summary.shards.map((_, k) => k + 1).filter((shard) => !shardFiles.has(shard));
  const why = missingShards.length > 0 ? `no report for shard ${missingShards.join(', ')} of ${summary.shards.length}` : 'Artillery stopped before every event finished';
  const report = buildReport({
    result,
    settings,
    target,
    scenario: summary.scenario,
    tool: `${summary.tool} (Artillery)`,
    startedAt: new Date(start),
    clock: 'real',
    compression: summary.compression,
    names: options.names,
    command: summary.command,
    stopped: seen < total ? { signal: null, reason: why } : undefined,
  });
  return { report, result, missingShards };
}

/** Every entry of a report's aggregate.counters, one file in memory at a time. */
async function eachCounter(file: string, each: (name: string, value: number) => void): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HswError('HSW_REPORT_INVALID', `cannot read "${printable(file)}": ${(error as NodeJS.ErrnoException).code ?? String(error)}; give the file artillery run --output wrote`, { exitCode: ExitCode.usage, cause: error });
  }
  let found: boolean;
  try {
    found = scanCounters(text, each);
  } catch (error) {
    if (error instanceof ReportShapeError) throw invalid(file, 'is not JSON; give the file artillery run --output wrote');
    throw error;
  }
  if (!found) throw invalid(file, 'is not an Artillery report (no aggregate.counters); give the file artillery run --output wrote');
}

function parseAttempts(trail: string, index: number, file: string): AttemptInput[] {
  return trail.split(',').map((text) => {
    const [copy, attempt, status, error, at, latency, late] = text.split('/');
    const numbers = [copy, attempt, at, latency, late].map(Number);
    if (numbers.some((n) => !Number.isFinite(n)) || (error !== '' && !ERRORS.has(error as AttemptError)) || (status !== '' && !Number.isInteger(Number(status)))) {
      throw invalid(file, `has a damaged attempt "${printable(text)}" in event #${index}`);
    }
    const code = status === '' ? null : Number(status);
    const failure = error === '' ? null : (error as AttemptError);
    return {
      event: index,
      copy: numbers[0] as number,
      attempt: numbers[1] as number,
      at: numbers[2] as number,
      latencyMs: numbers[3] as number,
      delayedMs: numbers[4] as number,
      status: code,
      error: failure,
      ok: failure === null && code !== null && code >= 200 && code < 300,
    };
  });
}

/** The most attempts in flight at once: a sweep over sorted starts and ends. */
function maxInFlight(startsIn: Float64Array, endsIn: Float64Array): number {
  const starts = Float64Array.from(startsIn).sort();
  const ends = Float64Array.from(endsIn).sort();
  let current = 0;
  let max = 0;
  let j = 0;
  for (let i = 0; i < starts.length; i++) {
    // An attempt that ends as another starts frees its slot first.
    while (j < ends.length && (ends[j] as number) <= (starts[i] as number)) {
      current--;
      j++;
    }
    current++;
    max = Math.max(max, current);
  }
  return max;
}
