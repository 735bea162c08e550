import { describe, expect, it } from 'vitest';
import { buildLike } from '../../src/events/like.js';
import { parseAssignment } from '../../src/events/set-path.js';
import { HswError } from '../../src/errors.js';

// A recording of an event type the catalog does not model, written in its own style:
// pretty-printed, keys not sorted, floats with and without a fraction, string and numeric ids.
const RECORDED = `{
  "timestamp": "2026-11-20T10:00:00.000010+0000",
  "event_type": "live_stream.ended",
  "project_id": 20,
  "live_stream": {"id": "ls_9f8e7d", "duration": 12.0, "peak_viewers": 40, "bitrate": 2.50,
    "video": {"id": 500, "asset": {"id": 22}}},
  "video": {"id": 500}
}`;

const NOW = new Date('2027-01-02T03:04:05.678Z');

/** The text with every value that is allowed to change blanked out. */
function skeleton(text: string): string {
  return text
    .replace(/"timestamp": "[^"]*"/, '"timestamp": T')
    .replace(/"id": ("[^"]*"|\d+)/g, '"id": ID');
}

describe('buildLike', () => {
  it('keeps shape, key order, spacing and number formatting; changes timestamp and ids', () => {
    const like = buildLike(RECORDED, { now: NOW, seed: 1 });
    expect(skeleton(like.body)).toBe(skeleton(RECORDED));
    expect(like.body).toContain('"duration": 12.0');
    expect(like.body).toContain('"bitrate": 2.50');
    expect(like.body).toMatch(/"timestamp": "2027-01-02T03:04:05\.678\d{3}\+0000"/);
    const ids = [...like.body.matchAll(/"id": ("[^"]*"|\d+)/g)].map((m) => m[1]);
    expect(ids).toHaveLength(4);
    // A fresh id of the same form, and the same old id gets the same new one everywhere.
    expect(ids[0]).toMatch(/^"ls_[0-9a-f]{6}"$/);
    expect(ids[0]).not.toBe('"ls_9f8e7d"');
    expect(ids[1]).toMatch(/^[1-9]\d\d$/);
    expect(ids[1]).not.toBe('500');
    expect(ids[3]).toBe(ids[1]);
    expect(ids[2]).toMatch(/^[1-9]\d$/);
    expect(like).toMatchObject({ type: 'live_stream.ended', known: false, videoId: Number(ids[1]) });
  });

  it('is reproducible with a seed; --keep-ids keeps them', () => {
    expect(buildLike(RECORDED, { now: NOW, seed: 4 }).body).toBe(buildLike(RECORDED, { now: NOW, seed: 4 }).body);
    const kept = buildLike(RECORDED, { now: NOW, keepIds: true });
    expect(kept.body.replace(/"timestamp": "[^"]*"/, '')).toBe(RECORDED.replace(/"timestamp": "[^"]*"/, ''));
  });

  it('applies --set on top, in place, a float staying a float', () => {
    const like = buildLike(RECORDED, {
      now: NOW,
      keepIds: true,
      set: [parseAssignment('live_stream.duration=30'), parseAssignment('live_stream.peak_viewers=41'), parseAssignment('event_type=live_stream.started'), parseAssignment('video.id=7')],
    });
    expect(like.body).toContain('"duration": 30.0, "peak_viewers": 41,');
    expect(like.body).toContain('"event_type": "live_stream.started"');
    expect(like.body).toMatch(/"video": \{"id": 7\}\n\}$/);
    expect(like).toMatchObject({ type: 'live_stream.started', videoId: 7 });
  });

  it('an unknown --set path lists the valid ones; --force adds it in the object style', () => {
    expect(() => buildLike(RECORDED, { set: [parseAssignment('video.title=x')] })).toThrow(expect.objectContaining({ code: 'HSW_UNKNOWN_PATH', message: expect.stringContaining('valid paths: timestamp, event_type') as unknown }) as HswError);
    const like = buildLike(RECORDED, { keepIds: true, force: true, set: [parseAssignment('video.title=x'), parseAssignment('video.asset.duration=3')] });
    expect(like.body).toMatch(/"video": \{"id": 500, "title": "x", "asset": \{"duration": 3\.0\}\}/);
  });

  it('refuses a recording that is not a JSON event, naming no content', () => {
    expect(() => buildLike('root:x:0:0')).toThrow(expect.objectContaining({ code: 'HSW_BODY_NOT_JSON', message: 'the recorded body is not JSON (unexpected character at offset 0); only a JSON event can be built on' }) as HswError);
    expect(() => buildLike('[1]')).toThrow(expect.objectContaining({ code: 'HSW_BODY_NOT_JSON' }) as HswError);
  });
});
