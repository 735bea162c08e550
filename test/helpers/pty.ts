/**
 * Runs the CLI inside a real pseudo-terminal via util-linux `script`, so interactive
 * prompts see a TTY on stdin and stdout, exactly as on a developer's terminal.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { BIN, CONFIG_HOME, childCoverage } from './cli.js';
import { waitUntil } from './time.js';

export interface PtySession {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exit: Promise<number | null>;
  kill(): void;
  /** Sends `signal` to the CLI itself, as `kill` from another terminal would (not a key typed). */
  signal(signal: NodeJS.Signals): void;
}

/** The CLI's process among `root`'s descendants (Linux /proc): `script` runs a shell that runs it. */
function cliBelow(root: number): number {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const below = (pid: number): boolean => {
    for (let at = parents.get(pid); at !== undefined && at > 1; at = parents.get(at)) if (at === root) return true;
    return false;
  };
  for (const pid of parents.keys()) {
    if (!below(pid)) continue;
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (cmdline.includes(BIN)) return pid;
  }
  throw new Error(`pty: no CLI process below ${root}`);
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

export function runInPty(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): PtySession {
  // A fresh pseudo-terminal reports 0 columns; give it a size, as a terminal window has.
  const command = `stty cols 120 rows 40; ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  // A developer's terminal: no CI variable (spinners and progress bars turn themselves off under CI).
  const { CI: _ci, ...env } = process.env;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...env, NO_COLOR: '1', TERM: 'xterm', COLUMNS: '120', LINES: '40', XDG_CONFIG_HOME: CONFIG_HOME, ...childCoverage(), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => out,
    async waitFor(pattern, timeoutMs = 15_000) {
      try {
        await waitUntil(() => pattern.test(out), `${pattern} on the terminal`, timeoutMs);
      } catch (error) {
        throw new Error(`pty: ${(error as Error).message}; screen so far:\n${out}`);
      }
    },
    type(keys) {
      child.stdin.write(keys);
    },
    exit,
    kill() {
      child.kill('SIGKILL');
    },
    signal(signal) {
      process.kill(cliBelow(child.pid as number), signal);
    },
  };
}

export const KEY = { down: '\x1b[B', up: '\x1b[A', enter: '\r', space: ' ' } as const;
