/** Rounds to `digits` decimals: durations print to 0.1 ms, reports keep 0.01 ms. */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
