/**
 * `replay` end to end: load, report corrupt files, filter, pick, send, summarize.
 */
import { describeResult } from '../delivery/describe.js';
import { ExitCode, HswError } from '../errors.js';
import { selectFixtures, type FixtureFilter, type FixtureOrder } from '../store/filter.js';
import { fixtureRow } from '../store/describe.js';
import { loadFixtures } from '../store/read.js';
import type { Output } from '../ui/output.js';
import { runReplay, type ReplayDelivery } from './run.js';

export interface ReplayCommandOptions {
  paths: string[];
  to: URL;
  filter: FixtureFilter;
  order: FixtureOrder;
  times: number;
  delayMs: number;
  concurrency: number;
  timeoutMs: number;
  interactive: boolean;
  skipInvalid: boolean;
  output: Output;
}

export async function replayCommand(options: ReplayCommandOptions): Promise<number> {
  const { output } = options;
  const { fixtures, invalid } = await loadFixtures(options.paths);
  for (const bad of invalid) {
    if (options.skipInvalid) output.warn(`skipping ${bad.reason}`);
    else process.stderr.write(`error: ${bad.reason}\n`);
    output.record({ kind: 'invalid', file: bad.file, reason: bad.reason });
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

  const { summary } = await runReplay({
    fixtures: selected,
    to: options.to,
    times: options.times,
    delayMs: options.delayMs,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    onDelivery: (delivery) => report(output, delivery, options.times),
  });
  output.record({ kind: 'summary', ...summary, invalid: invalid.length });
  const statuses = Object.entries(summary.byStatus)
    .map(([status, count]) => `${status}×${count}`)
    .join(', ');
  output.line(`\n${summary.sent} sent · ${summary.ok} ok · ${summary.failed} failed${statuses ? ` (${statuses})` : ''}${invalid.length ? ` · ${invalid.length} invalid fixture(s) ${options.skipInvalid ? 'skipped' : 'not sent'}` : ''}`);
  if (invalid.length > 0 && !options.skipInvalid) return ExitCode.usage;
  return summary.failed > 0 ? ExitCode.failed : ExitCode.ok;
}

function report(output: Output, delivery: ReplayDelivery, times: number): void {
  const { result, fixture } = delivery;
  const row = fixtureRow(fixture);
  output.record({
    kind: 'delivery',
    file: fixture.file,
    type: fixture.event.type,
    videoId: fixture.event.videoId,
    copy: delivery.copy,
    url: delivery.url,
    ok: result.ok,
    status: result.status ?? null,
    durationMs: Math.round(result.durationMs * 10) / 10,
    error: result.error ?? null,
  });
  const c = output.color;
  const mark = result.ok ? c.green('✓') : c.red('✗');
  const copy = times > 1 ? ` (copy ${delivery.copy}/${times})` : '';
  const outcome = result.ok ? describeResult(result) : c.red(describeResult(result));
  output.line(`${mark} ${outcome.padEnd(16)} ${row.type} v${row.video}  ${c.dim(row.file)}${copy}`);
}
