// The timeline webview's script: receives a run (or two, in comparison mode) as typed-array chunks, draws it
// on a canvas, and handles zoom, pan, selection, search, hover details, keyboard and the simulation cursor.
import {
  EVENT_KINDS, NO_LANE, isHostMessage,
  type EventDetails, type HostMessage, type HostRequests, type TimelineDescription, type ViewState, type WebviewMessage, type Divergence,
} from './protocol';
import { RunModel, describeEvent } from './model';
import { AXIS_H, GUTTER, drawOverview, drawScene, grouped, layoutRuns, prepareOverview, preparePixels, type Layout, type Scene, type View } from './render';
import { SvgPainter } from './svg';
import { readTheme, type Theme } from './theme';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const OVERVIEW_H = 34;

// ---------------------------------------------------------------------------------------------
// DOM (built here so the host page holds no markup or handlers of its own)
// ---------------------------------------------------------------------------------------------

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const toolbar = el('div', { id: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline tools' });
const searchInput = el('input', { id: 'search', type: 'search', placeholder: 'Search function, task, errno, line…', 'aria-label': 'Search events by function, task, errno or line text' });
const kindSelect = el('select', { id: 'kind', 'aria-label': 'Event kind' });
kindSelect.append(el('option', { value: '' }, 'any kind'), ...EVENT_KINDS.map((k) => el('option', { value: k }, k)));
const prevButton = el('button', { id: 'prev', title: 'Previous match (Shift+N)', 'aria-label': 'Previous match' }, '◀');
const nextButton = el('button', { id: 'next', title: 'Next match (N)', 'aria-label': 'Next match' }, '▶');
const matchesLabel = el('span', { id: 'matches', 'aria-live': 'polite' });
const fitButton = el('button', { id: 'fit', title: 'Fit the whole run (0)' }, 'Fit');
const statusLabel = el('span', { id: 'status' });
toolbar.append(searchInput, kindSelect, prevButton, nextButton, matchesLabel, fitButton, statusLabel);
const overview = el('canvas', { id: 'overview', 'aria-hidden': 'true' });
const main = el('div', { id: 'main' });
const canvas = el('canvas', {
  id: 'timeline', tabindex: '0', role: 'application',
  'aria-label': 'Timeline of kernel events. W/S zoom, A/D pan, arrows move between events, Enter travels there, Home/End first/last, 0 fits, / searches.',
});
main.append(canvas);
const tooltip = el('div', { id: 'tooltip', role: 'tooltip' });
tooltip.hidden = true;
const details = el('div', { id: 'details', role: 'region', 'aria-label': 'Selected event', 'aria-live': 'polite' });
const DETAILS_HINT = 'Click an event to see its details; double-click or Enter travels there.';
details.textContent = DETAILS_HINT;
document.body.append(toolbar, overview, main, details, tooltip);

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

let runs: RunModel[] = [];
let mode: TimelineDescription['mode'] = 'empty';
let divergence: Divergence | null = null;
let view: View = { start: 0, span: 1 };
let cursor = -1;
let selected: { run: number; index: number } | null = null;
let hover: { run: number; index: number } | null = null;
let scrollTop = 0;
let theme: Theme = readTheme();
let layout: Layout = layoutRuns([], 100);
let frames = 0;
let dirty = false;
let loaded = false;
let pendingRestore: ViewState | null = null;
const frameTimes: number[] = [];
let firstPaintAt = 0;
let initAt = 0;

// The state VS Code kept across a hide or a restart: applied once, to the first run of the same file.
let restored = vscode.getState() as ViewState | undefined;

// ---------------------------------------------------------------------------------------------
// Sizing and painting
// ---------------------------------------------------------------------------------------------

let cssWidth = 0;
let cssHeight = 0;
function resize(): void {
  const dpr = window.devicePixelRatio || 1;
  cssWidth = Math.max(200, Math.floor(main.clientWidth));
  cssHeight = Math.max(80, Math.floor(main.clientHeight));
  for (const [c, w, h] of [[canvas, cssWidth, cssHeight], [overview, cssWidth, OVERVIEW_H]] as const) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
  }
  layout = layoutRuns(runs, cssWidth);
  clampScroll();
  paintNow();
  const ctx = canvas.getContext('2d');
  if (ctx) preparePixels(ctx, cssWidth, cssHeight, theme);
  prepareOverview(cssWidth, OVERVIEW_H, dpr);
}

function scene(width: number, height: number): Scene {
  return {
    runs, layout: width === layout.width ? layout : layoutRuns(runs, width), view, theme, height, scrollTop,
    cursor: mode === 'single' ? cursor : -1, selected, hover, divergence,
    labels: runs.map((r) => r.header.label),
  };
}

function paintNow(): void {
  dirty = false;
  const ctx = canvas.getContext('2d');
  const octx = overview.getContext('2d');
  if (!ctx || !octx) return;
  const dpr = window.devicePixelRatio || 1;
  const t0 = performance.now();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (runs.length === 0) {
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, cssWidth, cssHeight);
    ctx.fillStyle = theme.muted;
    ctx.font = theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillText(emptyReason, 12, 20);
  } else {
    drawScene(ctx, scene(cssWidth, cssHeight));
  }
  const t1 = performance.now();
  octx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawOverview(octx, cssWidth, OVERVIEW_H, runs[0], view, mode === 'single' ? cursor : -1, theme);
  lastFrameSplit = [t1 - t0, performance.now() - t1];
  const dt = performance.now() - t0;
  frames++;
  frameTimes.push(dt);
  if (frameTimes.length > 600) frameTimes.shift();
  if (loaded && firstPaintAt === 0) firstPaintAt = performance.now();
}

