/**
 * The minimal reproduction on disk: one fixture per delivery, numbered in the order to send
 * them (`01-video.created-v500.json`), which `replay <dir>` sends in name order. Numbered
 * files left by an earlier reproduction are removed first, so that replay sends only these.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDirectory } from '../../store/directory.js';
import { insideDirectory, sanitizeSegment } from '../../store/name.js';
import { serializeFixture, writeFileAtomic, makeFixture } from '../../store/write.js';
import { shellQuote } from '../reproduce.js';
import { isUrlSpec } from './oracle.js';
import type { EventStore } from '../event-store.js';
import type { Reproduction } from './types.js';

const NUMBERED = /^\d{2,}-[A-Za-z0-9._-]*\.json$/;

interface WrittenReproduction {
  dir: string;
  files: string[];
  /** Sends the files again, in order (copies sent together: at once). */
  replay: string;
}

async function writeReproduction(dir: string, reproduction: Reproduction, events: EventStore, to: URL): Promise<WrittenReproduction> {
  await ensureDirectory(dir);
  for (const name of await readdir(dir)) if (NUMBERED.test(name)) await unlink(insideDirectory(dir, name));
  const files: string[] = [];
  const width = Math.max(2, String(reproduction.deliveries.length).length);
  for (const [i, delivery] of reproduction.deliveries.entries()) {
    const type = sanitizeSegment(delivery.type ?? 'event', 64) || 'event';
    const video = delivery.videoId !== null && Number.isSafeInteger(delivery.videoId) ? `-v${delivery.videoId}` : '';
    const name = `${String(i + 1).padStart(width, '0')}-${type}${video}.json`;
    const fixture = makeFixture({ via: 'synthetic', method: 'POST', path: to.pathname, query: to.search.replace(/^\?/, ''), headers: events.headers(delivery.index), body: events.body(delivery.index) });
    await writeFileAtomic(insideDirectory(dir, name), serializeFixture(fixture));
    files.push(join(dir, name));
  }
  // A race needs its copies in flight together; everything else goes one at a time.
  const together = Math.max(1, ...groupSizes(reproduction));
  const replay = ['npx', 'heapstream-webhooks', 'replay', dir, '--to', to.href, ...(together > 1 ? ['--concurrency', String(together)] : [])].map(shellQuote).join(' ');
  return { dir, files, replay };
}

function groupSizes(reproduction: Reproduction): number[] {
  const sizes: number[] = [];
  for (const delivery of reproduction.deliveries) {
    if (delivery.together && sizes.length > 0) sizes[sizes.length - 1] = (sizes[sizes.length - 1] as number) + 1;
    else sizes.push(1);
  }
  return sizes;
}

/**
 * Writes the reproduction to `dir` and notes on it where it went, the command that sends it
 * again and (from `reset`, a URL or a command) the one that empties the state first.
 */
export async function attachReproduction(reproduction: Reproduction, where: { dir: string; reset?: string | undefined }, events: EventStore, to: URL): Promise<void> {
  const written = await writeReproduction(where.dir, reproduction, events, to);
  reproduction.files = written.files;
  reproduction.replay = written.replay;
  if (where.reset !== undefined) reproduction.reset = isUrlSpec(where.reset) ? `curl -fsS -X POST ${shellQuote(where.reset)}` : where.reset;
}
