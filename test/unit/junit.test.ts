import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { EngineResult } from '../../src/simulate/engine.js';
import { testName, writeJunit, xmlEscape } from '../../src/simulate/junit.js';
import type { ReportSummary } from '../../src/simulate/report.js';
import { engineSettings, runOnManualClock } from '../helpers/engine.js';
import { findAll, parseXml, type XmlElement } from '../helpers/xml.js';

async function junit(report: ReportSummary, result: EngineResult): Promise<string> {
  let xml = '';
  await writeJunit(async (chunk) => void (xml += chunk), report, result);
  return xml;
}

const properties = (root: XmlElement): Record<string, string> => Object.fromEntries(findAll(root, 'property').map((p) => [p.attributes['name'], p.attributes['value']]));

describe('the XML check used by these tests', () => {
  it.each([
    ['a control character', '<a>\u001b</a>'],
    ['a forbidden character reference', '<a>&#27;</a>'],
    ['a lone surrogate', '<a>\ud800</a>'],
    ['U+FFFE', '<a>\ufffe</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a bare ampersand', '<a>fish & chips</a>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['an unquoted attribute', '<a x=1/>'],
    ['a duplicate attribute', '<a x="1" x="2"/>'],
    ['< in an attribute', '<a x="<"/>'],
    ['two roots', '<a/><b/>'],
    ['text outside the root', '<a/>x'],
    [']]> in text', '<a>]]></a>'],
    ['an unclosed element', '<a><b/>'],
  ])('refuses %s', (_name, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });

  it('accepts and decodes what xmlEscape writes, whatever the input', () => {
    const nasty = 'a<b>&"\'\t\n\r\u001b[2J\u0007\ud800\uffff😀 ]]> end';
    const root = parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n<r a="${xmlEscape(nasty, { attribute: true })}">${xmlEscape(nasty)}</r>`);
    const kept = 'a<b>&"\'\t\n\r[2J😀 ]]> end';
    expect(root.attributes['a']).toBe(kept);
    expect(root.text).toBe(kept);
  });

  // Cross-check against a real XML parser (expat, through python3); .ci/run installs python3.
  it('agrees with expat on a document and on a broken one', (context) => {
    context.skip(!hasPython(), 'python3 with xml.dom.minidom is not installed (Debian: apt-get install python3)');
    const check = (xml: string): boolean => {
      try {
        execFileSync('python3', ['-c', 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.stdin.buffer.read())'], { input: xml, stdio: ['pipe', 'ignore', 'ignore'] });
        return true;
      } catch {
        return false;
      }
    };
    const good = `<r a="${xmlEscape('x\u001b<&\n', { attribute: true })}">${xmlEscape('\ud800]]>\u0000')}</r>`;
    expect(check(good)).toBe(true);
    expect(check('<r>\u001b</r>')).toBe(false);
  });
});

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'import xml.dom.minidom'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('JUnit', () => {
  it('always parses: an event type with control characters, markup and non-characters', async () => {
    const type = 'video.\u001b]0;pwned\u0007<script>&"\'\ud800\ufffe\u001b[2J';
    const { report, result } = await runOnManualClock({ settings: engineSettings({ concurrency: 4 }), events: 3, durationMs: 10, type });
    const xml = await junit(report, result);
    const root = parseXml(xml);
    const cases = findAll(root, 'testcase');
    expect(cases).toHaveLength(3);
    // Made visible, not dropped silently: a reader sees what the sender tried.
    expect(cases[0]?.attributes['classname']).toBe('heapstream.video.\\x1b]0;pwned\\x07<script>&"\'[2J'.replace('[2J', '\\x1b[2J'));
    expect([...xml].filter((c) => c < ' ' && !'\t\n\r'.includes(c))).toEqual([]);
    expect(findAll(root, 'failure')).toHaveLength(3);
  });

  it('carries seed, scenario, schedule, target and the command as properties; names stay the same for the same seed', async () => {
    const first = await runOnManualClock({ settings: engineSettings({ concurrency: 4, seed: 42 }), events: 4, durationMs: 10, answer: () => 200 });
    const root = parseXml(await junit(first.report, first.result));
    expect(properties(root)).toMatchObject({
      seed: '42',
      scenario: 'default',
      schedule: '6s (2 attempts, 60x faster than HeapStream)',
      target: 'http://handler.test/',
      command: 'heapstream-webhooks simulate --seed 42',
      verdict: 'pass',
    });
    const names = findAll(root, 'testcase').map((c) => c.attributes['name']);
    expect(names[0]).toBe(testName(first.result.outcome(0)));
    const second = await runOnManualClock({ settings: engineSettings({ concurrency: 2, seed: 42 }), events: 4, durationMs: 25, answer: () => 200 });
    expect(findAll(parseXml(await junit(second.report, second.result)), 'testcase').map((c) => c.attributes['name'])).toEqual(names);
  });

  it('an interrupted run: finished events as usual, the rest skipped, the interruption in the properties', async () => {
    // One slot, 100 ms an attempt, all succeed: stopped at 250 ms, two events finished.
    const { report, result } = await runOnManualClock({ settings: engineSettings(), events: 5, durationMs: 100, answer: () => 200, stopAtMs: 250 });
    expect(report.totals).toMatchObject({ delivered: 2, unfinished: 3 });
    expect(report.interrupted).toEqual({ signal: 'SIGINT', reason: 'interrupted by SIGINT', finishedEvents: 2 });
    expect(report.verdict).toEqual({ ok: false, reasons: ['interrupted by SIGINT after 2 of 5 events finished'] });
    const root = parseXml(await junit(report, result));
    const suite = findAll(root, 'testsuite')[0] as XmlElement;
    expect(suite.attributes).toMatchObject({ tests: '5', failures: '0', skipped: '3' });
    expect(findAll(root, 'skipped').map((s) => s.attributes['message'])).toEqual(Array(3).fill('not finished: interrupted by SIGINT'));
    expect(properties(root)['interrupted']).toBe('interrupted by SIGINT');
    expect(findAll(root, 'system-err')[0]?.text).toBe('interrupted by SIGINT; 2 of 5 events finished');
  });

  it('a run behind schedule says so in the properties and in system-err', async () => {
    const { report, result } = await runOnManualClock({ settings: engineSettings(), events: 3, durationMs: 400 });
    const root = parseXml(await junit(report, result));
    expect(properties(root)['behindSchedule']).toMatch(/^behind schedule: 3 of 3 retries and duplicates went out later than a tenth of the gap before them, up to 42s late in HeapStream time/);
    expect(findAll(root, 'system-err')[0]?.text).toMatch(/behind schedule/);
  });
});
