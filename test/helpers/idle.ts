/**
 * Letting time pass on purpose. Users' traffic is sparse: a long-lived part must still work
 * after sitting idle past each of its deadlines, so a test idles past the longest of them
 * (with a margin for the checks that enforce them) before it sends again. This is the one
 * place a test waits on the clock rather than on an event: the passing time is the point.
 */
export async function idlePast(...timeoutsMs: number[]): Promise<void> {
  const longest = Math.max(...timeoutsMs);
  await new Promise((resolve) => setTimeout(resolve, Math.ceil(longest * 1.5) + 100));
}
