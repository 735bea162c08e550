/**
 * Drift: where a real event differs from the catalog's model of its type. The catalog is a
 * model built from one documented example; a recording is evidence. Each finding names a
 * JSON path and a stable kind, so a test or a script can branch on it.
 */
import { ExitCode, HswError } from '../errors.js';
import { EVENT_MODEL, modelFor } from './catalog.js';
import { parseJsonText, JsonSyntaxError, type JsonNode } from './json-text.js';
import { pythonFloat } from './serializer.js';
import type { FieldModel, JsonType } from './types.js';

export type DriftKind =
  /** `event_type` names a type the catalog does not model. */
  | 'unknown-type'
  /** A field the model lacks: new in HeapStream, or never modeled. */
  | 'new-field'
  /** A field the model has that did not arrive. */
  | 'missing-field'
  /** Another JSON type than the model's: a float as a string, a string as null, an object as an array. */
  | 'type-change'
  /** The right type written in a form strict parsers treat differently: the timestamp's form, a float without a decimal point. */
  | 'format';

export interface DriftFinding {
  kind: DriftKind;
  /** Where, as a dotted path with array indices: `video.asset.errors[0]`; `$` is the whole body. */
  path: string;
  /** What the model has there: a JSON type, or for `format` the form HeapStream writes. */
  expected?: string;
  /** What arrived: a JSON type, the event type, or for `format` the text as written. */
  actual?: string;
  /** One line for people. Contains text from the body: print it through printable(). */
  message: string;
}

/** A body checked against the model: findings, or why it could not be read as JSON (not drift). */
export type BodyCheck = { json: true; type: string | null; findings: DriftFinding[] } | { json: false; reason: string };

/** HeapStream's form: `2024-10-10T10:10:10.000010+0000`. */
export const TIMESTAMP_FORM = 'YYYY-MM-DDTHH:MM:SS.ffffff+0000';
const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}\+0000$/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Checks a webhook body as it arrived (bytes or text). Never throws: a body that is not
 * JSON is reported as such. Fast enough to run on every webhook `listen` receives.
 */
export function checkBody(body: string | Uint8Array): BodyCheck {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    try {
      text = strictUtf8.decode(body);
    } catch {
      return { json: false, reason: 'the body is not UTF-8 text' };
    }
  }
  let root: JsonNode;
  try {
    root = parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { json: false, reason: `the body is not JSON (${error.message})` };
    throw error;
  }
  return checkNode(root);
}

/**
 * The library's check: the findings for one body, empty when it fits the model. Pass the
 * raw body (string or bytes) to have number formatting checked too; a parsed object has
 * lost how its numbers were written. A body that is not JSON throws HSW_BODY_NOT_JSON.
 */
export function checkEvent(body: string | Uint8Array | object): DriftFinding[] {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const result = checkBody(body);
    if (!result.json) throw new HswError('HSW_BODY_NOT_JSON', result.reason, { exitCode: ExitCode.usage });
    return result.findings;
  }
  return checkNode(fromValue(body)).findings;
}

/** A node of the text parser, or of a parsed value (whose numbers' written form is unknown). */
type AnyNode = JsonNode | ValueNode;

function checkNode(root: AnyNode): { json: true; type: string | null; findings: DriftFinding[] } {
  const findings = new Findings();
  if (root.kind !== 'object') {
    findings.add('type-change', '$', `the body is ${article(typeOf(root))}, not an event object`, 'object', typeOf(root));
    return { json: true, type: null, findings: findings.list };
  }
  const typeNode = lastMember(root, 'event_type');
  const type = typeNode?.kind === 'string' ? typeNode.value : null;
  if (type !== null && !modelFor(type)) {
    findings.add('unknown-type', 'event_type', `event type "${type}" is not in the catalog: there is no model to compare with`, undefined, type);
    return { json: true, type, findings: findings.list };
  }
  // No usable event_type: the rest is still compared with the shape every type shares.
  compare(root, type === null ? EVENT_MODEL : (modelFor(type) as FieldModel), null, findings);
  return { json: true, type, findings: findings.list };
}

/**
 * A path built only when a finding needs it: most bodies fit, and building a string per
 * field would cost more than the comparison itself.
 */
type Path = { parent: Path; key: string | number } | null;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function render(path: Path): string {
  if (path === null) return '$';
  const parts: (string | number)[] = [];
  for (let p: Path = path; p !== null; p = p.parent) parts.push(p.key);
  let out = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const key = parts[i] as string | number;
    if (typeof key === 'number') out += `[${key}]`;
    else if (!IDENTIFIER.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out ? `.${key}` : key;
  }
  return out;
}

/** An object model's fields as a Map, built once per model. */
const fieldMaps = new WeakMap<FieldModel, Map<string, FieldModel>>();

