/**
 * `--set path=value`: change one field of a synthetic event. The value is JSON when it
 * parses as JSON (`12.5`, `true`, `["x"]`), else the raw string.
 */
import { UsageError, optionError } from '../errors.js';

export interface Assignment {
  path: string;
  value: unknown;
}

export function parseAssignment(text: string): Assignment {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new UsageError(`--set "${text}" is not path=value; e.g. --set video.asset.duration=12.5`, 'HSW_BAD_VALUE');
  }
  const path = text.slice(0, eq).trim();
  const raw = text.slice(eq + 1);
  return { path, value: parseValue(raw) };
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Every dotted path to a leaf or object in `value`, for error messages. */
export function listPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix ? [prefix] : [];
  const paths: string[] = prefix ? [prefix] : [];
  for (const [key, child] of Object.entries(value)) {
    paths.push(...listPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return paths;
}

/** The keys of a dotted path; empty keys and prototype names are refused. */
export function splitPath(path: string): string[] {
  const keys = path.split('.');
  if (keys.some((key) => key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype')) {
    throw optionError('set', `path "${path}" is not a valid dotted path`, 'HSW_UNKNOWN_PATH');
  }
  return keys;
}

/**
 * Sets `path` in a plain object tree, in place. An unknown path is an error naming the
 * valid ones, unless `force` (then missing objects are created).
 */
export function setPath(target: Record<string, unknown>, assignment: Assignment, force = false): void {
  const keys = splitPath(assignment.path);
  let node: Record<string, unknown> = target;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const last = i === keys.length - 1;
    const exists = Object.prototype.hasOwnProperty.call(node, key);
    if (!exists && !force) {
      throw optionError('set', `path "${assignment.path}" is not a field of this event; valid paths: ${listPaths(target).join(', ')} (the force option creates it)`, 'HSW_UNKNOWN_PATH');
    }
    if (last) {
      node[key] = assignment.value;
      return;
    }
    const child = node[key];
    if (child === null || typeof child !== 'object' || Array.isArray(child)) {
      if (!force) {
        throw optionError('set', `path "${assignment.path}": "${keys.slice(0, i + 1).join('.')}" is not an object (the force option replaces it)`, 'HSW_UNKNOWN_PATH');
      }
      node[key] = {};
    }
    node = node[key] as Record<string, unknown>;
  }
}
