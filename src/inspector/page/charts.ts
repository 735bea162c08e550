/**
 * Just enough charting for the storm report, drawn as SVG: scales, round ticks, axes,
 * and a tooltip that follows the pointer. No library: the page must work offline from a
 * single file, and these few shapes do not need one.
 */
import { h, svg } from './dom.js';

export interface Scale {
  (value: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linear(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const scale = ((value: number) => r0 + ((value - d0) / span) * (r1 - r0)) as Scale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** About `count` round values from min to max (1, 2, 5 × 10^k steps). */
export function ticks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((s) => s * power >= raw) ?? 10) * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

/** Ticks on a time axis at round units (ms, s, min, h) rather than round numbers of ms. */
export function timeTicks(maxMs: number, count: number): number[] {
  const steps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];
  const step = steps.find((s) => maxMs / s <= count) ?? maxMs / count;
  const out: number[] = [];
  for (let v = 0; v <= maxMs + 1e-9; v += step) out.push(v);
  return out;
}

export function duration(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1_000) return `${round(ms)} ms`;
  if (ms < 60_000) return `${round(ms / 1_000)} s`;
  // Whole minutes and hours read better than 1.3 h: 1 h 15 min.
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1_000);
    return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  }
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10);
}

export interface Frame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export function frame(width: number, height: number, margin: Partial<Frame['margin']> = {}): Frame {
  return { width, height, margin: { top: 14, right: 14, bottom: 26, left: 46, ...margin } };
}

export function chart(f: Frame, label: string): SVGSVGElement {
  return svg('svg', { width: f.width, height: f.height, viewBox: `0 0 ${f.width} ${f.height}`, role: 'img', 'aria-label': label, class: 'chart' });
}

export function xAxis(parent: SVGElement, x: Scale, values: number[], y: number, format: (v: number) => string, above = false): void {
  const g = svg('g', { class: 'axis' });
  g.appendChild(svg('line', { x1: x.range[0], x2: x.range[1], y1: y, y2: y }));
  for (const v of values) {
    const px = x(v);
    g.appendChild(svg('line', { x1: px, x2: px, y1: y, y2: y + (above ? -4 : 4) }));
    g.appendChild(svg('text', { x: px, y: above ? y - 7 : y + 16, 'text-anchor': 'middle' }, format(v)));
  }
  parent.appendChild(g);
}

export function yAxis(parent: SVGElement, y: Scale, values: number[], x: number, width: number, format: (v: number) => string): void {
  const g = svg('g', { class: 'axis' });
  for (const v of values) {
    const py = y(v);
    g.appendChild(svg('line', { class: 'grid', x1: x, x2: x + width, y1: py, y2: py }));
    g.appendChild(svg('text', { x: x - 6, y: py + 4, 'text-anchor': 'end' }, format(v)));
  }
  parent.appendChild(g);
}

/** One tooltip for the page: marks carry data attributes, and `describe` turns them into lines. */
export function tooltip(root: HTMLElement, describe: (target: Element) => string[] | null): void {
  const tip = h('div', { class: 'tip', role: 'tooltip' });
  root.appendChild(tip);
  root.addEventListener('pointermove', (event) => {
    const target = (event.target as Element).closest('[data-tip]');
    const lines = target ? describe(target) : null;
    if (!lines) {
      tip.classList.remove('show');
      return;
    }
    tip.replaceChildren(...lines.map((line, i) => h(i === 0 ? 'strong' : 'div', null, line)));
    tip.classList.add('show');
    const pad = 14;
    const box = tip.getBoundingClientRect();
    const left = Math.min(window.innerWidth - box.width - 8, event.clientX + pad);
    const top = event.clientY + pad + box.height > window.innerHeight ? event.clientY - box.height - pad : event.clientY + pad;
    tip.style.left = `${Math.max(8, left)}px`;
    tip.style.top = `${Math.max(8, top)}px`;
  });
  root.addEventListener('pointerleave', () => tip.classList.remove('show'));
}
