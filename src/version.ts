import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let cached: string | undefined;

/**
 * The package's own directory: the nearest one above this module with a package.json.
 * Walking up (instead of a fixed `../`) finds it from src/ (tests), from tsc's dist/ and
 * from the bundled CLI's chunks in dist/bundle/ alike.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  root = dir;
  return root;
}

/** The package version, read once from package.json. */
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}

export function userAgent(): string {
  return `heapstream-webhooks/${packageVersion()}`;
}
