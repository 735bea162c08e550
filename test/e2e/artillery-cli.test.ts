/**
 * `simulate --export artillery` and `--from-artillery` through the built CLI, without
 * Artillery: flags, one-line usage errors, and the files and exit code of a verdict read
 * from a report (made by driving the exported processor in this process, as Artillery would).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TestHandler } from '../helpers/handler.js';

let dir: string;
let handler: TestHandler;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hsw-artillery-cli-'));
  handler = await new TestHandler().start();
});
afterEach(async () => {
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('simulate --export artillery: usage', () => {
  it.each([
    [['--export', 'k6', 'out'], /--export "k6" "out" is not a format and a directory; give --export artillery <dir>/],
    [['--export', 'artillery'], /--export "artillery" is not a format and a directory/],
    [['--to', 'http://127.0.0.1:9/', '--shards', '2'], /--shards only applies with --export artillery <dir>/],
    [['--export', 'artillery', 'out', '--from-artillery', 'r.json'], /--export writes a storm, --from-artillery reads its reports; give one/],
    [['--export', 'artillery', 'out', '--events', '3', '--shards', '4'], /--shards 4 is more than the 3 events; give at most 3/],
    [['--export', 'artillery', 'out', '--shards', '0'], /--shards/],
    [['--export', 'artillery', 'out', '--check', 'true'], /--check applies to a run, not to an export \(the report files come from --from-artillery\); drop it/],
    [['--export', 'artillery', 'out', '--concurrency', '5'], /--concurrency applies to a run, not to an export/],
    [['--export', 'artillery', 'out', '--junit', 'j.xml'], /--junit applies to a run/],
    [['--from-artillery', 'r.json', '--events', '5'], /--events applies to a run or an export, not to reading reports; drop it/],
  ])('%j is a one-line usage error (exit 2)', async (args, message) => {
    const { code, stderr } = await runCli(['simulate', ...args], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a directory that cannot be made is a usage error that names it', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const { code, stderr } = await runCli(['simulate', '--export', 'artillery', join(dir, 'file', 'storm')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/the directory ".*file\/storm" cannot be used/);
  });

  it('--json: one record that says what was written', async () => {
    const { code, stdout } = await runCli(['simulate', '--export', 'artillery', join(dir, 'storm'), '--events', '5', '--shards', '2', '--seed', '1', '--json']);
    expect(code).toBe(0);
    const records = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ kind: 'export', format: 'artillery', events: 5, shards: [{ shard: 1, events: 3, parts: ['payload/shard-1-1.ndjson'] }, { shard: 2, events: 2 }] });
  });
});

describe('simulate --from-artillery', () => {
  it('writes the report, JUnit, HTML and GitHub summary of a failing storm, and exits 1', async () => {
    const storm = join(dir, 'storm');
    expect((await runCli(['simulate', '--export', 'artillery', storm, '--events', '3', '--max-attempts', '2', '--schedule', '10ms', '--time-scale', '1', '--seed', '8'])).code).toBe(0);
    handler.setBehaviour(() => ({ status: 500 }));
    const processor = (await import(pathToFileURL(join(storm, 'processor.mjs')).href)) as { hswDeliver(context: object, events: object): Promise<void> };
    const counters: Record<string, number> = {};
    const events = { emit: (type: string, name: string, value: number) => type === 'counter' && (counters[name] = (counters[name] ?? 0) + value) };
    await Promise.all([1, 2, 3].map(() => processor.hswDeliver({ vars: { target: handler.url, hswShard: 1 } }, events)));
    await writeFile(join(dir, 'artillery.json'), JSON.stringify({ aggregate: { counters } }));

    const summary = join(dir, 'summary.md');
    const { code, stdout } = await runCli(['simulate', '--from-artillery', join(dir, 'artillery.json'), '--report', join(dir, 'r.json'), '--junit', join(dir, 'j.xml'), '--html', join(dir, 's.html')], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL/);
    expect(stdout).toMatch(/::error/);
    const report = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as { verdict: { ok: boolean; reasons: string[] }; totals: { attempts: number }; events: unknown[]; settings: { seed: number } };
    expect(report.verdict).toEqual({ ok: false, reasons: ['3 of 3 events never got a 2xx within 2 attempts'] });
    expect(report).toMatchObject({ totals: { attempts: 6 }, settings: { seed: 8 } });
    expect(report.events).toHaveLength(3);
    expect(await readFile(join(dir, 'j.xml'), 'utf8')).toMatch(/tests="3" failures="3"/);
    expect(await readFile(join(dir, 's.html'), 'utf8')).toMatch(/<title>FAIL · simulate · http:\/\/127\.0\.0\.1:\d+\/webhooks<\/title>/);
    expect(await readFile(summary, 'utf8')).toMatch(/3 of 3 events never got a 2xx/);
  });
});
