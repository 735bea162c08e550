/**
 * Spawns the built CLI exactly as a user would (`node bin/heapstream-webhooks.js …`).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './time.js';

export const BIN = fileURLToPath(new URL('../../bin/heapstream-webhooks.js', import.meta.url));

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** The CLI keeps per-directory state in the config directory; tests get their own. */
export const CONFIG_HOME = mkdtempSync(join(tmpdir(), 'hsw-config-'));
process.on('exit', () => rmSync(CONFIG_HOME, { recursive: true, force: true }));

/**
 * Under `npm run coverage` (test/coverage.mjs), where a spawned CLI writes its V8
 * coverage: it is merged with the in-process coverage.
 */
export function childCoverage(): NodeJS.ProcessEnv {
  const dir = process.env['HSW_CHILD_COVERAGE'];
  return dir ? { NODE_V8_COVERAGE: dir } : {};
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', XDG_CONFIG_HOME: CONFIG_HOME };
  delete env['FORCE_COLOR'];
  for (const key of Object.keys(env)) if (key.startsWith('HEAPSTREAM_')) delete env[key];
  // Run inside GitHub Actions, the CLI would write to the real job's summary and outputs.
  for (const key of ['GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_OUTPUT']) delete env[key];
  Object.assign(env, childCoverage());
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Each CLI in a process group of its own (detached), so that stopping it stops what it spawned
 * too; and a test's signals go to the CLI alone, as a user's `kill` would.
 */
function spawnCli(args: string[], options: RunOptions): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
}

/** SIGKILL to the CLI's whole process group. */
function killGroup(child: ChildProcessWithoutNullStreams): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); // no group left
  }
}

export function runCli(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`CLI timed out: ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A long-running CLI (listen): lines are collected as they come, and can be awaited. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  private readonly exited: Promise<number | null>;

  constructor(args: string[], options: RunOptions = {}) {
    this.child = spawnCli(args, options);
    this.child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Waits until stdout (or stderr) matches, or fails with what was printed. */
  async waitFor(pattern: RegExp, { stream = 'stdout', timeoutMs = 15_000 }: { stream?: 'stdout' | 'stderr'; timeoutMs?: number } = {}): Promise<RegExpMatchArray> {
    try {
      return await waitUntil(() => (stream === 'stdout' ? this.stdout : this.stderr).match(pattern), `${pattern} on ${stream}`, timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
    }
  }

  /** NDJSON records printed so far. */
  records(): Record<string, unknown>[] {
    return this.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  /** Kills the CLI's process group: the CLI, and anything it started there that outlived it. */
  async stop(): Promise<void> {
    const running = this.child.exitCode === null && this.child.signalCode === null;
    // Under coverage, a CLI must exit on its own to write what it covered: SIGTERM first
    // (the CLI exits 143 on it), the group's SIGKILL only if that does not end it.
    if (running && childCoverage()['NODE_V8_COVERAGE']) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => killGroup(this.child), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    killGroup(this.child);
    if (running) await this.exited;
  }

  wait(): Promise<number | null> {
    return this.exited;
  }
}
