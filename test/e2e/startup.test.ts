import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

const TRACE = fileURLToPath(new URL('../helpers/trace-imports.mjs', import.meta.url));
/** Text only the inspector's server carries (its error code is in the shared table of exit codes). */
const INSPECTOR_MARK = "the inspector's page is not built";

async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hsw-trace-'));
  const file = join(dir, 'imports.txt');
  try {
    const result = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], { env: { ...process.env, HSW_TRACE_IMPORTS: file }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('start-up', () => {
  it.each([[['--help']], [['trigger', '--help']], [['--version']]])('%j loads no heavy module', async (args) => {
    const loaded = await modulesLoadedBy(args);
    expect(loaded.some((url) => url.includes('/dist/bundle/cli.js'))).toBe(true);
    for (const heavy of ['@inquirer', 'localtunnel', '/ora/', '/undici/']) {
      expect(loaded.filter((url) => url.includes(heavy))).toEqual([]);
    }
    // chalk is bundled into the chunk that prints (esbuild marks its source by path).
    for (const chunk of loaded.filter((url) => url.includes('/dist/bundle/'))) {
      expect(await readFile(fileURLToPath(chunk), 'utf8')).not.toContain('node_modules/chalk/');
    }
  });

  it.each([[['--help']], [['listen', '--help']], [['inspect', '--help']]])('%j loads none of the inspector', async (args) => {
    const loaded = await modulesLoadedBy(args);
    // The inspector's server is bundled into a chunk of its own: no loaded chunk may hold it.
    const chunks = loaded.filter((url) => url.includes('/dist/bundle/'));
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(await readFile(fileURLToPath(chunk), 'utf8')).not.toContain(INSPECTOR_MARK);
  });

  it('the inspector chunk exists, so the check above can fail', async () => {
    const loaded = await modulesLoadedBy(['inspect', '--help']);
    const { readdir } = await import('node:fs/promises');
    const dir = fileURLToPath(new URL('./', loaded.find((url) => url.includes('/dist/bundle/cli.js')) ?? ''));
    const all = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.js')).map((f) => readFile(join(dir, f), 'utf8')));
    expect(all.filter((text) => text.includes(INSPECTOR_MARK)).length).toBeGreaterThan(0);
  });

  it('trigger --print loads neither the prompt, tunnel, spinner or HTTP libraries nor the store (crypto)', async () => {
    const loaded = await modulesLoadedBy(['trigger', 'video.created', '--print']);
    for (const heavy of ['@inquirer', 'localtunnel', '/ora/', '/undici/', 'node:crypto', 'node:timers/promises']) {
      expect(loaded.filter((url) => url.includes(heavy))).toEqual([]);
    }
  });
});
