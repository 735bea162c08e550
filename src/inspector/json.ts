/**
 * A JSON parser for looking at bodies rather than using them: it keeps what JSON.parse
 * throws away and a webhook reader cares about (a number's exact text, so `-1.0` and `-1`
 * differ; every duplicate key; where a syntax error is, as line and column). Shared by the
 * page (pretty view, compare) and by Node code; it touches neither the DOM nor Node.
 */

export type JsonNode =
  | { kind: 'object'; entries: [string, JsonNode][] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'literal'; raw: 'true' | 'false' | 'null' };

export interface JsonSyntaxError {
  message: string;
  /** UTF-16 offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  column: number;
}

export type ParseResult = { ok: true; value: JsonNode } | { ok: false; error: JsonSyntaxError };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Deeper nesting than this is refused rather than overflowing the stack on a hostile body. */
const MAX_DEPTH = 512;

class Failure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJson(text: string): ParseResult {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new Failure(message, at);
  };
  const describe = (at: number): string => (at >= text.length ? 'the end of the text' : `${JSON.stringify(text[at])}`);
  const space = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let run = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character inside a string (escape it)');
      if (c === 0x5c) {
        out += text.slice(run, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape (four hex digits expected)');
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          fail(`bad escape \\${e ?? ''}`);
        }
        run = i;
        continue;
      }
      i++;
    }
  };
  const number = (): string => {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) return fail(`unexpected ${describe(i)}`);
    const next = text[i + match[0].length];
    if (next !== undefined && /[0-9.eE]/.test(next)) fail(`malformed number`, i + match[0].length);
    i += match[0].length;
    return match[0];
  };
  const value = (depth: number): JsonNode => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    space();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, JsonNode][] = [];
      space();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', entries };
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a key in quotes, found ${describe(i)}`);
        const key = string();
        space();
        if (text[i] !== ':') fail(`expected ":" after the key, found ${describe(i)}`);
        i++;
        entries.push([key, value(depth + 1)]);
        space();
        if (text[i] === ',') {
          const comma = i++;
          space();
          if (text[i] === '}') fail('trailing comma before "}"', comma);
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', entries };
        }
        fail(`expected "," or "}", found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const items: JsonNode[] = [];
      space();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[i] === ',') {
          const comma = i++;
          space();
          if (text[i] === ']') fail('trailing comma before "]"', comma);
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', items };
        }
        fail(`expected "," or "]", found ${describe(i)}`);
      }
    }
    if (c === '"') return { kind: 'string', value: string() };
    for (const raw of ['true', 'false', 'null'] as const) {
      if (text.startsWith(raw, i)) {
        i += raw.length;
        return { kind: 'literal', raw };
      }
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return { kind: 'number', raw: number() };
    return fail(c === undefined ? 'unexpected end of the text' : `unexpected ${describe(i)}`);
  };
  try {
    // A byte order mark is not JSON, but it is common enough to name rather than call garbage.
    if (text.charCodeAt(0) === 0xfeff) fail('byte order mark (U+FEFF) before the JSON');
    const root = value(0);
    space();
    if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
    return { ok: true, value: root };
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    return { ok: false, error: { message: error.message, ...lineAndColumn(text, error.offset) } };
  }
}

function lineAndColumn(text: string, offset: number): { offset: number; line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** Compact JSON text for a node, with numbers as they were written. */
export function jsonText(node: JsonNode): string {
  switch (node.kind) {
    case 'object':
      return `{${node.entries.map(([key, child]) => `${JSON.stringify(key)}:${jsonText(child)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map(jsonText).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
    case 'literal':
      return node.raw;
  }
}

/** Indented JSON text for a node (two spaces), numbers as they were written. */
export function formatJson(node: JsonNode, depth = 0): string {
  const inner = '  '.repeat(depth + 1);
  const outer = '  '.repeat(depth);
  if (node.kind === 'object') {
    if (node.entries.length === 0) return '{}';
    return `{\n${node.entries.map(([key, child]) => `${inner}${JSON.stringify(key)}: ${formatJson(child, depth + 1)}`).join(',\n')}\n${outer}}`;
  }
  if (node.kind === 'array') {
    if (node.items.length === 0) return '[]';
    return `[\n${node.items.map((child) => `${inner}${formatJson(child, depth + 1)}`).join(',\n')}\n${outer}]`;
  }
  return jsonText(node);
}
