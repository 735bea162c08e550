/**
 * The state oracle's findings where people read them: terminal lines, JUnit and the step
 * summary. What the app stored and what the events carried is hostile text.
 */
import { describe, expect, it } from 'vitest';
import { stepSummaryMarkdown, annotations } from '../../src/ci/github.js';
import { effectsLines } from '../../src/simulate/effects/text.js';
import { diffStates } from '../../src/simulate/effects/state-diff.js';
import type { EffectsReport } from '../../src/simulate/effects/types.js';
import { writeJunit } from '../../src/simulate/junit.js';
import { engineSettings, runOnManualClock } from '../helpers/engine.js';
import { findAll, parseXml } from '../helpers/xml.js';

const HOSTILE = 'video.\u001b]0;x\u0007ready`|<b>&\u202e';

function effects(): EffectsReport {
  const differences = diffStates({ [HOSTILE]: 'a', rows: [1] }, { [HOSTILE]: `b${HOSTILE}`, rows: [1, 2] });
  return {
    ok: false,
    referenceDeliveries: 2,
    scenarioDeliveries: 4,
    differences,
    differenceCount: differences.length,
    kind: 'duplicate-processed-twice',
    title: 'a duplicate processed twice',
    reproduction: {
      deliveries: [
        { index: 0, type: HOSTILE, videoId: 500, copy: 0, attempt: 1, together: false, result: '200', changes: ['rows: 0 rows → 1 row'] },
        { index: 0, type: HOSTILE, videoId: 500, copy: 1, attempt: 1, together: false, result: '200', changes: ['rows: 1 row → 2 rows'] },
      ],
      words: 'the same `video.\\x1b]0;x\\x07ready` (video 500) delivered twice → rows: 1 row → 2 rows',
      differences: [],
      oneMinimal: true,
      replay: "npx heapstream-webhooks replay simulate-repro --to 'http://127.0.0.1:3000/hooks?a=`x`'",
      reset: 'curl -fsS -X POST http://127.0.0.1:3000/reset',
    },
    trials: 7,
    shrinkMs: 12,
    note: null,
  };
}

describe('effects in text', () => {
  it('terminal lines: differences, kind, the reproduction step by step and how to send it again, nothing raw', () => {
    const lines = effectsLines(effects());
    expect(lines[0]).toMatch(/^FAIL state: /);
    expect(lines).toContain('  rows: 1 row → 2 rows');
    expect(lines).toContain('kind: a duplicate processed twice');
    expect(lines.find((line) => line.startsWith('  2. '))).toMatch(/, duplicate 1, attempt 1 → 200 · rows: 1 row → 2 rows$/);
    expect(lines.at(-1)).toBe("to reproduce: curl -fsS -X POST http://127.0.0.1:3000/reset && npx heapstream-webhooks replay simulate-repro --to 'http://127.0.0.1:3000/hooks?a=`x`'");
    // eslint-disable-next-line no-control-regex
    for (const line of lines) expect(line).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('JUnit: one more testcase, failed with the kind and the words, valid XML', async () => {
    const { report, result } = await runOnManualClock({ settings: engineSettings(), events: 2, durationMs: 10, answer: () => 200 });
    report.effects = effects();
    let xml = '';
    await writeJunit(async (chunk) => void (xml += chunk), report, result);
    const root = parseXml(xml);
    expect(findAll(root, 'testsuite')[0]?.attributes).toMatchObject({ tests: '3', failures: '1' });
    const testcase = findAll(root, 'testcase').find((t) => t.attributes['name'] === 'final state (effects)');
    const failure = testcase?.children.find((child) => child.name === 'failure');
    expect(failure?.attributes).toMatchObject({ type: 'duplicate-processed-twice', message: `a duplicate processed twice: ${effects().reproduction?.words}` });
    expect(failure?.text).toContain('rows: 1 row → 2 rows');
  });

  it('step summary: a State section, fenced, escaped; one ::error', async () => {
    const { report } = await runOnManualClock({ settings: engineSettings(), events: 2, durationMs: 10, answer: () => 200 });
    report.effects = effects();
    const markdown = stepSummaryMarkdown(report);
    const section = markdown.slice(markdown.indexOf('#### ❌ State'));
    expect(section).toContain('**Kind:** a duplicate processed twice');
    expect(section).toMatch(/\n```sh\ncurl -fsS -X POST http:\/\/127\.0\.0\.1:3000\/reset && npx .*`x`'\n```\n/);
    // eslint-disable-next-line no-control-regex
    expect(section).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(annotations(report).filter((line) => line.startsWith('::error'))).toEqual([expect.stringMatching(/^::error title=HeapStream simulate%3A a duplicate processed twice::the same `video/)]);
  });
});
