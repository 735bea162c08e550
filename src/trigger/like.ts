/**
 * `trigger --like`: an event built from a recorded fixture, loaded only for `--like`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { passThroughHeaders } from '../delivery/headers.js';
import { ExitCode, HswError } from '../errors.js';
import { buildLike } from '../events/like.js';
import type { Assignment } from '../events/set-path.js';
import { readFixture } from '../store/read.js';
import type { BuiltEvents, TriggerOptions } from './types.js';

/**
 * `--like`: the recording's body with a fresh timestamp and ids, then the type, `--video-id`,
 * `--project-id` and `--set` applied on top; sent with the recording's headers.
 */
export async function buildFromRecording(options: TriggerOptions, like: NonNullable<TriggerOptions['like']>): Promise<BuiltEvents> {
  const file = existsSync(like.fixture) ? like.fixture : join(like.fixturesDir, like.fixture);
  if (!existsSync(file)) throw new HswError('HSW_FIXTURE_NOT_FOUND', `no fixture at ${like.fixture} (nor ${file}) to build like; see \`fixtures list\``, { exitCode: ExitCode.usage });
  const recorded = await readFixture(file);
  const set: Assignment[] = [
    ...(options.type !== undefined ? [{ path: 'event_type', value: options.type }] : []),
    ...(options.videoId !== undefined ? [{ path: 'video.id', value: options.videoId }] : []),
    ...(options.projectId !== undefined ? [{ path: 'project_id', value: options.projectId }] : []),
    ...options.set,
  ];
  const built = buildLike(recorded.body, { keepIds: like.keepIds, set, force: options.force, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  return {
    events: [{ type: built.type ?? '(no event_type)', known: built.known, videoId: built.videoId, body: built.body }],
    headers: passThroughHeaders(recorded.fixture.request.headers),
  };
}
