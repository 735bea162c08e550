/**
 * The real localtunnel server as a child process, so a test can kill it and bring it back
 * on the same port. Requests reach a tunnel with `Host: <subdomain>.localhost`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { TestHandler } from './handler.js';

const RUNNER = fileURLToPath(new URL('./tunnel-server.cjs', import.meta.url));

export class TunnelServer {
  private child: ChildProcess | undefined;
  port = 0;

  async start(port = this.port): Promise<this> {
    // One process (tsx as a loader, not its CLI wrapper), so killing it really stops the server.
    const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`tunnel server did not start: ${out}${err}`)), 20_000);
      child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /port (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`tunnel server exited ${code}: ${err}`)));
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** POSTs to the public side of tunnel `subdomain`, as HeapStream would. */
  async post(subdomain: string, path: string, body: string | Buffer, options: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<{ status: number; text: string }> {
    const response = await request(`${this.url}${path}`, {
      method: 'POST',
      headers: { host: `${subdomain}.localhost`, 'content-type': 'application/json', ...options.headers },
      body,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { status: response.statusCode, text: await response.body.text() };
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** What a test through the tunnel stands on: a handler behind it, the server, a temporary directory. */
export interface TunnelBed {
  handler: TestHandler;
  server: TunnelServer;
  dir: string;
  /** Takes all three down (stop what the test started through them first). */
  stop(): Promise<void>;
}

export async function tunnelBed(prefix: string): Promise<TunnelBed> {
  const handler = await new TestHandler().start();
  const server = await new TunnelServer().start();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    handler,
    server,
    dir,
    async stop() {
      await server.stop();
      await handler.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
