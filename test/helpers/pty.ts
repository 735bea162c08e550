/**
 * Runs the CLI inside a real pseudo-terminal via util-linux `script`, so interactive
 * prompts see a TTY on stdin and stdout, exactly as on a developer's terminal.
 */
import { spawn } from 'node:child_process';
import { BIN, CONFIG_HOME, childCoverage } from './cli.js';
import { waitUntil } from './time.js';

export interface PtySession {
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  type(keys: string): void;
  exit: Promise<number | null>;
  kill(): void;
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
  };
}

export const KEY = { down: '\x1b[B', up: '\x1b[A', enter: '\r', space: ' ' } as const;
