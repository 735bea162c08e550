/**
 * Letting time pass on purpose. Users' traffic is sparse: a long-lived part must still work
 * after sitting idle past each of its deadlines, so a test idles past the longest of them
 * (with a margin for the checks that enforce them) before it sends again. This is the one
 * place a test waits on the clock rather than on an event: the passing time is the point.
 */
export async function idlePast(...timeoutsMs: number[]): Promise<void> {
  await idleFor(Math.ceil(Math.max(...timeoutsMs) * 1.5) + 100);
}

/** Nothing happens for `ms`: a gap as long as a user's, e.g. HeapStream's first retry delay. */
export function idleFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
