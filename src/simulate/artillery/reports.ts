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
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode, HswError } from '../../errors.js';
import { printable } from '../../ui/sanitize.js';
import { AttemptLog, type AttemptInput } from '../attempt-log.js';
import type { EngineResult, OutcomeFlags } from '../engine.js';
import { buildReport, type SimulateReport } from '../report.js';
import type { AttemptError, EventOutcome } from '../types.js';
import type { OptionNames } from '../validate.js';
import type { RunRecord, StormSummary } from './types.js';

const RUN = /^hsw\.run\.([0-9a-f]+)\.(\d+)\.(\d+)\.(\d+)\.([A-Za-z0-9_-]*)$/;
const EVENT = /^hsw\.event\.(\d+)~(\d+)~([^~@]*)~(\d+)~(\d+)@(\d+):(.*)$/;
const ERRORS = new Set<AttemptError>(['timeout', 'unreachable', 'cut-off', 'error', 'outage', 'answer-lost']);

export interface ArtilleryVerdict {
  report: SimulateReport;
  result: EngineResult;
  /** Shards (1-based) for which no report was given. */
  missingShards: number[];
}

interface Parsed {
  index: number;
  type: number;
  videoId: number | null;
  firstAt: number;
  attempts: Omit<AttemptInput, 'event'>[];
  file: string;
  shard: number;
}

function invalid(file: string, why: string): HswError {
  return new HswError('HSW_REPORT_INVALID', `"${printable(file)}" ${why}`, { exitCode: ExitCode.usage });
}

export async function fromArtilleryReports(files: readonly string[], options: { names?: OptionNames } = {}): Promise<ArtilleryVerdict> {
  let storm: StormSummary | undefined;
  let exportId: string | undefined;
  let target = '';
  const shardFiles = new Map<number, string>();
  const parsed: Parsed[] = [];
  const given = new Set<string>();
  for (const file of files) {
    if (given.has(resolve(file))) throw invalid(file, "is given twice; give each shard's report once");
    given.add(resolve(file));
  }
  for (const file of files) {
    const counters = await readCounters(file);
    const runs = runRecords(file, Object.keys(counters));
    if (runs.length === 0) throw invalid(file, 'holds no heapstream-webhooks events: was it written by artillery run --output on a simulate --export artillery script?');
    for (const run of runs) {
      if (exportId !== undefined && run.export !== exportId) throw invalid(file, `is from another export (${run.export}, not ${exportId}); give the reports of one export`);
      exportId = run.export;
      storm ??= run.storm;
      target ||= run.target;
      const earlier = shardFiles.get(run.shard);
      if (earlier !== undefined && earlier !== file) throw invalid(file, `and "${printable(earlier)}" are both reports of shard ${run.shard}; give each shard's report once`);
      shardFiles.set(run.shard, file);
    }
    const shard = (runs[0] as RunRecord).shard;
    const pieces = new Map<number, { head: RegExpExecArray; trails: string[] }>();
    for (const [name, count] of Object.entries(counters)) {
      const match = EVENT.exec(name);
      if (!match) continue;
      if (count !== 1) throw invalid(file, `counts event #${match[1]} ${count} times; an event is delivered by one virtual user`);
      const [, index, , , k, n, , trail] = match as unknown as string[];
      const entry = pieces.get(Number(index)) ?? { head: match, trails: Array<string>(Number(n)).fill('') };
      if (entry.trails.length !== Number(n) || Number(k) < 1 || Number(k) > Number(n)) throw invalid(file, `has damaged records of event #${index}; give the report exactly as artillery run --output wrote it`);
      entry.trails[Number(k) - 1] = trail as string;
      pieces.set(Number(index), entry);
    }
    for (const [index, { head, trails }] of pieces) {
      if (trails.some((trail) => trail === '')) throw invalid(file, `misses part of event #${index}'s record; give the report exactly as artillery run --output wrote it`);
      parsed.push({ ...parseEvent(head, trails.join(','), file), file, shard });
    }
  }
  const summary = storm as StormSummary;
  const { settings } = summary;
  const seen = new Map<number, Parsed>();
  for (const event of parsed) {
    if (event.index >= summary.events) throw invalid(event.file, `names event #${event.index}, but the export has ${summary.events}`);
    const earlier = seen.get(event.index);
    if (earlier) throw invalid(event.file, `and "${printable(earlier.file)}" both delivered event #${event.index}: a shard ran twice, or one report was given twice`);
    seen.set(event.index, event);
  }

  // One timeline for all shards: the first attempt of any event is time 0.
  let start = Infinity;
  for (const event of parsed) start = Math.min(start, event.firstAt);
  if (!Number.isFinite(start)) start = Date.now();
  const log = new AttemptLog(summary.events);
  const flags: OutcomeFlags[] = Array.from({ length: summary.events }, () => ({ delivered: false, exhausted: false, tooSlow: false, duplicatesSent: 0 }));
  const delivered = [...parsed].sort((a, b) => a.firstAt - b.firstAt || a.index - b.index);
  const spans: [number, number][] = [];
  let end = 0;
  for (const event of delivered) {
    const base = event.firstAt - start;
    const chains = new Map<number, boolean>();
    const flag = flags[event.index] as OutcomeFlags;
    for (const attempt of event.attempts.sort((a, b) => a.at - b.at)) {
      const at = base + attempt.at;
      log.add({ ...attempt, at, event: event.index });
      chains.set(attempt.copy, attempt.ok);
      if (attempt.ok && settings.maxLatencyMs !== undefined && attempt.latencyMs > settings.maxLatencyMs) flag.tooSlow = true;
      if (attempt.error !== 'outage') spans.push([at, at + attempt.latencyMs]);
      end = Math.max(end, at + attempt.latencyMs);
    }
    flag.duplicatesSent = chains.size - 1;
    flag.exhausted = [...chains.values()].some((ok) => !ok);
    flag.delivered = !flag.exhausted;
  }
  const order = new Uint32Array(summary.events);
  delivered.forEach((event, position) => (order[position] = event.index));
  let position = delivered.length;
  for (let index = 0; index < summary.events; index++) if (!seen.has(index)) order[position++] = index;

  const types = summary.types;
  const outcome = (index: number): EventOutcome => {
    const event = seen.get(index);
    return {
      index,
      type: event ? (types[event.type] ?? null) : null,
      videoId: event?.videoId ?? null,
      source: event ? `artillery shard ${event.shard}` : 'artillery (no report)',
      ...(flags[index] as OutcomeFlags),
      attempts: log.forEvent(index),
    };
  };
  const result: EngineResult = {
    events: summary.events,
    log,
    outcome,
    outcomeFlags: (index) => flags[index] as OutcomeFlags,
    order,
    maxPending: 0,
    maxInFlight: maxInFlight(spans),
    durationMs: end,
    outageEndsAt: settings.outageMs > 0 ? settings.outageMs / settings.scale : null,
  };
  const missingShards = summary.shards.map((_, k) => k + 1).filter((shard) => !shardFiles.has(shard));
  const unfinished = summary.events - seen.size;
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
    stopped: unfinished > 0 ? { signal: null, reason: why } : undefined,
  });
  return { report, result, missingShards };
}

