/**
 * The inspector: a live list of deliveries (fixtures on disk, then each webhook as it
 * arrives), a detail pane, replay, edit-and-replay and compare, driven by mouse or keys.
 */
import { STREAM_ENTRY, STREAM_MEMORY, STREAM_SNAPSHOT, type AnswerDetail, type EntryDetail, type EntrySummary, type HeaderList, type InspectorInfo, type MemoryState, type ReplayOutcome } from '../api.js';
import { compareBodies } from '../diff.js';
import { formatJson, parseJson } from '../json.js';
import { bodyPanel, bodyText, visible } from './body-view.js';
import { api } from './client.js';
import { h, replaceChildren, type Child } from './dom.js';
import { answerLabel, clockTime, fullTime, ms, statusClass, type StatusClass } from './format.js';

/** Rows drawn at once; filters narrow a longer list. */
const MAX_ROWS = 500;
const FRESH_MS = 2_500;

type StatusFilter = '' | StatusClass;

const STATUS_FILTERS: [StatusFilter, string][] = [
  ['', 'Any answer'],
  ['ok', '2xx'],
  ['client', '4xx'],
  ['server', '5xx'],
  ['failed', 'Timeout, unreachable'],
  ['none', 'Not forwarded'],
];

const VIA: Record<EntrySummary['via'], string> = { tunnel: 'public', local: 'local', synthetic: 'trigger' };

