// The library for CommonJS projects (`require('heapstream-webhooks')`), on every Node that
// `engines` allows, including those without require(esm) (before 20.19 and 22.12):
// - dist/index.cjs: the compiled library entry bundled into one CommonJS file; dependencies
//   stay external (undici, picomatch are CommonJS themselves);
// - dist/cjs/: the declarations again, under a package.json that marks them CommonJS, so
//   TypeScript gives `require` consumers types that say what they get.
// Run after tsc (npm run build).
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

await build({
  entryPoints: [join(dist, 'index.js')],
  outfile: join(dist, 'index.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  // version.ts finds package.json next to its own file; dist/index.cjs sits where dist/version.js does.
  define: { 'import.meta.url': '__hswModuleUrl' },
  banner: { js: 'const __hswModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
});

const types = join(dist, 'cjs');
async function copyDeclarations(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== types) await copyDeclarations(path);
    } else if (entry.name.endsWith('.d.ts')) {
      const target = join(types, relative(dist, path));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(path, target);
    }
  }
}
await copyDeclarations(dist);
await writeFile(join(types, 'package.json'), '{ "type": "commonjs" }\n');
