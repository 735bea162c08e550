/**
 * The commander program. Commands register their flags here but load their code only
 * when they run, so `--help` stays fast. This is the one place that exits the process.
 */
import type { Command as CommandType } from 'commander';
import { Command, CommanderError } from './commander.js';
import { ExitCode, isHswError, type HswError } from './errors.js';
import { packageVersion } from './version.js';
import { installInterruptHandler, stdoutClosed } from './interrupt.js';
import { registerListen } from './commands/listen/index.js';
import { registerTrigger } from './commands/trigger/index.js';
import { registerReplay } from './commands/replay/index.js';
import { registerSimulate } from './commands/simulate/index.js';
import { registerFixtures } from './commands/fixtures/index.js';
import { registerInspect } from './commands/inspect/index.js';

export function buildProgram(): CommandType {
  const program = new Command('heapstream-webhooks')
    .description('Receive, record, replay and stress-test HeapStream webhooks, locally and in CI')
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'print stack traces on errors')
    .showHelpAfterError('(add --help for usage and examples)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ heapstream-webhooks listen --forward-to http://localhost:3000/webhooks
  $ heapstream-webhooks trigger video.ready --to http://localhost:3000/webhooks
  $ heapstream-webhooks replay fixtures/ --to http://localhost:3000/webhooks --times 2
  $ heapstream-webhooks simulate --to http://localhost:3000/webhooks --scenario flaky --within 30s

Exit codes: 0 success · 1 deliveries failed or expectations not met · 2 usage or input error · 130 interrupted (Ctrl-C) · 143 terminated (SIGTERM)
Environment: HEAPSTREAM_FORWARD_TO, HEAPSTREAM_TUNNEL_HOST, HEAPSTREAM_FIXTURES_DIR, HEAPSTREAM_PORT (flags win over env)`,
    );
  registerListen(program);
  registerTrigger(program);
  registerReplay(program);
  registerSimulate(program);
  registerFixtures(program);
  registerInspect(program);
  return program;
}

/** Runs the CLI and exits with the code the README's contract gives for the outcome. */
export async function main(argv: string[]): Promise<never> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  // Stacks through the bundle's chunks name the source files; modules load lazily, after this.
  if (debug) process.setSourceMapsEnabled(true);
  let code: number = ExitCode.ok;
  installInterruptHandler();
  watchStdout();
  try {
    await program.parseAsync(argv);
    code = typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    code = reportError(error, debug);
  }
  // Let piped stdout drain before exiting, so `--json | jq` never loses the last line.
  if (process.stdout.writable) await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}

/**
 * `… | head -1`: the reader goes away and the next write fails with EPIPE. That is no error
 * of the command's: stop writing, let the command finish (listen stops), exit quietly with
 * the code the work deserved.
 */
function watchStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      stdoutClosed();
      return;
    }
    throw error;
  });
}

/**
 * Core errors name library options (`schedule "x" is not ...`); on the command line the
 * same thing is a flag (`--schedule "x" is not ...`).
 */
export function flagWording(error: HswError): string {
  const { option, message } = error;
  if (option === undefined || !message.startsWith(option)) return message;
  const flag = option === 'target' ? 'to' : option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return `--${flag}${message.slice(option.length)}`;
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help).
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return ExitCode.ok;
    if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
    return ExitCode.usage;
  }
  // Ctrl-C inside an @inquirer prompt: an interrupt like any other, not an error.
  if (error instanceof Error && error.name === 'ExitPromptError') return ExitCode.interrupted;
  if (isHswError(error)) {
    process.stderr.write(`error: ${flagWording(error)}\n`);
    if (debug) process.stderr.write(`${error.stack ?? ''}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message}\n`);
  process.stderr.write(debug && error instanceof Error ? `${error.stack ?? ''}\n` : 'run again with --debug for the stack trace; please report it if it looks like a bug\n');
  return ExitCode.failed;
}
