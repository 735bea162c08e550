/**
 * Option groups that several commands share, declared once so that a flag reads, defaults
 * and validates the same everywhere. Flag > environment > default comes from commander's
 * `Option.env()`, which also prints "(env: …)" in help.
 */
import type { Command } from 'commander';
import { Option } from '../commander.js';
import { UsageError } from '../errors.js';
import { collect, parseInteger, parseTime } from './flags.js';
import type { HeaderMap } from '../http/types.js';
import type { FixtureFilter } from '../store/filter.js';

export const FORWARD_TO_ENV = 'HEAPSTREAM_FORWARD_TO';
export const FIXTURES_DIR_ENV = 'HEAPSTREAM_FIXTURES_DIR';
export const DEFAULT_FIXTURES_DIR = 'fixtures';

export interface DeliveryFlags {
  to?: string;
  times?: string;
  delay?: string;
  concurrency?: string;
  timeout: string;
}

/** `--to`, `--timeout` and whichever of `--times`, `--delay`, `--concurrency` a command takes. */
export function addDeliveryOptions(
  command: Command,
  pick: { to?: string; times?: string; delay?: string; concurrency?: { help: string; default: string } },
): Command {
  command.addOption(new Option('--to <url>', pick.to ?? 'handler URL').env(FORWARD_TO_ENV));
  if (pick.times) command.option('--times <n>', pick.times, '1');
  if (pick.delay) command.option('--delay <ms>', pick.delay, '0');
  if (pick.concurrency) command.option('--concurrency <n>', pick.concurrency.help, pick.concurrency.default);
  return command.option('--timeout <ms>', "per-attempt timeout (ms, or 10s); HeapStream's is 5 s", '5s');
}

/** The one "needs a handler" check, for commands that cannot run without one. */
export function requireHandler(commandName: string, to: string | undefined): string {
  if (to === undefined || to === '') throw new UsageError(`${commandName} needs a handler: --to <url> (or ${FORWARD_TO_ENV}), or --to listen for the listen running in this directory`);
  return to;
}

/** `--to` naming the `listen` that runs in this directory instead of a URL. */
export const LISTEN_TARGET = 'listen';

/** The URL `--to` names: a handler URL, or with `--to listen` the local URL of this directory's listen. */
export async function resolveTo(to: string, cwd = process.cwd()): Promise<URL> {
  if (to === LISTEN_TARGET) return runningListen(cwd, 'give --to <url> instead');
  const { parseHandlerUrl } = await import('../delivery/url.js');
  return parseHandlerUrl('--to', to);
}

/**
 * The local URL of the listen running in `cwd`. None (or one that is gone: killed, so it
 * could not remove its entry) is a usage error that says how to start one, or `otherwise`.
 */
export async function runningListen(cwd: string, otherwise: string): Promise<URL> {
  const { findListener } = await import('../listen/registry.js');
  const found = await findListener({ cwd });
  if (found.state === 'running') return found.localUrl;
  const start = `start one in this directory (another terminal) with \`heapstream-webhooks listen --forward-to <your handler>\`, or ${otherwise}`;
  if (found.state === 'stale') throw new UsageError(`the listen that was running in ${cwd} is gone (${found.reason}); ${start}`, 'HSW_NO_LISTENER');
  throw new UsageError(`no listen is running in ${cwd}; ${start}`, 'HSW_NO_LISTENER');
}

/** `--header "Name: value"`, repeatable, for every command that sends. */
export function addHeaderOption(command: Command, help: string): Command {
  return command.option('--header <"Name: value">', `${help} (repeatable)`, collect);
}

export async function headersFromFlags(values: readonly string[] | undefined): Promise<HeaderMap | undefined> {
  if (!values || values.length === 0) return undefined;
  const { parseHeaders } = await import('../delivery/headers.js');
  return parseHeaders(values);
}

export interface FixtureFilterFlags {
  event?: string;
  video?: string;
  since?: string;
  until?: string;
  last?: string;
}

/** The filters `replay`, `fixtures list` and `fixtures rm` share. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--event <glob>', 'only these event types, e.g. "video.*" or video.ready,video.failed')
    .option('--video <id>', 'only this video id')
    .option('--since <time>', 'recorded at or after: ISO 8601, or an age like 2h')
    .option('--until <time>', 'recorded at or before: ISO 8601, or an age like 30m')
    .option('--last <n>', 'only the N most recent (after the other filters)');
}

export function filterFromFlags(flags: FixtureFilterFlags): FixtureFilter {
  return {
    ...(flags.event !== undefined ? { event: flags.event } : {}),
    ...(flags.video !== undefined ? { videoId: parseInteger('--video', flags.video, { min: 0 }) } : {}),
    ...(flags.since !== undefined ? { since: parseTime('--since', flags.since) } : {}),
    ...(flags.until !== undefined ? { until: parseTime('--until', flags.until) } : {}),
    ...(flags.last !== undefined ? { last: parseInteger('--last', flags.last, { min: 1 }) } : {}),
  };
}

/** Positional fixture paths, or the fixtures directory (flag > env > ./fixtures). */
export function fixturePathsArgument(): string {
  return `fixture files or directories (default ./${DEFAULT_FIXTURES_DIR}, env ${FIXTURES_DIR_ENV})`;
}

export function defaultFixturePaths(paths: readonly string[]): string[] {
  return paths.length > 0 ? [...paths] : [fixturesDir()];
}

export function fixturesDir(): string {
  const fromEnv = process.env[FIXTURES_DIR_ENV];
  return fromEnv === undefined || fromEnv === '' ? DEFAULT_FIXTURES_DIR : fromEnv;
}
