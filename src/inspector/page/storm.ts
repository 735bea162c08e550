/**
 * The storm report: a simulate run as a picture. Verdict and totals, the timeline of
 * attempts by outcome with the outage and the recovery burst, in flight and latency over
 * time, the latency histogram, attempts per event, and the worst events' histories.
 * Everything is drawn from aggregates, so 1,000,000 events draw as fast as 1,000.
 */
import { OUTCOMES, type StormAttempt, type StormData, type StormEvent } from '../../simulate/storm-types.js';
import { chart, duration, frame, linear, ticks, timeTicks, tooltip, xAxis, yAxis, type Scale } from './charts.js';
import { visible } from './body-view.js';
import { h, replaceChildren, svg } from './dom.js';
import { count, fullTime, ms } from './format.js';

const LABELS: Record<(typeof OUTCOMES)[number], string> = {
  '2xx': '2xx',
  duplicate: 'duplicate (after a 2xx)',
  'non-2xx': 'non-2xx',
  timeout: 'timeout',
  unreachable: 'unreachable',
  'bad-answer': 'bad answer',
  error: 'error',
  'answer-lost': 'answer lost',
  outage: 'outage (not sent)',
};
const O = OUTCOMES.length;
const WORST_SHOWN = 40;

export function startStorm(root: HTMLElement, data: StormData): void {
  const s = data.summary;
  const enabled = new Set<number>(OUTCOMES.map((_, i) => i));
  let type = -1;
  let showAll = false;

  const typeSelect = h(
    'select',
    { id: 'storm-type', 'aria-label': 'Event type', onchange: () => render() },
    h('option', { value: '-1' }, 'All event types'),
    data.types.map((name, i) => h('option', { value: String(i) }, visible(name))),
  );
  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Outcomes' });
  const charts = h('div', { class: 'charts' });
  const worst = h('section', { class: 'card worst', 'aria-label': 'Worst events' });

  document.title = `${s.verdict.ok ? 'PASS' : 'FAIL'}${s.interrupted ? ' (interrupted)' : ''} · simulate · ${s.target}`;
  document.body.classList.add('storm');
  replaceChildren(
    root,
    h(
      'header',
      { class: 'storm-head' },
      h('span', { class: `verdict ${s.verdict.ok ? 'pass' : 'fail'}` }, s.verdict.ok ? 'PASS' : 'FAIL'),
      h('div', null, h('h1', null, 'HeapStream delivery simulation'), h('p', { class: 'muted' }, visible(s.target), s.scenario ? ` · scenario ${s.scenario}` : '', ` · ${fullTime(s.startedAt)} · ${duration(s.durationMs)} · seed ${s.seed}`)),
    ),
    s.verdict.reasons.length ? h('ul', { class: 'reasons' }, s.verdict.reasons.map((reason) => h('li', null, visible(reason)))) : null,
    s.warnings.length ? h('ul', { class: 'warnings' }, s.warnings.map((warning) => h('li', null, visible(warning)))) : null,
    h('div', { class: 'reproduce' }, h('span', { class: 'muted' }, 'Reproduce'), h('code', { id: 'reproduce' }, visible(s.reproduce))),
    s.effects ? h('section', { class: `card effects ${s.effects[0]?.startsWith('PASS') ? 'pass' : 'fail'}`, 'aria-label': 'State' }, h('h2', null, 'State'), h('pre', null, visible(s.effects.map((line) => line.replace(/^(PASS|FAIL) /, '')).join('\n')))) : null,
    totals(data),
    h('div', { class: 'toolbar storm-filters' }, typeSelect, chips),
    charts,
    worst,
    h('footer', { class: 'muted' }, `Per-event detail is kept for ${count(data.kept.failing)} failing event(s)${data.kept.failingTotal > data.kept.failing ? ` (of ${count(data.kept.failingTotal)})` : ''}, the ${data.kept.worst} worst of the rest and a sample of ${data.kept.sample}; the charts count all ${count(s.totals.attempts)} attempts. ${s.tool}`),
  );
  tooltip(root, (target) => describe(target, data));

  function sumCounts(): Uint32Array {
    const out = new Uint32Array(data.buckets.count * O);
    data.buckets.byType.forEach((counts, t) => {
      if (type !== -1 && t !== type) return;
      for (let k = 0; k < counts.length; k++) out[k] = (out[k] as number) + (counts[k] as number);
    });
    return out;
  }

  function renderChips(counts: Uint32Array): void {
    const totalsByOutcome = new Array<number>(O).fill(0);
    for (let k = 0; k < counts.length; k++) totalsByOutcome[k % O] = (totalsByOutcome[k % O] as number) + (counts[k] as number);
    replaceChildren(
      chips,
      OUTCOMES.map((name, o) =>
        totalsByOutcome[o] === 0
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: `chip o-${name}`,
                'data-outcome': name,
                'aria-pressed': String(enabled.has(o)),
                onclick: () => {
                  if (enabled.has(o)) enabled.delete(o);
                  else enabled.add(o);
                  render();
                },
              },
              h('span', { class: 'swatch' }),
              `${LABELS[name]} `,
              h('span', { class: 'muted' }, count(totalsByOutcome[o] as number)),
            ),
      ),
    );
  }

  function render(): void {
    type = Number(typeSelect.value);
    const counts = sumCounts();
    renderChips(counts);
    // Card padding taken off; the two small charts sit side by side only in a wide window.
    const width = Math.max(280, (charts.clientWidth || root.clientWidth - 32) - 30);
    const half = width >= 760 ? width / 2 - 22 : width;
    replaceChildren(
      charts,
      card('Attempts over time, by outcome', timeline(data, counts, enabled, width), legendNote(data)),
      card('Requests in flight', inFlightChart(data, width)),
      card('Latency over time: p50 and p99 per bucket, dots for kept events', latencyChart(data, width, type, enabled)),
      h('div', { class: 'pair' }, card('Latency histogram', histogram(data, type, enabled, half)), card('Attempts per event (original delivery)', attemptsChart(data, half))),
    );
    renderWorst(width);
  }

  function renderWorst(width: number): void {
    const matching = data.events.filter((e) => (type === -1 || e.type === data.types[type] || (e.type === null && data.types[type] === '(none)')) && e.attempts.some((a) => enabled.has(a[4])));
    matching.sort(badness);
    const shown = showAll ? matching : matching.slice(0, WORST_SHOWN);
    replaceChildren(
      worst,
      h('div', { class: 'panel-head' }, h('h2', null, 'Worst events'), h('span', { class: 'muted' }, `${count(matching.length)} kept event(s) match the filters`)),
      shown.length === 0 ? h('p', { class: 'muted' }, 'No kept event matches the filters.') : h('ol', { class: 'events' }, shown.map((event) => eventRow(event, data, width))),
      matching.length > shown.length ? h(
            'button',
            {
              type: 'button',
              class: 'btn',
              onclick: () => {
                showAll = true;
                render();
              },
            },
            `Show all ${count(matching.length)}`,
          ) : null,
    );
  }

  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(render, 120);
  });
  render();
}