/** The report's counters, summed over the whole run. */
async function readCounters(file: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HswError('HSW_REPORT_INVALID', `cannot read "${printable(file)}": ${(error as NodeJS.ErrnoException).code ?? String(error)}; give the file artillery run --output wrote`, { exitCode: ExitCode.usage, cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(file, 'is not JSON; give the file artillery run --output wrote');
  }
  const counters = (json as { aggregate?: { counters?: unknown } } | null)?.aggregate?.counters;
  if (counters === null || typeof counters !== 'object') throw invalid(file, 'is not an Artillery report (no aggregate.counters); give the file artillery run --output wrote');
  return counters as Record<string, number>;
}

/** The run records of one report, their pieces joined. */
function runRecords(file: string, names: string[]): RunRecord[] {
  const pieces = new Map<string, string[]>();
  for (const name of names) {
    const match = RUN.exec(name);
    if (!match) {
      if (name.startsWith('hsw.run.')) throw invalid(file, 'has a damaged hsw.run counter; give the report exactly as artillery run --output wrote it');
      continue;
    }
    const [, id, shard, k, n, text] = match as unknown as [string, string, string, string, string, string];
    const key = `${id}.${shard}`;
    const list = pieces.get(key) ?? Array<string>(Number(n)).fill('');
    if (list.length !== Number(n) || Number(k) < 1 || Number(k) > Number(n)) throw invalid(file, 'has a damaged hsw.run counter; give the report exactly as artillery run --output wrote it');
    list[Number(k) - 1] = text;
    pieces.set(key, list);
  }
  return [...pieces.values()].map((list) => {
    try {
      if (list.some((text) => text === '')) throw new Error('a piece is missing');
      return JSON.parse(Buffer.from(list.join(''), 'base64url').toString('utf8')) as RunRecord;
    } catch {
      throw invalid(file, 'has a damaged hsw.run counter; give the report exactly as artillery run --output wrote it');
    }
  });
}

function parseEvent(match: RegExpExecArray, trail: string, file: string): Omit<Parsed, 'file' | 'shard'> {
  const [, index, type, video, , , firstAt] = match as unknown as [string, string, string, string, string, string, string];
  const attempts = trail.split(',').map((text) => {
    const [copy, attempt, status, error, at, latency, late] = text.split('/');
    const numbers = [copy, attempt, at, latency, late].map(Number);
    if (numbers.some((n) => !Number.isFinite(n)) || (error !== '' && !ERRORS.has(error as AttemptError)) || (status !== '' && !Number.isInteger(Number(status)))) {
      throw invalid(file, `has a damaged attempt "${printable(text)}" in event #${index}`);
    }
    const code = status === '' ? null : Number(status);
    const failure = error === '' ? null : (error as AttemptError);
    return {
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
  return { index: Number(index), type: Number(type), videoId: video === '' ? null : Number(video), firstAt: Number(firstAt), attempts };
}

/** The most attempts in flight at once. */
function maxInFlight(spans: [number, number][]): number {
  const edges: [number, number][] = [];
  for (const [from, to] of spans) edges.push([from, 1], [to, -1]);
  // An attempt that ends as another starts frees its slot first.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, step] of edges) {
    current += step;
    max = Math.max(max, current);
  }
  return max;
}
