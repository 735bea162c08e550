import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { CATALOG, buildEvent, buildRequest, simulate, type HeapStreamEvent } from 'heapstream-webhooks';

// The handler under test keeps each video's latest status. Events may arrive twice or out
// of order, so it keeps the newest by timestamp instead of the last to arrive.
function createApp() {
  const videos = new Map<number, { status: string; timestamp: string }>();
  const app = new Hono();
  app.post('/webhooks', async (c) => {
    const event = await c.req.json<HeapStreamEvent>();
    const known = videos.get(event.video.id);
    if (!known || known.timestamp < event.timestamp) videos.set(event.video.id, { status: event.video.status, timestamp: event.timestamp });
    return c.body(null, 204);
  });
  return { app, videos };
}

describe('HeapStream webhooks (Hono)', () => {
  it('ends with the right status per video despite duplicates and reordering', async () => {
    const { app, videos } = createApp();
    const report = await simulate({ target: app, path: '/webhooks', events: 40, scenario: 'duplicates', seed: 2 });

    expect(report.verdict.ok).toBe(true);
    expect(report.totals.duplicatesSent).toBe(40);
    // report.events is in timestamp order: the last event of each video decides its status.
    const lastType = new Map(report.events.map((event) => [event.videoId, event.type]));
    for (const [videoId, type] of lastType) {
      expect(videos.get(videoId as number)?.status).toBe(CATALOG.find((entry) => entry.type === type)?.status);
    }
  });

  it('recovers from an outage within the retry schedule', async () => {
    const { app } = createApp();
    const report = await simulate({ target: app, path: '/webhooks', events: 40, scenario: 'outage', seed: 2 });

    expect(report.verdict.ok).toBe(true);
    expect(report.totals.outageFailures).toBeGreaterThan(0);
    expect(report.events.every((event) => event.attempts.at(-1)?.status === 204)).toBe(true);
  });

  it('accepts one request built exactly as HeapStream sends it', async () => {
    const { app, videos } = createApp();
    const { method, headers, body } = buildRequest(buildEvent('video.ready', { videoId: 500 }));
    const response = await app.request('/webhooks', { method, headers, body });

    expect(response.status).toBe(204);
    expect(videos.get(500)?.status).toBe('ready');
  });
});
