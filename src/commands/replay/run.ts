/**
 * `replay` end to end: load, report corrupt files, filter, pick, send, summarize.
 */
import { ExitCode, HswError, type ExitCodeValue } from '../../errors.js';
import { exitCodeFor, type InterruptReason } from '../../interrupt.js';
import { runReplay, type ReplaySummary } from '../../replay/replay.js';
import { selectFixtures, type FixtureFilter, type FixtureOrder } from '../../store/filter.js';
import { loadFixtures } from '../../store/read.js';
import { reportDelivery } from '../../ui/delivery-line.js';
import type { Output } from '../../ui/output.js';
import { relativeFile } from '../../store/describe.js';
import { printable } from '../../text/printable.js';
import type { TakeInterrupt } from '../action.js';
import type { CommandResult } from '../types.js';
import type { HeaderMap } from '../../http/types.js';

export interface ReplayCommandOptions {
  paths: string[];
  to: URL;
  filter: FixtureFilter;
  order: FixtureOrder;
  times: number;
  delayMs: number;
  concurrency: number;
  timeoutMs: number;
  /** Added to (or replacing) each fixture's recorded headers. */
  headers?: HeaderMap;
  interactive: boolean;
  skipInvalid: boolean;
  output: Output;
  /** Taken once the fixtures are chosen: then Ctrl-C or SIGTERM stops sending, and what was sent is still said. */
  takeInterrupt: TakeInterrupt;
}

export interface ReplayCommandResult extends CommandResult {
  summary: ReplaySummary;
  invalid: number;
}

export async function run(options: ReplayCommandOptions): Promise<ReplayCommandResult> {
  const { output } = options;
  const { fixtures, invalid } = await loadFixtures(options.paths);
  // Every file is checked before anything is sent: one invalid fixture, and nothing goes out
  // (unless --skip-invalid), with every invalid one listed, a line each.
  const refuse = invalid.length > 0 && (!options.skipInvalid || fixtures.length === 0);
  for (const bad of invalid) {
    // The reason names a file, and file names come with the fixtures: hostile.
    if (refuse) output.error(printable(bad.reason));
    else output.warn(`skipping ${printable(bad.reason)}`);
    output.record({ kind: 'invalid', file: bad.file, reason: bad.reason });
  }
  if (refuse) {
    if (fixtures.length > 0) output.error(`${invalid.length} invalid fixture(s); nothing was sent (fix or remove them, or add --skip-invalid to send the ${fixtures.length} valid one(s))`);
    return { exitCode: ExitCode.usage, summary: { planned: 0, sent: 0, ok: 0, failed: 0, byStatus: {}, timeouts: 0, unreachable: 0 }, invalid: invalid.length };
  }
  let selected = selectFixtures(fixtures, options.filter, options.order);
  if (selected.length === 0) {
    const where = options.paths.join(', ');
    const why = fixtures.length === 0 ? `no fixtures in ${where}; record some with \`listen\` or \`trigger --save\`` : `none of the ${fixtures.length} fixtures in ${where} match the filters`;
    throw new HswError('HSW_NO_FIXTURES', why, { exitCode: ExitCode.usage });
  }
  if (options.interactive) {
    const { pickFixtures } = await import('./pick.js');
    selected = await pickFixtures(selected);
  }

  // Ctrl-C or SIGTERM: stop sending, and still say what was sent.
  const stop = options.takeInterrupt();
  const {
    result: { deliveries: _deliveries, ...summary },
  } = await runReplay({
    target: options.to,
    fixtures: selected,
    times: options.times,
    delay: options.delayMs,
    concurrency: options.concurrency,
    timeout: options.timeoutMs,
    ...(options.headers ? { headers: options.headers } : {}),
    signal: stop,
    onDelivery: ({ fixture, copy, url, result }) =>
      reportDelivery(output, { type: fixture.event.type, videoId: fixture.event.videoId, to: url, copy, times: options.times, result, file: relativeFile(fixture.file) }),
  });
  const interrupted = stop.aborted ? (stop.reason as InterruptReason) : undefined;
  output.record({ kind: 'summary', ...summary, invalid: invalid.length, interrupted: interrupted ?? null });
  const statuses = Object.entries(summary.byStatus)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
  const stopped = interrupted ? ` of ${summary.planned} (interrupted by ${interrupted})` : '';
  output.line(`\n${summary.sent} sent${stopped} · ${summary.ok} ok · ${summary.failed} failed${statuses ? ` (${statuses})` : ''}${invalid.length ? ` · ${invalid.length} invalid fixture(s) ${options.skipInvalid ? 'skipped' : 'not sent'}` : ''}`);
  const exitCode: ExitCodeValue = interrupted ? exitCodeFor(interrupted) : summary.failed > 0 ? ExitCode.failed : ExitCode.ok;
  return { exitCode, summary, invalid: invalid.length };
}
