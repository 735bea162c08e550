import { readFile, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeBody, summarizeBody } from './body.js';
import { FIXTURE_FORMAT, type Fixture, type InvalidFixture, type LoadedFixture } from './types.js';
import { HswError, describeError } from '../errors.js';

/** Reads and checks one fixture file; throws HSW_FIXTURE_INVALID naming the file. */
export async function readFixture(file: string): Promise<LoadedFixture> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new HswError('HSW_FIXTURE_INVALID', `${file}: cannot read (${describeError(error)})`, { exitCode: 2, cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HswError('HSW_FIXTURE_INVALID', `${file}: not valid JSON (${describeError(error)})`, { exitCode: 2, cause: error });
  }
  const problem = validate(data);
  if (problem) throw new HswError('HSW_FIXTURE_INVALID', `${file}: ${problem}`, { exitCode: 2 });
  const fixture = data as Fixture;
  const body = decodeBody(fixture.request);
  return { file, fixture, body, event: summarizeBody(body) };
}

function validate(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return 'not a fixture (expected a JSON object)';
  const f = data as Partial<Fixture>;
  if (f.format !== FIXTURE_FORMAT) return `not a fixture (format is ${JSON.stringify(f.format)}, expected "${FIXTURE_FORMAT}")`;
  if (typeof f.recordedAt !== 'string' || Number.isNaN(Date.parse(f.recordedAt))) return '"recordedAt" is not an ISO date';
  const r = f.request;
  if (!r || typeof r !== 'object') return '"request" is missing';
  if (typeof r.body !== 'string') return '"request.body" is not a string';
  if (r.bodyEncoding !== 'utf8' && r.bodyEncoding !== 'base64') return '"request.bodyEncoding" must be "utf8" or "base64"';
  if (r.headers === null || typeof r.headers !== 'object' || Array.isArray(r.headers)) return '"request.headers" is not an object';
  return undefined;
}

export interface LoadResult {
  fixtures: LoadedFixture[];
  invalid: InvalidFixture[];
}

/**
 * Loads fixtures from files and directories (a directory: its `*.json` files, not
 * recursive, dot files skipped). A bad file is reported, never fatal: the rest still load.
 */
export async function loadFixtures(paths: readonly string[]): Promise<LoadResult> {
  const files: string[] = [];
  const invalid: InvalidFixture[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      invalid.push({ file: path, reason: `${path}: not found (${describeError(error)})` });
      continue;
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) => name.endsWith('.json') && !name.startsWith('.')).sort();
      files.push(...names.map((name) => join(path, name)));
    } else {
      files.push(path);
    }
  }
  const seen = new Set<string>();
  const fixtures: LoadedFixture[] = [];
  for (const file of files) {
    const key = resolve(file);
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      fixtures.push(await readFixture(file));
    } catch (error) {
      invalid.push({ file, reason: describeError(error) });
    }
  }
  return { fixtures, invalid };
}
