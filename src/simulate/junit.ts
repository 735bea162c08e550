/**
 * JUnit XML for CI systems: one testcase per event, failed when it was never delivered or
 * was accepted too slowly. Streamed, like the JSON report.
 */
import type { EngineResult } from './engine.js';
import type { SimulateReport } from './report.js';

const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

export async function writeJunit(write: (chunk: string) => Promise<void>, report: SimulateReport, result: EngineResult): Promise<void> {
  const failures = report.totals.exhausted + report.totals.tooSlow;
  const seconds = (report.durationMs / 1000).toFixed(3);
  await write(
    [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="heapstream-webhooks simulate" tests="${report.totals.events}" failures="${failures}" time="${seconds}">`,
      `  <testsuite name="${escape(`simulate ${report.scenario ?? 'default'} → ${report.target}`)}" tests="${report.totals.events}" failures="${failures}" errors="0" skipped="0" time="${seconds}" timestamp="${report.startedAt}">`,
      '',
    ].join('\n'),
  );
  const indexes = [...result.order].sort((a, b) => a - b);
  let batch: string[] = [];
  for (const index of indexes) {
    batch.push(testcase(result, index, report.settings.maxAttempts));
    if (batch.length === 1_000) {
      await write(batch.join(''));
      batch = [];
    }
  }
  await write(`${batch.join('')}  </testsuite>\n</testsuites>\n`);
}

function testcase(result: EngineResult, index: number, maxAttempts: number): string {
  const event = result.outcome(index);
  const name = `#${event.index} ${event.type ?? 'event'}${event.videoId !== null ? ` video ${event.videoId}` : ''}`;
  const seconds = event.attempts.reduce((sum, a) => sum + a.latencyMs, 0) / 1000;
  const trail = event.attempts
    .map((a) => `copy ${a.copy} attempt ${a.attempt} at ${a.at} ms: ${a.ok ? 'ok' : ''} ${a.status ?? ''} ${a.error ?? ''} (${a.latencyMs} ms)`.replace(/\s+/g, ' ').trim())
    .join('\n');
  const open = `    <testcase classname="${escape(`heapstream.${event.type ?? 'unknown'}`)}" name="${escape(name)}" time="${seconds.toFixed(3)}">`;
  if (event.delivered && !event.tooSlow) return `${open}\n      <system-out>${escape(trail)}</system-out>\n    </testcase>\n`;
  const message = event.tooSlow && event.delivered ? 'accepted slower than --max-latency' : `no 2xx within ${maxAttempts} attempts`;
  return `${open}\n      <failure message="${escape(message)}" type="${event.delivered ? 'too-slow' : 'exhausted'}">${escape(trail)}</failure>\n    </testcase>\n`;
}
