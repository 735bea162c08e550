import { round } from '../round.js';

/** Percentiles for reports, rounded to 0.01 ms. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Sorts `values` in place. */
export function percentiles(values: Float64Array): Percentiles {
  values.sort();
  const round2 = (v: number | null): number | null => (v === null ? null : round(v, 2));
  return { p50: round2(percentile(values, 50)), p95: round2(percentile(values, 95)), p99: round2(percentile(values, 99)), max: round2(percentile(values, 100)) };
}
