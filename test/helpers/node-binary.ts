/**
 * Node.js of a given major version, for the suite on other Nodes (.ci/run) and for
 * `npm run bench -- --node 24`: Node's own release binaries as the npm registry carries them
 * (node-<platform>-<arch>), installed once per major version into a cache folder, so nothing
 * but the registry is needed.
 *
 * Run directly, it prints the binary's path: `tsx test/helpers/node-binary.ts 24`.
 */
import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the binaries are kept: $HSW_NODE_CACHE, else the user's cache folder. */
export function nodeCacheDir(): string {
  return process.env['HSW_NODE_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'heapstream-webhooks', 'node');
}

function versionOf(binary: string): string | undefined {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The path of a `node` of this major version; the running one when it is that version. */
export function nodeBinary(major: string): string {
  if (!/^[1-9]\d*$/.test(major)) throw new Error(`"${major}" is not a Node major version; give a number such as 24`);
  if (process.versions.node.split('.')[0] === major) return process.execPath;
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = join(nodeCacheDir(), major);
  const binary = join(prefix, 'node_modules', pkg, 'bin', 'node');
  // Asking the binary, not testing that the file exists: an interrupted install is redone.
  if (versionOf(binary)?.startsWith(`v${major}.`)) return binary;
  // npm's progress goes to stderr, so that stdout carries the path alone.
  const install = spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `${pkg}@${major}`], { stdio: ['ignore', 2, 2] });
  const version = versionOf(binary);
  if (install.status !== 0 || !version?.startsWith(`v${major}.`)) {
    throw new Error(`could not install Node ${major} from the npm registry (${pkg}@${major} into ${prefix}); check that the registry is reachable, or set HSW_NODE_CACHE to a folder holding node_modules/${pkg}`);
  }
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(nodeBinary(process.argv[2] ?? ''));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
  }
}
