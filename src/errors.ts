/**
 * Typed errors with stable codes. Callers (and tests) branch on `code`, never on the
 * message; `exitCode` is what the CLI exits with when the error reaches the top.
 *
 * Exit codes (the README's contract): 0 success · 1 deliveries failed or expectations not met ·
 * 2 usage or input error · 130 interrupted (SIGINT) · 143 terminated (SIGTERM).
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'HSW_USAGE'
  | 'HSW_BAD_URL'
  | 'HSW_BAD_VALUE'
  | 'HSW_BAD_HEADER'
  | 'HSW_UNKNOWN_PATH'
  | 'HSW_FIXTURE_INVALID'
  | 'HSW_FIXTURE_NOT_FOUND'
  | 'HSW_NO_FIXTURES'
  | 'HSW_BODY_NOT_JSON'
  | 'HSW_BAD_DIRECTORY'
  | 'HSW_BAD_OUTPUT'
  | 'HSW_OUTSIDE_DIRECTORY'
  | 'HSW_TUNNEL_FAILED'
  | 'HSW_TUNNEL_SUBDOMAIN_TAKEN'
  | 'HSW_TUNNEL_PROGRAM_MISSING'
  | 'HSW_LISTEN_FAILED'
  | 'HSW_INSPECTOR_UNAVAILABLE'
  | 'HSW_REPORT_INVALID'
  | 'HSW_NO_LISTENER'
  | 'HSW_RECORD_DIR'
  | 'HSW_INTERRUPTED'
  | 'HSW_BAD_OPTIONS'
  | 'HSW_APP_EXITED'
  | 'HSW_APP_NOT_READY'
  | 'HSW_STATE_INVALID'
  | 'HSW_STATE_FAILED'
  | 'HSW_RESET_FAILED'
  | 'HSW_RESET_INEFFECTIVE';

/**
 * The exit code each error code ends the CLI with (the README's table lists them, and a test
 * holds the two together). HSW_INTERRUPTED is 130 or 143, by the signal.
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, ExitCodeValue | readonly [ExitCodeValue, ExitCodeValue]>> = {
  HSW_USAGE: ExitCode.usage,
  HSW_BAD_URL: ExitCode.usage,
  HSW_BAD_VALUE: ExitCode.usage,
  HSW_BAD_HEADER: ExitCode.usage,
  HSW_UNKNOWN_PATH: ExitCode.usage,
  HSW_FIXTURE_INVALID: ExitCode.usage,
  HSW_FIXTURE_NOT_FOUND: ExitCode.usage,
  HSW_NO_FIXTURES: ExitCode.usage,
  HSW_BODY_NOT_JSON: ExitCode.usage,
  HSW_BAD_DIRECTORY: ExitCode.usage,
  HSW_BAD_OUTPUT: ExitCode.usage,
  HSW_OUTSIDE_DIRECTORY: ExitCode.usage,
  HSW_TUNNEL_FAILED: ExitCode.failed,
  HSW_TUNNEL_SUBDOMAIN_TAKEN: ExitCode.failed,
  HSW_TUNNEL_PROGRAM_MISSING: ExitCode.usage,
  HSW_LISTEN_FAILED: ExitCode.usage,
  HSW_INSPECTOR_UNAVAILABLE: ExitCode.failed,
  HSW_REPORT_INVALID: ExitCode.usage,
  HSW_NO_LISTENER: ExitCode.usage,
  HSW_RECORD_DIR: ExitCode.usage,
  HSW_INTERRUPTED: [ExitCode.interrupted, ExitCode.terminated],
  HSW_BAD_OPTIONS: ExitCode.usage,
  HSW_APP_EXITED: ExitCode.failed,
  HSW_APP_NOT_READY: ExitCode.failed,
  HSW_STATE_INVALID: ExitCode.usage,
  HSW_STATE_FAILED: ExitCode.usage,
  HSW_RESET_FAILED: ExitCode.usage,
  HSW_RESET_INEFFECTIVE: ExitCode.usage,
};

/**
 * The mark every HswError carries. `Symbol.for` gives the same symbol to every copy of this
 * module in a process (the ESM and CommonJS builds, two installed versions), so an error from
 * one copy is recognised by another, where `instanceof` would compare two different classes.
 * undici recognises its errors the same way.
 */
const BRAND = Symbol.for('heapstream-webhooks.HswError');

export class HswError extends Error {
  /** `error instanceof HswError` holds for an HswError from any copy of this package (see BRAND). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses (UsageError) keep the ordinary prototype check.
    if (this !== HswError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isHswError(value);
  }

  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  /**
   * The library option the error is about (`schedule`, `set`). Its message then starts with
   * that name, so the CLI can word it as the flag instead (see `flagWording` in cli.ts).
   */
  readonly option?: string;

  constructor(code: ErrorCode, message: string, options: { exitCode?: ExitCodeValue; cause?: unknown; option?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HswError';
    // Not enumerable: a logged or JSON-serialized error shows its code and message, not the mark.
    Object.defineProperty(this, BRAND, { value: true });
    this.code = code;
    const table = EXIT_CODES[code];
    this.exitCode = options.exitCode ?? (typeof table === 'number' ? table : table[0]);
    if (options.option !== undefined) this.option = options.option;
  }
}

/** A library option with a bad value: the message starts with the option's name. */
export function optionError(option: string, message: string, code: ErrorCode = 'HSW_BAD_VALUE'): HswError {
  return new HswError(code, `${option} ${message}`, { exitCode: ExitCode.usage, option });
}

/** Bad flag, bad value, unreadable input: exit 2. */
export class UsageError extends HswError {
  constructor(message: string, code: ErrorCode = 'HSW_USAGE', options: { cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: ExitCode.usage });
    this.name = 'UsageError';
  }
}

/** Whether `error` is an HswError, from this copy of the package or any other (its ESM or CommonJS build). */
export function isHswError(error: unknown): error is HswError {
  return typeof error === 'object' && error !== null && (error as { [BRAND]?: unknown })[BRAND] === true;
}

/** Short text for an unknown thrown value, for one-line messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !code.startsWith('HSW_') && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
