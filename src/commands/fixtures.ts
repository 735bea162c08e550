import type { Command } from 'commander';
import { addFilterOptions, defaultFixturePaths, filterFromFlags, type FixtureFilterFlags } from './fixture-flags.js';

interface ListFlags extends FixtureFilterFlags {
  json?: boolean;
}

interface RmFlags extends FixtureFilterFlags {
  yes?: boolean;
  json?: boolean;
}

export function registerFixtures(program: Command): void {
  const fixtures = program.command('fixtures').description('List, show or remove recorded fixtures');

  addFilterOptions(
    fixtures
      .command('list')
      .alias('ls')
      .argument('[paths...]', 'fixture files or directories (default ./fixtures)')
      .description('A table of fixtures: time, type, video, status, last answer, file')
      .option('--json', 'NDJSON: one line per fixture'),
  ).action(async (paths: string[], flags: ListFlags) => {
    const [{ listFixtures }, { createOutput }] = await Promise.all([import('../fixtures/commands.js'), import('../ui/output.js')]);
    process.exitCode = await listFixtures(defaultFixturePaths(paths), filterFromFlags(flags), createOutput({ json: Boolean(flags.json) }));
  });

  fixtures
    .command('show')
    .argument('<file>', 'a fixture file (a bare name is looked up in ./fixtures)')
    .description('Show one fixture: the request, its headers, the body, the answer')
    .option('--body', 'print only the body bytes, exactly as they will be sent')
    .option('--json', 'print the fixture file as it is')
    .action(async (file: string, flags: { body?: boolean; json?: boolean }) => {
      const { showFixture } = await import('../fixtures/commands.js');
      await showFixture(file, defaultFixturePaths([])[0] ?? 'fixtures', flags.body ? 'body' : flags.json ? 'json' : 'human');
    });

  addFilterOptions(
    fixtures
      .command('rm')
      .argument('[paths...]', 'fixture files or directories (default ./fixtures)')
      .description('Remove fixtures matching the filters (asks first on a terminal)')
      .option('-y, --yes', 'do not ask; required when stdin is not a terminal')
      .option('--json', 'NDJSON: one line per removed file'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ heapstream-webhooks fixtures list --event "video.*" --since 1d
  $ heapstream-webhooks fixtures show fixtures/2026-11-27T13-09-48-312Z_video.ready_v500_2cef13.json
  $ heapstream-webhooks fixtures rm --until 7d --yes`,
    )
    .action(async (paths: string[], flags: RmFlags) => {
      const [{ removeFixtures }, { createOutput }] = await Promise.all([import('../fixtures/commands.js'), import('../ui/output.js')]);
      process.exitCode = await removeFixtures(defaultFixturePaths(paths), filterFromFlags(flags), Boolean(flags.yes), createOutput({ json: Boolean(flags.json) }));
    });
}