export function startInspector(root: HTMLElement, info: InspectorInfo): void {
  let entries: EntrySummary[] = [];
  const byId = new Map<string, EntrySummary>();
  const fresh = new Set<string>();
  const marked: string[] = [];
  const replays = new Map<string, ReplayOutcome[]>();
  let cursor: string | null = null;
  let openId: string | null = null;
  let detail: EntryDetail | null = null;
  let pane: 'detail' | 'edit' | 'compare' = 'detail';
  let visibleRows: EntrySummary[] = [];

  // One handler, or listen's routes by event type.
  const replayRoutes = info.replay.map((r) => (r.route === 'default' ? r.to : `${r.route} → ${r.to}`)).join('; ');
  const only = info.replay.length === 1 ? info.replay[0] : undefined;
  const replayWhere: Child = info.replay.length === 0 ? 'replay off' : only?.route === 'default' ? ['replay → ', h('code', null, only.to)] : `replay → ${info.replay.length} handlers by event type`;
  const typeFilter = h('select', { id: 'type-filter', 'aria-label': 'Event type', onchange: () => renderList() }, h('option', { value: '' }, 'All types'));
  const statusFilter = h(
    'select',
    { id: 'status-filter', 'aria-label': 'Answer', onchange: () => renderList() },
    STATUS_FILTERS.map(([value, label]) => h('option', { value }, label)),
  );
  // Typing redraws once it pauses: a long list is not redrawn for every key.
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  const search = h('input', {
    id: 'search',
    type: 'search',
    placeholder: 'Filter: type, video, status, file   ( / )',
    'aria-label': 'Free text filter',
    autocomplete: 'off',
    oninput: () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(renderList, 80);
    },
  });
  const shown = h('span', { class: 'muted count', 'aria-live': 'polite' });
  const compareButton = h('button', { type: 'button', id: 'compare', class: 'btn', disabled: true, onclick: () => void openCompare() }, 'Compare');
  const connection = h('span', { class: 'pill conn', title: 'Live updates' }, 'connecting…');
  const list = h('ol', { class: 'list', role: 'listbox', 'aria-label': 'Deliveries, newest first', tabindex: '0' });
  const listPane = h('section', { class: 'list-pane', 'aria-label': 'Deliveries' }, list);
  const detailPane = h('section', { class: 'detail-pane', 'aria-label': 'Delivery', tabindex: '-1' });
  const help = helpDialog();
  const toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
  // Webhooks not recorded (--no-record) live in memory, within bounds; say when old ones went.
  const memoryBanner = h('p', { class: 'memory-note', role: 'status', hidden: true });
  const showMemory = (memory: MemoryState): void => {
    if (memory.dropped === 0) return;
    memoryBanner.hidden = false;
    memoryBanner.textContent = `${memory.dropped} older webhook(s) that were not recorded (--no-record) were dropped from memory, which keeps the latest ${memory.limitCount} within ${Math.round(memory.limitBytes / 1024 / 1024)} MiB; they can no longer be opened or replayed. Record them (drop --no-record) to keep them all.`;
  };
  showMemory(info.memory);

  replaceChildren(
    root,
    h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), h('strong', null, 'HeapStream webhooks'), h('span', { class: 'muted' }, info.mode === 'listen' ? 'listening' : 'fixtures')),
      h('div', { class: 'where' }, info.source ? h('span', { class: 'muted' }, 'from ', h('code', null, info.source)) : null, h('span', { class: 'muted replay-to', title: replayRoutes }, replayWhere)),
      connection,
      h('button', { type: 'button', class: 'btn ghost', onclick: () => help.showModal(), title: 'Keyboard shortcuts (?)' }, '?'),
    ),
    h('div', { class: 'toolbar' }, typeFilter, statusFilter, search, shown, compareButton),
    info.skipped.length > 0 ? h('p', { class: 'banner' }, `${info.skipped.length} file(s) in the directory are not fixtures and are not listed: `, info.skipped.slice(0, 3).map((s) => h('code', null, s.file)), info.skipped.length > 3 ? '…' : '') : null,
    memoryBanner,
    h('main', { class: 'split' }, listPane, detailPane),
    help,
    toast,
  );
  renderEmptyDetail();

  // --- live stream -------------------------------------------------------------------
  const stream = new EventSource('/api/stream');
  stream.addEventListener('open', () => setConnection('live', info.mode === 'listen' ? 'live' : 'connected'));
  stream.addEventListener('error', () => setConnection('down', 'reconnecting…'));
  stream.addEventListener(STREAM_SNAPSHOT, (event) => {
    entries = JSON.parse((event as MessageEvent<string>).data) as EntrySummary[];
    byId.clear();
    for (const entry of entries) byId.set(entry.id, entry);
    refreshTypes();
    renderList();
  });
  stream.addEventListener(STREAM_MEMORY, (event) => {
    showMemory(JSON.parse((event as MessageEvent<string>).data) as MemoryState);
  });
  stream.addEventListener(STREAM_ENTRY, (event) => {
    const entry = JSON.parse((event as MessageEvent<string>).data) as EntrySummary;
    if (byId.has(entry.id)) entries = entries.filter((e) => e.id !== entry.id);
    entries.unshift(entry);
    byId.set(entry.id, entry);
    fresh.add(entry.id);
    setTimeout(() => {
      fresh.delete(entry.id);
      list.querySelector(`[data-id="${CSS.escape(entry.id)}"]`)?.classList.remove('fresh');
    }, FRESH_MS);
    refreshTypes();
    renderList();
  });

  function setConnection(state: 'live' | 'down', text: string): void {
    connection.textContent = text;
    connection.dataset['state'] = state;
  }

  // --- list --------------------------------------------------------------------------
  function refreshTypes(): void {
    const types = [...new Set(entries.map((e) => e.type ?? '(none)'))].sort();
    const current = typeFilter.value;
    replaceChildren(typeFilter, h('option', { value: '' }, 'All types'), types.map((type) => h('option', { value: type }, type)));
    typeFilter.value = types.includes(current) ? current : '';
  }

  function matches(entry: EntrySummary): boolean {
    if (typeFilter.value && (entry.type ?? '(none)') !== typeFilter.value) return false;
    if (statusFilter.value && statusClass(entry.answer, entry.sent) !== statusFilter.value) return false;
    const text = search.value.trim().toLowerCase();
    if (!text) return true;
    const haystack = [entry.type ?? 'not json', entry.videoId === null ? '' : `v${entry.videoId}`, entry.videoStatus ?? '', answerLabel(entry.answer), entry.sent ?? '', entry.id, VIA[entry.via], entry.mark ?? '', entry.drift > 0 ? 'drift' : ''].join(' ').toLowerCase();
    return text.split(/\s+/).every((word) => haystack.includes(word));
  }

  function renderList(): void {
    const filtered = entries.filter(matches);
    visibleRows = filtered.slice(0, MAX_ROWS);
    if (cursor && !visibleRows.some((e) => e.id === cursor)) cursor = null;
    shown.textContent = filtered.length === entries.length ? `${entries.length} deliveries` : `${filtered.length} of ${entries.length}`;
    if (visibleRows.length === 0) {
      replaceChildren(list, h('li', { class: 'empty' }, entries.length === 0 ? emptyText() : 'Nothing matches the filters.'));
      return;
    }
    replaceChildren(
      list,
      visibleRows.map(row),
      filtered.length > MAX_ROWS ? h('li', { class: 'empty' }, `${filtered.length - MAX_ROWS} more: narrow the filters to see them.`) : null,
    );
  }

  function emptyText(): string {
    return info.mode === 'listen' ? 'Waiting for webhooks… POST one to the listen URL and it appears here.' : 'No fixtures in this directory yet.';
  }

  function row(entry: EntrySummary): HTMLElement {
    const status = statusClass(entry.answer, entry.sent);
    const checkbox = h('input', {
      type: 'checkbox',
      class: 'mark',
      'aria-label': 'Select for compare',
      checked: marked.includes(entry.id),
      onclick: (event) => {
        event.stopPropagation();
        toggleMark(entry.id);
      },
    });
    const li = h(
      'li',
      {
        class: `row${entry.id === openId ? ' open' : ''}${entry.id === cursor ? ' cursor' : ''}${fresh.has(entry.id) ? ' fresh' : ''}${entry.dropped ? ' dropped' : ''}`,
        title: entry.dropped ? 'dropped from memory: not recorded (--no-record), and older than what the inspector keeps' : null,
        role: 'option',
        'data-id': entry.id,
        'aria-selected': String(entry.id === openId),
        onclick: () => {
          cursor = entry.id;
          void open(entry.id);
        },
      },
      h('span', { class: 'c-mark' }, checkbox),
      h('time', { class: 'c-time', datetime: entry.recordedAt, title: fullTime(entry.recordedAt) }, clockTime(entry.recordedAt)),
      h('span', { class: 'c-type' }, h('span', { class: 'type' }, visible(entry.type ?? (entry.json ? '(no event_type)' : '(not JSON)'))), entry.videoStatus ? h('span', { class: 'vstatus' }, visible(entry.videoStatus)) : null),
      h('span', { class: 'c-video' }, entry.videoId === null ? '–' : `v${entry.videoId}`),
      h('span', { class: 'c-answer' }, h('span', { class: `badge s-${status}`, title: entry.answer ? "the handler's answer" : 'not forwarded' }, entry.answer ? answerLabel(entry.answer) : entry.sent !== null ? `${entry.sent}` : '—'), entry.answer ? h('span', { class: 'latency' }, ms(entry.answer.durationMs)) : null),
      h(
        'span',
        { class: 'c-marks' },
        entry.mark ? h('span', { class: `tag t-${entry.mark}`, title: entry.mark === 'retry' ? 'the same bytes arrived before and failed' : 'the same bytes arrived before and were accepted' }, entry.mark) : null,
        entry.drift > 0 ? h('span', { class: 'tag t-drift', title: `${entry.drift} difference(s) from the catalog's model of this event type` }, 'drift') : null,
        h('span', { class: `tag t-via`, title: entry.via === 'tunnel' ? 'through the public tunnel' : entry.via === 'local' ? 'straight to the local port' : 'built by trigger' }, VIA[entry.via]),
      ),
    );
    return li;
  }

  function toggleMark(id: string): void {
    const at = marked.indexOf(id);
    if (at >= 0) marked.splice(at, 1);
    else {
      marked.push(id);
      // Two at most: a third replaces the oldest choice.
      if (marked.length > 2) marked.shift();
    }
    compareButton.disabled = marked.length !== 2;
    compareButton.textContent = marked.length === 2 ? 'Compare 2' : 'Compare';
    renderList();
  }

  // --- detail ------------------------------------------------------------------------
  function renderEmptyDetail(): void {
    replaceChildren(detailPane, h('div', { class: 'placeholder' }, h('p', null, 'Select a delivery to see its request, body and the handler’s answer.'), h('p', { class: 'muted' }, 'j / k to move · Enter to open · r to replay · ? for all keys')));
  }

  async function open(id: string): Promise<void> {
    openId = id;
    pane = 'detail';
    document.body.classList.add('detail-open');
    renderList();
    replaceChildren(detailPane, h('p', { class: 'muted loading' }, 'Loading…'));
    try {
      const loaded = await api.entry(id);
      if (openId !== id) return;
      detail = loaded;
      renderDetail();
    } catch (error) {
      if (openId === id) replaceChildren(detailPane, backButton(), h('p', { class: 'syntax-error' }, `Could not load it: ${(error as Error).message}`));
    }
  }

  function backButton(): HTMLElement {
    return h('button', { type: 'button', class: 'btn ghost back', onclick: () => closeDetail() }, '← Deliveries');
  }

  function closeDetail(): void {
    document.body.classList.remove('detail-open');
    if (pane !== 'detail' && detail) {
      pane = 'detail';
      renderDetail();
    }
    list.focus();
  }

  function renderDetail(): void {
    if (!detail) return;
    const d = detail;
    const s = d.summary;
    const canReplay = info.replay.length > 0;
    const replayHint = canReplay ? `send the recorded bytes again: ${replayRoutes} (r)` : info.mode === 'listen' ? 'start listen with --forward-to to replay' : 'start inspect with --to <url> to replay';
    const text = bodyText(d.request.body);
    const query = d.request.query ? `?${d.request.query}` : '';
    replaceChildren(
      detailPane,
      backButton(),
      h(
        'div',
        { class: 'detail-head' },
        h('h2', null, visible(s.type ?? (s.json ? '(no event_type)' : '(not JSON)')), s.videoId !== null ? h('span', { class: 'muted' }, ` v${s.videoId}`) : null, s.videoStatus ? h('span', { class: 'vstatus' }, visible(s.videoStatus)) : null),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'btn primary', 'data-action': 'replay', disabled: !canReplay, title: replayHint, onclick: () => void replay() }, 'Replay'),
          h('button', { type: 'button', class: 'btn', 'data-action': 'edit', disabled: !canReplay || text === null, title: text === null ? 'the body is not UTF-8 text' : `${replayHint}, edited first (e)`, onclick: () => openEditor() }, 'Edit & replay'),
          h('button', { type: 'button', class: 'btn ghost', 'data-action': 'mark', 'aria-pressed': String(marked.includes(s.id)), onclick: () => toggleMark(s.id) }, marked.includes(s.id) ? 'Marked for compare' : 'Mark for compare (x)'),
        ),
      ),
      h(
        'p',
        { class: 'meta' },
        h('time', { datetime: s.recordedAt }, fullTime(s.recordedAt)),
        ' · ',
        VIA[s.via],
        d.request.remoteAddress ? ` from ${d.request.remoteAddress}` : '',
        s.mark ? [' · ', h('span', { class: `tag t-${s.mark}` }, s.mark)] : null,
        d.file !== null ? h('code', { class: 'file' }, visible(d.file)) : h('span', { class: 'file' }, 'not recorded (--no-record): kept in memory while the inspector runs'),
      ),
      answerLine(s),
      pane === 'edit' && text !== null ? editor(text) : null,
      replaysSection(s.id),
      h('section', { class: 'request' }, h('div', { class: 'panel-head' }, h('h3', null, 'Request')), h('p', { class: 'reqline' }, h('code', null, d.request.method, ' ', visible(d.request.path), visible(query))), headersTable(d.request.headers)),
      bodyPanel(d.request.body, 'Body'),
      driftSection(d.drift),
      answerSection(d.answer, 'Handler answer', s.answer ? null : 'Not forwarded: listen answered 200 once it was recorded.'),
    );
  }

  /** The outcome at a glance, above the request; the full answer follows the body. */
  function answerLine(s: EntrySummary): HTMLElement {
    if (!s.answer) return h('p', { class: 'answer-line muted' }, s.sent !== null ? `answered ${s.sent} to the sender; not forwarded` : 'not forwarded');
    return h(
      'p',
      { class: 'answer-line' },
      'handler ',
      h('span', { class: `badge s-${statusClass(s.answer)}` }, answerLabel(s.answer)),
      h('span', { class: 'latency' }, `in ${ms(s.answer.durationMs)}`),
      s.sent !== null && s.sent !== s.answer.status ? h('span', { class: 'muted' }, `· answered ${s.sent} to the sender`) : null,
    );
  }

  function driftSection(findings: EntryDetail['drift']): HTMLElement | null {
    if (findings.length === 0) return null;
    return h(
      'section',
      { class: 'drift' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Drift from the model'), h('span', { class: 'muted' }, 'where this body differs from what the catalog says HeapStream sends')),
      h('ul', null, findings.map((f) => h('li', null, h('code', null, visible(f.path)), ' ', visible(f.message)))),
    );
  }

  function headersTable(headers: HeaderList | null): HTMLElement | null {
    if (!headers || headers.length === 0) return null;
    return h('table', { class: 'headers' }, h('tbody', null, headers.map(([name, value]) => h('tr', null, h('th', { scope: 'row' }, visible(name)), h('td', null, visible(value))))));
  }

  function answerSection(answer: AnswerDetail | null, title: string, absent: string | null): HTMLElement {
    if (!answer) return h('section', { class: 'answer' }, h('div', { class: 'panel-head' }, h('h3', null, title)), h('p', { class: 'muted' }, absent ?? 'No answer recorded.'));
    const status = statusClass(answer);
    return h(
      'section',
      { class: 'answer' },
      h('div', { class: 'panel-head' }, h('h3', null, title), h('span', { class: `badge s-${status}` }, answerLabel(answer)), h('span', { class: 'latency' }, `in ${ms(answer.durationMs)}`), answer.target ? h('span', { class: 'muted' }, 'from ', h('code', null, visible(answer.target))) : null),
      answer.errorMessage ? h('p', { class: 'syntax-error' }, visible(answer.errorMessage)) : null,
      headersTable(answer.headers),
      answer.body ? bodyPanel(answer.body, 'Answer body') : answer.status !== null ? h('p', { class: 'muted' }, answer.headers ? 'Empty body.' : 'The answer’s body was not recorded in this fixture.') : null,
    );
  }

  function replaysSection(id: string): HTMLElement | null {
    const done = replays.get(id);
    if (!done || done.length === 0) return null;
    return h(
      'section',
      { class: 'replays' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Replays from this page')),
      h(
        'ol',
        null,
        done.map((outcome, i) =>
          h(
            'li',
            { class: 'replay' },
            h('details', { open: i === 0 }, h('summary', null, h('span', { class: `badge s-${statusClass(outcome.answer)}` }, answerLabel(outcome.answer)), ` in ${ms(outcome.answer.durationMs)} · ${clockTime(outcome.at)}`, outcome.edited ? h('span', { class: 'tag t-edited' }, 'edited') : null, h('span', { class: 'muted' }, ` ${outcome.sentBytes} bytes → `, h('code', null, visible(outcome.url)))), answerSection(outcome.answer, 'Answer', null)),
          ),
        ),
      ),
    );
  }

  async function replay(body?: string): Promise<void> {
    const id = detail?.summary.id;
    if (!id || info.replay.length === 0) return;
    notify('Replaying…');
    try {
      const outcome = await api.replay(body === undefined ? { id } : { id, body });
      replays.set(id, [outcome, ...(replays.get(id) ?? [])]);
      notify(`Replayed: ${answerLabel(outcome.answer)} in ${ms(outcome.answer.durationMs)}`);
      if (detail?.summary.id === id) {
        pane = 'detail';
        renderDetail();
      }
    } catch (error) {
      notify(`Replay failed: ${(error as Error).message}`, true);
    }
  }

  function openEditor(): void {
    if (!detail || info.replay.length === 0 || bodyText(detail.request.body) === null) return;
    pane = 'edit';
    renderDetail();
    detailPane.querySelector('textarea')?.focus();
  }

  function editor(text: string): HTMLElement {
    const state = h('p', { class: 'edit-state', 'aria-live': 'polite' });
    const area = h('textarea', { class: 'editor', spellcheck: 'false', 'aria-label': 'Body to send', rows: 14, oninput: () => check() });
    // The recorded text as it is: sending it unchanged sends the same bytes.
    area.value = text;
    const check = (): void => {
      const parsed = parseJson(area.value);
      state.textContent = parsed.ok ? 'Valid JSON' : `Not valid JSON: ${parsed.error.message} at line ${parsed.error.line}, column ${parsed.error.column} (it can still be sent)`;
      state.className = `edit-state ${parsed.ok ? 'good' : 'bad'}`;
    };
    check();
    return h(
      'section',
      { class: 'edit' },
      h('div', { class: 'panel-head' }, h('h3', null, 'Edit & replay'), h('span', { class: 'muted' }, 'the recorded fixture is not changed')),
      area,
      state,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: 'btn primary', 'data-action': 'send-edited', onclick: () => void replay(area.value) }, 'Send edited body'),
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            title: 'indent the JSON for editing; numbers keep their exact text (-1.0 stays -1.0)',
            onclick: () => {
              const parsed = parseJson(area.value);
              if (parsed.ok) area.value = formatJson(parsed.value);
            },
          },
          'Lay out',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn',
            title: 'the exact recorded text',
            onclick: () => {
              area.value = text;
              check();
            },
          },
          'Reset',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'btn ghost',
            onclick: () => {
              pane = 'detail';
              renderDetail();
            },
          },
          'Cancel',
        ),
      ),
    );
  }

  // --- compare -----------------------------------------------------------------------
  async function openCompare(): Promise<void> {
    if (marked.length !== 2) return;
    const [a, b] = marked as [string, string];
    pane = 'compare';
    openId = null;
    document.body.classList.add('detail-open');
    renderList();
    replaceChildren(detailPane, h('p', { class: 'muted loading' }, 'Comparing…'));
    try {
      const [left, right] = await Promise.all([api.entry(a), api.entry(b)]);
      // Older first, so "before" and "after" read in time order.
      const [first, second] = Date.parse(left.summary.recordedAt) <= Date.parse(right.summary.recordedAt) ? [left, right] : [right, left];
      replaceChildren(detailPane, backButton(), compareView(first, second));
    } catch (error) {
      replaceChildren(detailPane, backButton(), h('p', { class: 'syntax-error' }, `Could not compare: ${(error as Error).message}`));
    }
  }

  function compareView(first: EntryDetail, second: EntryDetail): HTMLElement {
    const label = (d: EntryDetail): Child => [visible(d.summary.type ?? '(not JSON)'), d.summary.videoId !== null ? ` v${d.summary.videoId}` : '', ' · ', fullTime(d.summary.recordedAt)];
    const a = bodyText(first.request.body);
    const b = bodyText(second.request.body);
    const head = h('div', { class: 'detail-head' }, h('h2', null, 'Compare'), h('p', { class: 'meta' }, h('span', { class: 'side-a' }, 'A '), label(first), h('br'), h('span', { class: 'side-b' }, 'B '), label(second)));
    if (a === null || b === null) return h('section', { class: 'compare' }, head, h('p', null, first.request.body.base64 === second.request.body.base64 ? 'The bodies are the same bytes.' : 'The bodies differ, and one of them is not UTF-8 text: see Raw in each.'));
    const result = compareBodies(a, b);
    if (result.kind === 'text') {
      const why = [result.errors.before ? `A is not JSON (${result.errors.before.message}, line ${result.errors.before.line})` : '', result.errors.after ? `B is not JSON (${result.errors.after.message}, line ${result.errors.after.line})` : ''].filter(Boolean).join('; ');
      return h('section', { class: 'compare' }, head, h('p', null, `${why}. `, result.equal ? 'The bytes are the same.' : 'The bytes differ.'));
    }
    if (result.differences.length === 0) {
      return h('section', { class: 'compare' }, head, h('p', { class: 'same' }, a === b ? 'Identical bytes.' : 'The same JSON, written differently (spacing or key order).'));
    }
    return h(
      'section',
      { class: 'compare' },
      head,
      h('p', { class: 'muted' }, `${result.differences.length} difference${result.differences.length === 1 ? '' : 's'}, by JSON path`),
      h(
        'table',
        { class: 'diff' },
        h('thead', null, h('tr', null, h('th', null, 'Path'), h('th', null, 'A'), h('th', null, 'B'))),
        h(
          'tbody',
          null,
          result.differences.map((d) =>
            h('tr', { class: `d-${d.kind}`, 'data-path': d.path }, h('th', { scope: 'row' }, h('code', null, visible(d.path || '(root)'))), h('td', null, d.before === undefined ? h('span', { class: 'muted' }, 'absent') : h('code', null, visible(d.before))), h('td', null, d.after === undefined ? h('span', { class: 'muted' }, 'absent') : h('code', null, visible(d.after)))),
          ),
        ),
      ),
    );
  }

  // --- keys and notices --------------------------------------------------------------
  function move(step: number): void {
    if (visibleRows.length === 0) return;
    const at = visibleRows.findIndex((e) => e.id === cursor);
    const next = at === -1 ? 0 : Math.max(0, Math.min(visibleRows.length - 1, at + step));
    cursor = (visibleRows[next] as EntrySummary).id;
    renderList();
    list.querySelector('.cursor')?.scrollIntoView({ block: 'nearest' });
  }

  document.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement;
    const typing = target.matches('input:not([type=checkbox]), textarea, select');
    if (event.key === 'Escape') {
      if (help.open) return;
      if (typing) target.blur();
      else closeDetail();
      return;
    }
    if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
    // Enter on a focused button or disclosure is that control's own.
    if (event.key === 'Enter' && target.matches('button, summary, a, input')) return;
    const actions: Record<string, () => void> = {
      j: () => move(1),
      ArrowDown: () => move(1),
      k: () => move(-1),
      ArrowUp: () => move(-1),
      Enter: () => {
        if (cursor) void open(cursor);
      },
      r: () => {
        if (detail && pane !== 'compare') void replay();
        else if (cursor) void open(cursor).then(() => replay());
      },
      e: () => openEditor(),
      x: () => {
        const id = cursor ?? openId;
        if (id) toggleMark(id);
      },
      c: () => void openCompare(),
      '/': () => search.focus(),
      '?': () => help.showModal(),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  let toastTimer: ReturnType<typeof setTimeout> | undefined;
  function notify(text: string, bad = false): void {
    toast.textContent = text;
    toast.className = `toast show${bad ? ' bad' : ''}`;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.className = 'toast'), 3_000);
  }
}

function helpDialog(): HTMLDialogElement {
  const keys: [string, string][] = [
    ['j / ↓', 'next delivery'],
    ['k / ↑', 'previous delivery'],
    ['Enter', 'open it'],
    ['r', 'replay it (the exact bytes)'],
    ['e', 'edit the body, then replay'],
    ['x', 'mark for compare (two at a time)'],
    ['c', 'compare the two marked'],
    ['/', 'filter'],
    ['Esc', 'back to the list'],
  ];
  const dialog = h(
    'dialog',
    { class: 'help', 'aria-label': 'Keyboard shortcuts' },
    h('h2', null, 'Keys'),
    h('table', null, h('tbody', null, keys.map(([key, what]) => h('tr', null, h('th', null, h('kbd', null, key)), h('td', null, what))))),
    h('button', { class: 'btn', type: 'button', onclick: () => dialog.close() }, 'Close'),
  );
  return dialog;
}
