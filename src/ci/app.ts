/**
 * The app under test, for the length of a run: started through a shell in its own process
 * group, awaited until it accepts connections (or a readiness URL answers 2xx), and stopped
 * with everything it started (SIGTERM to the group, SIGKILL after a grace period). An exit
 * before or during the run is reported at once, naming the command and how it ended.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExitCode, HswError } from '../errors.js';

export interface AppOptions {
  /** A shell command line, e.g. `npm start`. */
  command: string;
  /** Ready once this URL's host and port accept a TCP connection… */
  connectTo: URL;
  /** …or, when given, once this URL answers a GET with a 2xx. */
  readyUrl?: URL;
  /** How long the app may take to become ready. */
  timeoutMs: number;
  /** How long the group gets between SIGTERM and SIGKILL (default 5 s). */
  graceMs?: number;
  /** How long to wait for the group to be gone after SIGKILL (default 2 s). */
  killWaitMs?: number;
  /** How often readiness is checked while the app starts (default 100 ms). */
  pollMs?: number;
  /** How long one readiness check may take (default 1 s for a connection, 2 s for the URL). */
  probeTimeoutMs?: number;
  /** Each line the app prints, with the stream it came on; or a file that receives its raw output. */
  log: ((line: string, stream: 'stdout' | 'stderr') => void) | { file: string };
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Aborting it while the app starts stops the app and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const POLL_MS = 100;

export class AppUnderTest {
  /** Resolves when the app's shell exits, however it ends. */
  readonly exited: Promise<AppExit>;
  private exit: AppExit | undefined;
  private stopping: Promise<void> | undefined;
  private readonly killOnExit = (): void => this.signalGroup('SIGKILL');

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: AppOptions,
    private readonly logFile: WriteStream | undefined,
  ) {
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    // Whatever ends this process (a second Ctrl-C exits at once), the app goes with it.
    process.on('exit', this.killOnExit);
  }

  /** Starts the app and resolves once it is ready; on failure it has been stopped. */
  static async start(options: AppOptions): Promise<AppUnderTest> {
    const logFile = typeof options.log === 'object' ? createWriteStream(options.log.file, { flags: 'a' }) : undefined;
    // detached: a new process group (and session), so the whole tree can be signalled at once.
    const child = spawn(options.command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd, env: options.env ?? process.env });
    const app = new AppUnderTest(child, options, logFile);
    app.pipeOutput();
    const spawnFailed = new Promise<never>((_, reject) => child.on('error', (error) => reject(new HswError('HSW_APP_EXITED', `could not start the app (${options.command}): ${error.message}`, { cause: error }))));
    try {
      await Promise.race([app.waitUntilReady(), spawnFailed]);
      return app;
    } catch (error) {
      await app.stop();
      throw options.signal?.aborted ? options.signal.reason : error;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** "exited with code 3", "was killed by SIGKILL". */
  static describeExit(exit: AppExit): string {
    return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
  }

  /** SIGTERM to the group, SIGKILL to what is left after the grace period; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.signalGroup('SIGTERM');
      if (!(await this.groupGone(this.options.graceMs ?? 5_000))) {
        this.signalGroup('SIGKILL');
        await this.groupGone(this.options.killWaitMs ?? 2_000);
      }
      process.off('exit', this.killOnExit);
      if (this.logFile) await new Promise<void>((resolve) => this.logFile?.end(resolve));
    })();
    return this.stopping;
  }

  private pipeOutput(): void {
    const { log } = this.options;
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (!source) continue;
      if (this.logFile) source.pipe(this.logFile, { end: false });
      else if (typeof log === 'function') createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => log(line, stream));
    }
  }

  private async waitUntilReady(): Promise<void> {
    const { options } = this;
    const deadline = performance.now() + options.timeoutMs;
    const what = options.readyUrl ? `${options.readyUrl.href} never answered 2xx` : `nothing accepted connections on ${options.connectTo.hostname}:${port(options.connectTo)}`;
    for (;;) {
      if (this.exit) throw this.exitedError('before it was ready');
      options.signal?.throwIfAborted();
      if (await (options.readyUrl ? answers2xx(options.readyUrl, options.probeTimeoutMs ?? 2_000) : accepts(options.connectTo, options.probeTimeoutMs ?? 1_000))) return;
      if (performance.now() >= deadline) {
        throw new HswError('HSW_APP_NOT_READY', `the app (${options.command}) was not ready within ${Math.round(options.timeoutMs / 100) / 10} s: ${what}`, { exitCode: ExitCode.failed });
      }
      await Promise.race([sleep(options.pollMs ?? POLL_MS, undefined, { signal: options.signal }), this.exited]);
    }
  }

  /** The error for an app that ended on its own; `when`: "before it was ready", "during the run". */
  exitedError(when: string): HswError {
    const exit = this.exit as AppExit;
    return new HswError('HSW_APP_EXITED', `the app (${this.options.command}) ${AppUnderTest.describeExit(exit)} ${when}`, { exitCode: ExitCode.failed });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Waits until no process of the group is alive (zombies do not count), at most `ms`. */
  private async groupGone(ms: number): Promise<boolean> {
    const pid = this.child.pid;
    if (pid === undefined) return true;
    const deadline = performance.now() + ms;
    for (;;) {
      if (this.exit && !(await groupAlive(pid))) return true;
      if (performance.now() >= deadline) return false;
      await sleep(25);
    }
  }
}

function port(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

function accepts(url: URL, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port: port(url) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function answers2xx(url: URL, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 300;
  } catch {
    return false;
  }
}

/**
 * Whether any process of group `pgid` is still running. `kill(-pgid, 0)` alone is not
 * enough where nothing reaps orphans (some container inits): their zombies keep the group
 * "alive" forever, so on Linux the process table is read and zombies are skipped.
 */
export async function groupAlive(pgid: number): Promise<boolean> {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return true;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}
