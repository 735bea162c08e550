/**
 * A real HTTP handler on 127.0.0.1:0 that records what it receives. Its answer is
 * programmable per request, so tests read "start handler, run CLI, assert what arrived".
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export type Behaviour = (request: Received, index: number) => { status?: number; delayMs?: number; body?: string } | undefined;

export class TestHandler {
  readonly received: Received[] = [];
  inFlight = 0;
  /** Answers given so far. */
  answered = 0;
  maxInFlight = 0;
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();

  /** `keepAliveMs`: how long an idle connection to it stays open (Node's server keep-alive). */
  constructor(
    private behaviour: Behaviour = () => undefined,
    private readonly keepAliveMs = 1_000,
  ) {}

  setBehaviour(behaviour: Behaviour): void {
    this.behaviour = behaviour;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
        const index = this.received.push(request) - 1;
        const answer = this.behaviour(request, index) ?? {};
        this.open.add(res);
        const finish = (): void => {
          this.inFlight--;
          this.open.delete(res);
          if (res.destroyed) return;
          this.answered++;
          res.statusCode = answer.status ?? 200;
          res.end(answer.body ?? 'ok');
        };
        if (answer.delayMs) setTimeout(finish, answer.delayMs).unref();
        else finish();
      });
    });
    this.server.keepAliveTimeout = this.keepAliveMs;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.open) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
