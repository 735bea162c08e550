import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { parseDuration, parseInteger } from '../../options/flags.js';
import {
  addDeliveryOptions,
  addFilterOptions,
  addHeaderOption,
  defaultFixturePaths,
  filterFromFlags,
  fixturePathsArgument,
  headersFromFlags,
  requireHandler,
  resolveTo,
  type DeliveryFlags,
  type FixtureFilterFlags,
} from '../../options/groups.js';
import { runAction } from '../action.js';

interface ReplayFlags extends FixtureFilterFlags, DeliveryFlags {
  header?: string[];
  reverse?: boolean;
  shuffle?: boolean;
  seed?: string;
  times: string;
  delay: string;
  concurrency: string;
  interactive?: boolean;
  skipInvalid?: boolean;
  json?: boolean;
}

export function registerReplay(program: Command): void {
  const command = program
    .command('replay')
    .argument('[paths...]', fixturePathsArgument())
    .description('Send recorded fixtures again, byte for byte');
  addDeliveryOptions(command, {
    to: 'handler URL, or "listen": the listen running in this directory',
    times: 'send each fixture N times in a row (duplicate deliveries)',
    delay: 'spacing between sends (ms, or 1s)',
    concurrency: { help: 'requests in flight at most', default: '1' },
  })
    .option('--reverse', 'newest first')
    .option('--shuffle', 'random order (repeatable with --seed)')
    .option('--seed <n>', 'seed for --shuffle')
    .option('-i, --interactive', 'pick fixtures in a searchable list (the default on a terminal when no paths are given)')
    .option('--skip-invalid', 'a corrupt fixture is a warning, not exit 2')
    .option('--json', 'NDJSON only: one line per delivery, then a summary');
  addHeaderOption(command, 'add this header to every request, over the recorded ones');
  addFilterOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  $ heapstream-webhooks replay --to http://localhost:3000/webhooks
  $ heapstream-webhooks replay fixtures/ --event "video.*" --since 2h --to http://localhost:3000/webhooks
  $ heapstream-webhooks replay fixtures/2026-11-27T13-09-48-312Z_video.ready_v500_2cef13.json --times 3 --to http://localhost:3000/webhooks
  $ heapstream-webhooks replay --shuffle --seed 7 --concurrency 20 --to http://localhost:3000/webhooks
  $ heapstream-webhooks replay -i --to http://localhost:3000/webhooks
  $ heapstream-webhooks replay --to listen --event video.ready           # through the listen running here
  $ heapstream-webhooks replay --to http://localhost:3000/webhooks --header "Authorization: Bearer dev-token"

Exit codes: 0 all delivered with 2xx · 1 a delivery failed · 2 bad flag or a corrupt fixture · 130/143 interrupted`,
    )
    .action((paths: string[], flags: ReplayFlags) =>
      runAction({ json: flags.json, sends: true }, async ({ output, takeInterrupt }) => {
        const { run } = await import('./run.js');
        const to = await resolveTo(requireHandler('replay', flags.to));
        const headers = await headersFromFlags(flags.header);
        const terminal = Boolean(process.stdin.isTTY && process.stdout.isTTY);
        if (flags.interactive && !terminal) throw new UsageError('-i needs a terminal; in scripts, select fixtures with paths and --event/--video/--since/--until/--last');
        return run({
          paths: defaultFixturePaths(paths),
          to,
          filter: filterFromFlags(flags),
          order: { reverse: Boolean(flags.reverse), shuffle: Boolean(flags.shuffle), ...(flags.seed !== undefined ? { seed: parseInteger('--seed', flags.seed) } : {}) },
          times: parseInteger('--times', flags.times, { min: 1, max: 10_000 }),
          delayMs: parseDuration('--delay', flags.delay),
          concurrency: parseInteger('--concurrency', flags.concurrency, { min: 1, max: 1_000 }),
          timeoutMs: parseDuration('--timeout', flags.timeout),
          ...(headers ? { headers } : {}),
          interactive: Boolean(flags.interactive) || (paths.length === 0 && terminal && !flags.json),
          skipInvalid: Boolean(flags.skipInvalid),
          output,
          takeInterrupt,
        });
      }),
    );
}
