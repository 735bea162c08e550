/**
 * A JSON parser that keeps what JSON.parse forgets: where each value sits in the text and how
 * each number was written. `12` and `12.0` parse to the same number, but a handler in a typed
 * language sees an integer and a float; the drift check needs the difference, and
 * `trigger --like` edits values in place so that every other byte of a recording survives.
 * It accepts exactly what JSON.parse accepts (RFC 8259), with a cap on nesting.
 */

export interface JsonSpan {
  /** Offset of the value's first character in the text. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

export type JsonNode =
  | (JsonSpan & { kind: 'object'; members: JsonMember[] })
  | (JsonSpan & { kind: 'array'; items: JsonNode[] })
  | (JsonSpan & { kind: 'string'; value: string })
  | (JsonSpan & { kind: 'number'; value: number; /** Written without a fraction or exponent. */ integer: boolean })
  | (JsonSpan & { kind: 'boolean'; value: boolean })
  | (JsonSpan & { kind: 'null' });

export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    // The offset, never the text: the text is a stranger's body or a file's contents.
    super(`${reason} at offset ${offset}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Deeper than this is not an event; a recursive parser must stop before the stack does. */
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

// The parser's state lives at module level: V8 keeps it out of closure contexts, which makes
// parsing several times faster than with nested functions. Parsing is synchronous, so one
// parse never sees another's state.
let text = '';
let at = 0;

export function parseJsonText(source: string): JsonNode {
  text = source;
  at = 0;
  try {
    const root = readValue(0);
    skipSpace();
    if (at < text.length) fail('unexpected text after the value');
    return root;
  } finally {
    text = '';
  }
}

function skipSpace(): void {
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) at++;
    else return;
  }
}

function fail(reason: string): never {
  throw new JsonSyntaxError(at >= text.length ? 'unexpected end of input' : reason, at);
}

function readString(): string {
  const start = at;
  at++; // the opening quote
  let simple = true;
  for (;;) {
    const c = text.charCodeAt(at);
    if (c === 0x22) break;
    if (c === 0x5c) {
      simple = false;
      at += 2;
      continue;
    }
    if (c < 0x20) fail('control character in a string');
    if (Number.isNaN(c)) fail('unterminated string');
    at++;
  }
  at++; // the closing quote
  if (simple) return text.slice(start + 1, at - 1);
  try {
    return JSON.parse(text.slice(start, at)) as string;
  } catch {
    at = start;
    return fail('bad escape in a string');
  }
}

function readValue(depth: number): JsonNode {
  skipSpace();
  const start = at;
  const c = text.charCodeAt(at);
  if (c === 0x7b) return readObject(depth + 1);
  if (c === 0x5b) return readArray(depth + 1);
  if (c === 0x22) {
    const value = readString();
    return { kind: 'string', start, end: at, value };
  }
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (!match) return fail('bad number');
    at += match[0].length;
    return { kind: 'number', start, end: at, value: Number(match[0]), integer: match[1] === undefined && match[2] === undefined };
  }
  if (text.startsWith('true', at)) return ((at += 4), { kind: 'boolean', start, end: at, value: true });
  if (text.startsWith('false', at)) return ((at += 5), { kind: 'boolean', start, end: at, value: false });
  if (text.startsWith('null', at)) return ((at += 4), { kind: 'null', start, end: at });
  return fail('unexpected character');
}

function readObject(depth: number): JsonNode {
  if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
  const start = at;
  at++;
  const members: JsonMember[] = [];
  skipSpace();
  if (text.charCodeAt(at) === 0x7d) {
    at++;
    return { kind: 'object', start, end: at, members };
  }
  for (;;) {
    skipSpace();
    if (text.charCodeAt(at) !== 0x22) fail('expected a key');
    const keyStart = at;
    const key = readString();
    const keyEnd = at;
    skipSpace();
    if (text.charCodeAt(at) !== 0x3a) fail('expected ":"');
    at++;
    members.push({ key, keyStart, keyEnd, value: readValue(depth) });
    skipSpace();
    const next = text.charCodeAt(at);
    if (next === 0x7d) {
      at++;
      return { kind: 'object', start, end: at, members };
    }
    if (next !== 0x2c) fail('expected "," or "}"');
    at++;
  }
}

function readArray(depth: number): JsonNode {
  if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
  const start = at;
  at++;
  const items: JsonNode[] = [];
  skipSpace();
  if (text.charCodeAt(at) === 0x5d) {
    at++;
    return { kind: 'array', start, end: at, items };
  }
  for (;;) {
    items.push(readValue(depth));
    skipSpace();
    const next = text.charCodeAt(at);
    if (next === 0x5d) {
      at++;
      return { kind: 'array', start, end: at, items };
    }
    if (next !== 0x2c) fail('expected "," or "]"');
    at++;
  }
}

/** The node's plain value, as JSON.parse would give it (the last of duplicate keys wins). */
export function nodeValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const member of node.members) {
        // defineProperty, so that a "__proto__" key is a plain key as with JSON.parse.
        Object.defineProperty(out, member.key, { value: nodeValue(member.value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return node.items.map(nodeValue);
    case 'null':
      return null;
    default:
      return node.value;
  }
}

/** The member of an object node with this key; the last one, as JSON.parse keeps. */
export function memberOf(node: JsonNode, key: string): JsonMember | undefined {
  if (node.kind !== 'object') return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i]?.key === key) return node.members[i];
  return undefined;
}
