/**
 * `simulate --start`'s app for the length of a run: started and awaited until ready,
 * restarted when a state must be emptied and no `--reset` does it, watched while the run
 * goes (its exiting stops the run), and stopped with all it started.
 */
import type { Output } from '../ui/output.js';
import { printable } from '../text/printable.js';
import { AppUnderTest } from './app.js';

export interface StartOptions {
  command: string;
  /** Ready when this answers 2xx (default: when the handler's port accepts connections). */
  readyUrl?: URL | undefined;
  timeoutMs: number;
  /** The app's output goes to this file instead of stderr. */
  logFile?: string | undefined;
}

export class StartedApp {
  /** The app of the moment: a restart replaces it. */
  private app: AppUnderTest | undefined;
  private restarts = 0;
  private onExit: ((message: string) => void) | undefined;
  /** Why the app of the moment exited, once it has: told to a watch() that begins later. */
  private exited: string | undefined;

  /** `signal` aborts a start in progress (the app is stopped, the start rejects with its reason). */
  constructor(
    private readonly options: StartOptions,
    private readonly to: URL,
    private readonly output: Output,
    private readonly signal: AbortSignal,
  ) {}

  async start(): Promise<void> {
    await this.launch(this.output);
  }

  /** The state emptied by starting the app afresh (no `--reset`): said once, not per trial. */
  readonly restart = async (): Promise<void> => {
    if (this.restarts++ === 0) this.output.line(this.output.color.dim('Restarting the app to empty its state, before each run and trial (no --reset)'));
    await this.stop();
    await this.launch({ ...this.output, line: () => undefined });
  };

  /** Until the returned function is called, the app of the moment exiting calls `onExit` with why. */
  watch(onExit: (message: string) => void): () => void {
    this.onExit = onExit;
    if (this.exited !== undefined) onExit(this.exited);
    return () => {
      this.onExit = undefined;
    };
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    this.exited = undefined;
    await app?.stop();
  }

  /** Starts an app and makes it the app of the moment. */
  private async launch(output: Output): Promise<void> {
    const { options, to } = this;
    this.signal.throwIfAborted();
    output.line(output.color.dim(`Starting the app: ${options.command}`));
    const app = await AppUnderTest.start({
      command: options.command,
      connectTo: to,
      readyUrl: options.readyUrl,
      timeoutMs: options.timeoutMs,
      // The app is the handler: what it prints may echo webhook bodies, so it is hostile text.
      log: options.logFile ? { file: options.logFile } : (line) => output.note(`${output.color.dim('app │')} ${printable(line)}`),
      signal: this.signal,
    });
    this.app = app;
    // Only the app of the moment counts: one stopped to be restarted exits on purpose.
    void app.exited.then(() => {
      if (this.app !== app) return;
      this.exited = app.exitedError('during the run').message;
      this.onExit?.(this.exited);
    });
    output.line(output.color.dim(`The app is ready (${options.readyUrl ? `${options.readyUrl.href} answered 2xx` : `${to.host} accepts connections`})`));
  }
}
