/**
 * A new event built from a recorded one (`trigger --like`): the recording's bytes with a few
 * values replaced in place, so its shape, key order, spacing and number formatting (`12.0`
 * stays `12.0`) survive exactly. This is how to synthesize an event type the catalog does not
 * model yet, or one whose real shape differs from the model.
 */
import { ExitCode, HswError, UsageError } from '../errors.js';
import { summarizeBody } from './summary.js';
import { FLOAT_PATHS, findCatalogEntry } from './catalog.js';
import { JsonSyntaxError, memberOf, nodeValue, parseJsonText, type JsonNode } from './json-text.js';
import { createRandom, randomInt, type Random } from './random.js';
import { formatTimestamp, pythonFloat, serializeEvent } from './serializer.js';
import { listPaths, splitPath, type Assignment } from './set-path.js';

export interface LikeOptions {
  /** The moment the new event claims to have happened; default: now. */
  now?: Date;
  /** Keep the recording's ids; by default every field named `id` gets a fresh value. */
  keepIds?: boolean;
  /** Makes the fresh ids (and the timestamp's microseconds) reproducible. */
  seed?: number;
  /** Applied last, in order; each sees the previous ones. */
  set?: Assignment[];
  /** Allow `set` paths the recording does not have (they are added). */
  force?: boolean;
}

