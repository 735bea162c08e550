import type { Command } from 'commander';
import { Option } from '../../commander.js';
import { UsageError } from '../../errors.js';
import { collect, parseDuration, parseInteger, parsePositiveNumber, parseRatio } from '../../options/flags.js';
import { SCENARIOS, isScenario } from '../../simulate/scenarios.js';
import { addDeliveryOptions, addHeaderOption, headersFromFlags, requireHandler, resolveTo, type DeliveryFlags } from '../../options/groups.js';
import { finish } from '../types.js';

interface SimulateFlags extends DeliveryFlags {
  header?: string[];
  fixtures?: string[];
  type?: string;
  events: string;
  schedule?: string;
  timeScale?: string;
  within?: string;
  maxAttempts?: string;
  jitter: string;
  duplicateRate?: string;
  duplicates?: string;
  duplicateWindow: string;
  reorder?: boolean;
  reorderWindow: string;
  concurrency: string;
  scenario?: string;
  outage?: string;
  answerLoss?: string;
  networkLatency?: string;
  maxLatency?: string;
  seed?: string;
  report?: string;
  junit?: string;
  html?: string;
  check?: string;
  state?: string;
  reset?: string;
  stateIgnore?: string[];
  stateUnordered?: string[];
  repro: string;
  concurrentDuplicates?: string;
  start?: string;
  ready?: string;
  startTimeout: string;
  startLog?: string;
  json?: boolean;
  export?: string[];
  shards: string;
  fromArtillery?: string[];
}

