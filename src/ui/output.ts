/**
 * Terminal output. Human lines go to stdout, warnings to stderr; with `--json` stdout
 * carries NDJSON only. Colour only on a TTY, with NO_COLOR / FORCE_COLOR honoured (chalk's
 * own detection does that).
 */
import chalk, { Chalk, type ChalkInstance } from 'chalk';

export interface Output {
  readonly json: boolean;
  readonly color: ChalkInstance;
  /** Whether stdout is an interactive terminal (spinners, progress bars). */
  readonly interactive: boolean;
  /** A human line on stdout; dropped in JSON mode. */
  line(text: string): void;
  /** One NDJSON record on stdout; only in JSON mode. */
  record(value: object): void;
  /** Bytes exactly as given (a body for `--print`, `--body`), in either mode. */
  raw(data: string | Uint8Array): void;
  /** A warning on stderr (in JSON mode too: stderr is not the machine channel). */
  warn(text: string): void;
  /** An error on stderr that does not stop the command (the command's exit code says it). */
  error(text: string): void;
  /** A plain line on stderr, in JSON mode too: a child process's log, CI workflow commands. */
  note(text: string): void;
}

export interface OutputOptions {
  json?: boolean;
  stdout?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const json = options.json ?? false;
  const color = colorFor(stdout);
  return {
    json,
    color,
    // A terminal that reports no width (some pseudo-terminals) cannot host a redrawn line.
    interactive: Boolean(stdout.isTTY) && (stdout.columns ?? 0) > 0 && !json,
    line(text) {
      if (!json) stdout.write(`${text}\n`);
    },
    record(value) {
      if (json) stdout.write(`${JSON.stringify(value)}\n`);
    },
    raw(data) {
      stdout.write(data);
    },
    warn(text) {
      stderr.write(`${colorFor(stderr).yellow('warning:')} ${text}\n`);
    },
    error(text) {
      stderr.write(`${colorFor(stderr).red('error:')} ${text}\n`);
    },
    note(text) {
      stderr.write(`${text}\n`);
    },
  };
}

/**
 * Colour on a terminal unless NO_COLOR is set (no-color.org: present and not empty);
 * FORCE_COLOR turns it on anywhere (CI logs that render ANSI), FORCE_COLOR=0 off everywhere.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const force = env['FORCE_COLOR'];
  if (force === '0' || force === 'false') return new Chalk({ level: 0 });
  if (force !== undefined && force !== '') return new Chalk({ level: Math.max(chalk.level, 1) as 1 | 2 | 3 });
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return new Chalk({ level: 0 });
  return stream.isTTY ? new Chalk({ level: Math.max(chalk.level, 1) as 1 | 2 | 3 }) : new Chalk({ level: 0 });
}