function fieldsOf(model: FieldModel): Map<string, FieldModel> {
  let fields = fieldMaps.get(model);
  if (!fields) {
    fields = new Map(Object.entries(model.fields ?? {}));
    fieldMaps.set(model, fields);
  }
  return fields;
}

function compare(node: AnyNode, model: FieldModel, path: Path, findings: Findings): void {
  // A full list ends the walk: a hostile body must not cost a finding's text per key.
  if (findings.full) return;
  const actual = typeOf(node);
  if (!fits(actual, model.type)) {
    if (model.type === 'float' && actual === 'integer') {
      const number = node as Extract<JsonNode, { kind: 'number' }>;
      findings.add('format', render(path), `float written without a decimal point (${number.value}); HeapStream writes ${pythonFloat(number.value)}, and a handler that tells integers from floats sees another type`, pythonFloat(number.value), String(number.value));
    } else {
      findings.add('type-change', render(path), `${model.type} in the model, ${actual} here`, model.type, actual);
    }
    return;
  }
  if (node.kind === 'string' && model.format === 'timestamp' && !TIMESTAMP.test(node.value)) {
    findings.add('format', render(path), `"${node.value}" is not in HeapStream's timestamp form ${TIMESTAMP_FORM}`, TIMESTAMP_FORM, node.value);
    return;
  }
  if (node.kind === 'object') {
    const fields = fieldsOf(model);
    // In first-seen order; of duplicate keys the last value counts, as for JSON.parse.
    const present = new Map<string, AnyNode>();
    const members: readonly { key: string; value: AnyNode }[] = node.members;
    for (const { key, value } of members) present.set(key, value);
    let matched = 0;
    for (const [key, value] of present) {
      if (findings.full) return;
      const childModel = fields.get(key);
      if (childModel) {
        matched++;
        compare(value, childModel, { parent: path, key }, findings);
      } else findings.add('new-field', render({ parent: path, key }), `not in the model (${typeOf(value)} here)`, undefined, typeOf(value));
    }
    if (matched < fields.size) {
      for (const [key, childModel] of fields) {
        if (!present.has(key)) findings.add('missing-field', render({ parent: path, key }), `missing; the model has ${article(childModel.type)}`, childModel.type);
      }
    }
  } else if (node.kind === 'array' && model.items) {
    const items: readonly AnyNode[] = node.items;
    for (let index = 0; index < items.length && !findings.full; index++) compare(items[index] as AnyNode, model.items, { parent: path, key: index }, findings);
  }
}

function lastMember(node: AnyNode, key: string): AnyNode | undefined {
  if (node.kind !== 'object') return undefined;
  const members: readonly { key: string; value: AnyNode }[] = node.members;
  for (let i = members.length - 1; i >= 0; i--) if (members[i]?.key === key) return members[i]?.value;
  return undefined;
}

function fits(actual: JsonType | 'number', expected: JsonType): boolean {
  if (actual === expected) return true;
  // A parsed object has lost how its numbers were written: an integral number fits either.
  return actual === 'number' && (expected === 'integer' || expected === 'float');
}

function typeOf(node: AnyNode): JsonType | 'number' {
  if (node.kind !== 'number') return node.kind;
  if (node.integer === undefined) return Number.isInteger(node.value) ? 'number' : 'float';
  return node.integer ? 'integer' : 'float';
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Collects findings. An array's items would repeat one finding per item, so it is kept once
 * per path pattern; and a hostile body with thousands of odd keys yields a bounded list.
 */
class Findings {
  static readonly MAX = 100;
  readonly list: DriftFinding[] = [];
  private readonly seen = new Set<string>();

  get full(): boolean {
    return this.list.length >= Findings.MAX;
  }

  add(kind: DriftKind, path: string, message: string, expected?: string, actual?: string): void {
    if (this.full) return;
    const key = `${kind}\u0000${path.replace(/\[\d+\]/g, '[]')}\u0000${expected ?? ''}\u0000${actual ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ kind, path, ...(expected !== undefined ? { expected } : {}), ...(actual !== undefined ? { actual } : {}), message });
  }
}

type ValueNode =
  | { kind: 'object'; members: { key: string; value: ValueNode }[] }
  | { kind: 'array'; items: ValueNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; integer?: undefined }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

function fromValue(value: unknown): ValueNode {
  if (value === null || value === undefined) return { kind: 'null' };
  if (Array.isArray(value)) return { kind: 'array', items: value.map(fromValue) };
  switch (typeof value) {
    case 'string':
      return { kind: 'string', value };
    case 'number':
      return { kind: 'number', value };
    case 'boolean':
      return { kind: 'boolean', value };
    case 'object':
      return { kind: 'object', members: Object.entries(value).map(([key, child]) => ({ key, value: fromValue(child) })) };
    default:
      return { kind: 'string', value: String(value) };
  }
}
