/** Loopback servers and processes the benchmarks share. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/heapstream-webhooks.js', import.meta.url));

/** A handler that answers 200 to everything, on 127.0.0.1:0. */
export async function startHandler(): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Spawns the built CLI and resolves with the first NDJSON record matching `kind`. */
export async function spawnCli(args: string[], kind: string, cwd?: string): Promise<{ child: ChildProcess; record: Record<string, unknown> }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const record = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split('\n')) {
        if (!line.includes(`"kind":"${kind}"`)) continue;
        resolve(JSON.parse(line) as Record<string, unknown>);
        return;
      }
    });
    child.on('exit', (code) => reject(new Error(`CLI exited ${code} before "${kind}"`)));
  });
  child.stdout?.resume();
  return { child, record };
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
