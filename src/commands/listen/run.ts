/**
 * Runs `listen` until Ctrl-C: start the session, print as events come, then shut down
 * gracefully and print the summary.
 */
import { exitCodeFor, nextInterrupt } from '../../interrupt.js';
import { loadListenIdentity, type ListenIdentity } from '../../listen/identity.js';
import { ConsoleListenReporter } from '../../listen/reporter.js';
import { ListenSession } from '../../listen/session.js';
import type { ListenOptions, ListenSummary } from '../../listen/types.js';
import { createSpinnerFactory } from '../../ui/spinner.js';
import type { Output } from '../../ui/output.js';
import type { CommandResult } from '../types.js';

export type RunListenOptions = Omit<ListenOptions, 'reporter'> & {
  output: Output;
  /** Rotate the saved path token and subdomain (`--new-url`). */
  newUrl: boolean;
};

export interface ListenResult extends CommandResult {
  summary: ListenSummary;
}

export async function run(options: RunListenOptions): Promise<ListenResult> {
  const { output, newUrl, ...rest } = options;
  const spinner = await createSpinnerFactory(output.interactive);
  const reporter = new ConsoleListenReporter(output, spinner, rest.tunnel?.host);
  // Explicit --path and --subdomain win; otherwise the URL stays the same from run to run.
  const needsIdentity = !rest.path || (rest.tunnel !== undefined && !rest.tunnel.subdomain);
  const identity = needsIdentity ? await loadListenIdentity({ cwd: process.cwd(), renew: newUrl, warn: (text) => output.warn(text) }) : undefined;
  const session = new ListenSession({
    ...rest,
    path: rest.path || (identity as ListenIdentity).path,
    ...(rest.tunnel ? { tunnel: { ...rest.tunnel, subdomain: rest.tunnel.subdomain || (identity as ListenIdentity).subdomain } } : {}),
    reporter,
  });
  const interrupted = nextInterrupt({ stdoutClosed: true });
  await session.start();
  const reason = await interrupted;
  output.line(output.color.dim('\nStopping: finishing in-flight deliveries…'));
  const summary = await session.stop();
  reporter.summary(summary);
  return { exitCode: exitCodeFor(reason), summary };
}
