/**
 * The run's safety net (test/helpers/leftovers.ts): what tests leave running is found by
 * its environment and killed with its process group, without touching this process's group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { goneWithin, killProcessesMarkedWith } from '../helpers/leftovers.js';
import { isRunning } from '../helpers/processes.js';

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function start(command: string, args: string[], env: Record<string, string>, detached: boolean): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(command, args, { env: { ...process.env, ...env }, detached, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  return { child, exited: new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal))) };
}

describe('killProcessesMarkedWith', () => {
  it('kills a marked process group, grandchildren too; a marked process in our own group alone; nothing unmarked', async (context) => {
    context.skip(process.platform !== 'linux', 'finds processes through /proc (Linux)');
    const mark = `HSW_TEST_MARK=${randomBytes(6).toString('hex')}`;
    const [name = '', value = ''] = mark.split('=');
    // A detached shell (its own group) with a background child that outlives it unless killed.
    const group = start('bash', ['-c', 'sleep 300 & echo $!; wait'], { [name]: value }, true);
    const grandchild = await new Promise<number>((resolve) => group.child.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    // One in this worker's own process group: killing its group would kill this test too.
    const sameGroup = start('sleep', ['300'], { [name]: value }, false);
    const unmarked = start('sleep', ['300'], {}, true);

    const killed = killProcessesMarkedWith(mark);

    expect(killed.map((line) => Number(line.split(' ')[0])).sort()).toEqual([group.child.pid, grandchild, sameGroup.child.pid].sort());
    expect(await group.exited).toBe('SIGKILL');
    expect(await sameGroup.exited).toBe('SIGKILL');
    expect(await goneWithin(grandchild)).toBe(true);
    expect(isRunning(unmarked.child.pid ?? 0)).toBe(true);
  });
});
