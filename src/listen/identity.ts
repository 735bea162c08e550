/**
 * The public URL's stable parts: the path token and the subdomain to ask for. They are kept
 * per working directory in the user's config directory, so restarting `listen` gives the
 * same URL and it need not be pasted into HeapStream again. `--new-url` rotates them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeError } from '../errors.js';
import { writeFileAtomic } from '../store/write.js';

export interface ListenIdentity {
  path: string;
  subdomain: string;
}

/** An unguessable path: only someone who was given the URL can post to it. */
export function randomPathToken(): string {
  return `/${randomBytes(16).toString('base64url')}`;
}

/** A subdomain to ask for; localtunnel servers hand out named ones more reliably than `?new`. */
export function randomSubdomain(): string {
  return `hsw-${randomBytes(8).toString('hex')}`;
}

export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'heapstream-webhooks');
}

function isIdentity(value: unknown): value is ListenIdentity {
  const v = value as Partial<ListenIdentity> | null;
  return typeof v?.path === 'string' && /^\/[A-Za-z0-9_-]{16,}$/.test(v.path) && typeof v.subdomain === 'string' && /^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/.test(v.subdomain);
}

/**
 * Where listen keeps what belongs to one working directory: `<hash><suffix>` in the config
 * directory's `listen/` (the identity: `.json`; a running listener: `.running.json`).
 */
export function listenStateFile(cwd: string, suffix: string, configDir = configDirectory()): { dir: string; file: string; directory: string } {
  const dir = join(configDir, 'listen');
  const directory = resolve(cwd);
  return { dir, directory, file: join(dir, `${createHash('sha256').update(directory).digest('hex').slice(0, 32)}${suffix}`) };
}

/**
 * The identity for `cwd`: the saved one, or a new one (saved for next time). When nothing can
 * be saved, `warn` is told and this run gets a fresh identity anyway.
 */
export async function loadListenIdentity(options: { cwd: string; renew: boolean; configDir?: string; warn(text: string): void }): Promise<ListenIdentity> {
  const { dir, directory, file } = listenStateFile(options.cwd, '.json', options.configDir);
  if (!options.renew) {
    try {
      const saved = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (isIdentity(saved)) return { path: saved.path, subdomain: saved.subdomain };
    } catch {
      // Missing or unreadable: make a new one below.
    }
  }
  const identity = { path: randomPathToken(), subdomain: randomSubdomain() };
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, `${JSON.stringify({ directory, ...identity, createdAt: new Date().toISOString() }, null, 2)}\n`, 0o600);
  } catch (error) {
    options.warn(`could not save the listen URL in ${dir} (${describeError(error)}); it will change on the next run`);
  }
  return identity;
}
