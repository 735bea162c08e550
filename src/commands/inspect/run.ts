/**
 * `inspect [dir]`: the inspector over fixtures on disk, until Ctrl-C.
 */
import { stat } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { exitCodeFor, interrupted } from '../../interrupt.js';
import { stormFromReportFile } from '../../inspector/report-file.js';
import { InspectorServer } from '../../inspector/server.js';
import type { Output } from '../../ui/output.js';
import type { TakeInterrupt } from '../action.js';
import type { CommandResult } from '../types.js';

export interface InspectOptions {
  dir: string;
  port: number;
  /** Where Replay sends. */
  to?: URL;
  timeoutMs: number;
  /** A simulate report to show instead of the directory. */
  report?: string;
  output: Output;
  /** Taken as the inspector starts: then Ctrl-C, SIGTERM or a closed stdout stops it. */
  takeInterrupt: TakeInterrupt;
}

export interface InspectResult extends CommandResult {
  url: string;
}

export async function run(options: InspectOptions): Promise<InspectResult> {
  const { output } = options;
  const storm = options.report !== undefined ? await stormFromReportFile(options.report) : undefined;
  if (!storm) {
    const info = await stat(options.dir).catch(() => undefined);
    if (!info?.isDirectory()) {
      throw new UsageError(`no fixtures directory at ${options.dir}; record some with \`listen\` or \`trigger --save\`, or name one: inspect <dir>`, 'HSW_UNKNOWN_PATH');
    }
  }
  const interrupt = options.takeInterrupt({ stdoutClosed: true });
  const to = options.to;
  const server = new InspectorServer({
    port: options.port,
    ...(storm ? { mode: 'report', storm } : { mode: 'inspect', fixturesDir: options.dir }),
    ...(options.to ? { replayTo: () => to, replayTargets: [{ route: 'default', to: options.to.href }] } : {}),
    replayTimeoutMs: options.timeoutMs,
    warn: (text) => output.warn(text),
  });
  await server.start();
  const url = server.url;
  const c = output.color;
  if (storm) {
    output.record({ kind: 'ready', ui: url, report: options.report });
    output.line(`${c.bold('Inspector')}     ${c.bold.underline(url)}`);
    output.line(`${c.bold('Report')}        ${options.report} (${storm.summary.totals.events} events, ${storm.summary.verdict.ok ? 'PASS' : 'FAIL'})`);
  } else {
    output.record({ kind: 'ready', ui: url, dir: options.dir, replayTo: options.to?.href ?? null });
    output.line(`${c.bold('Inspector')}     ${c.bold.underline(url)}`);
    output.line(`${c.bold('Fixtures')}      ${options.dir}`);
    output.line(options.to ? `${c.bold('Replay')}        → ${options.to.href}` : `${c.bold('Replay')}        ${c.dim('off (add --to <url>)')}`);
  }
  output.line(c.dim('Open the URL in a browser; Ctrl-C stops.'));
  const reason = await interrupted(interrupt);
  await server.stop();
  return { exitCode: exitCodeFor(reason), url };
}
