/**
 * The package from outside: a separate project with this package in its node_modules,
 * using it from CommonJS (as Jest does by default) and from ESM, in fresh Node processes.
 * Needs the build (`npm test` runs it first).
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TRACE = fileURLToPath(new URL('../helpers/trace-imports.mjs', import.meta.url));
const CLI_DEPENDENCIES = ['commander', 'ora', '@inquirer', 'chalk'];

let project: string;

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'hsw-consumer-'));
  await mkdir(join(project, 'node_modules', '@types'), { recursive: true });
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await symlink(ROOT, join(project, 'node_modules', 'heapstream-webhooks'), 'dir');
  await symlink(join(ROOT, 'node_modules', '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'dir');
  // undici-types: what @types/node's fetch types come from.
  await symlink(join(ROOT, 'node_modules', 'undici-types'), join(project, 'node_modules', 'undici-types'), 'dir');
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

function node(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// A CommonJS test file's view: require the package, run a short simulation against a
// fetch-style handler, and list the third-party modules that got loaded.
const CJS_SCRIPT = `
const { simulate, buildRequest, buildEvent } = require('heapstream-webhooks');
simulate({ target: { fetch: () => new Response(null, { status: 204 }) }, events: 5, duplicates: 1, seed: 1 }).then((report) => {
  const loaded = Object.keys(require.cache).filter((file) => file.includes('node_modules') && !file.includes('heapstream-webhooks/dist'));
  console.log(JSON.stringify({ ok: report.verdict.ok, attempts: report.totals.attempts, tool: report.tool, bytes: buildRequest(buildEvent('video.ready')).body.length > 0, loaded }));
});`;

describe('CommonJS: require("heapstream-webhooks")', () => {
  it('works where Node has no require(esm) (Node 20.18, 22.11), and loads none of the CLI dependencies (nor undici, in-process)', () => {
    // --no-experimental-require-module is Node 20.18's default: require() cannot load ESM.
    const { status, stdout, stderr } = node(['--no-experimental-require-module', '-e', CJS_SCRIPT]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const result = JSON.parse(stdout) as { ok: boolean; attempts: number; tool: string; bytes: boolean; loaded: string[] };
    expect(result).toMatchObject({ ok: true, attempts: 10, bytes: true });
    expect(result.tool).toMatch(/^heapstream-webhooks\/\d+\.\d+\.\d+/);
    for (const dependency of [...CLI_DEPENDENCIES, 'undici']) expect(result.loaded.filter((file) => file.includes(`/node_modules/${dependency}`))).toEqual([]);
  });

  it('sends to a URL too, loading undici only then', () => {
    const script = `
const { createServer } = require('node:http');
const { simulate } = require('heapstream-webhooks');
const server = createServer((req, res) => req.resume().on('end', () => res.end())).listen(0, '127.0.0.1', async () => {
  const report = await simulate({ target: 'http://127.0.0.1:' + server.address().port + '/hook', events: 3, within: '2s', seed: 1 });
  console.log(JSON.stringify({ ok: report.verdict.ok, clock: report.settings.clock, undici: Object.keys(require.cache).some((file) => file.includes('/node_modules/undici/')) }));
  server.close();
});`;
    const { status, stdout, stderr } = node(['--no-experimental-require-module', '-e', script]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ ok: true, clock: 'real', undici: true });
  });

  it('gives TypeScript CommonJS projects their own declarations', async () => {
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['consumer.cts'] }),
    );
    await writeFile(
      join(project, 'consumer.cts'),
      `import hsw = require('heapstream-webhooks');
export async function check(): Promise<boolean> {
  const report: hsw.SimulateReport = await hsw.simulate({ target: { fetch: () => new Response('ok') }, scenario: 'outage' });
  const exhausted: number = report.totals.exhausted;
  // @ts-expect-error: scenarios are a closed list
  await hsw.simulate({ target: 'http://localhost:3000/webhooks', scenario: 'storm' });
  // @ts-expect-error: a target is required
  await hsw.replay({ fixtures: 'fixtures/' });
  return report.verdict.ok && exhausted === 0;
}
`,
    );
    const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe("the README's examples as a user's project compiles them", () => {
  it('the Hono example type-checks with the DOM lib, where buildRequest().body must be a BodyInit', async () => {
    // hono.test.ts is the README's example word for word (readme.test.ts); a project with
    // "DOM" in its lib types fetch's and app.request()'s body with the DOM's BodyInit.
    const dir = await mkdtemp(join(tmpdir(), 'hsw-dom-'));
    try {
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: { target: 'ES2022', lib: ['ES2023', 'DOM', 'DOM.Iterable'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
          files: [join(ROOT, 'test', 'library', 'hono.test.ts')],
        }),
      );
      const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8', timeout: 60_000 });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('npm pack', () => {
  it('ships the sample fixtures and never a recording made in the clone', async () => {
    // `listen` run inside the clone records into ./fixtures, the samples' directory: a copy of
    // the package with such a recording (headers and all), packed as `npm publish` would.
    const dir = await mkdtemp(join(tmpdir(), 'hsw-pack-'));
    try {
      for (const entry of ['package.json', 'README.md', 'bin', 'fixtures']) await cp(join(ROOT, entry), join(dir, entry), { recursive: true });
      await mkdir(join(dir, 'dist'));
      await writeFile(join(dir, 'dist', 'index.mjs'), '');
      const recording = '2026-12-04T10-00-00-000Z_video.ready_v9_abcdef.json';
      await writeFile(join(dir, 'fixtures', recording), '{"request": {"headers": {"authorization": "Bearer secret"}}}');
      const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(packed.status).toBe(0);
      const files = (JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]?.files.map((file) => file.path) ?? [];
      const samples = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files.filter((entry) => entry.startsWith('fixtures/'));
      expect(samples).toHaveLength(5);
      expect(files.filter((file) => file.startsWith('fixtures/')).sort()).toEqual(samples.sort());
      expect(files).not.toContain(`fixtures/${recording}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('errors across the two builds', () => {
  it('an HswError thrown by the CommonJS build is recognised by the ESM build, and the other way round, by its brand', () => {
    // One process, both builds loaded: a project whose tests require() the package while a
    // helper imports it (or two installed copies) sees two HswError classes.
    const script = `
import { createRequire } from 'node:module';
const require = createRequire(process.cwd() + '/');
const cjs = require('heapstream-webhooks');
const esm = await import('heapstream-webhooks');
const fromCjs = await cjs.simulate({ target: { fetch: () => new Response() }, duplicate: 1 }).catch((error) => error);
const fromEsm = await esm.simulate({ target: { fetch: () => new Response() }, duplicate: 1 }).catch((error) => error);
console.log(JSON.stringify({
  distinctClasses: cjs.HswError !== esm.HswError,
  code: fromCjs.code,
  esmSeesCjs: [esm.isHswError(fromCjs), fromCjs instanceof esm.HswError],
  cjsSeesEsm: [cjs.isHswError(fromEsm), fromEsm instanceof cjs.HswError],
  plainError: [esm.isHswError(new Error('x')), new Error('x') instanceof cjs.HswError, esm.isHswError({ code: 'HSW_USAGE' })],
}));`;
    const { status, stdout, stderr } = node(['--input-type=module', '-e', script]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ distinctClasses: true, code: 'HSW_BAD_VALUE', esmSeesCjs: [true, true], cjsSeesEsm: [true, true], plainError: [false, false, false] });
  });
});

describe('ESM: import("heapstream-webhooks")', () => {
  it('loads none of the CLI dependencies, nor undici until something is sent to a URL', async () => {
    const file = join(project, 'imports.txt');
    const script = `const lib = await import('heapstream-webhooks'); if (typeof lib.simulate !== 'function') process.exit(3);`;
    const { status, stderr } = node(['--import', TRACE, '--input-type=module', '-e', script], { HSW_TRACE_IMPORTS: file });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const loaded = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    expect(loaded.some((url) => url.endsWith('/dist/index.mjs'))).toBe(true);
    for (const dependency of [...CLI_DEPENDENCIES, 'undici']) expect(loaded.filter((url) => url.includes(`/node_modules/${dependency}/`))).toEqual([]);
  });
});
