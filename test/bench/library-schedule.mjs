// Run by library.ts in a fresh process: the full default schedule (10 attempts over about
// 24 h) for 20 events against in-process handlers that always fail, through the built
// package entry as a consumer imports it. Prints the times as JSON.
/* global Response */
import { performance } from 'node:perf_hooks';
import express from 'express';
import { simulate } from 'heapstream-webhooks';

const fetchTarget = { fetch: () => new Response('down', { status: 503 }) };
const app = express();
app.use(express.json());
app.post('/webhooks', (_req, res) => res.sendStatus(503));

async function time(options) {
  const started = performance.now();
  const report = await simulate({ events: 20, seed: 1, ...options });
  if (report.totals.attempts !== 200 || report.durationMs < 85_000_000) throw new Error(`unexpected run: ${JSON.stringify(report.totals)}`);
  return performance.now() - started;
}

const out = { fetch: [], express: [] };
for (let i = 0; i < 6; i++) {
  out.fetch.push(await time({ target: fetchTarget }));
  out.express.push(await time({ target: app, path: '/webhooks' }));
}
console.log(JSON.stringify(out));
