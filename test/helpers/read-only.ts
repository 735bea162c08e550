/** A directory nobody can write into, for tests of what happens then. */
import { spawn } from 'node:child_process';
import { chmod } from 'node:fs/promises';

/**
 * chmod is enough for other users; root writes through it, so as root the directory is made
 * immutable instead (chattr +i), which root cannot write into either.
 */
export async function makeReadOnly(path: string): Promise<() => Promise<void>> {
  if (process.getuid?.() !== 0) {
    await chmod(path, 0o555);
    return () => chmod(path, 0o755);
  }
  await run('chattr', ['+i', path]);
  return () => run('chattr', ['-i', path]);
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}`))));
  });
}