function card(title: string, ...body: (Node | null)[]): HTMLElement {
  return h('section', { class: 'card' }, h('h2', null, title), body);
}

function totals(data: StormData): HTMLElement {
  const t = data.summary.totals;
  const l = data.summary.latencyMs;
  const items: [string, string, string?][] = [
    ['events', count(t.events)],
    ['delivered', count(t.delivered), t.delivered === t.events ? 'good' : undefined],
    ['exhausted', count(t.exhausted), t.exhausted > 0 ? 'bad' : undefined],
    ['too slow', count(t.tooSlow), t.tooSlow > 0 ? 'bad' : undefined],
    ...(t.unfinished > 0 ? [['unfinished', count(t.unfinished), 'bad'] as [string, string, string]] : []),
    ['attempts', count(t.attempts)],
    ['retries', count(t.retries)],
    ['duplicates sent', count(t.duplicatesSent)],
    ['latency p50', ms(l.p50)],
    ['latency p99', ms(l.p99)],
    ['most in flight', count(data.summary.maxInFlight)],
  ];
  return h('dl', { class: 'totals' }, items.map(([label, value, tone]) => h('div', { class: `total${tone ? ` ${tone}` : ''}` }, h('dt', null, label), h('dd', null, value))));
}

function legendNote(data: StormData): HTMLElement {
  return h(
    'p',
    { class: 'muted note' },
    `One bar per ${duration(data.buckets.widthMs)} of run time (bottom axis); the top axis is HeapStream time (×${data.summary.timeScale}).`,
    data.outage ? ' The shaded band is the outage; the outlined one is the recovery burst.' : '',
  );
}