export function registerSimulate(program: Command): void {
  const command = program
    .command('simulate')
    .description("Emulate HeapStream's delivery against your handler (retries, timeouts, duplicates, reordering, storms) and give a CI verdict");
  addDeliveryOptions(command, { to: 'handler URL, or "listen": the listen running in this directory', concurrency: { help: 'requests in flight at most', default: '10' } })
    .option('--fixtures <path>', 'events from fixture files or directories (repeatable); default: synthesized', collect)
    .option('--type <type>', 'synthesize only this event type (default: a mix of video lifecycles)')
    .option('--events <n>', 'how many events to synthesize', '20')
    .option('--schedule <delays>', 'delays before each retry, HeapStream time (default 1m,5m,15m,30m,1h,2h,4h,8h,8h)')
    .option('--within <duration>', 'squeeze the whole schedule into this much run time (default 30s)')
    .option('--time-scale <x>', 'run the schedule x times faster than HeapStream (instead of --within)')
    .option('--max-attempts <n>', 'attempts per event, first included (default: schedule length + 1 = 10)')
    .option('--jitter <0..1>', 'randomize each retry delay by up to ± this fraction', '0')
    .option('--duplicate-rate <0..1>', 'chance that an acknowledged event is sent again within the duplicate window')
    .option('--duplicates <n>', 'extra copies of every acknowledged event (instead of --duplicate-rate)')
    .option('--duplicate-window <duration>', 'HeapStream time within which duplicates follow the acknowledgment', '5m')
    .option('--reorder', 'deliver events out of timestamp order within windows of --reorder-window events')
    .option('--reorder-window <n>', 'events per reorder window', '10')
    .addOption(new Option('--scenario <name>', 'a preset; flags given explicitly win').choices(Object.keys(SCENARIOS)))
    .option('--outage <duration>', 'HeapStream time from the start during which every attempt fails (scenario outage: 1h)')
    .option('--answer-loss <0..1>', 'chance that a 2xx answer is lost, so the event is retried (scenario flaky: 0.3)')
    .option('--network-latency <duration>', 'up to this much latency per attempt, counted in the timeout (scenario slow: 3s)')
    .option('--max-latency <ms>', 'also fail the verdict when an accepted attempt took longer than this')
    .option('--seed <n>', 'seed for jitter, duplicates, reordering and losses: the same seed, the same run')
    .option('--report <file>', 'write the full JSON report here')
    .option('--junit <file>', 'write JUnit XML here (a testcase per event)')
    .option('--html <file>', 'write a self-contained HTML picture of the run here (timeline, in flight, latency, worst events)')
    .option('--check <command>', 'run after the run with HEAPSTREAM_REPORT set to the report path; its exit code joins the verdict')
    .option('--state <url|command>', "read the app's state as JSON after a run (a URL: GET; else a shell command's stdout): it must equal the state after a clean reference run")
    .option('--reset <url|command>', "with --state: empty the app's state before each run (a URL: POST; else a shell command); with --start and no --reset, the app is restarted instead")
    .option('--state-ignore <path>', 'with --state: a volatile path to ignore, e.g. updated_at (any depth) or charges[*].id (repeatable)', collect)
    .option('--state-unordered <path>', 'with --state: an array compared regardless of order, e.g. charges (repeatable)', collect)
    .option('--repro <dir>', 'with --state: where the minimal reproduction goes, as numbered fixtures for replay', 'simulate-repro')
    .option('--concurrent-duplicates <n>', 'copies of every event sent at the same moment as its first attempt (scenario concurrent-duplicates: 1)')
    .option('--start <command>', 'start the app under test (through a shell), wait until --to accepts connections, stop it and all it started after the run')
    .option('--ready <url>', 'with --start: ready once this URL answers 2xx (default: once --to accepts connections)')
    .option('--start-timeout <duration>', 'with --start: how long the app may take to be ready', '30s')
    .option('--start-log <file>', "with --start: append the app's output to this file (default: shown on stderr, prefixed)")
    .option('--json', 'NDJSON only: a line per finished event, then a summary')
    .option('--export <format-and-dir...>', 'write the storm for another engine instead of sending it: artillery <dir> (storm.yml, processor.mjs, payload)')
    .option('--shards <n>', 'with --export: split the events into n disjoint sets, one Artillery run each', '1')
    .option('--from-artillery <reports...>', 'the verdict, --report, --junit and --html from the reports artillery run --output wrote for an export (one per shard)');
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
    .action(async (flags: SimulateFlags, self: Command) => {
      const [{ keepWasmOnBaselineCompiler }, { parseHandlerUrl }, { run }, { createOutput }, { parseSchedule }, { githubEnvironment }, { reproduceCommand }] = await Promise.all([
        import('../wasm-tiering.js'),
        import('../../delivery/url.js'),
        import('./run.js'),
        import('../../ui/output.js'),
        import('../../simulate/schedule.js'),
        import('../../ci/github.js'),
        import('../../ci/reproduce.js'),
      ]);
      keepWasmOnBaselineCompiler();
      const artillery = flags.export !== undefined || flags.fromArtillery !== undefined ? await import('./artillery.js') : undefined;
      if (artillery && flags.fromArtillery !== undefined) {
        if (flags.export !== undefined) throw new UsageError('--export writes a storm, --from-artillery reads its reports; give one');
        artillery.refuseOtherFlags(self, '--from-artillery');
        const files = { ...(flags.report ? { reportFile: flags.report } : {}), ...(flags.junit ? { junitFile: flags.junit } : {}), ...(flags.html ? { htmlFile: flags.html } : {}) };
        return finish(await artillery.fromArtillery({ files: flags.fromArtillery, ...files, github: githubEnvironment(process.env), output: createOutput({ json: Boolean(flags.json) }) }));
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
      const options = {
          to,
          ...(headers ? { headers } : {}),
          seed,
          seedGiven: flags.seed !== undefined,
          command: reproduceCommand(['simulate', ...givenFlags(self)], { seed, to: to?.href ?? '<handler URL>' }),
          start: flags.start
            ? {
                command: flags.start,
                readyUrl: flags.ready !== undefined ? parseHandlerUrl('--ready', flags.ready) : undefined,
                timeoutMs: parseDuration('--start-timeout', flags.startTimeout),
                logFile: flags.startLog,
              }
            : undefined,
          github: githubEnvironment(process.env),
          ...(flags.fixtures ? { fixtures: flags.fixtures } : {}),
          ...(flags.type ? { type: flags.type } : {}),
          events: parseInteger('--events', flags.events, { min: 1, max: 10_000_000 }),
          ...(flags.scenario !== undefined && isScenario(flags.scenario) ? { scenario: flags.scenario } : {}),
          ...(flags.schedule !== undefined ? { schedule: parseSchedule(flags.schedule) } : {}),
          ...(flags.timeScale !== undefined ? { timeScale: parsePositiveNumber('--time-scale', flags.timeScale) } : {}),
          ...(flags.within !== undefined ? { within: parseDuration('--within', flags.within) } : {}),
          ...(flags.maxAttempts !== undefined ? { maxAttempts: parseInteger('--max-attempts', flags.maxAttempts, { min: 1, max: 1_000 }) } : {}),
          jitter: parseRatio('--jitter', flags.jitter),
          timeout: parseDuration('--timeout', flags.timeout),
          concurrency: parseInteger('--concurrency', flags.concurrency, { min: 1, max: 10_000 }),
          ...(flags.duplicateRate !== undefined ? { duplicateRate: parseRatio('--duplicate-rate', flags.duplicateRate) } : {}),
          ...(flags.duplicates !== undefined ? { duplicates: parseInteger('--duplicates', flags.duplicates, { min: 0, max: 100 }) } : {}),
          duplicateWindow: parseDuration('--duplicate-window', flags.duplicateWindow),
          ...(flags.reorder !== undefined ? { reorder: flags.reorder } : {}),
          reorderWindow: parseInteger('--reorder-window', flags.reorderWindow, { min: 2 }),
          ...(flags.outage !== undefined ? { outage: parseDuration('--outage', flags.outage) } : {}),
          ...(flags.answerLoss !== undefined ? { answerLoss: parseRatio('--answer-loss', flags.answerLoss) } : {}),
          ...(flags.networkLatency !== undefined ? { networkLatency: parseDuration('--network-latency', flags.networkLatency) } : {}),
          ...(flags.maxLatency !== undefined ? { maxLatency: parseDuration('--max-latency', flags.maxLatency) } : {}),
          ...(flags.report ? { reportFile: flags.report } : {}),
          ...(flags.junit ? { junitFile: flags.junit } : {}),
          ...(flags.html ? { htmlFile: flags.html } : {}),
          ...(flags.check ? { check: flags.check } : {}),
          ...(flags.state ? { stateOracle: { state: flags.state, ...(flags.reset !== undefined ? { reset: flags.reset } : {}), repro: flags.repro } } : {}),
          ...(flags.stateIgnore ? { stateIgnore: flags.stateIgnore } : {}),
          ...(flags.stateUnordered ? { stateUnordered: flags.stateUnordered } : {}),
          ...(flags.concurrentDuplicates !== undefined ? { concurrentDuplicates: parseInteger('--concurrent-duplicates', flags.concurrentDuplicates, { min: 0, max: 100 }) } : {}),
          output: createOutput({ json: Boolean(flags.json) }),
        };
      if (exporting && artillery) return finish(await artillery.exportStorm({ ...options, ...exporting }));
      finish(await run({ ...options, to: to as URL }));
    });
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
