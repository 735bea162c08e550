// The library entry as one file per module system, bundled by esbuild after tsc
// (`npm run build` runs `node esbuild.config.mjs`):
// - dist/index.mjs (ESM): one file instead of the ~40 modules tsc writes, so importing the
//   library costs about as much as requiring it (Node's ESM loader pays per module);
// - dist/index.cjs (CommonJS): `require('heapstream-webhooks')` on every Node that `engines`
//   allows, including those without require(esm) (before 20.19 and 22.12);
// - dist/cjs/: the declarations again, under a package.json that marks them CommonJS, so
//   TypeScript gives `require` consumers types that say what they get.
// Dependencies stay external (undici and picomatch are CommonJS themselves); version.js
// finds package.json by walking up, wherever a bundle puts it.
// - dist/inspector/page/: the inspector's page (listen --ui, inspect, simulate --html), a
//   browser bundle and its stylesheet; nothing is fetched from a CDN at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

const common = {
  entryPoints: [join(dist, 'index.js')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
};
await build({ ...common, format: 'esm', outfile: join(dist, 'index.mjs') });
await build({
  ...common,
  format: 'cjs',
  outfile: join(dist, 'index.cjs'),
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

// The CLI as a few files instead of the ~80 modules tsc writes: Node's ESM loader pays for
// each module it resolves, links and compiles, and `--help` has to be fast. Splitting keeps
// every command's code in chunks of its own, loaded only when that command runs (the
// start-up tests trace what `--help` loads); dependencies stay external and lazy too.
// Chunk names are content hashes: clear the last build's, so only this build's ship.
await rm(join(dist, 'bundle'), { recursive: true, force: true });
await build({
  entryPoints: { cli: join(dist, 'cli.js') },
  outdir: join(dist, 'bundle'),
  chunkNames: 'chunk-[hash]',
  // Read only under --debug (process.setSourceMapsEnabled), so stacks name src/ files.
  sourcemap: true,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Folded in: chalk (four small ESM modules every printing command loads) and commander
  // (seven CommonJS modules every start loads); one file each instead of many resolutions.
  // The rest stay external: large, or loaded only by the command that needs them.
  external: Object.keys(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).dependencies).filter((name) => name !== 'chalk' && name !== 'commander'),
  // commander's CommonJS requires Node's own modules; in an ES module esbuild's require shim
  // needs a real `require` to hand them to.
  banner: { js: 'import { createRequire as __hswCreateRequire } from "node:module"; const require = __hswCreateRequire(import.meta.url);' },
  logLevel: 'warning',
});

await build({
  entryPoints: [join(root, 'src/inspector/page/page.ts'), join(root, 'src/inspector/page/page.css')],
  outdir: join(dist, 'inspector/page'),
  bundle: true,
  minify: true,
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  legalComments: 'none',
  logLevel: 'warning',
});
