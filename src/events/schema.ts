/**
 * The shape observed across recordings, per event type: every path, the JSON types seen there
 * and in how many events, next to what the model says. It shows at a glance how real events
 * differ from the catalog, and is what to paste into an issue when they do.
 */
import { modelFor } from './catalog.js';
import { parseJsonText, type JsonNode } from './json-text.js';
import type { FieldModel, JsonType } from './types.js';

export interface ObservedField {
  /** Dotted path; `[]` stands for every item of an array, `$` for a body that is not an object. */
  path: string;
  /** For each JSON type: in how many events it was seen at this path. */
  types: Partial<Record<JsonType, number>>;
  /** In how many events of this type the path was present. */
  events: number;
  /** The model's type here; null when the model has no such field or does not know the event type. */
  model: JsonType | null;
}

export interface ObservedType {
  /** The `event_type`; null when the bodies had none (or not a string). */
  type: string | null;
  /** Whether the catalog models this type. */
  known: boolean;
  events: number;
  /** In the order first seen (HeapStream's key order), then the model's fields never seen. */
  fields: ObservedField[];
}

export interface ObservedSchema {
  types: ObservedType[];
  /** Bodies that are not JSON: counted, not shaped. */
  unparseable: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SchemaCollector {
  private readonly byType = new Map<string | null, { events: number; fields: Map<string, { types: Map<JsonType, number>; events: number }> }>();
  private unparseable = 0;

  add(body: string | Uint8Array): void {
    let root: JsonNode;
    try {
      root = parseJsonText(typeof body === 'string' ? body : strictUtf8.decode(body));
    } catch {
      this.unparseable++;
      return;
    }
    const typeNode = root.kind === 'object' ? lastValue(root, 'event_type') : undefined;
    const type = typeNode?.kind === 'string' ? typeNode.value : null;
    let entry = this.byType.get(type);
    if (!entry) {
      entry = { events: 0, fields: new Map() };
      this.byType.set(type, entry);
    }
    entry.events++;
    // The types seen per path in this one event, so that an array of ten strings counts once.
    const seen = new Map<string, Set<JsonType>>();
    if (root.kind === 'object') walkMembers(root, '', seen);
    else note(seen, '$', root);
    for (const [path, types] of seen) {
      let field = entry.fields.get(path);
      if (!field) {
        field = { types: new Map(), events: 0 };
        entry.fields.set(path, field);
      }
      field.events++;
      for (const t of types) field.types.set(t, (field.types.get(t) ?? 0) + 1);
    }
  }

  result(): ObservedSchema {
    const types: ObservedType[] = [];
    for (const [type, entry] of this.byType) {
      const model = type === null ? undefined : modelFor(type);
      const modelTypes = new Map<string, JsonType>();
      if (model) modelPaths(model, '', modelTypes);
      const fields: ObservedField[] = [...entry.fields].map(([path, field]) => ({
        path,
        types: Object.fromEntries(field.types),
        events: field.events,
        model: modelTypes.get(path) ?? null,
      }));
      for (const [path, modelType] of modelTypes) {
        if (!entry.fields.has(path)) fields.push({ path, types: {}, events: 0, model: modelType });
      }
      types.push({ type, known: model !== undefined, events: entry.events, fields });
    }
    // By name, bodies without an event_type last.
    types.sort((a, b) => (a.type ?? '\uffff').localeCompare(b.type ?? '\uffff'));
    return { types, unparseable: this.unparseable };
  }
}

function walkMembers(node: Extract<JsonNode, { kind: 'object' }>, prefix: string, seen: Map<string, Set<JsonType>>): void {
  for (const member of node.members) {
    const path = IDENTIFIER.test(member.key) ? (prefix ? `${prefix}.${member.key}` : member.key) : `${prefix}[${JSON.stringify(member.key)}]`;
    walk(member.value, path, seen);
  }
}

function walk(node: JsonNode, path: string, seen: Map<string, Set<JsonType>>): void {
  note(seen, path, node);
  if (node.kind === 'object') walkMembers(node, path, seen);
  else if (node.kind === 'array') for (const item of node.items) walk(item, `${path}[]`, seen);
}

function note(seen: Map<string, Set<JsonType>>, path: string, node: JsonNode): void {
  let types = seen.get(path);
  if (!types) {
    types = new Set();
    seen.set(path, types);
  }
  types.add(node.kind === 'number' ? (node.integer ? 'integer' : 'float') : node.kind);
}

function lastValue(node: Extract<JsonNode, { kind: 'object' }>, key: string): JsonNode | undefined {
  for (let i = node.members.length - 1; i >= 0; i--) if (node.members[i]?.key === key) return node.members[i]?.value;
  return undefined;
}

function modelPaths(model: FieldModel, prefix: string, into: Map<string, JsonType>): void {
  for (const [key, child] of Object.entries(model.fields ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    into.set(path, child.type);
    modelPaths(child, path, into);
  }
  if (model.items) {
    into.set(`${prefix}[]`, model.items.type);
    modelPaths(model.items, `${prefix}[]`, into);
  }
}
