import type { Command } from 'commander';
import { Option } from '../../commander.js';
import { UsageError } from '../../errors.js';
import { parseDuration, parseInteger } from '../../options/flags.js';
import { DEFAULT_FIXTURES_DIR, FIXTURES_DIR_ENV, FORWARD_TO_ENV, fixturesDir } from '../../options/groups.js';
import { runAction } from '../action.js';

interface InspectFlags {
  port: string;
  to?: string;
  timeout: string;
  report?: string;
  json?: boolean;
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .argument('[dir]', `fixtures directory (default ./${DEFAULT_FIXTURES_DIR}, env ${FIXTURES_DIR_ENV})`)
    .description('Open the web inspector on recorded fixtures: read them, compare two, replay one (edited or not)')
    .option('--port <n>', 'port on 127.0.0.1 for the inspector; 0 picks a free one', '0')
    .addOption(new Option('--to <url>', 'where Replay sends: your handler; without it replay is off').env(FORWARD_TO_ENV))
    .option('--timeout <ms>', "per-replay timeout; HeapStream's is 5 s", '5s')
    .option('--report <file>', 'open a simulate --report file instead: the run as a picture (as simulate --html draws it)')
    .option('--json', 'NDJSON only: a ready line with the inspector URL')
    .addHelpText(
      'after',
      `
Examples:
  $ heapstream-webhooks inspect
  $ heapstream-webhooks inspect fixtures/ --to http://localhost:3000/webhooks
  $ heapstream-webhooks inspect --report simulate-report.json
  $ heapstream-webhooks listen --forward-to http://localhost:3000/webhooks --ui   # the same page, live

Keys in the page: j/k move, Enter opens, r replays, e edits then replays, x marks two, c compares them, / filters.
The inspector listens on 127.0.0.1 only. Ctrl-C stops it.`,
    )
    .action(async (dir: string | undefined, flags: InspectFlags) => {
      if (dir !== undefined && flags.report !== undefined) throw new UsageError(`inspect shows a fixtures directory or a report: drop "${dir}" or --report`);
      await runAction({ json: flags.json }, async ({ output, takeInterrupt }) => {
        const [{ parseHandlerUrl }, { run }] = await Promise.all([import('../../delivery/url.js'), import('./run.js')]);
        return run({
          dir: dir ?? fixturesDir(),
          port: parseInteger('--port', flags.port, { min: 0, max: 65_535 }),
          ...(flags.to !== undefined ? { to: parseHandlerUrl('--to', flags.to) } : {}),
          timeoutMs: parseDuration('--timeout', flags.timeout),
          ...(flags.report !== undefined ? { report: flags.report } : {}),
          output,
          takeInterrupt,
        });
      });
    });
}
