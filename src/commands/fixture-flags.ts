import type { Command } from 'commander';
import { envOr, parseInteger, parseTime } from '../options.js';
import type { FixtureFilter } from '../store/filter.js';

export interface FixtureFilterFlags {
  event?: string;
  video?: string;
  since?: string;
  until?: string;
  last?: string;
}

/** The filters `replay`, `fixtures list` and `fixtures rm` share. */
export function addFilterOptions(command: Command): Command {
  return command
    .option('--event <glob>', 'only these event types, e.g. "video.*" or video.ready,video.failed')
    .option('--video <id>', 'only this video id')
    .option('--since <time>', 'recorded at or after: ISO 8601, or an age like 2h')
    .option('--until <time>', 'recorded at or before: ISO 8601, or an age like 30m')
    .option('--last <n>', 'only the N most recent (after the other filters)');
}

export function filterFromFlags(flags: FixtureFilterFlags): FixtureFilter {
  return {
    ...(flags.event !== undefined ? { event: flags.event } : {}),
    ...(flags.video !== undefined ? { videoId: parseInteger('--video', flags.video, { min: 0 }) } : {}),
    ...(flags.since !== undefined ? { since: parseTime('--since', flags.since) } : {}),
    ...(flags.until !== undefined ? { until: parseTime('--until', flags.until) } : {}),
    ...(flags.last !== undefined ? { last: parseInteger('--last', flags.last, { min: 1 }) } : {}),
  };
}

export function defaultFixturePaths(paths: readonly string[]): string[] {
  return paths.length > 0 ? [...paths] : [envOr('HEAPSTREAM_FIXTURES_DIR', undefined) ?? 'fixtures'];
}
