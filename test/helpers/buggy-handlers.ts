/**
 * Webhook handlers with one known effect bug each, and their corrected versions, as an
 * Express app and as a plain Node listener: what the state oracle must catch and pass.
 * Each keeps its state in memory; `state()` reads it and `reset()` empties it, as a
 * project's test would against its database.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import express from 'express';

export type Bug = 'insert-per-delivery' | 'last-write-wins' | 'check-then-insert' | 'commit-after-timeout';
export const BUGS: readonly Bug[] = ['insert-per-delivery', 'last-write-wins', 'check-then-insert', 'commit-after-timeout'];

interface WebhookEvent {
  event_type: string;
  timestamp: string;
  video: { id: number; status: string };
}

/** What a handler does with one delivery: `answer` sends the status; `gone` says whether HeapStream stopped waiting. */
type Logic = (event: WebhookEvent, answer: (status: number) => void, gone: () => boolean) => Promise<void> | void;

export interface HandlerApp {
  state(): Promise<unknown>;
  reset(): void;
  logic: Logic;
}

/** A database round trip: long enough that a copy sent at the same moment arrives within it, even on a busy machine. */
const ROUND_TRIP_MS = 25;

const keyOf = (event: WebhookEvent): string => `${event.event_type} ${event.video.id} ${event.timestamp}`;

/**
 * The app's logic. `workMs` (commit-after-timeout): how long its work takes, set above the
 * run's timeout as 6 s is above HeapStream's 5 s.
 */
export function createLogic(bug: Bug, fixed: boolean, options: { workMs?: number } = {}): HandlerApp {
  const rows: { video: number; type: string }[] = [];
  const videos: Record<string, { status: string; at: string }> = {};
  const done = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  const work = options.workMs ?? 60;
  const reset = (): void => {
    rows.length = 0;
    done.clear();
    for (const key of Object.keys(videos)) delete videos[key];
  };
  const state = async (): Promise<unknown> => {
    // The corrected slow handler works after answering; its state is what that work leaves.
    await Promise.all(pending);
    return bug === 'last-write-wins' ? { videos: Object.fromEntries(Object.entries(videos).map(([id, v]) => [id, { status: v.status }])) } : { rows };
  };
  const logics: Record<Bug, Logic> = {
    // One row per video.created; the bug: one per delivery.
    'insert-per-delivery': (event, answer) => {
      const key = keyOf(event);
      if (event.event_type === 'video.created' && !(fixed && done.has(key))) rows.push({ video: event.video.id, type: event.event_type });
      done.add(key);
      answer(200);
    },
    // The video's status; the bug: whichever event came last wins, even an older one.
    'last-write-wins': (event, answer) => {
      const current = videos[event.video.id];
      if (!fixed || !current || current.at < event.timestamp) videos[event.video.id] = { status: event.video.status, at: event.timestamp };
      answer(200);
    },
    // One row per event; the bug: checks, awaits (a database round trip), then inserts.
    'check-then-insert': async (event, answer) => {
      const key = keyOf(event);
      if (fixed) {
        // Claimed before the await: a copy arriving meanwhile sees it.
        if (!done.has(key)) {
          done.add(key);
          await sleep(ROUND_TRIP_MS);
          rows.push({ video: event.video.id, type: event.event_type });
        }
      } else if (!done.has(key)) {
        await sleep(ROUND_TRIP_MS);
        done.add(key);
        rows.push({ video: event.video.id, type: event.event_type });
      }
      answer(200);
    },
    // One row per event, after slow work; the bug: a delivery HeapStream gave up on is not
    // marked done, though its work was committed, so the retry does it again.
    'commit-after-timeout': async (event, answer, gone) => {
      const key = keyOf(event);
      if (done.has(key)) return answer(200);
      if (fixed) {
        // Answer at once, work afterwards (HeapStream's docs: handle the task asynchronously).
        done.add(key);
        answer(202);
        const job = sleep(work).then(() => rows.push({ video: event.video.id, type: event.event_type }));
        pending.add(job);
        void job.finally(() => pending.delete(job));
        return;
      }
      await sleep(work);
      rows.push({ video: event.video.id, type: event.event_type });
      if (gone()) return;
      done.add(key);
      answer(200);
    },
  };
  return { state, reset, logic: logics[bug] };
}

/** Express: `express.json()` and a route. */
export function expressApp(app: HandlerApp): express.Express {
  const server = express();
  server.use(express.json());
  server.post('/webhooks', async (req, res) => {
    await app.logic(req.body as WebhookEvent, (status) => void res.sendStatus(status), () => res.destroyed || res.socket === null);
  });
  return server;
}

/** A plain Node listener: reads the body itself. */
export function nodeListener(app: HandlerApp): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookEvent;
      void app.logic(
        event,
        (status) => {
          res.statusCode = status;
          res.end();
        },
        () => res.destroyed || res.socket === null,
      );
    });
  };
}

/**
 * The app over HTTP on 127.0.0.1:0, with its state at GET /state and its reset at
 * POST /reset, as `--state` and `--reset` take them.
 */
export class HandlerServer {
  private server: Server | undefined;

  constructor(private readonly app: HandlerApp) {}

  async start(): Promise<this> {
    const listener = nodeListener(this.app);
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/state') {
        void this.app.state().then((state) => res.end(JSON.stringify(state)));
      } else if (req.method === 'POST' && req.url === '/reset') {
        this.app.reset();
        res.end();
      } else {
        listener(req, res);
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
