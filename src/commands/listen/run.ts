/**
 * Runs `listen` until Ctrl-C: start the session, print as events come, then shut down
 * gracefully and print the summary.
 */
import { exitCodeFor, nextInterrupt } from '../../interrupt.js';
import { loadListenIdentity, type ListenIdentity } from '../../listen/identity.js';
import { ConsoleListenReporter } from '../../listen/reporter.js';
import { ListenSession } from '../../listen/session.js';
import type { ListenOptions, ListenReporter, ListenSummary } from '../../listen/types.js';
import { createSpinnerFactory } from '../../ui/spinner.js';
import type { Output } from '../../ui/output.js';
import type { CommandResult } from '../types.js';
import type { InspectorServer } from '../../inspector/server.js';

export type RunListenOptions = Omit<ListenOptions, 'reporter'> & {
  output: Output;
  /** Rotate the saved path token and subdomain (`--new-url`). */
  newUrl: boolean;
  /** Serve the inspector on 127.0.0.1 at this port (0: a free one) (`--ui`). */
  uiPort?: number;
};

export interface ListenResult extends CommandResult {
  summary: ListenSummary;
}

export async function run(options: RunListenOptions): Promise<ListenResult> {
  const { output, newUrl, uiPort, ...rest } = options;
  const spinner = await createSpinnerFactory(output.interactive);
  const reporter = new ConsoleListenReporter(output, spinner, rest.tunnel?.host);
  const ui = uiPort === undefined ? undefined : await startInspector(rest, uiPort, output, reporter);
  // Explicit --path and --subdomain win; otherwise the URL stays the same from run to run.
  const needsIdentity = !rest.path || (rest.tunnel !== undefined && !rest.tunnel.subdomain);
  const identity = needsIdentity ? await loadListenIdentity({ cwd: process.cwd(), renew: newUrl, warn: (text) => output.warn(text) }) : undefined;
  const session = new ListenSession({
    ...rest,
    path: rest.path || (identity as ListenIdentity).path,
    ...(rest.tunnel ? { tunnel: { ...rest.tunnel, subdomain: rest.tunnel.subdomain || (identity as ListenIdentity).subdomain } } : {}),
    // `trigger` in this directory finds this listener, for as long as it runs.
    publish: { cwd: process.cwd() },
    reporter: ui?.reporter ?? reporter,
  });
  const interrupted = nextInterrupt({ stdoutClosed: true });
  try {
    await session.start();
  } catch (error) {
    await ui?.server.stop();
    throw error;
  }
  const reason = await interrupted;
  output.line(output.color.dim('\nStopping: finishing in-flight deliveries…'));
  const summary = await session.stop();
  await ui?.server.stop();
  reporter.summary(summary);
  return { exitCode: exitCodeFor(reason), summary };
}

/**
 * Loaded only with --ui: the inspector, over the directory this session records into, and a
 * reporter that tells it about every webhook as well as the console.
 */
async function startInspector(options: Omit<ListenOptions, 'reporter'>, port: number, output: Output, terminal: ListenReporter): Promise<{ server: InspectorServer; reporter: ListenReporter }> {
  const [{ InspectorServer }, { withInspector }] = await Promise.all([import('../../inspector/server.js'), import('../../inspector/listen-reporter.js')]);
  const inspector = new InspectorServer({
    port,
    mode: 'listen',
    ...(options.recordDir !== undefined ? { fixturesDir: options.recordDir } : {}),
    ...(options.forwardTo ? { replayTo: options.forwardTo } : {}),
    replayTimeoutMs: options.forwardTimeoutMs,
    warn: (text) => output.warn(text),
  });
  await inspector.start();
  return { server: inspector, reporter: withInspector(terminal, inspector) };
}
