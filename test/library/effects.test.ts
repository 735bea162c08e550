import express from 'express';
import { describe, expect, it } from 'vitest';
import { simulate } from 'heapstream-webhooks';

// The handler under test keeps one charge per uploaded video. As first written it inserts a
// row for every delivery; fixed, it skips deliveries it has already processed.
function createApp({ fixed }: { fixed: boolean }) {
  const db = { charges: [] as { video: number }[], processed: new Set<string>() };
  const app = express();
  app.use(express.json());
  app.post('/webhooks', (req, res) => {
    const { event_type, timestamp, video } = req.body;
    const key = `${event_type} ${video.id} ${timestamp}`;
    if (event_type === 'video.uploaded' && !(fixed && db.processed.has(key))) db.charges.push({ video: video.id });
    db.processed.add(key);
    res.sendStatus(200);
  });
  return { app, db };
}

// Every event arrives twice and out of order; the final state must be the one a clean run
// (each event once, in order) leaves. When it is not, the failure message names what
// differs and the smallest sequence of deliveries that reproduces it.
async function expectSameEffects(fixed: boolean) {
  const { app, db } = createApp({ fixed });
  const report = await simulate({
    target: app,
    path: '/webhooks',
    events: 28,
    scenario: 'duplicates',
    seed: 1,
    state: () => ({ charges: db.charges }),
    reset: () => {
      db.charges = [];
      db.processed.clear();
    },
    stateUnordered: ['charges'],
  });
  expect(report.verdict.ok, report.verdict.reasons.join('\n')).toBe(true);
}

describe('HeapStream webhooks: what the handler does', () => {
  it('as first written, fails with the difference and the minimal reproduction', async () => {
    await expect(expectSameEffects(false)).rejects.toThrow(
      /charges: 7 rows → 14 rows; a duplicate processed twice: the same `video.uploaded` \(video \d+\) delivered twice → charges: 1 row → 2 rows/,
    );
  });

  it('once fixed, passes', async () => {
    await expectSameEffects(true);
  });
});
