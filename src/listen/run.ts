/**
 * Runs `listen` until Ctrl-C: start the session, print as events come, then shut down
 * gracefully and print the summary.
 */
import { randomBytes } from 'node:crypto';
import { ExitCode } from '../errors.js';
import { nextInterrupt } from '../interrupt.js';
import { createSpinnerFactory } from '../ui/spinner.js';
import type { Output } from '../ui/output.js';
import { ConsoleListenReporter } from './reporter.js';
import { ListenSession } from './session.js';
import type { ListenOptions } from './types.js';

export type RunListenOptions = Omit<ListenOptions, 'reporter'> & { output: Output };

/** An unguessable path: only someone who was given the URL can post to it. */
export function randomPathToken(): string {
  return `/${randomBytes(16).toString('base64url')}`;
}

/** A subdomain for this run; localtunnel servers hand out named ones more reliably than `?new`. */
export function randomSubdomain(): string {
  return `hsw-${randomBytes(8).toString('hex')}`;
}

export async function runListen(options: RunListenOptions): Promise<number> {
  const { output, ...rest } = options;
  const spinner = await createSpinnerFactory(output.interactive);
  const reporter = new ConsoleListenReporter(output, spinner, rest.tunnel?.host);
  const session = new ListenSession({
    ...rest,
    path: rest.path || randomPathToken(),
    ...(rest.tunnel ? { tunnel: { ...rest.tunnel, subdomain: rest.tunnel.subdomain || randomSubdomain() } } : {}),
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
