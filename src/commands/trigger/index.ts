import type { Command } from 'commander';
import { Option } from '../../commander.js';
import { ExitCode, UsageError } from '../../errors.js';
import { collect, parseDuration, parseInteger } from '../../options/flags.js';
import { addDeliveryOptions, addHeaderOption, fixturesDir, headersFromFlags, resolveTo, runningListen, type DeliveryFlags } from '../../options/groups.js';
import { runAction } from '../action.js';

interface TriggerFlags extends DeliveryFlags {
  header?: string[];
  print?: boolean;
  save?: string | boolean;
  set?: string[];
  force?: boolean;
  videoId?: string;
  projectId?: string;
  seed?: string;
  list?: boolean;
  like?: string;
  keepIds?: boolean;
  times: string;
  flow?: string;
  delay: string;
  json?: boolean;
}

export function registerTrigger(program: Command): void {
  const command = program
    .command('trigger')
    .alias('fire')
    .argument('[type]', 'event type, e.g. video.created (see --list); asked for on a terminal when left out')
    .description('Build a realistic HeapStream event and send, print or save it');
  addDeliveryOptions(command, {
    to: 'handler URL to POST the event to, or "listen" (the default when --print and --save are not given): the listen running in this directory',
    times: 'send the same bytes N times (a duplicate delivery)',
    delay: 'pause between sends (ms, or 2s, 1m)',
  })
    .option('--print', 'print the body to stdout, send nothing')
    .option('--save [dir]', `save the event as a fixture (default ./fixtures, env HEAPSTREAM_FIXTURES_DIR)`)
    .option('--set <path=value>', 'change a field, e.g. video.asset.duration=12.5 (repeatable; JSON values parsed)', collect)
    .option('--force', 'allow --set paths the event does not have')
    .option('--video-id <id>', 'video id to use')
    .option('--project-id <id>', 'project id to use')
    .option('--seed <n>', 'seed for reproducible ids and durations')
    .option('--list', 'list the event types with a description each')
    .option('--like <fixture>', 'build the event from a recording: its shape, key order and number formatting, a fresh timestamp and ids (a bare name is looked up in ./fixtures)')
    .option('--keep-ids', "with --like: keep the recording's ids")
    .addOption(new Option('--flow <name>', 'send a sequence for one video instead of one event').choices(['lifecycle']))
    .option('--json', 'machine-readable NDJSON output only');
  addHeaderOption(command, 'add this header to the request')
    .addHelpText(
      'after',
      `
Examples:
  $ heapstream-webhooks fire video.created                     # through the listen running in this directory
  $ heapstream-webhooks trigger video.created --print
  $ heapstream-webhooks trigger video.ready --to http://localhost:3000/webhooks
  $ heapstream-webhooks fire video.failed --to http://localhost:3000/webhooks --times 3
  $ heapstream-webhooks trigger --flow lifecycle --video-id 500 --delay 1s --to http://localhost:3000/webhooks
  $ heapstream-webhooks trigger video.ready --set video.asset.duration=12 --save
  $ heapstream-webhooks trigger --like fixtures/2026-11-27T13-09-48-312Z_video.ready_v500_2cef13.json --to http://localhost:3000/webhooks
  $ heapstream-webhooks trigger video.transcoded --like fixtures/2026-11-27T13-09-48-312Z_video.ready_v500_2cef13.json --print
  $ heapstream-webhooks trigger video.ready --to http://localhost:3000/webhooks --header "Authorization: Bearer dev-token"`,
    )
    .action((type: string | undefined, flags: TriggerFlags) =>
      runAction({ json: flags.json }, async ({ output, sending }) => {
        if (flags.list) {
          const { printCatalog } = await import('./list.js');
          printCatalog(output);
          return { exitCode: ExitCode.ok };
        }
        const [{ parseAssignment }, { run }] = await Promise.all([import('../../events/set-path.js'), import('./run.js')]);
        const saveDir = flags.save === undefined || flags.save === false ? undefined : flags.save === true ? fixturesDir() : flags.save;
        const headers = await headersFromFlags(flags.header);
        if (flags.keepIds && flags.like === undefined) throw new UsageError('--keep-ids goes with --like <fixture>');
        if (flags.like !== undefined && flags.flow) throw new UsageError('--like builds one event; it does not go with --flow');
        // Nowhere named: through the listen of this directory, as `stripe trigger` does.
        const viaListen = flags.to === 'listen' || (flags.to === undefined && !flags.print && saveDir === undefined);
        const to =
          flags.to !== undefined ? await resolveTo(flags.to) : viaListen ? await runningListen(process.cwd(), 'send elsewhere with --to <url>, --print or --save [dir]') : undefined;
        if (to && !flags.print) await sending();
        // With --like a type is optional: it replaces the recording's event_type.
        const eventType = flags.flow ? 'video.created' : flags.like !== undefined ? type : (type ?? (await askType()));
        return run({
          ...(eventType !== undefined ? { type: eventType } : {}),
          ...(flags.like !== undefined ? { like: { fixture: flags.like, fixturesDir: fixturesDir(), keepIds: Boolean(flags.keepIds) } } : {}),
          ...(flags.flow === 'lifecycle' ? { flow: 'lifecycle' as const } : {}),
          ...(to ? { to } : {}),
          ...(headers ? { headers } : {}),
          showAnswer: viaListen,
          print: Boolean(flags.print),
          ...(saveDir !== undefined ? { saveDir } : {}),
          set: (flags.set ?? []).map(parseAssignment),
          force: Boolean(flags.force),
          ...(flags.videoId !== undefined ? { videoId: parseInteger('--video-id', flags.videoId, { min: 1 }) } : {}),
          ...(flags.projectId !== undefined ? { projectId: parseInteger('--project-id', flags.projectId, { min: 1 }) } : {}),
          ...(flags.seed !== undefined ? { seed: parseInteger('--seed', flags.seed) } : {}),
          times: parseInteger('--times', flags.times, { min: 1, max: 100_000 }),
          delayMs: parseDuration('--delay', flags.delay),
          timeoutMs: parseDuration('--timeout', flags.timeout),
          output,
        });
      }),
    );
}

async function askType(): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UsageError('no event type given; pass one, e.g. `trigger video.created` (see `trigger --list`)');
  }
  const { pickEventType } = await import('./pick.js');
  return pickEventType();
}
