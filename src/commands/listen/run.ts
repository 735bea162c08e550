/**
 * Runs `listen` until Ctrl-C: start the session, print as events come, then shut down
 * gracefully and print the summary.
 */
import { exitCodeFor, interrupted } from '../../interrupt.js';
import { loadListenIdentity, type ListenIdentity } from '../../listen/identity.js';
import { ConsoleListenReporter } from '../../listen/reporter.js';
import { ListenSession, tunnelLabel } from '../../listen/session.js';
import type { ListenOptions, ListenSummary } from '../../listen/types.js';
import { createSpinnerFactory } from '../../ui/spinner.js';
import type { Output } from '../../ui/output.js';
import type { TakeInterrupt } from '../action.js';
import type { CommandResult } from '../types.js';
import type { InspectorServer } from '../../inspector/server.js';

export type RunListenOptions = Omit<ListenOptions, 'reporter'> & {
  output: Output;
  /** Rotate the saved path token and subdomain (`--new-url`). */
  newUrl: boolean;
  /** Serve the inspector on 127.0.0.1 at this port (0: a free one) (`--ui`). */
  uiPort?: number;
  /** Taken once listen starts serving: then Ctrl-C, SIGTERM or a closed stdout stops it gracefully. */
  takeInterrupt: TakeInterrupt;
};

export interface ListenResult extends CommandResult {
  summary: ListenSummary;
}

export async function run(options: RunListenOptions): Promise<ListenResult> {
  const { output, newUrl, uiPort, takeInterrupt, ...rest } = options;
  const spinner = await createSpinnerFactory(output.interactive);
  const inspector = uiPort === undefined ? undefined : await startInspector(rest, uiPort, output);
  const reporter = new ConsoleListenReporter(output, spinner, rest.tunnel ? tunnelLabel(rest.tunnel) : undefined, inspector?.url);
  // Explicit --path and --subdomain win; otherwise the URL stays the same from run to run.
  const needsIdentity = !rest.path || (rest.tunnel !== undefined && (rest.tunnel.kind ?? 'localtunnel') === 'localtunnel' && !rest.tunnel.subdomain);
  const identity = needsIdentity ? await loadListenIdentity({ cwd: process.cwd(), renew: newUrl, warn: (text) => output.warn(text) }) : undefined;
  const session = new ListenSession({
    ...rest,
    path: rest.path || (identity as ListenIdentity).path,
    ...(rest.tunnel ? { tunnel: { ...rest.tunnel, subdomain: rest.tunnel.subdomain || identity?.subdomain || '' } } : {}),
    // `trigger` in this directory finds this listener, for as long as it runs.
    publish: { cwd: process.cwd() },
    reporter,
  });
  // Every webhook the terminal shows, the open pages show too.
  session.onEvent((event) => {
    if (event.kind === 'event' && !event.event.filtered) inspector?.publish(event.event, event.data);
  });
  const interrupt = takeInterrupt({ stdoutClosed: true });
  try {
    await session.start();
  } catch (error) {
    await inspector?.stop();
    throw error;
  }
  const reason = await interrupted(interrupt);
  output.line(output.color.dim('\nStopping: finishing in-flight deliveries…'));
  const summary = await session.stop();
  await inspector?.stop();
  reporter.summary(summary);
  return { exitCode: exitCodeFor(reason), summary };
}

/**
 * Loaded only with --ui: the inspector, over the directory this session records into,
 * replaying where the session forwards (the same routes, the same extra headers).
 */
async function startInspector(options: Omit<ListenOptions, 'reporter'>, port: number, output: Output): Promise<InspectorServer> {
  const [{ InspectorServer }, { router }] = await Promise.all([import('../../inspector/server.js'), import('../../listen/routes.js')]);
  const routes = options.routes ?? [];
  const route = router(options.forwardTo, routes);
  const inspector = new InspectorServer({
    port,
    mode: 'listen',
    ...(options.recordDir !== undefined ? { fixturesDir: options.recordDir } : {}),
    replayTo: (type) => route(type)?.to,
    replayTargets: [...routes.map((rule) => ({ route: rule.pattern, to: rule.to.href })), ...(options.forwardTo ? [{ route: 'default', to: options.forwardTo.href }] : [])],
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    replayTimeoutMs: options.forwardTimeoutMs,
    warn: (text) => output.warn(text),
  });
  await inspector.start();
  return inspector;
}
