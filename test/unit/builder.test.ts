import { describe, expect, it } from 'vitest';
import { buildEvent, buildFlow } from '../../src/events/builder.js';
import { CATALOG, LIFECYCLE } from '../../src/events/catalog.js';
import { parseAssignment } from '../../src/events/set-path.js';
import { HswError } from '../../src/errors.js';

describe('buildEvent', () => {
  it.each(CATALOG.map((entry) => [entry.type, entry] as const))('%s is consistent with its type', (type, entry) => {
    const { event, body, known } = buildEvent(type, { seed: 7 });
    expect(known).toBe(true);
    expect(event.event_type).toBe(type);
    expect(event.video.status).toBe(entry.status);
    expect(event.project_id).toBeGreaterThan(0);
    expect(event.video.id).toBeGreaterThan(0);
    expect(event.video.asset.id).toBeGreaterThan(0);
    if (entry.durationKnown) expect(event.video.asset.duration).toBeGreaterThan(0);
    else expect(body).toContain('"duration": -1.0');
    if (entry.failed) expect(event.video.asset.errors.length).toBeGreaterThan(0);
    else expect(event.video.asset.errors).toEqual([]);
    expect(event.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+0000$/);
  });

  it('gives the same bytes for the same seed and time, other ids for another seed', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(buildEvent('video.ready', { seed: 1, now }).body).toBe(buildEvent('video.ready', { seed: 1, now }).body);
    expect(buildEvent('video.ready', { seed: 2, now }).event.video.id).not.toBe(buildEvent('video.ready', { seed: 1, now }).event.video.id);
  });

  it('keeps a float a float after --set', () => {
    const { body } = buildEvent('video.ready', { set: [parseAssignment('video.asset.duration=12')] });
    expect(body).toContain('"duration": 12.0');
  });

  it('rejects an unknown --set path with the valid ones, unless forced', () => {
    const attempt = (): unknown => buildEvent('video.ready', { set: [parseAssignment('video.titel=x')] });
    expect(attempt).toThrow(HswError);
    try {
      attempt();
    } catch (error) {
      expect((error as HswError).code).toBe('HSW_UNKNOWN_PATH');
      expect((error as HswError).message).toContain('video.asset.duration');
    }
    const forced = buildEvent('video.ready', { set: [parseAssignment('video.titel=x')], force: true });
    expect(forced.body).toContain('"titel": "x"');
  });

  it('builds an unknown type from the base template and says so', () => {
    const built = buildEvent('video.exploded');
    expect(built.known).toBe(false);
    expect(built.event.event_type).toBe('video.exploded');
  });
});

describe('buildFlow', () => {
  it('shares ids across the lifecycle, timestamps ascending', () => {
    const flow = buildFlow(LIFECYCLE, { seed: 3, videoId: 500 });
    expect(flow.map((e) => e.type)).toEqual([...LIFECYCLE]);
    expect(new Set(flow.map((e) => e.event.video.id))).toEqual(new Set([500]));
    expect(new Set(flow.map((e) => e.event.video.asset.id)).size).toBe(1);
    const times = flow.map((e) => e.event.timestamp);
    expect([...times].sort()).toEqual(times);
  });
});
