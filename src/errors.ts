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
  | 'HSW_LISTEN_FAILED'
  | 'HSW_INSPECTOR_UNAVAILABLE'
  | 'HSW_REPORT_INVALID'
  | 'HSW_NO_LISTENER'
  | 'HSW_RECORD_DIR'
  | 'HSW_INTERRUPTED'
  | 'HSW_BAD_OPTIONS'
  | 'HSW_APP_EXITED'
  | 'HSW_APP_NOT_READY';

export class HswError extends Error {
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
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failed;
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

export function isHswError(error: unknown): error is HswError {
  return error instanceof HswError;
}

/** Short text for an unknown thrown value, for one-line messages. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !code.startsWith('HSW_') && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