function requestPaint(): void {
  if (dirty) return;
  dirty = true;
  requestAnimationFrame(() => { if (dirty) paintNow(); });
}

let emptyReason = 'Waiting for a simulation… (run a .timens scenario)';

// ---------------------------------------------------------------------------------------------
// View manipulation
// ---------------------------------------------------------------------------------------------

function maxEvents(): number {
  return Math.max(1, ...runs.map((r) => r.n));
}

function setView(start: number, span: number): void {
  const n = maxEvents();
  const minSpan = Math.min(n, 8);
  span = Math.max(minSpan, Math.min(n * 1.02, span));
  start = Math.max(-n * 0.01, Math.min(n - span * 0.5, start));
  view = { start, span };
  saveStateSoon();
  requestPaint();
}

function fit(): void {
  const n = maxEvents();
  setView(-n * 0.005, n * 1.01);
}

function zoomAt(factor: number, anchorX: number): void {
  const W = layout.plotWidth;
  const frac = Math.max(0, Math.min(1, (anchorX - GUTTER) / W));
  const at = view.start + frac * view.span;
  const span = view.span * factor;
  setView(at - frac * span, span);
}

function pan(fraction: number): void {
  setView(view.start + fraction * view.span, view.span);
}

function reveal(index: number): void {
  if (index >= view.start && index + 1 <= view.start + view.span) return;
  setView(index + 0.5 - view.span / 2, view.span);
}

function clampScroll(): void {
  const max = Math.max(0, layout.contentHeight - cssHeight);
  scrollTop = Math.max(0, Math.min(max, scrollTop));
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function currentViewState(): ViewState {
  return { start: view.start, span: view.span, selected: selected?.index ?? -1, selectedRun: selected?.run ?? 0, scrollTop, file: mode === 'single' ? runs[0]?.header.file : undefined };
}
function saveStateSoon(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    const state = currentViewState();
    vscode.setState(state);
    vscode.postMessage({ type: 'viewState', state });
  }, 250);
}

// ---------------------------------------------------------------------------------------------
// Hit testing, selection, details
// ---------------------------------------------------------------------------------------------

