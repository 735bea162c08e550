/**
 * The command line that repeats a run, for CI summaries and reports: what was typed, plus
 * the seed (random when not given) and the handler URL when it came from the environment.
 */

/** One argument as a POSIX shell reads it back unchanged. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** `args` as typed after the program name (`simulate --to … --events 5`). */
export function reproduceCommand(args: readonly string[], fill: { seed: number; to: string }): string {
  const has = (flag: string): boolean => args.some((arg) => arg === flag || arg.startsWith(`${flag}=`));
  const all = [...args, ...(has('--to') ? [] : ['--to', fill.to]), ...(has('--seed') ? [] : ['--seed', String(fill.seed)])];
  return ['npx', 'heapstream-webhooks', ...all].map(shellQuote).join(' ');
}
