// Leaves a temp folder and a process in a group of its own, as a test does before its clean-up,
// then dies the way an out-of-memory kill ends a worker: no hook, no exit handler runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';

it('dies mid-test', () => {
  mkdtempSync(join(tmpdir(), 'hsw-left-'));
  const child = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  writeFileSync(process.env['HSW_FIXTURE_PID_FILE'] ?? '', String(child.pid));
  process.kill(process.pid, 'SIGKILL');
});
