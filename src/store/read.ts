import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { summarizeBody } from '../events/summary.js';
import { decodeBody } from './body.js';
import { FIXTURE_FORMAT, type Fixture, type InvalidFixture, type LoadedFixture } from './types.js';
import { parseJsonText } from '../events/json-text.js';
import { ExitCode, HswError, describeError } from '../errors.js';

function invalid(file: string, problem: string, cause?: unknown): HswError {
  return new HswError('HSW_FIXTURE_INVALID', `${file}: ${problem}`, { exitCode: ExitCode.usage, ...(cause === undefined ? {} : { cause }) });
}

/**
 * Reads and checks one fixture file; throws HSW_FIXTURE_INVALID naming the file. Messages
 * never quote the file's contents: a fixture may be a link to a file that is nobody's business.
 */
export async function readFixture(file: string): Promise<LoadedFixture> {
  await refuseForeignFile(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw invalid(file, `cannot read (${describeError(error)})`, error);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // JSON.parse's message quotes the text; the offset is enough to find the mistake.
    throw invalid(file, `not valid JSON (${jsonProblem(text)})`, error);
  }
  const problem = validate(data);
  if (problem) throw invalid(file, problem);
  const fixture = data as Fixture;
  const body = decodeBody(fixture.request);
  return { file, fixture, body, event: summarizeBody(body) };
}

function jsonProblem(text: string): string {
  try {
    parseJsonText(text);
  } catch (error) {
    return error instanceof Error ? error.message : 'a syntax error';
  }
  return 'a syntax error';
}

/**
 * A fixture is a regular file; a symlink is followed only while it stays in its own
 * directory, so that a fixtures folder from elsewhere cannot make us read (and print, or
 * send to a handler) a file such as /etc/passwd.
 */
async function refuseForeignFile(file: string): Promise<void> {
  let link;
  try {
    link = await lstat(file);
  } catch (error) {
    throw invalid(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : `cannot read (${describeError(error)})`, error);
  }
  if (link.isSymbolicLink()) {
    let target: string;
    let home: string;
    try {
      [target, home] = await Promise.all([realpath(file), realpath(dirname(file))]);
    } catch (error) {
      throw invalid(file, 'a symlink to nothing readable', error);
    }
    const inside = relative(home, target);
    if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) throw invalid(file, 'a symlink to outside its directory; refusing to read it (copy the file here instead)');
  }
  const info = link.isSymbolicLink() ? await stat(file) : link;
  if (!info.isFile()) throw invalid(file, 'not a regular file');
}

/** An HTTP token (RFC 9110 §5.6.2): what a method and a header name must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** What undici will send in a header value: no CR, LF, NUL or other controls but tab. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What is wrong with a fixture, so that a bad one is named at load instead of failing as a
 * delivery (a header undici refuses) or being sent mangled (base64 that Buffer decodes leniently).
 */
/** Why `data` is not a fixture, or undefined when it is one. */
export function validate(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'not a fixture (expected a JSON object)';
  const f = data as Partial<Fixture>;
  if (f.format !== FIXTURE_FORMAT) return `not a fixture (no "format": "${FIXTURE_FORMAT}")`;
  if (typeof f.recordedAt !== 'string' || Number.isNaN(Date.parse(f.recordedAt))) return '"recordedAt" is not an ISO date';
  const r = f.request;
  if (!r || typeof r !== 'object') return '"request" is missing';
  if (r.method !== undefined && (typeof r.method !== 'string' || (r.method !== '' && !TOKEN.test(r.method)))) return '"request.method" is not an HTTP method (letters such as POST)';
  if (r.query !== undefined && typeof r.query !== 'string') return '"request.query" is not a string';
  if (typeof r.body !== 'string') return '"request.body" is not a string';
  if (r.bodyEncoding !== 'utf8' && r.bodyEncoding !== 'base64') return '"request.bodyEncoding" must be "utf8" or "base64"';
  if (r.bodyEncoding === 'base64' && !BASE64.test(r.body)) return '"request.body" is not base64 (A-Z, a-z, 0-9, +, / and = padding), though "bodyEncoding" says so';
  if (r.headers === null || typeof r.headers !== 'object' || Array.isArray(r.headers)) return '"request.headers" is not an object';
  let index = 0;
  for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
    index++;
    // A valid token is safe to name; anything else is pointed at by its position.
    if (!TOKEN.test(name)) return `"request.headers": the name of header ${index} is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~)`;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v !== 'string')) return `"request.headers.${name}" is not a string or a list of strings`;
    if (values.some((v) => !HEADER_VALUE.test(v as string))) return `"request.headers.${name}" has a CR, LF or other control character in its value`;
  }
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
  const bad: InvalidFixture[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      bad.push({ file: path, reason: (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${path}: not found` : `${path}: cannot read (${describeError(error)})` });
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
    // The same fixture reached twice (named twice, or a symlink to a sibling) is one fixture.
    const key = await realpath(file).catch(() => resolve(file));
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      fixtures.push(await readFixture(file));
    } catch (error) {
      bad.push({ file, reason: describeError(error) });
    }
  }
  return { fixtures, invalid: bad };
}