/** Stacked bars per time bucket, with the outage window and the recovery burst marked. */
function timeline(data: StormData, counts: Uint32Array, enabled: Set<number>, width: number): SVGSVGElement {
  const f = frame(width, 244, { top: 34 });
  const { widthMs, count: buckets } = data.buckets;
  const end = buckets * widthMs;
  let max = 1;
  for (let b = 0; b < buckets; b++) {
    let sum = 0;
    for (let o = 0; o < O; o++) if (enabled.has(o)) sum += counts[b * O + o] as number;
    max = Math.max(max, sum);
  }
  const x = linear([0, end], [f.margin.left, f.width - f.margin.right]);
  const y = linear([0, max], [f.height - f.margin.bottom, f.margin.top]);
  const root = chart(f, 'Attempts over time by outcome');
  const plotTop = f.margin.top;
  const plotHeight = f.height - f.margin.bottom - f.margin.top;
  // Bands under the bars, their labels over them.
  const labels: SVGElement[] = [];
  if (data.outage) {
    const ox = x(Math.min(end, data.outage.endMs));
    root.appendChild(svg('rect', { class: 'outage-window', x: x(0), y: plotTop, width: Math.max(1, ox - x(0)), height: plotHeight, 'data-tip': 'outage' }));
    labels.push(svg('text', { class: 'band-label', x: ox - 4, y: plotTop + 12, 'text-anchor': 'end' }, 'outage'));
  }
  if (data.recovery) {
    const rx = x(data.recovery.firstAttemptAt);
    const rEnd = x(Math.min(end, data.recovery.firstAttemptAt + data.recovery.windowMs));
    root.appendChild(svg('rect', { class: 'recovery-burst', x: rx, y: plotTop, width: Math.max(3, rEnd - rx), height: plotHeight, 'data-tip': 'recovery' }));
    // Beside the box, on whichever side has room.
    const right = rx < (f.margin.left + f.width - f.margin.right) / 2;
    labels.push(svg('text', { class: 'band-label burst-label', x: right ? rEnd + 5 : rx - 5, y: plotTop + 26, 'text-anchor': right ? 'start' : 'end' }, `recovery burst: ${count(data.recovery.attempts)} attempts in ${duration(data.recovery.windowMs)}`));
  }
  yAxis(root, y, ticks(0, max, 4), f.margin.left, f.width - f.margin.left - f.margin.right, (v) => count(v));
  const barWidth = Math.max(1, x(widthMs) - x(0) - (x(widthMs) - x(0) > 4 ? 1 : 0));
  const bars = svg('g', { class: 'bars' });
  for (let b = 0; b < buckets; b++) {
    let base = 0;
    for (let o = 0; o < O; o++) {
      const n = counts[b * O + o] as number;
      if (n === 0 || !enabled.has(o)) continue;
      const top = y(base + n);
      bars.appendChild(svg('rect', { class: `bar o-${OUTCOMES[o]}`, x: x(b * widthMs), y: top, width: barWidth, height: Math.max(0.5, y(base) - top), 'data-bucket': b, 'data-outcome': OUTCOMES[o], 'data-count': n, 'data-tip': 'bucket' }));
      base += n;
    }
  }
  root.appendChild(bars);
  for (const label of labels) root.appendChild(label);
  const runTicks = timeTicks(end, Math.max(3, Math.floor(width / 110)));
  xAxis(root, x, runTicks, f.height - f.margin.bottom, duration);
  const scale = data.summary.timeScale;
  xAxis(root, linear([0, end * scale], x.range), timeTicks(end * scale, Math.max(3, Math.floor(width / 110))), plotTop - 2, (v) => `${duration(v)}`, true);
  root.appendChild(svg('text', { class: 'axis-title', x: f.margin.left, y: 9 }, 'HeapStream time'));
  return root;
}

function inFlightChart(data: StormData, width: number): SVGSVGElement {
  const f = frame(width, 150);
  const { widthMs, count: buckets, inFlight } = data.buckets;
  const max = Math.max(1, ...inFlight);
  const x = linear([0, buckets * widthMs], [f.margin.left, f.width - f.margin.right]);
  const y = linear([0, max], [f.height - f.margin.bottom, f.margin.top]);
  const root = chart(f, 'Requests in flight over time');
  yAxis(root, y, ticks(0, max, 3), f.margin.left, f.width - f.margin.left - f.margin.right, (v) => count(v));
  let path = `M${x(0)},${y(0)}`;
  inFlight.forEach((n, b) => (path += `L${x(b * widthMs)},${y(n)}L${x((b + 1) * widthMs)},${y(n)}`));
  path += `L${x(buckets * widthMs)},${y(0)}Z`;
  root.appendChild(svg('path', { class: 'area', d: path }));
  hitAreas(root, data, x, f);
  xAxis(root, x, timeTicks(buckets * widthMs, Math.max(3, Math.floor(width / 110))), f.height - f.margin.bottom, duration);
  return root;
}

