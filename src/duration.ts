/**
 * Durations as people write them: `250ms`, `5s`, `1.5m`, `8h`, `1d`; a bare number is
 * milliseconds. Shared by flag parsing (src/options.ts) and library options, which word
 * their errors differently.
 */
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or undefined when `text` is not a duration. */
export function parseDurationText(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1));
}
