/**
 * Reads a `simulate --report` file into the storm picture. Reports put one event per line
 * after the summary, so even a 1,000,000-event report is read line by line, never whole.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { HswError, describeError } from '../errors.js';
import type { ReportSummary } from '../simulate/report.js';
import type { EventOutcome } from '../simulate/types.js';
import { StormBuilder, type StormOptions } from '../simulate/storm-picture.js';
import type { StormData } from '../simulate/storm-types.js';

const EVENTS_LINE = /^\s*"events":\s*\[\s*$/;
/** A report laid out differently (re-indented by a tool) is parsed whole, up to this size. */
const WHOLE_FILE_LIMIT = 256 * 1024 * 1024;

export async function stormFromReportFile(file: string, options: StormOptions = {}): Promise<StormData> {
  const invalid = (why: string, cause?: unknown): HswError =>
    new HswError('HSW_REPORT_INVALID', `${file}: ${why}; give a file written by simulate --report`, { exitCode: 2, ...(cause === undefined ? {} : { cause }) });
  try {
    await stat(file);
  } catch (error) {
    throw invalid(`cannot read it (${describeError(error)})`, error);
  }
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const head: string[] = [];
  let builder: StormBuilder | undefined;
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo++;
      if (!builder) {
        if (!EVENTS_LINE.test(line)) {
          head.push(line);
          continue;
        }
        builder = new StormBuilder(checkReport(parseJson(`${head.join('\n').replace(/,\s*$/, '')}\n}`), invalid), options);
        continue;
      }
      const text = line.trim().replace(/,$/, '');
      if (!text.startsWith('{')) continue;
      builder.add(parseJson(text) as EventOutcome);
    }
  } catch (error) {
    if (error instanceof HswError) throw error;
    throw invalid(`line ${lineNo} is not JSON (${describeError(error)})`, error);
  } finally {
    lines.close();
  }
  if (builder) return builder.finish();
  return wholeFile(file, options, invalid);
}

async function wholeFile(file: string, options: StormOptions, invalid: (why: string, cause?: unknown) => HswError): Promise<StormData> {
  if ((await stat(file)).size > WHOLE_FILE_LIMIT) throw invalid('no "events" list where simulate writes it, and too large to read whole');
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw invalid(`not JSON (${describeError(error)})`, error);
  }
  const report = checkReport(data, invalid);
  const events = (data as { events?: unknown }).events;
  if (!Array.isArray(events)) throw invalid('it has no "events" list');
  const builder = new StormBuilder(report, options);
  for (const event of events as EventOutcome[]) builder.add(event);
  return builder.finish();
}

function parseJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

function checkReport(data: unknown, invalid: (why: string) => HswError): ReportSummary {
  const r = data as Partial<ReportSummary> | null;
  if (!r || typeof r !== 'object' || !r.totals || !r.settings || typeof r.durationMs !== 'number' || !r.verdict) throw invalid('not a simulate report (no totals, settings or verdict)');
  return r as ReportSummary;
}
