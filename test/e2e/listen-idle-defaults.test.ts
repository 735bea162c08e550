/**
 * `listen` as a user runs it, every deadline at its default, through the real localtunnel
 * server: a webhook, then 75 s of nothing (longer than HeapStream's first retry delay, and
 * past the 10 s headers deadline, the 5 s keep-alive and several 15 s probes), then another.
 * Before the tunnel's sockets reached the receiver only with a request, the second one met a
 * 408 the receiver had written into an idle socket, and was lost.
 */
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CliProcess } from '../helpers/cli.js';
import type { TestHandler } from '../helpers/handler.js';
import { idleFor } from '../helpers/time.js';
import { tunnelBed, type TunnelBed, type TunnelServer } from '../helpers/tunnel-server.js';

let handler: TestHandler;
let server: TunnelServer;
let dir: string;
let cli: CliProcess | undefined;

let bed: TunnelBed;

beforeEach(async () => void ({ handler, server, dir } = bed = await tunnelBed('hsw-idle-defaults-')));
afterEach(async () => {
  await cli?.stop();
  await bed.stop();
});

async function post(body: string): Promise<number> {
  return (await server.post('hswdefaults', '/hook', body)).status;
}

it('delivers a webhook sent after 75 s idle, at the real defaults', { timeout: 180_000 }, async () => {
  cli = new CliProcess(['listen', '--port', '0', '--json', '--tunnel-host', server.url, '--subdomain', 'hswdefaults', '--path', '/hook', '--forward-to', handler.url, '--record', dir], { cwd: dir });
  await cli.waitFor(/"state":"open"/);
  expect(await post('{"n": 1}')).toBe(200);
  await idleFor(75_000);
  expect(await post('{"n": 2}')).toBe(200);
  await cli.waitFor(/"kind":"event"[\s\S]*"kind":"event"/);
  expect(handler.received.map((r) => r.body.toString())).toEqual(['{"n": 1}', '{"n": 2}']);
  expect(await readdir(dir)).toHaveLength(2);
  const tunnel = cli.records().filter((r) => r['kind'] === 'tunnel').map((r) => r['state']);
  // Several probes went through in the gap; none failed, and the tunnel never dropped.
  expect(tunnel).toEqual(['open']);
  expect(cli.records().filter((r) => r['kind'] === 'rejected')).toEqual([]);
  // The probe (every 15 s) went through the public URL all along, and reached this listener.
  expect(await cli.interrupt()).toBe(130);
  const summary = cli.records().find((r) => r['kind'] === 'summary');
  expect(summary?.['probesPassed']).toBeGreaterThanOrEqual(4);
  expect(summary?.['probesFailed']).toBe(0);
});
