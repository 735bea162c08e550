/** Writes fixture files the way `listen` records them, for replay and fixtures tests. */
import { makeFixture, saveFixture } from '../../src/store/write.js';

export interface SampleFixture {
  at: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  query?: string;
  status?: number;
}

export async function writeFixtures(dir: string, samples: readonly SampleFixture[]): Promise<string[]> {
  const files: string[] = [];
  for (const sample of samples) {
    const fixture = makeFixture({
      recordedAt: new Date(sample.at),
      via: 'tunnel',
      method: 'POST',
      path: '/hook',
      query: sample.query ?? '',
      headers: { 'content-type': 'application/json', 'user-agent': 'HeapStream-Webhooks/1.0', ...sample.headers },
      body: typeof sample.body === 'string' ? Buffer.from(sample.body, 'utf8') : sample.body,
      ...(sample.status !== undefined ? { response: { ok: sample.status < 300, status: sample.status, durationMs: 3, target: 'http://127.0.0.1:1/h' } } : {}),
    });
    files.push(await saveFixture(dir, fixture));
  }
  return files;
}

export function event(type: string, videoId: number): string {
  return `{"event_type": "${type}", "project_id": 20, "timestamp": "2024-10-10T10:10:10.000010+0000", "video": {"asset": {"duration": -1.0, "encoding_tier": "full", "errors": [], "id": 22, "normalize_audio": false}, "id": ${videoId}, "status": "waiting_for_upload"}}`;
}

/** Five events, one per hour of 2026-11-20, written out of order. */
export function fiveFixtures(dir: string): Promise<string[]> {
  return writeFixtures(dir, [
    { at: '2026-11-20T03:00:00Z', body: event('video.ready', 3) },
    { at: '2026-11-20T01:00:00Z', body: event('video.created', 1) },
    { at: '2026-11-20T05:00:00Z', body: event('video.failed', 5) },
    { at: '2026-11-20T02:00:00Z', body: event('video.uploaded', 2) },
    { at: '2026-11-20T04:00:00Z', body: event('video.ready', 4) },
  ]);
}