function latencyChart(data: StormData, width: number, type: number, enabled: Set<number>): SVGSVGElement {
  const f = frame(width, 200, { left: 56 });
  const { widthMs, count: buckets, p50, p99 } = data.buckets;
  const dots: { event: StormEvent; attempt: StormAttempt; i: number }[] = [];
  for (const event of data.events) {
    if (type !== -1 && (event.type ?? '(none)') !== data.types[type]) continue;
    event.attempts.forEach((attempt, i) => {
      if (enabled.has(attempt[4]) && OUTCOMES[attempt[4]] !== 'outage') dots.push({ event, attempt, i });
    });
  }
  const max = Math.max(1, ...p99.map((v) => v ?? 0), ...dots.map((d) => d.attempt[5]));
  const x = linear([0, buckets * widthMs], [f.margin.left, f.width - f.margin.right]);
  const y = linear([0, max], [f.height - f.margin.bottom, f.margin.top]);
  const root = chart(f, 'Latency over time');
  yAxis(root, y, ticks(0, max, 4), f.margin.left, f.width - f.margin.left - f.margin.right, (v) => (v < 1_000 ? `${v} ms` : duration(v)));
  const line = (values: (number | null)[]): string => {
    let d = '';
    let pen = false;
    values.forEach((v, b) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x((b + 0.5) * widthMs)},${y(v)}`;
      pen = true;
    });
    return d;
  };
  const points = svg('g', { class: 'dots' });
  for (const { event, attempt, i } of dots.slice(0, 4_000)) {
    points.appendChild(svg('circle', { class: `dot o-${OUTCOMES[attempt[4]]}`, cx: x(attempt[0]), cy: y(attempt[5]), r: 2.5, 'data-tip': 'attempt', 'data-event': event.index, 'data-attempt': i }));
  }
  root.appendChild(points);
  root.appendChild(svg('path', { class: 'line p99', d: line(p99) }));
  root.appendChild(svg('path', { class: 'line p50', d: line(p50) }));
  hitAreas(root, data, x, f, true);
  root.appendChild(svg('text', { class: 'axis-title', x: f.width - f.margin.right, y: 12, 'text-anchor': 'end' }, '— p50   — p99'));
  xAxis(root, x, timeTicks(buckets * widthMs, Math.max(3, Math.floor(width / 110))), f.height - f.margin.bottom, duration);
  return root;
}

/** Invisible columns that make a whole bucket hoverable (behind the dots, if any). */
function hitAreas(root: SVGSVGElement, data: StormData, x: Scale, f: ReturnType<typeof frame>, behind = false): void {
  const g = svg('g', { class: 'hits' });
  const { widthMs, count: buckets } = data.buckets;
  for (let b = 0; b < buckets; b++) g.appendChild(svg('rect', { x: x(b * widthMs), y: f.margin.top, width: Math.max(1, x(widthMs) - x(0)), height: f.height - f.margin.top - f.margin.bottom, 'data-tip': 'bucket', 'data-bucket': b }));
  if (behind) root.insertBefore(g, root.querySelector('.dots'));
  else root.appendChild(g);
}

function histogram(data: StormData, type: number, enabled: Set<number>, width: number): SVGSVGElement {
  const edges = data.histogram.edgesMs;
  const bins = new Array<number>(edges.length + 2).fill(0);
  data.histogram.byType.forEach((counts, t) => {
    if (type !== -1 && t !== type) return;
    counts.forEach((n, i) => (bins[i] = (bins[i] as number) + n));
  });
  if (!enabled.has(OUTCOMES.indexOf('outage'))) bins[edges.length + 1] = 0;
  const last = edges[edges.length - 1] as number;
  const labels = bins.map((_, i) => (i < edges.length ? `< ${duration(edges[i] as number)}` : i === edges.length ? `≥ ${duration(last)}` : 'not sent'));
  const short = (i: number): string => (i < edges.length ? compactMs(edges[i] as number) : i === edges.length ? `≥${compactMs(last)}` : 'n/s');
  const f = frame(width, 200, { bottom: 40 });
  const max = Math.max(1, ...bins);
  const x = linear([0, bins.length], [f.margin.left, f.width - f.margin.right]);
  const y = linear([0, max], [f.height - f.margin.bottom, f.margin.top]);
  const root = chart(f, 'Latency histogram');
  yAxis(root, y, ticks(0, max, 3), f.margin.left, f.width - f.margin.left - f.margin.right, (v) => count(v));
  const g = svg('g', { class: 'bars histogram' });
  bins.forEach((n, i) => {
    const notSent = i === bins.length - 1;
    g.appendChild(svg('rect', { class: notSent ? 'bar o-outage' : 'bar hist', x: x(i) + 1, y: y(n), width: Math.max(1, x(1) - x(0) - 2), height: y(0) - y(n), 'data-count': n, 'data-tip': 'bin', 'data-label': labels[i], 'data-bin': i }));
    // Every label when they fit, else every other one (ending on "not sent").
    if (x(1) - x(0) >= 32 || i % 2 === 1) g.appendChild(svg('text', { class: 'tick-label', x: x(i + 0.5), y: f.height - f.margin.bottom + 14, 'text-anchor': 'middle' }, short(i)));
  });
  root.appendChild(g);
  root.appendChild(svg('text', { class: 'axis-title', x: f.width - f.margin.right, y: f.height - 6, 'text-anchor': 'end' }, 'latency below (ms, s) · n/s: not sent'));
  return root;
}

function compactMs(value: number): string {
  return value < 1_000 ? String(value) : `${value / 1_000}s`;
}

function attemptsChart(data: StormData, width: number): SVGSVGElement {
  const values = data.attemptsPerEvent;
  const f = frame(width, 200);
  const max = Math.max(1, ...values);
  const x = linear([0, values.length], [f.margin.left, f.width - f.margin.right]);
  const y = linear([0, max], [f.height - f.margin.bottom, f.margin.top]);
  const root = chart(f, 'Attempts per event');
  yAxis(root, y, ticks(0, max, 3), f.margin.left, f.width - f.margin.left - f.margin.right, (v) => count(v));
  const g = svg('g', { class: 'bars attempts' });
  values.forEach((n, k) => {
    g.appendChild(svg('rect', { class: 'bar hist', x: x(k) + 1, y: y(n), width: Math.max(1, x(1) - x(0) - 2), height: y(0) - y(n), 'data-count': n, 'data-tip': 'attempts', 'data-attempts': k }));
    g.appendChild(svg('text', { class: 'tick-label', x: x(k + 0.5), y: f.height - f.margin.bottom + 14, 'text-anchor': 'middle' }, String(k)));
  });
  root.appendChild(g);
  return root;
}

function badness(a: StormEvent, b: StormEvent): number {
  const score = (e: StormEvent): number => (e.exhausted ? 4e12 : 0) + (e.tooSlow ? 2e12 : 0) + e.attempts.length * 1e7 + Math.max(0, ...e.attempts.map((x) => x[5]));
  return score(b) - score(a) || a.index - b.index;
}

function eventRow(event: StormEvent, data: StormData, width: number): HTMLElement {
  const stripWidth = Math.min(560, Math.max(200, width - 420));
  const end = data.buckets.count * data.buckets.widthMs;
  const x = linear([0, end], [6, stripWidth - 6]);
  const strip = svg('svg', { class: 'strip', width: stripWidth, height: 22, viewBox: `0 0 ${stripWidth} 22`, role: 'img', 'aria-label': `attempts of event ${event.index}` });
  strip.appendChild(svg('line', { x1: 6, x2: stripWidth - 6, y1: 11, y2: 11 }));
  event.attempts.forEach((attempt, i) => strip.appendChild(svg('circle', { class: `dot o-${OUTCOMES[attempt[4]]}`, cx: x(attempt[0]), cy: 11, r: 5, 'data-tip': 'attempt', 'data-event': event.index, 'data-attempt': i })));
  const state = event.duplicateRefused ? ['duplicate refused', 'bad'] : event.exhausted ? ['exhausted', 'bad'] : event.tooSlow ? ['too slow', 'bad'] : ['delivered', 'good'];
  return h(
    'li',
    { class: 'event', 'data-index': event.index },
    h(
      'details',
      null,
      h(
        'summary',
        null,
        h('span', { class: `tag ${state[1]}` }, state[0]),
        h('span', { class: 'ev-type' }, visible(event.type ?? '(no event_type)')),
        h('span', { class: 'muted' }, event.videoId === null ? '' : ` v${event.videoId}`, ` · #${event.index} · ${event.attempts.length} attempt${event.attempts.length === 1 ? '' : 's'}${event.duplicatesSent ? ` · ${event.duplicatesSent} duplicate(s)` : ''}`),
        strip,
      ),
      // The handler's own words for its last refusal (kept printable and short by the report).
      event.answer ? h('p', { class: 'answer' }, h('span', { class: 'muted' }, 'answer: '), h('code', null, visible(event.answer))) : null,
      h(
        'table',
        { class: 'attempts-table' },
        h('thead', null, h('tr', null, ['copy', 'attempt', 'sent at (run)', 'HeapStream time', 'outcome', 'status', 'latency'].map((c) => h('th', null, c)))),
        h(
          'tbody',
          null,
          event.attempts.map((a) => h('tr', null, h('td', null, a[2] === 0 ? 'original' : `duplicate ${a[2]}`), h('td', null, String(a[1])), h('td', null, duration(a[0])), h('td', null, duration(a[0] * data.summary.timeScale)), h('td', null, h('span', { class: `swatch o-${OUTCOMES[a[4]]}` }), ` ${LABELS[OUTCOMES[a[4]] as (typeof OUTCOMES)[number]]}`), h('td', null, a[3] === null ? '–' : String(a[3])), h('td', null, OUTCOMES[a[4]] === 'outage' ? '–' : ms(a[5])))),
        ),
      ),
    ),
  );
}

