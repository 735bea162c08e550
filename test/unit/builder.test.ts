import { describe, expect, it } from 'vitest';
import { buildEvent, buildFlow, flowEvent, flowEventKey } from '../../src/events/builder.js';
import { CATALOG, LIFECYCLE } from '../../src/events/catalog.js';
import { serializeEvent } from '../../src/events/serializer.js';
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

describe('flowEvent', () => {
  const now = new Date('2024-10-10T10:10:10.123Z');
  const flows: (readonly string[])[] = [LIFECYCLE, ['video.created', 'video.uploaded', 'video.encoding', 'video.failed'], ['video.ready'], ['video.exploded', 'video.failed', 'video.ready']];
  const seeds = [0, 1, 7, 123_456_789, 2 ** 31 - 1];

  // Each step draws from the random stream the steps before it used: a step built alone
  // without replaying them would have other timestamps' microseconds and other errors.
  it.each(flows.flatMap((flow) => seeds.map((seed) => [flow.join(','), seed, flow] as const)))('step by step equals buildFlow byte for byte (%s, seed %d)', (_name, seed, flow) => {
    for (const stepMs of [1_000, 250]) {
      const built = buildFlow(flow, { seed, now, stepMs });
      expect(flow.map((_type, step) => serializeEvent(flowEvent(flow, step, { seed, now, stepMs })))).toEqual(built.map((event) => event.body));
    }
  });

  it('keeps fixed ids and --set assignments as buildFlow does', () => {
    const options = { seed: 5, now, videoId: 42, projectId: 9, set: [parseAssignment('video.asset.encoding_tier=baseline')] };
    const built = buildFlow(LIFECYCLE, options);
    LIFECYCLE.forEach((_type, step) => expect(serializeEvent(flowEvent(LIFECYCLE, step, options))).toBe(built[step]?.body));
  });

  it('a flow of one is buildEvent: what single-type simulations used to send', () => {
    for (const { type } of CATALOG) {
      for (const seed of seeds) expect(serializeEvent(flowEvent([type], 0, { seed, now }))).toBe(buildEvent(type, { seed, now }).body);
    }
  });

  it('flowEventKey names the video and the instant of the timestamp flowEvent writes', () => {
    const micros = (timestamp: string): number => Date.parse(`${timestamp.slice(0, 19)}Z`) * 1_000 + Number(timestamp.slice(20, 26));
    const instants = [now, new Date('1969-12-31T23:59:58.750Z'), new Date('2030-06-30T23:59:59.999Z')];
    for (const flow of flows) {
      for (const seed of seeds) {
        for (const at of instants) {
          flow.forEach((_type, step) => {
            const event = flowEvent(flow, step, { seed, now: at, stepMs: 250 });
            expect(flowEventKey(flow, step, { seed, now: at, stepMs: 250 })).toEqual({ videoId: event.video.id, timestampMicros: micros(event.timestamp) });
          });
        }
      }
    }
  });
});
