import type { Command } from 'commander';
import { Option } from '../../commander.js';
import { UsageError } from '../../errors.js';
import { collect, parseDuration, parseInteger } from '../../options/flags.js';
import { optionsFromFlags, SIMULATE_FLAGS, type FlagRow, type TableFlags } from '../../simulate/option-table.js';
import { addDeliveryOptions, addHeaderOption, headersFromFlags, requireHandler, resolveTo, type DeliveryFlags } from '../../options/groups.js';
import { runAction } from '../action.js';

/** The flags as commander hands them over: the table's, and the shared groups'. */
type SimulateFlags = TableFlags & DeliveryFlags & { header?: string[] };

/** A table row, declared on the command. */
function addFlag(command: Command, row: FlagRow): void {
  const option = new Option(row.flags, row.help);
  if (row.default !== undefined) option.default(row.default);
  if (row.choices) option.choices(row.choices);
  if (row.repeatable) option.argParser(collect);
  command.addOption(option);
}

export function registerSimulate(program: Command): void {
  const command = program
    .command('simulate')
    .description("Emulate HeapStream's delivery against your handler (retries, timeouts, duplicates, reordering, storms) and give a CI verdict");
  const concurrency = SIMULATE_FLAGS.find((row) => row.flags.startsWith('--concurrency ')) as FlagRow & { default: string };
  addDeliveryOptions(command, { to: 'handler URL, or "listen": the listen running in this directory', concurrency: { help: concurrency.help, default: concurrency.default } });
  for (const row of SIMULATE_FLAGS) if (!('declaredByGroup' in row)) addFlag(command, row);
  addHeaderOption(command, 'add this header to every delivery')
    .addHelpText(
      'after',
      `
Scenarios:
  outage      the endpoint is down for the first hour: every attempt fails, then the backlog lands together
  flaky       30% of 2xx answers are lost on the way back, so processed events are retried
  duplicates  every acknowledged event is sent again, and events arrive out of order
  slow        up to 3 s of network latency per attempt, counted in the 5 s timeout
  concurrent-duplicates  every event arrives twice at the same moment (check-then-insert races)

Examples:
  $ heapstream-webhooks simulate --to http://localhost:3000/webhooks
  $ heapstream-webhooks simulate --to http://localhost:3000/webhooks --scenario outage --events 200 --concurrency 50 --html simulate.html
  $ heapstream-webhooks simulate --to http://localhost:3000/webhooks --fixtures fixtures/ --duplicate-rate 0.5 --reorder
  $ heapstream-webhooks simulate --to http://localhost:3000/webhooks --junit simulate.xml --check "node scripts/assert-one-row-per-video.js"
  $ heapstream-webhooks simulate --start "npm start" --to http://localhost:3000/webhooks --junit simulate.xml --scenario outage
  $ heapstream-webhooks simulate --to http://localhost:3000/webhooks --scenario duplicates --state http://localhost:3000/test/state --reset http://localhost:3000/test/reset --state-ignore updated_at
  $ heapstream-webhooks simulate --to listen --events 5 --header "Authorization: Bearer dev-token"   # through the listen running here
  $ heapstream-webhooks simulate --export artillery storm/ --events 100000 --shards 4 --within 10m   # then artillery run storm/storm.yml -e shard-1 …
  $ heapstream-webhooks simulate --from-artillery shard-*.json --junit simulate.xml

In GitHub Actions (GITHUB_ACTIONS=true) a step summary, ::error annotations for failed events (at most 10)
and the outputs verdict, delivered, exhausted, attempts and report are written as well.

Exit codes: 0 every event got a 2xx within its attempts (and --max-latency, and --check passed) · 1 otherwise (or the --start app exited) · 2 bad flag or fixture · 130/143 interrupted (reports still written)`,
    )
    .action((flags: SimulateFlags, self: Command) =>
      runAction({ json: flags.json, sends: true }, async ({ output, takeInterrupt }) => {
        const [{ parseHandlerUrl }, { run }, { githubEnvironment }, { reproduceCommand }] = await Promise.all([
          import('../../delivery/url.js'),
          import('./run.js'),
          import('../../ci/github.js'),
          import('../../simulate/reproduce.js'),
        ]);
        const artillery = flags.export !== undefined || flags.fromArtillery !== undefined ? await import('./artillery.js') : undefined;
        if (artillery && flags.fromArtillery !== undefined) {
          if (flags.export !== undefined) throw new UsageError('--export writes a storm, --from-artillery reads its reports; give one');
          artillery.refuseOtherFlags(self, '--from-artillery');
          const { reportFile, junitFile, htmlFile } = optionsFromFlags(flags);
          return artillery.fromArtillery({ reports: flags.fromArtillery, files: { reportFile, junitFile, htmlFile }, github: githubEnvironment(process.env), output });
        }
        if (flags.export === undefined && self.getOptionValueSource('shards') === 'cli') throw new UsageError('--shards only applies with --export artillery <dir>');
        if (artillery) artillery.refuseOtherFlags(self, '--export');
        const exporting = flags.export !== undefined ? artillery?.exportFlags(flags.export, flags.shards) : undefined;
        const to = exporting && flags.to === undefined ? undefined : await resolveTo(requireHandler('simulate', flags.to));
        const headers = await headersFromFlags(flags.header);
        if (flags.timeScale !== undefined && flags.within !== undefined) throw new UsageError('--time-scale and --within both set the compression; give one');
        if (flags.fixtures && flags.type) throw new UsageError('--type synthesizes events, --fixtures replays recorded ones; give one');
        if (!flags.state) {
          const orphan = [flags.reset !== undefined && '--reset', flags.stateIgnore && '--state-ignore', flags.stateUnordered && '--state-unordered', self.getOptionValueSource('repro') === 'cli' && '--repro'].filter(Boolean);
          if (orphan.length > 0) throw new UsageError(`${orphan.join(', ')} only apply with --state <url|command>`);
        } else if (flags.reset === undefined && !flags.start) {
          throw new UsageError('--state needs --reset <url|command> (or --start, to restart the app instead): the reference run and every trial start from an empty state');
        }
        if (!flags.start) {
          const orphan = [flags.ready !== undefined && '--ready', self.getOptionValueSource('startTimeout') === 'cli' && '--start-timeout', flags.startLog !== undefined && '--start-log'].filter(Boolean);
          if (orphan.length > 0) throw new UsageError(`${orphan.join(', ')} only apply with --start "<command>"`);
        }
        // Chosen here, so that the command line that repeats the run can name it.
        const seed = flags.seed !== undefined ? parseInteger('--seed', flags.seed) : Math.floor(Math.random() * 2 ** 31);
        // The library's options; a flag not given stays undefined, so a scenario's preset and the
        // library's defaults (the same as these flags') apply. run() checks them with the flags' names.
        const start = flags.start
          ? {
              command: flags.start,
              readyUrl: flags.ready !== undefined ? parseHandlerUrl('--ready', flags.ready) : undefined,
              timeoutMs: parseDuration('--start-timeout', flags.startTimeout),
              logFile: flags.startLog,
            }
          : undefined;
        const options = {
          ...optionsFromFlags(flags),
          to,
          ...(headers ? { headers } : {}),
          seed,
          seedGiven: flags.seed !== undefined,
          command: reproduceCommand(['simulate', ...givenFlags(self)], { seed, to: to?.href ?? '<handler URL>' }),
          start,
          github: githubEnvironment(process.env),
          ...(flags.check ? { check: flags.check } : {}),
          ...(flags.state ? { stateOracle: { state: flags.state, ...(flags.reset !== undefined ? { reset: flags.reset } : {}), repro: flags.repro } } : {}),
          output,
          takeInterrupt,
        };
        if (exporting && artillery) return artillery.exportStorm({ ...options, ...exporting });
        return run({ ...options, to: to as URL });
      }),
    );
}

/** The flags as given on the command line (not defaults, not env), for the command that repeats the run. */
function givenFlags(command: Command): string[] {
  const args: string[] = [];
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) !== 'cli') continue;
    const value: unknown = command.getOptionValue(key);
    const flag = option.long ?? option.short ?? '';
    if (typeof value === 'boolean') args.push(flag);
    else for (const one of Array.isArray(value) ? value : [value]) args.push(flag, String(one));
  }
  return args;
}
