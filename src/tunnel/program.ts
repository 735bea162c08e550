/**
 * A tunnel run by a program the user already has on PATH: cloudflared's quick tunnel or
 * ngrok. We never download either. Each is started pointing at the receiver's tunnel port,
 * and its public URL is read where the tool documents it: cloudflared prints it in a box
 * ("Your quick Tunnel has been created! Visit it at …: https://<words>.trycloudflare.com"),
 * and ngrok's local agent API lists it (`GET /api/tunnels` → `tunnels[].public_url`).
 * A quick tunnel's URL is new each time the program starts: when it has to be restarted,
 * the keeper announces the change loudly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, join } from 'node:path';
import { request } from 'undici';
import { HswError, describeError } from '../errors.js';
import type { OpenTunnel } from './types.js';

export type TunnelProgram = 'cloudflared' | 'ngrok';

export interface ProgramTunnelOptions {
  program: TunnelProgram;
  /** The receiver's tunnel port on 127.0.0.1. */
  localPort: number;
  openTimeoutMs: number;
  /** ngrok's agent API (http://127.0.0.1:4040, unless its web_addr is set elsewhere). */
  ngrokApiUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export const NGROK_API_URL = 'http://127.0.0.1:4040';

const INSTALL: Record<TunnelProgram, string> = {
  cloudflared: 'install cloudflared (e.g. `brew install cloudflared`, or the package for your system from Cloudflare\'s downloads page)',
  ngrok: 'install ngrok (e.g. `brew install ngrok`, or from ngrok\'s downloads page) and run `ngrok config add-authtoken <token>` once',
};

/** The program's path on PATH; a one-line usage error that says how to get it when it is not there. */
export function findProgram(program: TunnelProgram, env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new HswError('HSW_TUNNEL_PROGRAM_MISSING', `--tunnel ${program} needs ${program} on PATH, and it is not there: ${INSTALL[program]}; or use --tunnel localtunnel, or --public-url <url> for a URL you already have`, { exitCode: 2 });
}

export async function openProgramTunnel(options: ProgramTunnelOptions): Promise<OpenTunnel> {
  const binary = findProgram(options.program, options.env);
  const target = `http://127.0.0.1:${options.localPort}`;
  const args = options.program === 'cloudflared' ? ['tunnel', '--no-autoupdate', '--url', target] : ['http', target, '--log', 'stdout'];
  const child = spawnWatched(binary, args, options.env ?? process.env);
  let output = '';
  let exited: string | undefined;
  let broken: ((reason: string) => void) | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      exited ??= `${options.program} could not be started: ${describeError(error)}`;
      resolve();
    });
    child.once('exit', (code, signal) => {
      exited ??= describeExit(options.program, code, signal);
      resolve();
    });
  });
  void exit.then(() => broken?.(exited as string));
  // Only the tail is kept: enough for the URL and for the last words of a program that died.
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8_192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const deadline = Date.now() + options.openTimeoutMs;
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`${exited}${lastLine(output)}`);
      const url = options.program === 'cloudflared' ? cloudflaredUrl(output) : await ngrokUrl(options.ngrokApiUrl ?? NGROK_API_URL, options.localPort);
      if (url) {
        return {
          url,
          clientId: new URL(url).hostname,
          onBroken(listener) {
            broken = listener;
            if (exited !== undefined) listener(exited);
          },
          close() {
            stop(child);
          },
        };
      }
      if (Date.now() > deadline) throw new Error(`no public URL from ${options.program} within ${options.openTimeoutMs} ms${lastLine(output)}`);
      await Promise.race([exit, new Promise((resolve) => setTimeout(resolve, 100))]);
    }
  } catch (error) {
    stop(child);
    throw new HswError('HSW_TUNNEL_FAILED', describeError(error), { cause: error });
  }
}

/**
 * The URL cloudflared prints once its quick tunnel is up (its box, or a plain log line); not
 * the address of its own API, which it names when asking for a tunnel fails.
 */
