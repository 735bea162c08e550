/**
 * `npm test` runs vitest through this, so that a run leaves nothing behind however it ends.
 * A worker that dies mid-test (a crash, an out-of-memory kill) takes vitest's main process
 * down with it, before any afterAll, exit handler or global tear-down can run; so the clean-up
 * lives here, in the parent, after vitest has exited:
 *
 * - one folder holds every temp folder of the run: TMPDIR points there for vitest, its
 *   workers and all they spawn (tests' folders, the CLI's config homes, Chromium's profiles);
 * - that TMPDIR also marks every process of the run, so what is still running afterwards is
 *   found and killed with its process group (leftovers.ts).
 *
 * Arguments go to vitest: `tsx test/helpers/run-suite.ts run test/e2e/startup.test.ts`.
 * vitest runs on the same Node as this (CI runs the suite on several).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { killProcessesMarkedWith } from './leftovers.js';

const VITEST = fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'hsw-run-'));
const vitest = spawn(process.execPath, [VITEST, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, TMPDIR: root } });
// A Ctrl-C reaches vitest from the terminal too; a CI timeout's SIGTERM reaches only this.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => vitest.kill(signal));

const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => vitest.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
const killed = killProcessesMarkedWith(`TMPDIR=${root}`);
if (killed.length > 0) console.error(`The tests left ${killed.length} process(es) running; killed with their process groups:\n${killed.map((line) => `  ${line}`).join('\n')}`);
rmSync(root, { recursive: true, force: true });
process.exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
