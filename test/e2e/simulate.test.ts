import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from '../helpers/cli.js';
import { runInPty } from '../helpers/pty.js';
import { event, writeFixtures } from '../helpers/fixtures.js';
import { TestHandler, type Behaviour } from '../helpers/handler.js';
import type { ReportSummary } from '../../src/simulate/report.js';
import type { EventOutcome } from '../../src/simulate/types.js';
import { waitUntil } from '../helpers/time.js';
import { findAll, parseXml } from '../helpers/xml.js';

/** The report file: the summary plus every event's attempts. */
type ReportFile = ReportSummary & { events: EventOutcome[] };

let handler: TestHandler;
let dir: string;

beforeEach(async () => {
  handler = await new TestHandler().start();
  dir = await mkdtemp(join(tmpdir(), 'hsw-simulate-'));
});
afterEach(async () => {
  await handler.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Counts deliveries per body, and lets the behaviour see the count (1 for the first). */
function perBody(answer: (nth: number) => ReturnType<Behaviour>): Behaviour {
  const seen = new Map<string, number>();
  return (request) => {
    const key = request.body.toString('hex');
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    return answer(nth);
  };
}

function countsPerBody(): number[] {
  const counts = new Map<string, number>();
  for (const r of handler.received) counts.set(r.body.toString('hex'), (counts.get(r.body.toString('hex')) ?? 0) + 1);
  return [...counts.values()];
}

async function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; report: ReportFile }> {
  const reportFile = join(dir, 'report.json');
  const result = await runCli(['simulate', '--to', handler.url, '--report', reportFile, '--seed', '7', ...args], { timeoutMs: 60_000 });
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as ReportFile;
  return { ...result, report };
}

describe('simulate: retries', () => {
  it('a handler failing the first 2 attempts gets exactly 3 attempts per event, all delivered, exit 0', async () => {
    handler.setBehaviour(perBody((nth) => (nth <= 2 ? { status: 500 } : undefined)));
    const { code, report, stdout } = await simulate(['--events', '20', '--within', '2s']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/PASS/);
    expect(countsPerBody()).toEqual(Array(20).fill(3));
    expect(report.totals).toMatchObject({ events: 20, delivered: 20, exhausted: 0, attempts: 60, retries: 40, non2xx: { '500': 40 } });
    for (const e of report.events) {
      expect(e.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
      // Retries follow the compressed schedule: 1m then 5m of 1431m squeezed into 2 s.
      const [first, second, third] = e.attempts.map((a) => a.at);
      expect((second as number) - (first as number)).toBeGreaterThanOrEqual((2_000 * 1) / 1431 - 1);
      expect((third as number) - (second as number)).toBeGreaterThanOrEqual((2_000 * 5) / 1431 - 1);
    }
  });

  it('always 500: exactly --max-attempts per event, exhausted, exit 1', async () => {
    handler.setBehaviour(() => ({ status: 500 }));
    const { code, report, stdout } = await simulate(['--events', '8', '--within', '2s', '--max-attempts', '4']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL: 8 of 8 events never got a 2xx within 4 attempts/);
    expect(countsPerBody()).toEqual(Array(8).fill(4));
    expect(report.totals).toMatchObject({ delivered: 0, exhausted: 8, attempts: 32 });
    expect(report.verdict.ok).toBe(false);
  });

  it('a handler sleeping 6 s times out at about 5 s and is retried', async () => {
    handler.setBehaviour(perBody((nth) => (nth === 1 ? { delayMs: 6_000 } : undefined)));
    const { code, report } = await simulate(['--events', '2', '--within', '2s']);
    expect(code).toBe(0);
    expect(report.totals.timeouts).toBe(2);
    for (const e of report.events) {
      const [first, second] = e.attempts;
      expect(first?.error).toBe('timeout');
      // Ended by the 5 s deadline: not before it, and (a timeout, not the 6 s answer) not after the handler.
      expect(first?.latencyMs).toBeGreaterThanOrEqual(4_950);
      expect(second?.ok).toBe(true);
    }
  });
});

describe('simulate: duplicates and order', () => {
  it('--duplicate-rate 1 sends every event at least twice, with identical bytes', async () => {
    const { code, report } = await simulate(['--events', '10', '--duplicate-rate', '1', '--duplicate-window', '2m', '--within', '2s']);
    expect(code).toBe(0);
    const counts = countsPerBody();
    expect(counts).toHaveLength(10);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(2);
    expect(report.totals.duplicatesSent).toBe(10);
    expect(report.events.every((e) => e.attempts.some((a) => a.copy === 1 && a.ok))).toBe(true);
  });

  it('--duplicates N sends N exact extra copies', async () => {
    const { report } = await simulate(['--events', '4', '--duplicates', '2', '--within', '2s']);
    expect(countsPerBody()).toEqual([3, 3, 3, 3]);
    expect(report.totals.duplicatesSent).toBe(8);
  });

  it('--reorder delivers out of timestamp order, and the same seed repeats it', async () => {
    const timestamps = (): string[] => handler.received.map((r) => (JSON.parse(r.body.toString()) as { timestamp: string }).timestamp);
    /** Each arrival's rank in timestamp order: the permutation, comparable across runs. */
    const ranks = (): number[] => {
      const arrived = timestamps();
      const sorted = [...arrived].sort();
      return arrived.map((t) => sorted.indexOf(t));
    };
    await simulate(['--events', '40', '--concurrency', '1', '--within', '2s']);
    const inOrder = timestamps();
    expect([...inOrder].sort()).toEqual(inOrder);
    handler.received.length = 0;
    await simulate(['--events', '40', '--concurrency', '1', '--within', '2s', '--reorder']);
    const shuffled = ranks();
    expect(shuffled).not.toEqual([...shuffled].sort((a, b) => a - b));
    // Only within windows of 10: nothing moves across a window boundary.
    shuffled.forEach((rank, position) => expect(Math.floor(rank / 10)).toBe(Math.floor(position / 10)));
    handler.received.length = 0;
    await simulate(['--events', '40', '--concurrency', '1', '--within', '2s', '--reorder']);
    expect(ranks()).toEqual(shuffled);
  });

  it('sends fixtures byte for byte with their headers', async () => {
    await writeFixtures(join(dir, 'fx'), [
      { at: '2026-11-20T01:00:00Z', body: event('video.created', 1), headers: { 'x-sig': 'one' } },
      { at: '2026-11-20T02:00:00Z', body: '{ "odd" :  -1.0 }' },
    ]);
    const { code } = await simulate(['--fixtures', join(dir, 'fx'), '--within', '2s']);
    expect(code).toBe(0);
    expect(handler.received.map((r) => r.body.toString()).sort()).toEqual([event('video.created', 1), '{ "odd" :  -1.0 }'].sort());
    expect(handler.received.find((r) => r.body.toString().includes('"id": 1,'))?.headers['x-sig']).toBe('one');
  });
});

describe('simulate: scenarios', () => {
  it('outage: every attempt fails for the first hour, then the backlog lands together', async () => {
    handler.setBehaviour(() => ({ delayMs: 100 }));
    const { code, report, stdout } = await simulate(['--scenario', 'outage', '--events', '30', '--concurrency', '50', '--within', '3s']);
    expect(code).toBe(0);
    expect(report.settings.outage).toBe('1h');
    expect(report.totals.outageFailures).toBeGreaterThan(30 * 3);
    // Nothing reached the handler during the outage; afterwards each event arrived once.
    expect(countsPerBody()).toEqual(Array(30).fill(1));
    const recovery = report.recovery;
    expect(recovery).not.toBeNull();
    expect(recovery?.firstAttemptAt).toBeGreaterThanOrEqual(recovery?.at ?? Infinity);
    expect(recovery?.attemptsWithinBurst).toBe(30);
    expect(handler.maxInFlight).toBeGreaterThanOrEqual(20);
    expect(report.maxInFlight).toBeGreaterThanOrEqual(20);
    expect(stdout).toMatch(/after recovery\s+30 attempts within 1000 ms of the first/);
  });

  it('flaky: lost answers make processed events arrive again', async () => {
    const { code, report } = await simulate(['--scenario', 'flaky', '--events', '30', '--within', '2s']);
    expect(code).toBe(0);
    expect(report.totals.answersLost).toBeGreaterThan(0);
    expect(handler.received.length).toBe(30 + report.totals.answersLost);
  });

  it('--max-latency fails the verdict for slow acceptances', async () => {
    handler.setBehaviour(() => ({ delayMs: 120 }));
    const { code, report } = await simulate(['--events', '3', '--within', '2s', '--max-latency', '50ms']);
    expect(code).toBe(1);
    expect(report.totals.tooSlow).toBe(3);
  });
});

describe('simulate: outputs and --check', () => {
  it('--check passes with the report path in HEAPSTREAM_REPORT', async () => {
    const script = join(dir, 'check.mjs');
    await writeFile(script, "import { readFileSync } from 'node:fs'; const r = JSON.parse(readFileSync(process.env.HEAPSTREAM_REPORT, 'utf8')); console.log('checked', r.totals.events); process.exit(r.totals.delivered === 5 ? 0 : 3);");
    const { code, stdout, report } = await simulate(['--events', '5', '--within', '2s', '--check', `node ${script}`]);
    expect(stdout).toMatch(/checked 5/);
    expect(code).toBe(0);
    expect(report.check).toEqual({ command: `node ${script}`, exitCode: 0 });
  });

  it('--check failing fails the verdict', async () => {
    const { code, stdout, report } = await simulate(['--events', '2', '--within', '2s', '--check', 'exit 4']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL: --check "exit 4" exited 4/);
    expect(report.verdict.ok).toBe(false);
  });

  it('--check gets a report even without --report, and its output stays off stdout with --json', async () => {
    const result = await runCli(['simulate', '--to', handler.url, '--events', '2', '--within', '2s', '--json', '--check', 'test -s "$HEAPSTREAM_REPORT" && echo from-check'], { timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/from-check/);
    const lines = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(lines.map((l) => l.kind)).toEqual(['event', 'event', 'summary']);
  });

  it('--junit writes a testcase per event, failures marked', async () => {
    handler.setBehaviour((request) => (request.body.toString().includes('video.ready') ? { status: 500 } : undefined));
    const junit = join(dir, 'junit.xml');
    const { code, report } = await simulate(['--events', '8', '--within', '2s', '--max-attempts', '2', '--junit', junit]);
    expect(code).toBe(1);
    const xml = await readFile(junit, 'utf8');
    expect(xml.match(/<testcase /g)).toHaveLength(8);
    expect(xml.match(/<failure /g)).toHaveLength(report.totals.exhausted);
    expect(report.totals.exhausted).toBeGreaterThan(0);
    expect(xml).toMatch(/<testsuites name="heapstream-webhooks simulate" tests="8" failures="\d+"/);
  });

  it('reports latency percentiles and most in flight', async () => {
    handler.setBehaviour(() => ({ delayMs: 30 }));
    const { report } = await simulate(['--events', '20', '--concurrency', '4', '--within', '2s']);
    expect(report.maxInFlight).toBe(4);
    expect(handler.maxInFlight).toBe(4);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(29);
    expect(report.latencyMs.p99).toBeGreaterThanOrEqual(report.latencyMs.p50 ?? Infinity);
  });

  it('shows a progress bar on a terminal, then the summary table', async () => {
    handler.setBehaviour(() => ({ delayMs: 20 }));
    const pty = runInPty(['simulate', '--to', handler.url, '--events', '60', '--concurrency', '2', '--within', '2s']);
    try {
      await pty.waitFor(/\[[█░]{24}\] \d+\/60 finished · \d+ delivered/);
      expect(await pty.exit).toBe(0);
    } finally {
      pty.kill();
    }
    expect(pty.output()).toMatch(/events\s+60 \(60 delivered, 0 exhausted\)/);
    expect(pty.output()).toMatch(/PASS/);
  });

  it('Ctrl-C stops at once and exits 130', async () => {
    // The handler holds every answer far longer than any test runs: an exit that waited for
    // the attempts in flight would show as answers given before it.
    handler.setBehaviour(() => ({ delayMs: 60_000 }));
    const cli = new CliProcess(['simulate', '--to', handler.url, '--events', '20', '--within', '5s']);
    try {
      await waitUntil(() => handler.inFlight > 0, 'an attempt in flight');
      expect(await cli.interrupt()).toBe(130);
      expect(handler.answered).toBe(0);
      expect(cli.stderr).toMatch(/interrupted/);
    } finally {
      await cli.stop();
    }
  });

  it('exits 2 on bad flags', async () => {
    expect((await runCli(['simulate', '--events', '2'])).code).toBe(2);
    expect((await runCli(['simulate', '--to', handler.url, '--duplicate-rate', '2'])).stderr).toMatch(/--duplicate-rate "2" is not a number from 0 to 1/);
    expect((await runCli(['simulate', '--to', handler.url, '--within', '2s', '--time-scale', '10'])).code).toBe(2);
    expect((await runCli(['simulate', '--to', handler.url, '--schedule', '1m,,5m'])).code).toBe(2);
  });

  it('refuses a compression that would make the outage never happen, saying the smallest that works (no false pass)', async () => {
    const result = await runCli(['simulate', '--to', handler.url, '--scenario', 'outage', '--within', '1ms']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: --within 1ms is too short to carry the retry schedule's shortest delay \(1m would last 0\.0007 ms\) and the outage \(1h would last 0\.042 ms\).*give --within 1\.5s or more$/m);
    expect(handler.received).toHaveLength(0);
    expect((await runCli(['simulate', '--to', handler.url, '--timeout', '0'])).stderr).toMatch(/^error: --timeout 0 ms fails every attempt/);
    expect((await runCli(['simulate', '--to', handler.url, '--duplicate-rate', '0.5', '--duplicates', '1'])).stderr).toMatch(/give one/);
  });
});

describe('simulate: interrupted runs keep what they had', () => {
  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    it(`${signal} during --report --junit writes both, marked interrupted and parseable, and exits ${exitCode}`, async () => {
      // The first five requests are answered at once, the other fifteen hang until the signal.
      handler.setBehaviour((_request, index) => (index < 5 ? undefined : { delayMs: 30_000 }));
      const reportFile = join(dir, 'report.json');
      const junitFile = join(dir, 'junit.xml');
      const cli = new CliProcess(['simulate', '--to', handler.url, '--type', 'video.ready', '--events', '20', '--concurrency', '20', '--report', reportFile, '--junit', junitFile, '--seed', '3', '--json']);
      try {
        // --json: each finished event is a line on stdout, so the test waits for the five it needs.
        await waitUntil(() => handler.received.length === 20, 'all 20 first attempts to arrive');
        await waitUntil(() => cli.records().length === 5, 'the five answered events to finish');
        cli.child.kill(signal);
        expect(await cli.wait()).toBe(exitCode);
      } finally {
        await cli.stop();
      }
      const report = JSON.parse(await readFile(reportFile, 'utf8')) as ReportFile;
      expect(report.interrupted).toEqual({ signal, reason: `interrupted by ${signal}`, finishedEvents: 5 });
      expect(report.totals.delivered).toBe(5);
      expect(report.events).toHaveLength(20);
      expect(report.totals.unfinished).toBe(20 - report.totals.delivered);
      expect(report.verdict.ok).toBe(false);
      const root = parseXml(await readFile(junitFile, 'utf8'));
      expect(findAll(root, 'testcase')).toHaveLength(20);
      expect(findAll(root, 'skipped')).toHaveLength(report.totals.unfinished);
      expect(findAll(root, 'property').find((p) => p.attributes['name'] === 'interrupted')?.attributes['value']).toBe(`interrupted by ${signal}`);
      expect(cli.records().at(-1)).toMatchObject({ kind: 'summary', verdict: { ok: false, reasons: [`interrupted by ${signal} after 5 of 20 events finished`] } });
      expect(cli.stderr).toMatch(new RegExp(`interrupted by ${signal}: \\d+ of 20 events finished; .*report\\.json and .*junit\\.xml hold what ran so far`));
    });
  }
});
