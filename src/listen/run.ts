/**
 * Runs `listen` until Ctrl-C: start the session, print as events come, then shut down
 * gracefully and print the summary.
 */
import { ExitCode } from '../errors.js';
import { nextInterrupt } from '../interrupt.js';
import { createSpinnerFactory } from '../ui/spinner.js';
import type { Output } from '../ui/output.js';
import { loadListenIdentity, type ListenIdentity } from './identity.js';
import { ConsoleListenReporter } from './reporter.js';
import { ListenSession } from './session.js';
import type { ListenOptions } from './types.js';

export type RunListenOptions = Omit<ListenOptions, 'reporter'> & {
  output: Output;
  /** Rotate the saved path token and subdomain (`--new-url`). */
  newUrl: boolean;
};

export async function runListen(options: RunListenOptions): Promise<number> {
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
  const interrupted = nextInterrupt();
  await session.start();
  await interrupted;
  output.line(output.color.dim('\nStopping: finishing in-flight deliveries…'));
  const summary = await session.stop();
  reporter.summary(summary);
  return ExitCode.interrupted;
}
