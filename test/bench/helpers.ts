/** Loopback servers and processes the benchmarks share. */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/heapstream-webhooks.js', import.meta.url));
const HANDLER = fileURLToPath(new URL('./handler-process.mjs', import.meta.url));

/**
 * A webhook handler in its own process (see handler-process.mjs for the modes), so that the
 * load generators measured against it do not share its event loop.
 */
export async function startHandlerProcess(mode: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [HANDLER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /port (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`handler exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/webhooks`, child };
}

/** A port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Spawns the built CLI with its output discarded (a pipe nobody drains fast enough would
 * block it: Node writes to pipes synchronously) and waits until `port` accepts requests.
 */
export async function spawnListening(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return child;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the CLI did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}

/**
 * Runs the built CLI with its output discarded, polling its peak RSS (VmHWM) while it runs:
 * its exit code, wall time and peak memory.
 */
export async function runMeasured(args: string[]): Promise<{ code: number | null; wallMs: number; peakRssMiB: number }> {
  const { readFile } = await import('node:fs/promises');
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  let peakKiB = 0;
  const poll = setInterval(() => {
    void readFile(`/proc/${child.pid}/status`, 'utf8').then(
      (status) => {
        const match = /VmHWM:\s+(\d+) kB/.exec(status);
        if (match) peakKiB = Math.max(peakKiB, Number(match[1]));
      },
      () => undefined,
    );
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(poll);
  return { code, wallMs: performance.now() - started, peakRssMiB: peakKiB / 1024 };
}
