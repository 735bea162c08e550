import { relative } from 'node:path';
import { printable, printableValue } from '../ui/sanitize.js';
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
      ? printableValue(response.status)
      : printableValue(response.error?.kind ?? 'error');
  return {
    // Everything here came from the fixture file (the body, or a hand edit): hostile until made printable.
    time: printable(fixture.recordedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
    type: event.type !== null ? printable(event.type) : event.json ? '(no event_type)' : '(not JSON)',
    video: event.videoId !== null ? String(event.videoId) : '-',
    status: event.status !== null ? printable(event.status) : '-',
    lastAnswer,
    file: printable(relativeFile(loaded.file, cwd)),
  };
}

/** A fixture's path as a user would type it from here. */
export function relativeFile(file: string, cwd = process.cwd()): string {
  return relative(cwd, file) || file;
}
