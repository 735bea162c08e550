/**
 * The README's set-up, as a new user runs it in a fresh clone: the second command starts the
 * CLI without npm installing anything then (npx installs a project whose own bin is the command
 * into its cache on first use, and a Ctrl-C during that breaks the cache: `prepare` does it
 * at the end of the first command), and survives a Ctrl-C.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
let clone: string;
let npmCache: string;
/** What npx's cache holds once the first command is done. */
let installed: string[];

/** The commands of the README's set-up block, without their comments. */
async function setUpCommands(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Set-up'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-clone-'));
  clone = join(dir, 'clone');
  npmCache = join(dir, 'npm-cache');
  execFileSync('git', ['clone', '--quiet', ROOT, clone]);
  // What the first command (`npm install`) leaves: the dependencies, and the build its
  // `prepare` makes. npm's own work is npm's to test; the second command is ours.
  await symlink(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
  await cp(join(ROOT, 'dist'), join(clone, 'dist'), { recursive: true });
  // And what `prepare` does after the build: npx's one install of the project, in the npm cache
  // the rest of the test uses (HSW_PREPARING, as prepare sets it, keeps that install from
  // running prepare again).
  execFileSync('npx', ['--yes', 'heapstream-webhooks', '--version'], { cwd: clone, env: cleanEnv({ npm_config_cache: npmCache, HSW_PREPARING: '1' }), stdio: 'ignore' });
  installed = await readdir(join(npmCache, '_npx'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a README command in the clone until it is ready, then presses Ctrl-C. */
async function runUntilReadyThenInterrupt(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // A port of its own, and a tunnel server that refuses at once (no network in tests); an
  // npm cache of its own, to see whether anything was installed into it.
  const env = cleanEnv({ HEAPSTREAM_PORT: '0', HEAPSTREAM_TUNNEL_HOST: 'http://127.0.0.1:1', npm_config_cache: npmCache, npm_config_yes: 'true' });
  // A process group of its own, as a terminal gives a command: Ctrl-C signals all of it (npx and the CLI it runs).
  const child = spawn('sh', ['-c', `exec ${command}`], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  // The status a shell reports: the exit code, or 128 + the signal that ended it (130 for SIGINT).
  const exited = new Promise<number | null>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : null))));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^Listening\s+http:\/\/127\.0\.0\.1:\d+\//m.test(stdout)) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited ${code} before it was ready\nstdout: ${stdout}\nstderr: ${stderr}`)));
    setTimeout(() => reject(new Error(`not ready within 20 s\nstdout: ${stdout}\nstderr: ${stderr}`)), 20_000).unref();
  });
  await ready;
  process.kill(-(child.pid as number), 'SIGINT');
  return { code: await exited, stdout, stderr };
}

describe("the README's set-up in a fresh clone", () => {
  it('the second command starts the CLI without installing anything, and a Ctrl-C leaves nothing broken', async () => {
    const commands = await setUpCommands();
    expect(commands).toHaveLength(2);
    expect(commands[0]).toBe('npm install');
    const second = commands[1] as string;

    const first = await runUntilReadyThenInterrupt(second);
    expect(first.code).toBe(130);
    expect(first.stdout).toMatch(/^Recording\s+fixtures$/m);
    // npx installed nothing more: nothing was under way for the Ctrl-C to leave half done.
    expect(installed).toHaveLength(1);
    expect(await readdir(join(npmCache, '_npx'))).toEqual(installed);

    // After the Ctrl-C, the same command starts again as it did.
    const again = await runUntilReadyThenInterrupt(second);
    expect(again.code).toBe(130);
    expect(await readdir(join(npmCache, '_npx'))).toEqual(installed);
  });
});