export function cloudflaredUrl(output: string): string | undefined {
  return /https:\/\/(?!api\.)[a-z0-9-]+\.trycloudflare\.com\b(?![/.-])/i.exec(output)?.[0];
}

/** The https tunnel ngrok's agent runs for our port, from its API; undefined until there is one. */
export async function ngrokUrl(apiUrl: string, localPort: number): Promise<string | undefined> {
  let body: unknown;
  try {
    const response = await request(`${apiUrl.replace(/\/+$/, '')}/api/tunnels`, { signal: AbortSignal.timeout(2_000) });
    body = await response.body.json();
  } catch {
    return undefined;
  }
  const tunnels = (body as { tunnels?: unknown } | null)?.tunnels;
  if (!Array.isArray(tunnels)) return undefined;
  const ours = (tunnels as { public_url?: unknown; config?: { addr?: unknown } }[]).filter(
    (t) => typeof t.public_url === 'string' && typeof t.config?.addr === 'string' && new RegExp(`:${localPort}/?$`).test(t.config.addr),
  );
  const best = ours.find((t) => String(t.public_url).startsWith('https://')) ?? ours[0];
  return best ? String(best.public_url) : undefined;
}

/**
 * The program's parent is a small shell whose stdin is a pipe from this process. The
 * kernel closes that pipe however this process ends, `kill -9` included, and the shell then
 * stops the program: no tunnel outlives the listen that opened it. listen's own close()
 * (SIGTERM) is passed on. Ctrl-C reaches the whole foreground group: the shell ignores it,
 * and the program starts with it ignored too (as any job started with &) unless it asks for
 * it, as a Go program that handles Ctrl-C does; listen closes the tunnel itself either way. The
 * shell exits with the program's status.
 * Nothing is ever written to the pipe; `read` waits for its end.
 */
const WATCHDOG = [
  "trap '' INT",
  // A SIGTERM that comes before the program's pid is known is kept, and passed on once it is.
  'trap \'stop=1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null\' TERM',
  // A job started with & would read /dev/null, not the pipe, unless told otherwise.
  'exec 3<&0',
  '"$@" </dev/null 3<&- &',
  'pid=$!',
  '[ -n "$stop" ] && kill -TERM "$pid" 2>/dev/null',
  // A closed terminal (SIGHUP) ends listen: the shell and its watcher stay to stop the program.
  "trap '' HUP",
  '{ while read -r _; do :; done; kill -TERM "$pid" 2>/dev/null; } <&3 &',
  'watcher=$!',
  // `wait` returns early (above 128) when a trapped signal arrives: then wait again while the program runs.
  'while :; do wait "$pid"; status=$?; if [ "$status" -gt 128 ] && kill -0 "$pid" 2>/dev/null; then continue; fi; break; done',
  // KILL: a TERM sent before the watcher has dropped the shell's trap could be lost.
  'kill -KILL "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/**
 * How the program ended, from the watchdog shell's status: a shell reports a death by signal
 * as 128 + its number, and a program it could not run as 126 (not executable) or 127 (not found).
 */
export function describeExit(program: TunnelProgram, code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `${program} exited (${signal})`;
  if (code === 126 || code === 127) return `${program} could not be started (${code === 126 ? 'not executable' : 'not found'})`;
  const byNumber = code !== null && code > 128 ? Object.entries(constants.signals).find(([, number]) => number === code - 128)?.[0] : undefined;
  return `${program} exited (${byNumber ?? `code ${code}`})`;
}

/** Starts `binary` under the watchdog (exported for its tests). */
export function spawnWatched(binary: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // No POSIX shell to watch it on Windows: the program is started directly there.
  if (process.platform === 'win32') return spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  return spawn('/bin/sh', ['-c', WATCHDOG, 'heapstream-tunnel-watchdog', binary, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env });
}

function stop(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

function lastLine(output: string): string {
  const line = output.trim().split(/\r?\n/).at(-1)?.trim();
  return line ? `; its last words: ${line.slice(0, 200)}` : '';
}
