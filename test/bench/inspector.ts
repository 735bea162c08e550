/**
 * The inspector's figures. Event to page: how long after a webhook is POSTed to `listen --ui`
 * an open page shows it (target: under a second, p95). The storm report: file size, time to
 * build it and time for Chromium to draw it, for 1,000, 100,000 and 1,000,000 events.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import { StormBuilder } from '../../src/simulate/storm-picture.js';
import { stormHtml } from '../../src/simulate/storm-html.js';
import type { ReportSummary } from '../../src/simulate/report.js';
import type { AttemptRecord, EventOutcome } from '../../src/simulate/types.js';
import { launchBrowser } from '../helpers/chromium.js';
import { freePort, spawnListening, startHandlerProcess, stop } from './helpers.js';
import { fmt, median, percentile, verdict } from './stats.js';

const body = (i: number): string =>
  `{"event_type": "video.ready", "project_id": 20, "timestamp": "2024-10-10T10:10:10.000010+0000", "video": {"asset": {"duration": 12.0, "encoding_tier": "full", "errors": [], "id": 22, "normalize_audio": false}, "id": ${i}, "status": "ready"}}`;

export async function benchInspector(samples = 30): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-ui-'));
  const handler = await startHandlerProcess('ok');
  const port = await freePort();
  const uiPort = await freePort();
  const listen = await spawnListening(['listen', '--no-tunnel', '--port', String(port), '--path', '/hook', '--record', join(dir, 'fixtures'), '--forward-to', handler.url, '--ui-port', String(uiPort)], port);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const seen = new Map<string, number>();
    // The page reports each new row the moment it is in the DOM.
    await page.exposeFunction('rowSeen', (id: string) => seen.set(id, performance.now()));
    await page.goto(`http://127.0.0.1:${uiPort}/`);
    await page.locator('.conn[data-state="live"]').waitFor();
    await page.evaluate(`new MutationObserver(() => {
      for (const row of document.querySelectorAll('li.row')) if (!row.dataset.seen) { row.dataset.seen = '1'; window.rowSeen(row.dataset.id); }
    }).observe(document.querySelector('.list'), { childList: true })`);
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const before = seen.size;
      const sent = performance.now();
      const response = await request(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: body(i), headers: { 'content-type': 'application/json' } });
      await response.body.dump();
      const deadline = Date.now() + 5_000;
      while (seen.size === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
      const shown = [...seen.values()].at(-1) as number;
      latencies.push(shown - sent);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    latencies.sort((a, b) => a - b);
    const p95 = percentile(latencies, 95);
    console.log('inspector: webhook POSTed to listen --ui → row on an open page');
    console.log(`  median ${fmt(median(latencies))} ms · p95 ${fmt(p95)} ms · max ${fmt(latencies.at(-1) as number)} ms over ${samples}  (target p95 < 1000 ms)  ${verdict(p95 < 1000)}`);
  } finally {
    await browser.close();
    await stop(listen);
    handler.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
}

/** A run of `events` whose shape is known: an outage over the first tenth, some flaky events, a few exhausted. */
function* syntheticRun(events: number, durationMs: number): Generator<EventOutcome> {
  const outageEnd = durationMs / 10;
  let seed = 7;
  const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (let index = 0; index < events; index++) {
    const start = (index / events) * durationMs * 0.6;
    const attempts: AttemptRecord[] = [];
    let at = start;
    const failures = start < outageEnd ? 3 : random() < 0.1 ? 2 : 0;
    const exhausted = random() < 0.002;
    const total = exhausted ? 10 : failures + 1;
    for (let n = 1; n <= total; n++) {
      const outage = at < outageEnd;
      const ok = !exhausted && n === total;
      attempts.push({ attempt: n, copy: 0, at, delayedMs: 0, status: outage ? 503 : ok ? 200 : 500, error: outage ? 'outage' : null, latencyMs: outage ? 0 : 5 + random() * (ok ? 40 : 400), ok });
      at = Math.min(durationMs - 1, at + durationMs * 0.03 * n);
    }
    yield { index, type: ['video.created', 'video.uploaded', 'video.ready'][index % 3] as string, videoId: index, source: 'synthetic', delivered: !exhausted, exhausted, duplicateRefused: false, tooSlow: false, duplicatesSent: 0, attempts };
  }
}

function syntheticReport(events: number, durationMs: number): ReportSummary {
  return {
    tool: 'heapstream-webhooks/bench',
    target: 'http://127.0.0.1:3000/webhooks',
    scenario: 'outage',
    command: null,
    startedAt: new Date().toISOString(),
    durationMs,
    settings: { schedule: ['1m', '5m', '15m', '30m', '1h', '2h', '4h', '8h', '8h'], clock: 'real', timeScale: 2880, maxAttempts: 10, lastAttemptDueMs: 85_860_000, timeoutMs: 5_000, concurrency: 50, duplicateRate: 0, duplicates: 0, reorder: false, outage: '1h', answerLoss: 0, networkLatencyMs: 0, maxLatencyMs: null, seed: 7 },
    totals: { events, delivered: events, exhausted: 0, duplicatesRefused: 0, tooSlow: 0, attempts: 0, retries: 0, timeouts: 0, unreachable: 0, badAnswers: 0, errors: 0, outageFailures: 0, answersLost: 0, non2xx: {}, duplicatesSent: 0, unfinished: 0 },
    latencyMs: { p50: 20, p95: 200, p99: 380, max: 405 },
    maxInFlight: 50,
    scheduler: { maxPending: 0, loopStallMs: 0, scheduledAttempts: 0, latenessMs: { p50: 0, p95: 0, p99: 0, max: 0 }, behind: null },
    recovery: { at: durationMs / 10, firstAttemptAt: durationMs / 10 + 5, attemptsWithinBurst: Math.round(events / 10), burstWindowMs: 1_000 },
    check: null,
    verdict: { ok: true, reasons: [] },
    warnings: [],
    interrupted: null,
    worstEvents: [],
  };
}

export async function benchStorm(sizes = [1_000, 100_000, 1_000_000]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-storm-'));
  const browser = await launchBrowser();
  console.log('storm report (simulate --html): size, build time, time for Chromium to draw it');
  try {
    for (const events of sizes) {
      const durationMs = 30_000;
      const started = performance.now();
      const builder = new StormBuilder(syntheticReport(events, durationMs));
      for (const outcome of syntheticRun(events, durationMs)) builder.add(outcome);
      const html = await stormHtml(builder.finish());
      const built = performance.now() - started;
      const file = join(dir, `storm-${events}.html`);
      await writeFile(file, html);
      const renders: number[] = [];
      for (let run = 0; run < 3; run++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const t = performance.now();
        await page.goto(pathToFileURL(file).href);
        await page.locator('.worst li.event').first().waitFor();
        renders.push(performance.now() - t);
        await page.close();
      }
      console.log(`  ${String(events).padStart(9)} events  ${fmt(Buffer.byteLength(html) / 1024)} KiB  built in ${fmt(built)} ms  drawn in ${fmt(median(renders))} ms (median of 3)`);
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}