/** Tooltip lines for whatever mark is under the pointer. */
function describe(target: Element, data: StormData): string[] | null {
  const kind = target.getAttribute('data-tip');
  const { widthMs } = data.buckets;
  const scale = data.summary.timeScale;
  if (kind === 'bucket') {
    const b = Number(target.getAttribute('data-bucket'));
    const lines = [`${duration(b * widthMs)} – ${duration((b + 1) * widthMs)} (HeapStream ${duration(b * widthMs * scale)} – ${duration((b + 1) * widthMs * scale)})`];
    const sums = new Array<number>(O).fill(0);
    for (const counts of data.buckets.byType) for (let o = 0; o < O; o++) sums[o] = (sums[o] as number) + (counts[b * O + o] as number);
    sums.forEach((n, o) => n > 0 && lines.push(`${LABELS[OUTCOMES[o] as (typeof OUTCOMES)[number]]}: ${count(n)}`));
    lines.push(`in flight at most: ${data.buckets.inFlight[b] ?? 0}`, `latency p50 ${ms(data.buckets.p50[b] ?? null)} · p99 ${ms(data.buckets.p99[b] ?? null)}`);
    return lines;
  }
  if (kind === 'attempt') {
    const event = data.events.find((e) => e.index === Number(target.getAttribute('data-event')));
    const attempt = event?.attempts[Number(target.getAttribute('data-attempt'))];
    if (!event || !attempt) return null;
    const [at, n, copy, status, o, latency] = attempt;
    return [
      `${event.type ?? '(no event_type)'}${event.videoId === null ? '' : ` v${event.videoId}`} · event #${event.index}`,
      `${copy === 0 ? 'original' : `duplicate ${copy}`}, attempt ${n}`,
      `sent at ${duration(at)} (HeapStream ${duration(at * scale)})`,
      `${LABELS[OUTCOMES[o] as (typeof OUTCOMES)[number]]}${status === null ? '' : ` · status ${status}`}${OUTCOMES[o] === 'outage' ? '' : ` · ${ms(latency)}`}`,
    ];
  }
  if (kind === 'bin') return [`latency ${target.getAttribute('data-label')}`, `${count(Number(target.getAttribute('data-count')))} attempts`];
  if (kind === 'attempts') return [`${target.getAttribute('data-attempts')} attempt(s)`, `${count(Number(target.getAttribute('data-count')))} events`];
  if (kind === 'outage' && data.outage) return ['outage', `the endpoint was down until ${duration(data.outage.endMs)} (HeapStream ${duration(data.outage.endMs * scale)}): attempts failed without being sent`];
  if (kind === 'recovery' && data.recovery) return ['recovery burst', `${count(data.recovery.attempts)} attempts reached the handler within ${duration(data.recovery.windowMs)} of the first one after the outage`];
  return null;
}
