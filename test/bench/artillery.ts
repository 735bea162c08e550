/**
 * `simulate --export artillery` at scale: 1,000,000 synthesized events in 4 shards, its
 * wall time and peak RSS, against the same export of 100,000 events in this run. The
 * payload is streamed (about 330 MB for a million events), so memory may grow only with
 * the per-event index columns (order, ids), not with the bodies: target ≤ 2.5× the 100,000
 * export's peak RSS for 10× the events, and a time per event within 1.5× of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMeasured } from './helpers.js';
import { fmt, verdict } from './stats.js';

async function exportOnce(events: number): Promise<{ wallMs: number; peakRssMiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'hsw-bench-artillery-'));
  try {
    const { code, wallMs, peakRssMiB } = await runMeasured(['simulate', '--export', 'artillery', join(dir, 'storm'), '--events', String(events), '--shards', '4', '--seed', '1']);
    if (code !== 0) throw new Error(`simulate --export exited ${code}`);
    return { wallMs, peakRssMiB };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchArtillery(): Promise<void> {
  console.log('simulate --export artillery');
  const base = await exportOnce(100_000);
  const big = await exportOnce(1_000_000);
  const rss = big.peakRssMiB / base.peakRssMiB;
  const perEvent = big.wallMs / 1_000_000 / (base.wallMs / 100_000);
  console.log(`  100k export      ${fmt(base.wallMs / 1000, 1)} s, peak RSS ${fmt(base.peakRssMiB, 0)} MiB (baseline)`);
  console.log(`  1M export        ${fmt(big.wallMs / 1000, 1)} s, peak RSS ${fmt(big.peakRssMiB, 0)} MiB · RSS ×${fmt(rss, 2)} for ×10 events (target ≤ 2.5) ${verdict(rss <= 2.5)} · time per event ×${fmt(perEvent, 2)} (target ≤ 1.5) ${verdict(perEvent <= 1.5)}`);
}
