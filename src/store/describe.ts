import { relative } from 'node:path';
import type { LoadedFixture } from './types.js';

/** The columns `fixtures list` and the replay picker show for a fixture. */
export interface FixtureRow {
  time: string;
  type: string;
  video: string;
  status: string;
  lastAnswer: string;
  file: string;
}

export function fixtureRow(loaded: LoadedFixture, cwd = process.cwd()): FixtureRow {
  const { event, fixture } = loaded;
  const response = fixture.response;
  const lastAnswer = !response
    ? '-'
    : response.status !== undefined
      ? String(response.status)
      : (response.error?.kind ?? 'error');
  return {
    time: fixture.recordedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    type: event.type ?? (event.json ? '(no event_type)' : '(not JSON)'),
    video: event.videoId !== null ? String(event.videoId) : '-',
    status: event.status ?? '-',
    lastAnswer,
    file: relative(cwd, loaded.file) || loaded.file,
  };
}
