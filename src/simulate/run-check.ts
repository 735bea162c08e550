/**
 * `simulate --check <command>`: the user's own assertions over the report file, run through
 * a shell once the report is on disk.
 */
import { spawn } from 'node:child_process';
import type { Output } from '../ui/output.js';

/** Runs the user's check once the report is on disk; its exit code joins the verdict. */
export function runCheck(command: string, reportFile: string, output: Output): Promise<number | null> {
  output.line(output.color.dim(`\nRunning --check: ${command}`));
  return new Promise((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      // In --json mode stdout carries NDJSON only, so the check's output goes to stderr.
      stdio: ['ignore', output.json ? process.stderr : 'inherit', 'inherit'],
      env: { ...process.env, HEAPSTREAM_REPORT: reportFile },
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}
