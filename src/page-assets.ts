/**
 * The inspector page's static bundle, built by `npm run build` (esbuild) into
 * dist/inspector/page/: the inspector serves it, and `simulate --html` inlines it. A leaf, so
 * that both read it without importing each other.
 */
import { readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { HswError, describeError } from './errors.js';
import { packageRoot } from './version.js';

export interface PageAssets {
  script: string;
  style: string;
}

/**
 * Always the built bundle in dist/, found from the package's root: this module runs from
 * its TypeScript source (tests, tsx), from tsc's dist/, or bundled into the CLI's chunks.
 */
export function defaultAssetsDir(): string {
  return `${join(packageRoot(), 'dist', 'inspector', 'page')}${sep}`;
}

export async function loadPageAssets(dir = defaultAssetsDir()): Promise<PageAssets> {
  try {
    const [script, style] = await Promise.all([readFile(`${dir}page.js`, 'utf8'), readFile(`${dir}page.css`, 'utf8')]);
    return { script, style };
  } catch (error) {
    throw new HswError('HSW_INSPECTOR_UNAVAILABLE', `the inspector's page is not built (${describeError(error)}); run npm run build`, { cause: error });
  }
}