function hitTest(x: number, y: number): { run: number; index: number } | null {
  if (x < GUTTER || y < AXIS_H) return null;
  const cy = y + scrollTop;
  for (const block of layout.blocks) {
    const run = runs[block.run];
    if (!run.complete) continue;
    const L = block.lanes.findIndex((b) => cy >= b.y && cy < b.y + b.h);
    if (L < 0) continue;
    const isNs = run.header.lanes[L].kind === 'ns';
    const scale = layout.plotWidth / view.span;
    const at = view.start + (x - GUTTER) / scale;
    let lo = Math.max(0, Math.floor(view.start + (x - GUTTER - 3) / scale));
    let hi = Math.min(run.n - 1, Math.ceil(view.start + (x - GUTTER + 3) / scale));
    if (hi - lo > 50000) { lo = Math.max(0, Math.floor(at) - 25000); hi = Math.min(run.n - 1, lo + 50000); }
    let best = -1;
    let bestScore = -Infinity;
    for (let i = lo; i <= hi; i++) {
      if ((isNs ? run.nsLane[i] : run.lane[i]) !== L) continue;
      const score = (run.markBits[i] ? 1e9 : 0) - Math.abs(i + 0.5 - at);
      if (score > bestScore) { bestScore = score; best = i; }
    }
    return best < 0 ? null : { run: block.run, index: best };
  }
  return null;
}

let detailsSeq = 0;
function select(target: { run: number; index: number } | null, scrollIntoView = false): void {
  selected = target;
  saveStateSoon();
  requestPaint();
  if (!target) {
    details.textContent = 'No event selected.';
    return;
  }
  if (scrollIntoView) reveal(target.index);
  const run = runs[target.run];
  const text = describeEvent(run, target.index);
  details.replaceChildren(el('div', { class: 'd-head' }, (runs.length > 1 ? `${target.run === 0 ? 'A' : 'B'}: ` : '') + text));
  canvas.setAttribute('aria-description', text);
  const seq = ++detailsSeq;
  void request('eventDetails', { run: target.run, index: target.index }).then((d) => {
    if (seq !== detailsSeq) return;
    renderDetails(details, d as EventDetails, true);
  }, () => { /* the summary line stays */ });
}

function renderDetails(into: HTMLElement, d: EventDetails, full: boolean): void {
  const rows: HTMLElement[] = [];
  rows.push(el('div', { class: 'd-head' }, `#${d.index} ${d.kind} ${d.fn}${d.task ? ` · ${d.task}` : ''}${d.line >= 0 ? ` · line ${d.line + 1}` : ''} · host ${d.hostTime}`));
  if (d.summary) rows.push(el('div', {}, d.summary));
  if (d.lineText) rows.push(el('div', { class: 'd-code' }, d.lineText));
  if (d.stack.length) rows.push(el('div', { class: 'd-stack' }, d.stack.join(' › ')));
  if (d.result) rows.push(el('div', {}, `result: ${d.result}`));
  for (const c of d.changes.slice(0, full ? 40 : 6)) rows.push(el('div', { class: 'd-change' }, `${c.obj}.${c.field}: ${c.before} → ${c.after}`));
  if (d.causes.length) rows.push(el('div', { class: 'd-muted' }, `follows from event${d.causes.length > 1 ? 's' : ''} ${d.causes.map((c) => `#${c}`).join(', ')}`));
  into.replaceChildren(...rows);
}

function activate(target: { run: number; index: number } | null): void {
  if (!target) return;
  vscode.postMessage({ type: 'activate', run: target.run, index: target.index });
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------

type Matcher = (run: RunModel, i: number) => boolean;
let matcher: Matcher | null = null;

function buildMatcher(): Matcher | null {
  const text = searchInput.value.trim().toLowerCase();
  const kind = kindSelect.value ? EVENT_KINDS.indexOf(kindSelect.value as (typeof EVENT_KINDS)[number]) : -1;
  if (!text && kind < 0) return null;
  const tables = new Map<RunModel, { fn: Uint8Array; lane: Uint8Array; label: Uint8Array; lines: Set<number> }>();
  for (const run of runs) {
    const h = run.header;
    const fn = Uint8Array.from(h.functions, (f) => (text && f.toLowerCase().includes(text) ? 1 : 0));
    const lane = Uint8Array.from(h.lanes, (l) => (text && (l.id.toLowerCase() === text || l.label.toLowerCase() === text) ? 1 : 0));
    const label = Uint8Array.from(h.labels, (l) => (text && l && l.toLowerCase() === text ? 1 : 0));
    const lines = new Set<number>();
    if (text) run.lines.split('\n').forEach((src, ln) => { if (src && src.toLowerCase().includes(text)) lines.add(ln); });
    tables.set(run, { fn, lane, label, lines });
  }
  return (run, i) => {
    if (kind >= 0 && run.kind[i] !== kind) return false;
    if (!text) return true;
    const t = tables.get(run)!;
    return t.fn[run.fn[i]] === 1 || (run.lane[i] !== NO_LANE && t.lane[run.lane[i]] === 1) || t.label[run.label[i]] === 1 || t.lines.has(run.line[i]);
  };
}

function updateSearch(): void {
  matcher = buildMatcher();
  if (!matcher) { matchesLabel.textContent = ''; return; }
  let count = 0;
  for (const run of runs) for (let i = 0; i < run.n; i++) if (matcher(run, i)) count++;
  matchesLabel.textContent = `${grouped(count)} match${count === 1 ? '' : 'es'}`;
}

function findNext(direction: 1 | -1): void {
  if (!matcher) updateSearch();
  if (!matcher || runs.length === 0) return;
  const r = selected?.run ?? 0;
  const run = runs[r];
  if (!run.complete || run.n === 0) return;
  let i = selected ? selected.index : direction > 0 ? -1 : run.n;
  for (let step = 0; step < run.n; step++) {
    i += direction;
    if (i >= run.n) i = 0;
    if (i < 0) i = run.n - 1;
    if (matcher(run, i)) {
      select({ run: r, index: i }, true);
      return;
    }
  }
  matchesLabel.textContent = 'no match';
}

let searchTimer: ReturnType<typeof setTimeout> | undefined;
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(updateSearch, 150);
});
searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { updateSearch(); findNext(e.shiftKey ? -1 : 1); e.preventDefault(); }
  if (e.key === 'Escape') { canvas.focus(); }
});
kindSelect.addEventListener('change', updateSearch);
prevButton.addEventListener('click', () => findNext(-1));
nextButton.addEventListener('click', () => findNext(1));
fitButton.addEventListener('click', fit);

