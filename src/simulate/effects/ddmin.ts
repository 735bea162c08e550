/**
 * Delta debugging (Zeller and Hildebrandt's ddmin): from a failing sequence, a subsequence
 * that still fails and is 1-minimal (removing any single item makes it pass). Subsets are
 * tried before complements, chunks in order, so the same test gives the same result.
 */

/** `true` when the subsequence still fails. */
export type Trial<T> = (items: readonly T[]) => Promise<boolean>;

export interface DdminResult<T> {
  items: T[];
  /** False when the trial budget ran out first: the result fails, but may not be 1-minimal. */
  oneMinimal: boolean;
}

export async function ddmin<T>(failing: readonly T[], test: Trial<T>, options: { maxTrials?: number; trialsUsed?: () => number } = {}): Promise<DdminResult<T>> {
  let current = [...failing];
  let n = 2;
  const budgetLeft = (): boolean => options.maxTrials === undefined || (options.trialsUsed?.() ?? 0) < options.maxTrials;
  while (current.length >= 2) {
    if (!budgetLeft()) return { items: current, oneMinimal: false };
    const chunks = split(current, n);
    let reduced = false;
    for (const chunk of chunks) {
      if (await test(chunk)) {
        current = chunk;
        n = 2;
        reduced = true;
        break;
      }
    }
    // With two chunks, each complement is the other chunk, already tried.
    if (!reduced && n > 2) {
      for (let i = 0; i < chunks.length; i++) {
        const complement = chunks.filter((_, j) => j !== i).flat();
        if (await test(complement)) {
          current = complement;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (reduced) continue;
    if (n >= current.length) break;
    n = Math.min(current.length, n * 2);
  }
  // A single failing item is 1-minimal: without it nothing is delivered, and nothing differs.
  return { items: current, oneMinimal: true };
}

/** `items` in `n` chunks of nearly equal length, in order. */
function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks.filter((chunk) => chunk.length > 0);
}