export interface LikeEvent {
  /** The new body's `event_type`, when it has one. */
  type: string | null;
  /** Whether the catalog models that type. */
  known: boolean;
  videoId: number | null;
  /** The exact bytes to send. */
  body: string;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function buildLike(recorded: string | Uint8Array, options: LikeOptions = {}): LikeEvent {
  let body = typeof recorded === 'string' ? recorded : decode(recorded);
  const random = createRandom(options.seed);
  const root = parse(body, 'the recorded body');
  if (root.kind !== 'object') throw new HswError('HSW_BODY_NOT_JSON', `the recorded body is a JSON ${root.kind}, not an event object`, { exitCode: ExitCode.usage });

  const edits: Edit[] = [];
  const timestamp = memberOf(root, 'timestamp')?.value;
  if (timestamp?.kind === 'string') {
    const now = options.now ?? new Date();
    edits.push({ ...timestamp, text: JSON.stringify(formatTimestamp(now, now.getUTCMilliseconds() * 1000 + randomInt(random, 0, 999))) });
  }
  if (!options.keepIds) freshIds(root, random, new Map(), edits);
  body = apply(body, edits);

  // Each assignment on the text the previous one left, so that they compose like --set does.
  for (const assignment of options.set ?? []) body = apply(body, [assign(body, assignment, Boolean(options.force))]);

  const summary = summarizeBody(Buffer.from(body, 'utf8'));
  return { type: summary.type, known: summary.type !== null && findCatalogEntry(summary.type) !== undefined, videoId: summary.videoId, body };
}

function decode(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch (error) {
    throw new HswError('HSW_BODY_NOT_JSON', 'the recorded body is not UTF-8 text, so not a JSON event', { exitCode: ExitCode.usage, cause: error });
  }
}

function parse(text: string, what: string): JsonNode {
  try {
    return parseJsonText(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new HswError('HSW_BODY_NOT_JSON', `${what} is not JSON (${error.message}); only a JSON event can be built on`, { exitCode: ExitCode.usage, cause: error });
  }
}

/** Non-overlapping edits, applied from the end so that earlier offsets stay valid. */
function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  return out;
}

/**
 * Every field named `id` (the video's, the asset's, any object's a new event type brings)
 * gets a fresh value of the same form: as many digits, or the same character classes in a
 * string id. `project_id` is left alone: it names the user's own project. The same old id
 * gets the same new one throughout, so references inside the event stay consistent.
 */
function freshIds(node: JsonNode, random: Random, renamed: Map<string, string>, edits: Edit[]): void {
  if (node.kind === 'array') for (const item of node.items) freshIds(item, random, renamed, edits);
  if (node.kind !== 'object') return;
  for (const member of node.members) {
    const value = member.value;
    if (member.key === 'id' && ((value.kind === 'number' && value.integer) || value.kind === 'string')) {
      const old = value.kind === 'number' ? String(value.value) : JSON.stringify(value.value);
      let fresh = renamed.get(old);
      if (fresh === undefined) {
        fresh = value.kind === 'number' ? freshDigits(old, random) : serializeEvent(freshString(value.value, random));
        renamed.set(old, fresh);
      }
      edits.push({ start: value.start, end: value.end, text: fresh });
    } else {
      freshIds(value, random, renamed, edits);
    }
  }
}

function freshDigits(old: string, random: Random): string {
  const sign = old.startsWith('-') ? '-' : '';
  const length = old.length - sign.length;
  for (;;) {
    let digits = String(randomInt(random, length > 1 ? 1 : 0, 9));
    while (digits.length < length) digits += String(randomInt(random, 0, 9));
    if (`${sign}${digits}` !== old) return `${sign}${digits}`;
  }
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

function freshString(old: string, random: Random): string {
  // A type prefix (`vid_`, `ls-`) stays; a hex id (a UUID, a hash) stays hex; otherwise
  // digits stay digits and letters letters.
  const prefix = /^[A-Za-z]+[_-](?=.)/.exec(old)?.[0] ?? '';
  const rest = old.slice(prefix.length);
  const hex = /^[0-9a-f-]+$/.test(rest) ? HEX : /^[0-9A-F-]+$/.test(rest) ? HEX.toUpperCase() : undefined;
  for (let attempt = 0; attempt < 8; attempt++) {
    let out = prefix;
    for (const char of rest) {
      if (hex && hex.includes(char)) out += hex[randomInt(random, 0, 15)];
      else if (char >= '0' && char <= '9') out += String(randomInt(random, 0, 9));
      else if (char >= 'a' && char <= 'z') out += LOWER[randomInt(random, 0, 25)];
      else if (char >= 'A' && char <= 'Z') out += LOWER.toUpperCase()[randomInt(random, 0, 25)];
      else out += char;
    }
    if (out !== old) return out;
  }
  return old;
}

/** The edit one `set` assignment makes: a value replaced in place, or (forced) a member added. */
function assign(text: string, assignment: Assignment, force: boolean): Edit {
  const keys = splitPath(assignment.path);
  const root = parse(text, 'the event');
  let node = root;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const member = memberOf(node, key);
    const rest = keys.slice(i + 1);
    if (!member) {
      if (!force) {
        throw new UsageError(
          `--set path "${assignment.path}" is not a field of the recorded event; valid paths: ${listPaths(nodeValue(root)).join(', ')} (or add --force to add it)`,
          'HSW_UNKNOWN_PATH',
        );
      }
      return addMember(text, node as Extract<JsonNode, { kind: 'object' }>, key, valueText(nest(rest, assignment.value), assignment.path, keys.slice(0, i + 1).join('.'), undefined));
    }
    if (rest.length === 0) return { start: member.value.start, end: member.value.end, text: valueText(assignment.value, assignment.path, assignment.path, member.value) };
    if (member.value.kind !== 'object') {
      if (!force) throw new UsageError(`--set path "${assignment.path}": "${keys.slice(0, i + 1).join('.')}" is not an object`, 'HSW_UNKNOWN_PATH');
      return { start: member.value.start, end: member.value.end, text: valueText(nest(rest, assignment.value), assignment.path, keys.slice(0, i + 1).join('.'), undefined) };
    }
    node = member.value;
  }
  throw new UsageError(`--set path "${assignment.path}" is empty`, 'HSW_UNKNOWN_PATH');
}

/** `{"a": {"b": value}}` for the keys a forced path still lacks. */
function nest(keys: readonly string[], value: unknown): unknown {
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}

/**
 * A value written as the recording writes its neighbours: a number that replaces a float
 * keeps a decimal point, as does one at a path the model writes as a float; anything else in
 * HeapStream's style.
 */
function valueText(value: unknown, fullPath: string, at: string, replaced: JsonNode | undefined): string {
  if (typeof value === 'number' && replaced?.kind === 'number') return replaced.integer && Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'number' && FLOAT_PATHS.has(fullPath)) return pythonFloat(value);
  const prefix = `${at}.`;
  const floatPaths = new Set([...FLOAT_PATHS].filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length)));
  return serializeEvent(value, { floatPaths });
}

/** Adds `"key": value` to an object, with the separators its last members use. */
function addMember(text: string, object: Extract<JsonNode, { kind: 'object' }>, key: string, value: string): Edit {
  const members = object.members;
  const last = members[members.length - 1];
  if (!last) return { start: object.start + 1, end: object.start + 1, text: `${serializeEvent(key)}: ${value}` };
  const before = members[members.length - 2];
  const separator = before ? text.slice(before.value.end, last.keyStart) : ', ';
  const colon = text.slice(last.keyEnd, last.value.start);
  return { start: last.value.end, end: last.value.end, text: `${separator}${serializeEvent(key)}${colon}${value}` };
}