// ---------------------------------------------------------------------------------------------
// Mouse and keyboard
// ---------------------------------------------------------------------------------------------

let drag: { x: number; y: number; start: number; scrollTop: number; moved: boolean } | null = null;
canvas.addEventListener('mousedown', (e) => {
  canvas.focus();
  drag = { x: e.offsetX, y: e.offsetY, start: view.start, scrollTop, moved: false };
});
window.addEventListener('mousemove', (e) => {
  if (!drag) return;
  const rect = canvas.getBoundingClientRect();
  const dx = e.clientX - rect.left - drag.x;
  const dy = e.clientY - rect.top - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
  if (drag.moved) {
    setView(drag.start - (dx * view.span) / layout.plotWidth, view.span);
    scrollTop = drag.scrollTop - dy;
    clampScroll();
  }
});
window.addEventListener('mouseup', (e) => {
  if (!drag) return;
  const wasClick = !drag.moved;
  drag = null;
  // A click selects and describes the event; a double-click (or Enter) travels there, as in VS Code's own
  // lists: looking at events must not move the debugger, the editor and the trees each time.
  if (wasClick && e.target === canvas) select(hitTest(e.offsetX, e.offsetY));
});
canvas.addEventListener('dblclick', (e) => activate(hitTest(e.offsetX, e.offsetY)));

let hoverTimer: ReturnType<typeof setTimeout> | undefined;
canvas.addEventListener('mousemove', (e) => {
  if (drag?.moved) return;
  const hit = hitTest(e.offsetX, e.offsetY);
  if (hit?.run === hover?.run && hit?.index === hover?.index) { placeTooltip(e.clientX, e.clientY); return; }
  hover = hit;
  requestPaint();
  clearTimeout(hoverTimer);
  if (!hit) { tooltip.hidden = true; return; }
  tooltip.replaceChildren(el('div', { class: 'd-head' }, describeEvent(runs[hit.run], hit.index)));
  tooltip.hidden = false;
  placeTooltip(e.clientX, e.clientY);
  hoverTimer = setTimeout(() => {
    void request('eventDetails', { run: hit.run, index: hit.index }).then((d) => {
      if (hover?.run === hit.run && hover.index === hit.index) { renderDetails(tooltip, d as EventDetails, false); }
    }, () => undefined);
  }, 120);
});
canvas.addEventListener('mouseleave', () => { hover = null; tooltip.hidden = true; requestPaint(); });

