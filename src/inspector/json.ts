/**
 * JSON for looking at bodies, over the project's one parser (events/json-text): what the
 * inspector adds is a syntax error as a line and a column (and the character found there),
 * and text for a value with its numbers as they were written, so `-1.0` stays `-1.0`.
 * Shared by the page (pretty view, compare, edit) and Node code; it touches neither the DOM
 * nor Node.
 */
import { JsonSyntaxError, parseJsonText, type JsonNode } from '../events/json-text.js';

export type { JsonNode };

/** A parsed body: the tree and the text its spans point into. */
export interface ParsedJson {
  root: JsonNode;
  text: string;
}

export interface JsonError {
  message: string;
  /** UTF-16 offset into the text. */
  offset: number;
  /** 1-based. */
  line: number;
  column: number;
}

export type ParseResult = { ok: true; value: ParsedJson } | { ok: false; error: JsonError };

export function parseJson(text: string): ParseResult {
  try {
    return { ok: true, value: { root: parseJsonText(text), text } };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const found = error.offset < text.length && !error.reason.startsWith('unexpected end') ? `, found ${JSON.stringify(text[error.offset])}` : '';
    return { ok: false, error: { message: `${error.reason}${found}`, ...lineAndColumn(text, error.offset) } };
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

/** Compact JSON text for a value of `parsed`, numbers as they were written. */
export function jsonText(node: JsonNode, text: string): string {
  switch (node.kind) {
    case 'object':
      return `{${node.members.map((m) => `${JSON.stringify(m.key)}:${jsonText(m.value, text)}`).join(',')}}`;
    case 'array':
      return `[${node.items.map((item) => jsonText(item, text)).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return text.slice(node.start, node.end);
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

/** Indented JSON text (two spaces), numbers as they were written: for editing a body. */
export function formatJson(parsed: ParsedJson, node: JsonNode = parsed.root, depth = 0): string {
  const inner = '  '.repeat(depth + 1);
  const outer = '  '.repeat(depth);
  if (node.kind === 'object') {
    if (node.members.length === 0) return '{}';
    return `{\n${node.members.map((m) => `${inner}${JSON.stringify(m.key)}: ${formatJson(parsed, m.value, depth + 1)}`).join(',\n')}\n${outer}}`;
  }
  if (node.kind === 'array') {
    if (node.items.length === 0) return '[]';
    return `[\n${node.items.map((item) => `${inner}${formatJson(parsed, item, depth + 1)}`).join(',\n')}\n${outer}]`;
  }
  return jsonText(node, parsed.text);
}
