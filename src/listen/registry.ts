/**
 * Where the `listen` running in a directory can be found, so that `trigger` (and, when
 * asked, `replay` and `simulate`) can send through it: the listener publishes its local URL
 * beside the directory's identity for the length of its run and removes it on exit. A
 * listener killed with SIGKILL cannot remove it; such a stale entry is recognised (its
 * process is gone, or what answers on its port is not that listener) and ignored.
 */
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { isProcessAlive } from '../pid.js';
import { writeFileAtomic } from '../store/write.js';
import { probeTarget, probeThrough } from '../tunnel/probe.js';
import { listenStateFile } from './identity.js';

interface RunningEntry {
  pid: number;
  localUrl: string;
  directory: string;
  startedAt: string;
  /** A probe to the listener with this token is answered `answer`: proof that it is still that listener. */
  probe: { token: string; answer: string };
}

export type ListenerLookup =
  | { state: 'running'; localUrl: URL; pid: number }
  /** An entry whose listener is gone: it did not shut down cleanly. */
  | { state: 'stale'; pid: number; reason: string }
  | { state: 'none' };

export interface PublishedListener {
  /** Removes the entry, unless another listener has published over it since. */
  remove(): Promise<void>;
}

export async function publishListener(options: { cwd: string; localUrl: string; probe: { token: string; answer: string }; configDir?: string }): Promise<PublishedListener> {
  const { dir, directory, file } = listenStateFile(options.cwd, '.running.json', options.configDir);
  const entry: RunningEntry = { pid: process.pid, localUrl: options.localUrl, directory, startedAt: new Date().toISOString(), probe: options.probe };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, `${JSON.stringify(entry, null, 2)}\n`, 0o600);
  return {
    async remove() {
      const current = await readEntry(file);
      if (current?.pid === process.pid) await unlink(file).catch(() => undefined);
    },
  };
}

export async function findListener(options: { cwd: string; configDir?: string; timeoutMs?: number }): Promise<ListenerLookup> {
  const { file } = listenStateFile(options.cwd, '.running.json', options.configDir);
  const entry = await readEntry(file);
  if (!entry) return { state: 'none' };
  if (!isProcessAlive(entry.pid)) return { state: 'stale', pid: entry.pid, reason: `its process (pid ${entry.pid}) is gone` };
  const url = new URL(entry.localUrl);
  const probe = await probeThrough(probeTarget(url.href, undefined, entry.probe.token), entry.probe.answer, options.timeoutMs ?? 2_000);
  if (probe.ok) return { state: 'running', localUrl: url, pid: entry.pid };
  return { state: 'stale', pid: entry.pid, reason: probe.status === undefined ? `nothing answers on ${url.host} (${probe.detail ?? 'no answer'})` : `something else answers on ${url.host}` };
}

async function readEntry(file: string): Promise<RunningEntry | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<RunningEntry> | null;
    const ok = typeof value?.pid === 'number' && typeof value.localUrl === 'string' && typeof value.probe?.token === 'string' && typeof value.probe.answer === 'string';
    return ok ? (value as RunningEntry) : undefined;
  } catch {
    return undefined;
  }
}