function placeTooltip(x: number, y: number): void {
  const w = tooltip.offsetWidth;
  const h = tooltip.offsetHeight;
  tooltip.style.left = `${Math.max(4, Math.min(window.innerWidth - w - 8, x + 14))}px`;
  tooltip.style.top = `${y + 18 + h > window.innerHeight ? Math.max(4, y - h - 10) : y + 18}px`;
}

canvas.addEventListener('wheel', (e) => {
  e.preventDefault();
  if (e.altKey) {
    scrollTop += e.deltaY;
    clampScroll();
    requestPaint();
  } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
    pan(((e.shiftKey ? e.deltaY : e.deltaX) / layout.plotWidth) * 1.0);
  } else {
    zoomAt(Math.exp(e.deltaY * 0.0015), e.offsetX);
  }
}, { passive: false });

canvas.addEventListener('keydown', (e) => {
  const center = GUTTER + layout.plotWidth / 2;
  const anchor = selected ? GUTTER + ((selected.index + 0.5 - view.start) * layout.plotWidth) / view.span : center;
  const handled = true;
  switch (e.key) {
    case 'w': case 'W': zoomAt(e.shiftKey ? 0.5 : 0.8, anchor); break;
    case 's': case 'S': zoomAt(e.shiftKey ? 2 : 1.25, anchor); break;
    case 'a': case 'A': pan(e.shiftKey ? -0.5 : -0.15); break;
    case 'd': case 'D': pan(e.shiftKey ? 0.5 : 0.15); break;
    case 'ArrowRight': if (e.shiftKey) pan(0.15); else moveSelection(1); break;
    case 'ArrowLeft': if (e.shiftKey) pan(-0.15); else moveSelection(-1); break;
    case 'ArrowDown': moveLane(1); break;
    case 'ArrowUp': moveLane(-1); break;
    case 'Home': if (runs[0]?.n) select({ run: selected?.run ?? 0, index: 0 }, true); break;
    case 'End': { const r = selected?.run ?? 0; if (runs[r]?.n) select({ run: r, index: runs[r].n - 1 }, true); break; }
    case 'Enter': case ' ': activate(selected); break;
    case '0': case 'f': case 'F': fit(); break;
    case 'Escape': select(null); break;
    case 'n': findNext(1); break;
    case 'N': findNext(-1); break;
    case '/': searchInput.focus(); break;
    case 'PageDown': scrollTop += cssHeight * 0.8; clampScroll(); requestPaint(); break;
    case 'PageUp': scrollTop -= cssHeight * 0.8; clampScroll(); requestPaint(); break;
    default: return;
  }
  if (handled) e.preventDefault();
});

function moveSelection(delta: 1 | -1): void {
  const r = selected?.run ?? 0;
  const run = runs[r];
  if (!run?.n) return;
  const from = selected ? selected.index : delta > 0 ? Math.max(-1, Math.floor(view.start) - 1) : Math.min(run.n, Math.ceil(view.start + view.span));
  const index = Math.max(0, Math.min(run.n - 1, from + delta));
  select({ run: r, index }, true);
}

function moveLane(delta: 1 | -1): void {
  if (!selected) { moveSelection(1); return; }
  const run = runs[selected.run];
  const lanes = run.header.lanes;
  let L = run.lane[selected.index];
  for (let tries = 0; tries < lanes.length; tries++) {
    L += delta;
    if (L < 0 || L >= lanes.length) return;
    if (lanes[L].kind === 'ns') continue;
    // Nearest event of that lane, searching outwards from the selection.
    for (let d = 0; d < 200000; d++) {
      for (const i of [selected.index - d, selected.index + d]) {
        if (i >= 0 && i < run.n && run.lane[i] === L) { select({ run: selected.run, index: i }, true); return; }
      }
      if (selected.index - d < 0 && selected.index + d >= run.n) break;
    }
  }
}

