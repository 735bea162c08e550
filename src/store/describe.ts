import { relative } from 'node:path';
import { describeResult } from '../http/describe.js';
import { printable, printableValue } from '../text/printable.js';
import type { FixtureResponse, LoadedFixture } from './types.js';

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

/**
 * The handler's answer as `fixtures show` prints it: the outcome, then (in fixtures that
 * kept it) its headers and body. All of it came from a handler, so all of it is printable().
 */
export function describeAnswer(response: FixtureResponse | undefined): string[] {
  if (!response) return ['answer: not forwarded'];
  const lines = [`answer: ${printable(describeResult(response))} from ${printable(response.target)}`];
  for (const [name, value] of Object.entries(response.headers ?? {})) lines.push(`  ${printable(name)}: ${printable(Array.isArray(value) ? value.join(', ') : value)}`);
  if (typeof response.body !== 'string') return lines;
  const cut = response.truncated ? ['… (only the start of the body was kept)'] : [];
  if (response.bodyEncoding === 'base64') return [...lines, '', `(binary body, ${Buffer.from(response.body, 'base64').length} bytes kept; --json shows it as base64)`, ...cut];
  return [...lines, '', ...prettyText(response.body).split('\n').map(printable), ...cut];
}

function prettyText(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
