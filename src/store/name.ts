import { randomBytes } from 'node:crypto';
import { resolve, sep } from 'node:path';
import type { EventSummary } from '../events/summary.js';

/**
 * A file name that sorts chronologically and says what the event is:
 * `2026-11-27T13-04-05-123Z_video.created_v500_3fa9c1.json`. Everything taken from the
 * request is reduced to [A-Za-z0-9._-] with no `..`, so no input can leave the directory.
 */
export function fixtureFileName(recordedAt: Date, event: Pick<EventSummary, 'type' | 'videoId'>): string {
  const time = recordedAt.toISOString().replace(/[:.]/g, '-');
  const type = sanitizeSegment(event.type ?? 'unknown', 64) || 'unknown';
  const video = event.videoId !== null && Number.isSafeInteger(event.videoId) ? `_v${event.videoId}` : '';
  return `${time}_${type}${video}_${randomSuffix()}.json`;
}

/**
 * Three random bytes in hex, drawn from a pool filled 1,024 names at a time: randomBytes
 * per name is a system call each, and listen names a file for every webhook.
 */
let pool = Buffer.alloc(0);
let used = 0;

function randomSuffix(): string {
  if (used + 3 > pool.length) {
    pool = randomBytes(3 * 1024);
    used = 0;
  }
  used += 3;
  return pool.toString('hex', used - 3, used);
}

export function sanitizeSegment(text: string, maxLength: number): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, maxLength);
}

/** Joins a file name to a directory, refusing anything that would land outside it. */
export function insideDirectory(dir: string, name: string): string {
  const root = resolve(dir);
  const full = resolve(root, name);
  if (!full.startsWith(root + sep)) throw new Error(`refusing to write outside ${root}: ${name}`);
  return full;
}