let overviewDrag = false;
function overviewJump(x: number): void {
  const n = runs[0]?.n;
  if (!n) return;
  const at = ((x - GUTTER) / Math.max(1, cssWidth - GUTTER)) * n;
  setView(at - view.span / 2, view.span);
}
overview.addEventListener('mousedown', (e) => { overviewDrag = true; overviewJump(e.offsetX); });
overview.addEventListener('mousemove', (e) => { if (overviewDrag) overviewJump(e.offsetX); });
window.addEventListener('mouseup', () => { overviewDrag = false; });

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

let nextRequestId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
function request(method: 'eventDetails', params: { run: number; index: number }): Promise<unknown> {
  const id = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    vscode.postMessage({ type: 'request', id, method, params });
    setTimeout(() => { if (pending.delete(id)) reject(new Error('no reply')); }, 10000);
  });
}

function warn(message: string): void {
  console.warn(`[timeline] ${message}`);
  vscode.postMessage({ type: 'log', level: 'warn', message });
}

function describe(): TimelineDescription {
  return {
    ready: loaded,
    mode,
    eventCounts: runs.map((r) => r.n),
    cursor,
    selected: selected?.index ?? -1,
    view: { ...view },
    lanes: runs.reduce((a, r) => a + r.laneCount(), 0),
    frames,
  };
}

function renderImage(format: 'png' | 'svg'): HostRequests['renderImage']['result'] {
  const width = cssWidth;
  const height = Math.min(Math.max(cssHeight, layout.contentHeight - scrollTop), 8000);
  if (format === 'svg') {
    const svg = new SvgPainter(width, height);
    drawScene(svg, scene(width, height));
    return { format, data: svg.toString(), width, height };
  }
  const off = document.createElement('canvas');
  off.width = width * 2;
  off.height = height * 2;
  const ctx = off.getContext('2d');
  if (!ctx) throw new Error('no 2D context for the image');
  ctx.scale(2, 2);
  drawScene(ctx, scene(width, height));
  return { format, data: off.toDataURL('image/png').replace(/^data:image\/png;base64,/, ''), width: width * 2, height: height * 2 };
}

function handle(msg: HostMessage): void {
  switch (msg.type) {
    case 'init': {
      initAt = performance.now();
      loadTimings.init = initAt;
      firstPaintAt = 0;
      loaded = false;
      runs = msg.runs.map((h) => new RunModel(h));
      mode = msg.mode;
      divergence = msg.divergence;
      cursor = msg.cursor;
      selected = null;
      hover = null;
      // Only what changes: a DOM write here makes the browser lay out and paint the page between the chunks.
      if (details.childElementCount > 0 || details.textContent !== DETAILS_HINT) details.textContent = DETAILS_HINT;
      if (canvas.hasAttribute('aria-description')) canvas.removeAttribute('aria-description');
      {
        const kept = restored && mode === 'single' && restored.file === msg.runs[0]?.file ? restored : null;
        restored = undefined;
        pendingRestore = msg.restore ?? kept;
      }
      layout = layoutRuns(runs, cssWidth);
      if (runs.every((r) => r.n === 0)) finishLoad();
      // Show progress only if loading takes a while: a paint between the chunks would only delay the first frame.
      else setTimeout(() => { if (!loaded) requestPaint(); }, 150);
      break;
    }
    case 'chunk': {
      const run = runs[msg.run];
      if (!run) { warn(`chunk for unknown run ${msg.run}`); return; }
      try {
        run.addChunk(msg.start, msg.count, msg.columns);
      } catch (err) {
        warn(String(err instanceof Error ? err.message : err));
      }
      break;
    }
    case 'end':
      finishLoad();
      break;
    case 'lines': {
      const run = runs[msg.run];
      if (!run) { warn(`lines for unknown run ${msg.run}`); return; }
      run.lines = msg.lines;
      // A search typed before the texts arrived matched functions, tasks and errnos only: count again.
      if (matcher) updateSearch();
      break;
    }
    case 'empty':
      runs = [];
      mode = 'empty';
      loaded = true;
      emptyReason = msg.reason;
      statusLabel.textContent = '';
      layout = layoutRuns(runs, cssWidth);
      requestPaint();
      break;
    case 'cursor':
      cursor = msg.position;
      if (loaded && mode === 'single') {
        if (cursor < view.start || cursor > view.start + view.span) setView(cursor - view.span / 2, view.span);
        paintNow();
      }
      vscode.postMessage({ type: 'cursorShown', position: cursor });
      break;
    case 'reveal': {
      const r = 0;
      if (runs[r] && msg.index < runs[r].n) select({ run: r, index: msg.index }, true);
      break;
    }
    case 'request': {
      try {
        const result = msg.method === 'renderImage' ? renderImage(msg.params.format) : describe();
        vscode.postMessage({ type: 'reply', id: msg.id, ok: true, result });
      } catch (err) {
        vscode.postMessage({ type: 'reply', id: msg.id, ok: false, error: String(err instanceof Error ? err.message : err) });
      }
      break;
    }
    case 'reply': {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result); else p.reject(new Error(msg.error ?? 'failed'));
      break;
    }
  }
}

