/**
 * The page's static bundle, built by `npm run build` (esbuild) into dist/inspector/page/.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HswError, describeError } from '../errors.js';

export interface PageAssets {
  script: string;
  style: string;
}

/**
 * Next to the compiled module in dist/. When this module runs from its TypeScript source
 * (tests, tsx), the bundle is still the one in dist/.
 */
export function defaultAssetsDir(): string {
  const here = fileURLToPath(new URL('./page/', import.meta.url));
  return here.replace(/([\\/])src([\\/])inspector([\\/])page([\\/])$/, '$1dist$2inspector$3page$4');
}

export async function loadPageAssets(dir = defaultAssetsDir()): Promise<PageAssets> {
  try {
    const [script, style] = await Promise.all([readFile(`${dir}page.js`, 'utf8'), readFile(`${dir}page.css`, 'utf8')]);
    return { script, style };
  } catch (error) {
    throw new HswError('HSW_INSPECTOR_UNAVAILABLE', `the inspector's page is not built (${describeError(error)}); run npm run build`, { cause: error });
  }
}
