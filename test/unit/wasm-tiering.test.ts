/**
 * The V8 flag the sending commands set, checked on the Node running the suite (CI runs this
 * file on every Node version it tests): the flag must exist, take effect, and print nothing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('../../src/commands/wasm-tiering.ts', import.meta.url));

/** Calls keepWasmOnBaselineCompiler() twice in a fresh process with these Node options. */
function inFreshProcess(nodeOptions: string[]): { status: number | null; stdout: string; stderr: string } {
  const script = `const { keepWasmOnBaselineCompiler } = await import(${JSON.stringify(MODULE)}); console.log(JSON.stringify([keepWasmOnBaselineCompiler(), keepWasmOnBaselineCompiler()]));`;
  const result = spawnSync(process.execPath, [...nodeOptions, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe(`--liftoff-only on Node ${process.version}`, () => {
  it('is a flag this V8 knows', () => {
    const options = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(options.status).toBe(0);
    expect(options.stdout).toMatch(/^\s*--liftoff-only\b/m);
  });

  it('takes effect, stays in effect, and V8 prints nothing about it', () => {
    const result = inFreshProcess([]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([true, true]);
  });

  it('is left alone where there is no WebAssembly to tier (--jitless)', () => {
    const result = inFreshProcess(['--jitless']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([false, false]);
  });
});