const loadTimings = { init: 0, end: 0, finished: 0, painted: 0, split: [0, 0] };
let lastFrameSplit = [0, 0];
function finishLoad(): void {
  loadTimings.end = performance.now();
  for (const r of runs) r.finish();
  loadTimings.finished = performance.now();
  loaded = true;
  layout = layoutRuns(runs, cssWidth);
  // Set with the first frame, not at init: a DOM change while the chunks stream in costs a page update between them.
  statusLabel.textContent = runs.map((r) => `${r.header.label}: ${grouped(r.n)} events`).join(' | ');
  const restore = pendingRestore;
  pendingRestore = null;
  if (restore && restore.span > 0) {
    view = { start: restore.start, span: restore.span };
    scrollTop = restore.scrollTop;
    clampScroll();
    const r = runs[restore.selectedRun];
    if (r && restore.selected >= 0 && restore.selected < r.n) select({ run: restore.selectedRun, index: restore.selected });
  } else if (divergence && runs.length > 1) {
    const at = Math.min(divergence.eventA, divergence.eventB);
    const n = maxEvents();
    fit();
    if (n > 400) setView(at - 150, 400);
  } else {
    fit();
  }
  if (matcher) updateSearch();
  paintNow();
  loadTimings.painted = performance.now();
  // The first frame drew from the per-block summaries; join the per-event columns (zooming in, hit tests and
  // search read them) in a task of their own rather than inside some later frame.
  const shown = runs;
  setTimeout(() => { for (const r of shown) void r.markBits; }, 0);
  loadTimings.split = lastFrameSplit;
  vscode.postMessage({ type: 'cursorShown', position: cursor });
}

window.addEventListener('message', (e: MessageEvent) => {
  const msg: unknown = e.data;
  if (!isHostMessage(msg)) {
    warn(`ignored a malformed message: ${safeJson(msg)}`);
    return;
  }
  try {
    handle(msg);
  } catch (err) {
    warn(`message ${msg.type} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
});

function safeJson(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 120);
  } catch {
    return String(v).slice(0, 120);
  }
}

// Theme changes: VS Code swaps the body class and rewrites the CSS variables on <html>.
const themeObserver = new MutationObserver(() => {
  theme = readTheme();
  requestPaint();
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

new ResizeObserver(() => resize()).observe(main);
resize();

// Hook for tests and benchmarks in a plain browser page (not part of the protocol).
(window as unknown as { __timeline: unknown }).__timeline = {
  describe,
  frameTimes: () => [...frameTimes],
  firstPaintMs: () => (firstPaintAt && initAt ? firstPaintAt - initAt : -1),
  firstPaintAt: () => firstPaintAt,
  loadTimings: () => ({ ...loadTimings }),
  paint: () => paintNow(),
  setView: (start: number, span: number) => { setView(start, span); paintNow(); },
  zoomAt: (factor: number, x: number) => { zoomAt(factor, x); paintNow(); },
  selected: () => selected,
  layout: () => layout,
  theme: () => theme,
  scene: () => ({ view: { ...view }, scrollTop, cursor }),
};

vscode.postMessage({ type: 'ready' });

