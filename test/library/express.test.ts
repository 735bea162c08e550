import express from 'express';
import { describe, expect, it } from 'vitest';
import { simulate } from 'heapstream-webhooks';

// The handler under test: it sends one email per ready video, however often HeapStream
// delivers the event, by remembering which deliveries it has already processed.
function createApp() {
  const processed = new Set<string>();
  const emails: number[] = [];
  const app = express();
  app.use(express.json());
  app.post('/webhooks', (req, res) => {
    const { event_type, timestamp, video } = req.body;
    const key = `${event_type} ${video.id} ${timestamp}`;
    if (!processed.has(key)) {
      processed.add(key);
      if (event_type === 'video.ready') emails.push(video.id);
    }
    res.sendStatus(200);
  });
  return { app, emails };
}

describe('HeapStream webhooks (Express)', () => {
  it('is idempotent: every event arrives twice, and each ready video gets one email', async () => {
    const { app, emails } = createApp();
    const report = await simulate({ target: app, path: '/webhooks', events: 40, duplicates: 1, seed: 1 });

    expect(report.verdict.ok).toBe(true);
    expect(report.totals.duplicatesSent).toBe(40);
    const ready = report.events.filter((event) => event.type === 'video.ready').map((event) => event.videoId);
    expect(emails.sort()).toEqual(ready.sort());
  });

  it('recovers from an outage: the retry backlog lands, and every event gets through', async () => {
    const { app } = createApp();
    const report = await simulate({ target: app, path: '/webhooks', events: 40, scenario: 'outage', seed: 1 });

    expect(report.verdict.ok).toBe(true);
    expect(report.totals.delivered).toBe(40);
    expect(report.totals.outageFailures).toBeGreaterThan(0);
    expect(report.recovery?.attemptsWithinBurst).toBe(40);
  });
});
