/**
 * What a test run leaves behind, found and removed after it (see run-suite.ts): processes
 * that tests started and did not stop, found by a mark in their environment that every
 * process of the run inherits.
 */
import { readFileSync, readdirSync } from 'node:fs';

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

function info(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const [, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
    return { pid, ppid: Number(ppid), pgid: Number(pgid), command };
  } catch {
    return undefined; // gone meanwhile
  }
}

function hasEnv(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
  } catch {
    return false;
  }
}

/**
 * Kills every other process whose environment holds `entry`: one in this process's own group
 * alone (killing that group would kill this one), any other with its whole group, so that
 * what it spawned goes too. Returns what it killed, for the message. Linux only (/proc).
 */
export function killProcessesMarkedWith(entry: string): string[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  } catch {
    return []; // no /proc (macOS): each test's own clean-up is all there is
  }
  const ownGroup = info(process.pid)?.pgid;
  // All of them first, then the kills: killing a group takes members not looked at yet.
  const marked = pids.filter((pid) => pid !== process.pid && hasEnv(pid, entry)).map(info).filter((found) => found !== undefined);
  const groups = new Set<number>();
  const killed: string[] = [];
  for (const found of marked) {
    killed.push(`${found.pid} ${found.command}`);
    if (found.pgid !== ownGroup && groups.has(found.pgid)) continue;
    try {
      process.kill(found.pgid === ownGroup ? found.pid : -found.pgid, 'SIGKILL');
      groups.add(found.pgid);
    } catch {
      // already gone
    }
  }
  return killed;
}

/**
 * Whether `pid` is gone within `timeoutMs`: for a process that is not this one's child, so has
 * no exit event here (once killed, it is gone when the kernel has reaped or zombied it).
 */
export async function goneWithin(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const { isRunning } = await import('./processes.js');
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
