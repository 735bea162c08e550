/**
 * A body two ways: pretty (JSON laid out and coloured, or the syntax error pointed at) and
 * raw (the exact bytes: text with control and bidi characters shown as escapes, or a hex
 * dump when the bytes are not UTF-8).
 */
import { printableSegments } from '../../text/printable.js';
import type { BodyBytes } from '../api.js';
import { parseJson, type JsonNode, type ParsedJson } from '../json.js';
import { h, type Child } from './dom.js';
import { bytes as formatBytes } from './format.js';

export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The text when the bytes are valid UTF-8, else null. */
export function utf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function bodyText(body: BodyBytes): string | null {
  return utf8(decodeBase64(body.base64));
}

/** Text with anything invisible or reordering written as a marked escape; newlines kept. */
export function visible(text: string): Child[] {
  const out: Child[] = [];
  text.split('\n').forEach((line, i) => {
    if (i > 0) out.push('\n');
    for (const part of printableSegments(line)) out.push(part.escaped ? h('span', { class: 'esc', title: 'control or invisible character' }, part.text) : part.text);
  });
  return out;
}

/** Bigger bodies are shown raw: laying out megabytes of JSON as coloured spans stalls the page. */
const PRETTY_LIMIT = 512 * 1024;

export function prettyView(text: string): HTMLElement {
  if (text.length > PRETTY_LIMIT) return h('div', null, h('p', { class: 'note' }, `Large body (${formatBytes(text.length)}): shown as it is.`), h('pre', { class: 'code' }, visible(text)));
  const parsed = parseJson(text);
  if (parsed.ok) return h('pre', { class: 'code json' }, jsonNodes(parsed.value, parsed.value.root, 0));
  const { error } = parsed;
  const at = error.offset;
  return h(
    'div',
    { class: 'syntax' },
    h('p', { class: 'syntax-error', role: 'status' }, `Not valid JSON: ${error.message} at line ${error.line}, column ${error.column}`),
    h('pre', { class: 'code' }, visible(text.slice(0, at)), h('mark', { class: 'error-at', title: error.message }, at < text.length ? visible(text.slice(at, at + 1)) : '⟂'), visible(text.slice(at + 1))),
  );
}

function jsonNodes(parsed: ParsedJson, node: JsonNode, depth: number): Child[] {
  const indent = '  '.repeat(depth + 1);
  const close = '  '.repeat(depth);
  switch (node.kind) {
    case 'object':
      if (node.members.length === 0) return [h('span', { class: 'p' }, '{}')];
      return [
        h('span', { class: 'p' }, '{'),
        '\n',
        node.members.map((member, i) => [indent, h('span', { class: 'k' }, visible(JSON.stringify(member.key))), h('span', { class: 'p' }, ': '), jsonNodes(parsed, member.value, depth + 1), i < node.members.length - 1 ? h('span', { class: 'p' }, ',') : null, '\n']),
        close,
        h('span', { class: 'p' }, '}'),
      ];
    case 'array':
      if (node.items.length === 0) return [h('span', { class: 'p' }, '[]')];
      return [
        h('span', { class: 'p' }, '['),
        '\n',
        node.items.map((child, i) => [indent, jsonNodes(parsed, child, depth + 1), i < node.items.length - 1 ? h('span', { class: 'p' }, ',') : null, '\n']),
        close,
        h('span', { class: 'p' }, ']'),
      ];
    case 'string':
      return [h('span', { class: 's' }, visible(JSON.stringify(node.value)))];
    case 'number':
      // As written: -1.0 stays -1.0.
      return [h('span', { class: 'n' }, parsed.text.slice(node.start, node.end))];
    case 'boolean':
    case 'null':
      return [h('span', { class: 'l' }, node.kind === 'null' ? 'null' : String(node.value))];
  }
}

export function rawView(body: Uint8Array): HTMLElement {
  const text = utf8(body);
  if (text !== null) return h('pre', { class: 'code raw' }, visible(text));
  return h('div', null, h('p', { class: 'note' }, `Not UTF-8: ${formatBytes(body.length)} shown as hex.`), h('pre', { class: 'code hex' }, hexDump(body)));
}

const HEX_LIMIT = 64 * 1024;

export function hexDump(body: Uint8Array): string {
  const lines: string[] = [];
  const end = Math.min(body.length, HEX_LIMIT);
  for (let offset = 0; offset < end; offset += 16) {
    const row = body.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (body.length > end) lines.push(`… ${formatBytes(body.length - end)} more`);
  return lines.join('\n');
}

/**
 * A body with a Pretty / Raw switch. Pretty is the default for text, raw for binary.
 */
export function bodyPanel(body: BodyBytes, label: string): HTMLElement {
  const raw = decodeBase64(body.base64);
  const text = utf8(raw);
  const view = h('div', { class: 'body-view' });
  let mode: 'pretty' | 'raw' = text !== null ? 'pretty' : 'raw';
  const prettyButton = h('button', { type: 'button', class: 'seg', onclick: () => show('pretty'), disabled: text === null }, 'Pretty');
  const rawButton = h('button', { type: 'button', class: 'seg', onclick: () => show('raw') }, 'Raw');
  const show = (next: 'pretty' | 'raw'): void => {
    mode = next;
    prettyButton.setAttribute('aria-pressed', String(mode === 'pretty'));
    rawButton.setAttribute('aria-pressed', String(mode === 'raw'));
    view.replaceChildren(mode === 'pretty' && text !== null ? prettyView(text) : rawView(raw));
  };
  show(mode);
  return h(
    'section',
    { class: 'body-panel', 'aria-label': label },
    h(
      'div',
      { class: 'panel-head' },
      h('h3', null, label),
      h('span', { class: 'muted' }, `${formatBytes(body.size)}${body.truncated ? ' (first part only)' : ''}`),
      h('span', { class: 'segmented', role: 'group', 'aria-label': `${label} view` }, prettyButton, rawButton),
    ),
    view,
  );
}
