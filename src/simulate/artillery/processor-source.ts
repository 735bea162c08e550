/**
 * The Artillery processor that `simulate --export artillery` writes as processor.mjs: plain
 * JavaScript on Node's own modules only, since it runs in the user's Artillery install (and
 * on Fargate or Lambda), where this package is not. Kept as text so that the library
 * bundles, the CLI bundle and the tests all write the same file. The counters it emits are
 * read back by reports.ts, which describes their names.
 */
export const PROCESSOR_SOURCE = `// heapstream-webhooks: HeapStream's delivery model as an Artillery processor.
// Written by "heapstream-webhooks simulate --export artillery"; edit storm.yml, not this file.
// Each virtual user takes the next event of its shard and plays its whole timeline: the
// first attempt, retries on any non-2xx or the timeout at the compressed schedule's delays,
// and, once acknowledged, the duplicates the seed chose. It sends with Node's own http (an
// error or timeout must lead to a retry, where Artillery's http steps would end the user),
// and records every attempt in a counter that the --output report carries, for
// "heapstream-webhooks simulate --from-artillery".
import { createReadStream, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';

const meta = JSON.parse(readFileSync(new URL('./meta.json', import.meta.url), 'utf8'));
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
const readers = new Map();
let runStarted;
let announced = false;

function random(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The shard's events, one line at a time, in delivery order: memory stays flat however long the shard. */
function reader(shard) {
  let entry = readers.get(shard);
  if (!entry) {
    const spec = meta.shards[shard - 1];
    if (!spec) throw new Error('heapstream-webhooks: shard ' + shard + ' is not in this export (it has ' + meta.shards.length + '); run with -e shard-1 .. shard-' + meta.shards.length);
    const lines = (async function* lines() {
      for (const part of spec.parts) {
        const input = createInterface({ input: createReadStream(new URL('./' + part, import.meta.url)), crlfDelay: Infinity });
        for await (const line of input) if (line) yield JSON.parse(line);
      }
    })();
    entry = { lines, queue: Promise.resolve() };
    readers.set(shard, entry);
  }
  return entry;
}

function nextEvent(shard) {
  const entry = reader(shard);
  const next = entry.queue.then(() => entry.lines.next());
  entry.queue = next.catch(() => undefined);
  return next.then((step) => (step.done ? undefined : step.value));
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}

function send(url, body, headers, timeoutMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    let settled = false;
    let status = null;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(Object.assign({ status, latencyMs: performance.now() - started }, result));
    };
    const transport = url.protocol === 'https:' ? https : http;
    const request = transport.request(url, { method: 'POST', headers: Object.assign({}, headers, { 'content-length': String(body.length) }), agent: agents[url.protocol] }, (response) => {
      status = response.statusCode;
      response.on('data', () => undefined);
      response.on('end', () => finish({ error: null }));
      response.on('error', () => finish({ error: 'cut-off' }));
      response.on('aborted', () => finish({ error: 'cut-off' }));
    });
    const timer = setTimeout(() => {
      finish({ error: 'timeout' });
      request.destroy();
    }, timeoutMs);
    request.on('error', (error) => finish({ error: status !== null ? 'cut-off' : UNREACHABLE.has(error.code) ? 'unreachable' : 'error' }));
    request.end(body);
  });
}

function sleep(ms) {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

// Artillery cuts metric names at 1,024 characters: longer records go in numbered pieces.
const NAME_LIMIT = 1000;

function announce(context, events, shard) {
  if (announced) return;
  announced = true;
  // Once per process: which export and shard the report's events belong to, and the target.
  const run = Buffer.from(JSON.stringify({ export: meta.exportId, shard, target: String(context.vars.target || ''), storm: meta.storm })).toString('base64url');
  const size = NAME_LIMIT - 64;
  const pieces = Math.ceil(run.length / size);
  for (let k = 0; k < pieces; k++) events.emit('counter', 'hsw.run.' + meta.exportId + '.' + shard + '.' + (k + 1) + '.' + pieces + '.' + run.slice(k * size, (k + 1) * size), 1);
}

function record(events, event, firstAt, attempts) {
  const head = 'hsw.event.' + event.i + '~' + event.t + '~' + (event.v === null ? '' : event.v);
  const room = NAME_LIMIT - head.length - 48;
  const pieces = [[]];
  let used = 0;
  for (const attempt of attempts) {
    const current = pieces[pieces.length - 1];
    if (current.length > 0 && used + attempt.length + 1 > room) {
      pieces.push([attempt]);
      used = attempt.length;
    } else {
      current.push(attempt);
      used += attempt.length + 1;
    }
  }
  pieces.forEach((piece, k) => events.emit('counter', head + '~' + (k + 1) + '~' + pieces.length + '@' + firstAt + ':' + piece.join(','), 1));
}

async function deliver(event, url, events) {
  const s = meta.settings;
  const draw = random(event.r);
  const body = event.s !== undefined ? Buffer.from(event.s, 'utf8') : Buffer.from(event.b, 'base64');
  const headers = Object.assign({}, event.h || meta.headers, meta.extraHeaders || {});
  const firstAt = Date.now();
  const origin = performance.now();
  const attempts = [];
  let exhausted = false;

  async function chain(copy, due) {
    for (let attempt = 1; ; attempt++) {
      await sleep(due - performance.now());
      const started = performance.now();
      const late = started - due;
      let result;
      if (meta.outageRunMs > 0 && started - runStarted < meta.outageRunMs) {
        // The endpoint is down for HeapStream: nothing reaches the handler.
        result = { status: 503, error: 'outage', latencyMs: 0 };
      } else {
        const latency = s.networkLatencyMs > 0 ? draw() * s.networkLatencyMs : 0;
        await sleep(latency);
        result = await send(url, body, headers, Math.max(1, s.timeoutMs - latency));
        result.latencyMs += latency;
        const ok = result.error === null && result.status >= 200 && result.status < 300;
        if (ok && s.answerLoss > 0 && draw() < s.answerLoss) result.error = 'answer-lost';
      }
      const ok = result.error === null && result.status >= 200 && result.status < 300;
      attempts.push([copy, attempt, result.status === null ? '' : result.status, result.error || '', round(started - origin), round(result.latencyMs), round(late)].join('/'));
      events.emit('counter', 'hsw.attempts', 1);
      if (attempt > 1) events.emit('counter', 'hsw.retries', 1);
      if (result.error) events.emit('counter', 'hsw.errors.' + result.error, 1);
      else events.emit('counter', 'hsw.codes.' + result.status, 1);
      if (result.error !== 'outage') events.emit('histogram', 'hsw.latency', result.latencyMs);
      if (ok) {
        if (copy === 0 && event.d) {
          const now = performance.now();
          events.emit('counter', 'hsw.duplicates', event.d.length);
          return Promise.all(event.d.map((delay, k) => chain(k + 1, now + delay)));
        }
        return;
      }
      if (attempt >= s.maxAttempts) {
        exhausted = true;
        return;
      }
      const base = meta.retryDelaysMs[Math.min(attempt - 1, meta.retryDelaysMs.length - 1)];
      const delay = s.jitter > 0 ? Math.max(0, base * (1 + s.jitter * (draw() * 2 - 1))) : base;
      due = performance.now() + delay;
    }
  }

  await chain(0, origin);
  events.emit('counter', exhausted ? 'hsw.events.exhausted' : 'hsw.events.delivered', 1);
  // Everything --from-artillery needs about this event, in counter names.
  record(events, event, firstAt, attempts);
}

/** The scenario's one step: the next event of this shard, delivered as HeapStream would. */
export async function hswDeliver(context, events) {
  // Set by storm.yml's environments: run with -e shard-k.
  if (context.vars.hswShard === undefined) throw new Error('heapstream-webhooks: this export has ' + meta.shards.length + ' shards; run each once with -e shard-1 .. -e shard-' + meta.shards.length);
  const shard = Number(context.vars.hswShard);
  announce(context, events, shard);
  const event = await nextEvent(shard);
  // More virtual users than events (an edited phase): the extra ones send nothing.
  if (!event) return;
  if (runStarted === undefined) runStarted = performance.now();
  await deliver(event, new URL(String(context.vars.target)), events);
}
`;
