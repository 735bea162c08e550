import { describe, expect, it } from 'vitest';
import { ReportShapeError, scanCounters } from '../../src/simulate/artillery/report-scan.js';

function counters(text: string): [string, number][] {
  const out: [string, number][] = [];
  scanCounters(text, (name, value) => out.push([name, value]));
  return out;
}

describe('the counters of an Artillery report, read without parsing it', () => {
  it('takes aggregate.counters only, wherever it is, skipping every other value', () => {
    const report = {
      intermediate: [{ counters: { 'hsw.event.0~0~~1~1@1:x': 1 }, summaries: { a: { p99: 1.5 } } }],
      aggregate: { period: 1, rates: { 'http.request_rate': 3 }, counters: { 'errors.socket "hang" up\\ \u2028': 2, 'hsw.event.0~0~~1~1@1:x': 1, 'vusers.created': 1e3 }, histograms: {}, list: [1, 'two', { three: [null, true] }] },
      more: 'x',
    };
    for (const text of [JSON.stringify(report), JSON.stringify(report, null, 2)]) {
      expect(counters(text)).toEqual([
        ['errors.socket "hang" up\\ \u2028', 2],
        ['hsw.event.0~0~~1~1@1:x', 1],
        ['vusers.created', 1000],
      ]);
    }
  });

  it('says when there are no aggregate counters, and refuses what is not a JSON object', () => {
    expect(scanCounters(JSON.stringify({ aggregate: { counters: {} } }), () => undefined)).toBe(true);
    expect(scanCounters(JSON.stringify({ aggregate: { period: 1 }, intermediate: [] }), () => undefined)).toBe(false);
    for (const text of ['', 'not json', '[1]', '{"aggregate": {"counters": {"a": x}}}', '{"aggregate": {"counters": {"a": 1}', '{"a": "open', '{} {}']) {
      expect(() => scanCounters(text, () => undefined), text).toThrow(ReportShapeError);
    }
  });
});
