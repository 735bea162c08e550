/**
 * Artillery for the tests that run an export for real. It is the user's install, never a
 * dependency of the package: Artillery 2 needs Node ≥ 22.18, so the tests install it and a
 * Node 22 binary from the npm registry (node-<platform>-<arch>, a package that ships the
 * binary itself) into a cache directory outside the project, once, and run Artillery with
 * that Node. `--ignore-scripts`: no install step may download anything else.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const ARTILLERY_VERSION = '2.0.34';
export const NODE_VERSION = '22.23.5';

const cacheRoot = process.env['HSW_TEST_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'heapstream-webhooks-test');
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;
export const ARTILLERY_PREFIX = join(cacheRoot, `artillery-${ARTILLERY_VERSION}-${NODE_PACKAGE}-${NODE_VERSION}`);

export interface ArtilleryInstall {
  node: string;
  artillery: string;
}

function paths(prefix: string): ArtilleryInstall {
  return { node: join(prefix, 'node_modules', NODE_PACKAGE, 'bin', 'node'), artillery: join(prefix, 'node_modules', 'artillery', 'bin', 'run') };
}

/** The cached install, made on first use (about 45 s and 650 MB). */
export async function installArtillery(): Promise<ArtilleryInstall> {
  const done = join(ARTILLERY_PREFIX, '.installed');
  if (existsSync(done)) return paths(ARTILLERY_PREFIX);
  await mkdir(cacheRoot, { recursive: true });
  // Installed beside and renamed into place: a run stopped halfway leaves no half install behind.
  const temp = `${ARTILLERY_PREFIX}.${process.pid}.tmp`;
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp, { recursive: true });
  await writeFile(join(temp, 'package.json'), '{ "private": true }\n');
  try {
    await promisify(execFile)('npm', ['install', '--prefix', temp, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error', `artillery@${ARTILLERY_VERSION}`, `${NODE_PACKAGE}@${NODE_VERSION}`], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw new Error(`could not install artillery@${ARTILLERY_VERSION} and ${NODE_PACKAGE}@${NODE_VERSION} from the npm registry: ${(error as Error).message}`);
  }
  await writeFile(join(temp, '.installed'), `${new Date().toISOString()}\n`);
  // What an interrupted older layout left: nothing in it can be trusted.
  if (existsSync(ARTILLERY_PREFIX) && !existsSync(done)) await rm(ARTILLERY_PREFIX, { recursive: true, force: true });
  try {
    await rename(temp, ARTILLERY_PREFIX);
  } catch (error) {
    // Another test process finished first: use its install.
    await rm(temp, { recursive: true, force: true });
    if (!existsSync(done)) throw error;
  }
  return paths(ARTILLERY_PREFIX);
}

export interface ArtilleryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `artillery run <args>` with the Node 22 binary; telemetry off (tests reach loopback only). */
export function runArtillery(install: ArtilleryInstall, args: string[], cwd: string): Promise<ArtilleryRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(install.node, [install.artillery, 'run', ...args], {
      cwd,
      env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// `npx tsx test/helpers/artillery.ts`: install ahead of the tests (a CI step), print where.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const install = await installArtillery();
  console.log(`artillery ${ARTILLERY_VERSION}: ${install.artillery}\nnode ${NODE_VERSION}: ${install.node}`);
}
