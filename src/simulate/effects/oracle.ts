/**
 * The state oracle: how the app's state is read and emptied. In the library both are
 * functions; the CLI gives a URL (state: GET, reset: POST) or a shell command (its stdout
 * is the state). A state that is not JSON, a read that fails and a reset that fails are
 * usage errors (exit 2) naming what was given: a verdict built on them would be false.
 */
import { spawn } from 'node:child_process';
import { ExitCode, HswError, describeError, type ErrorCode } from '../../errors.js';
import { printable } from '../../text/printable.js';
import type { StateValue } from './state-diff.js';

export interface StateOracle {
  /** The app's state as JSON. */
  read(): Promise<StateValue>;
  /** Empties the app's state. */
  reset(): Promise<void>;
  /** How the reset is named in messages: `reset()`, `--reset http://…`, `restarting the app`. */
  readonly resetName: string;
  readonly stateName: string;
}

/** How long one state read or reset may take before it counts as failed. */
const ORACLE_TIMEOUT_MS = 60_000;

const fail = (code: ErrorCode, message: string, cause?: unknown): HswError => new HswError(code, message, { exitCode: ExitCode.usage, ...(cause !== undefined ? { cause } : {}) });

/** A value as JSON: what the comparisons can hold (no undefined, functions, cycles or BigInt). */
function asStateValue(value: unknown, name: string): StateValue {
  if (value === undefined) throw fail('HSW_STATE_INVALID', `${name} returned undefined; return the app's state as a JSON value (e.g. { rows })`);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw fail('HSW_STATE_INVALID', `${name} returned a value that is not JSON (${describeError(error)}); return plain objects, arrays, strings, numbers`, error);
  }
  if (text === undefined) throw fail('HSW_STATE_INVALID', `${name} returned a ${typeof value}; return the app's state as a JSON value`);
  return JSON.parse(text) as StateValue;
}

function parseStateText(text: string, name: string): StateValue {
  try {
    return JSON.parse(text) as StateValue;
  } catch {
    const start = printable(text.trim().slice(0, 40));
    throw fail('HSW_STATE_INVALID', `${name} gave ${text.trim() === '' ? 'nothing' : `"${start}${text.trim().length > 40 ? '…' : ''}"`}, which is not JSON; it must give the app's state as JSON`);
  }
}

/** The library's form: `state: async () => json`, `reset: async () => {}`. */
export function functionOracle(state: () => unknown, reset: () => unknown): StateOracle {
  return {
    stateName: 'state()',
    resetName: 'reset()',
    async read() {
      let value: unknown;
      try {
        value = await state();
      } catch (error) {
        throw fail('HSW_STATE_FAILED', `state() threw: ${describeError(error)}`, error);
      }
      return asStateValue(value, 'state()');
    },
    async reset() {
      try {
        await reset();
      } catch (error) {
        throw fail('HSW_RESET_FAILED', `reset() threw: ${describeError(error)}`, error);
      }
    },
  };
}

/** A URL (`http://…`) or a shell command, as `--state` and `--reset` take them. */
export function isUrlSpec(spec: string): boolean {
  return /^https?:\/\//i.test(spec.trim());
}

async function readStateFrom(spec: string, flag = '--state'): Promise<StateValue> {
  const name = `${flag} ${printable(spec)}`;
  if (isUrlSpec(spec)) {
    const { status, text } = await httpCall(spec, 'GET', name, 'HSW_STATE_FAILED');
    if (status < 200 || status >= 300) throw fail('HSW_STATE_FAILED', `${name} answered ${status}; it must answer 200 with the app's state as JSON`);
    return parseStateText(text, name);
  }
  const { code, stdout, stderr } = await runShell(spec, name, 'HSW_STATE_FAILED');
  if (code !== 0) throw fail('HSW_STATE_FAILED', `${name} exited ${code ?? 'by a signal'}${stderr ? `: ${printable(stderr.trim().split('\n').pop() ?? '')}` : ''}; it must print the app's state as JSON and exit 0`);
  return parseStateText(stdout, name);
}

async function resetFrom(spec: string, flag = '--reset'): Promise<void> {
  const name = `${flag} ${printable(spec)}`;
  if (isUrlSpec(spec)) {
    const { status } = await httpCall(spec, 'POST', name, 'HSW_RESET_FAILED');
    if (status < 200 || status >= 300) throw fail('HSW_RESET_FAILED', `${name} answered ${status}; a POST there must empty the app's state and answer 2xx`);
    return;
  }
  const { code, stderr } = await runShell(spec, name, 'HSW_RESET_FAILED');
  if (code !== 0) throw fail('HSW_RESET_FAILED', `${name} exited ${code ?? 'by a signal'}${stderr ? `: ${printable(stderr.trim().split('\n').pop() ?? '')}` : ''}; it must empty the app's state and exit 0`);
}

/** The CLI's form: each of state and reset a URL or a command; `reset` may be the app's restart. */
export function specOracle(state: string, reset: string | (() => Promise<void>)): StateOracle {
  return {
    stateName: `--state ${printable(state)}`,
    resetName: typeof reset === 'string' ? `--reset ${printable(reset)}` : 'restarting the app (--start)',
    read: () => readStateFrom(state),
    reset: typeof reset === 'string' ? () => resetFrom(reset) : reset,
  };
}

async function httpCall(url: string, method: 'GET' | 'POST', name: string, code: ErrorCode): Promise<{ status: number; text: string }> {
  try {
    const response = await fetch(url, { method, signal: AbortSignal.timeout(ORACLE_TIMEOUT_MS), ...(method === 'POST' ? { body: '' } : {}) });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    throw fail(code, `${name} failed: ${describeError(cause)}; is the app running there?`, error);
  }
}

function runShell(command: string, name: string, code: ErrorCode): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], timeout: ORACLE_TIMEOUT_MS });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(fail(code, `${name} could not run: ${describeError(error)}`, error)));
    child.on('close', (exit) => resolve({ code: exit, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}
