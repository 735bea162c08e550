/**
 * JUnit XML for CI systems: one testcase per event, failed when it was never delivered or
 * was accepted too slowly.
 */
import type { SimulateReport } from './report.js';

const escape = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);

export function toJunit(report: SimulateReport): string {
  const failures = report.events.filter((e) => !e.delivered || e.tooSlow).length;
  const cases = report.events.map((event) => {
    const name = `#${event.index} ${event.type ?? 'event'}${event.videoId !== null ? ` video ${event.videoId}` : ''}`;
    const seconds = event.attempts.reduce((sum, a) => sum + a.latencyMs, 0) / 1000;
    const trail = event.attempts.map((a) => `copy ${a.copy} attempt ${a.attempt} at ${a.at} ms: ${a.ok ? 'ok' : ''} ${a.status ?? ''} ${a.error ?? ''} (${a.latencyMs} ms)`.replace(/\s+/g, ' ').trim()).join('\n');
    const open = `    <testcase classname="${escape(`heapstream.${event.type ?? 'unknown'}`)}" name="${escape(name)}" time="${seconds.toFixed(3)}">`;
    if (event.delivered && !event.tooSlow) return `${open}\n      <system-out>${escape(trail)}</system-out>\n    </testcase>`;
    const message = event.tooSlow ? 'accepted slower than --max-latency' : `no 2xx within ${report.settings.maxAttempts} attempts`;
    return `${open}\n      <failure message="${escape(message)}" type="${event.tooSlow ? 'too-slow' : 'exhausted'}">${escape(trail)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="heapstream-webhooks simulate" tests="${report.events.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${escape(`simulate ${report.scenario ?? 'default'} → ${report.target}`)}" tests="${report.events.length}" failures="${failures}" errors="0" skipped="0" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${report.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
