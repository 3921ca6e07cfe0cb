// The timeline webview's script: receives a run (or two, in comparison mode) as typed-array chunks, draws it
// on a canvas, and handles zoom, pan, selection, search, hover details, keyboard and the simulation cursor.
import {
  isHostMessage,
  type EventDetails, type HostMessage, type HostRequests, type TimelineDescription, type ViewState, type WebviewMessage,
} from './protocol';
import { RunModel, describeEvent } from './model';
import { GUTTER, drawOverview, drawScene, grouped, layoutRuns, prepareOverview, preparePixels, type Scene } from './render';
import { SvgPainter } from './svg';
import { eventAt } from './hitTest';
import { buildMatcher, countMatches, nextMatch } from './search';
import {
  DETAILS_HINT, canvas, details, el, renderDetails, fitButton, kindSelect, main, matchesLabel, nextButton, overview, prevButton, searchInput, statusLabel, tooltip,
} from './timelineDom';
import { readTheme } from './theme';
import { initialState, type Target, type TimelineState } from './state';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const OVERVIEW_H = 34;

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------


const state: TimelineState = initialState(readTheme(), vscode.getState() as ViewState | undefined);

// ---------------------------------------------------------------------------------------------
// Sizing and painting
// ---------------------------------------------------------------------------------------------

function resize(): void {
  const dpr = window.devicePixelRatio || 1;
  state.size.width = Math.max(200, Math.floor(main.clientWidth));
  state.size.height = Math.max(80, Math.floor(main.clientHeight));
  for (const [c, w, h] of [[canvas, state.size.width, state.size.height], [overview, state.size.width, OVERVIEW_H]] as const) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
  }
  state.layout = layoutRuns(state.runs, state.size.width);
  clampScroll();
  paintNow();
  const ctx = canvas.getContext('2d');
  if (ctx) preparePixels(ctx, state.size.width, state.size.height, state.theme);
  prepareOverview(state.size.width, OVERVIEW_H, dpr, state.theme);
}

function scene(width: number, height: number): Scene {
  return {
    runs: state.runs, layout: width === state.layout.width ? state.layout : layoutRuns(state.runs, width), view: state.view, theme: state.theme, height,
    scrollTop: state.scrollTop, cursors: state.cursors, selected: state.selected, hover: state.hover, divergence: state.divergence,
    labels: state.runs.map((r) => r.header.label),
  };
}

function paintNow(): void {
  state.paint.dirty = false;
  const ctx = canvas.getContext('2d');
  const octx = overview.getContext('2d');
  if (!ctx || !octx) return;
  const dpr = window.devicePixelRatio || 1;
  const t0 = performance.now();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (state.runs.length === 0) {
    ctx.fillStyle = state.theme.background;
    ctx.fillRect(0, 0, state.size.width, state.size.height);
    ctx.fillStyle = state.theme.muted;
    ctx.font = state.theme.font;
    ctx.textBaseline = 'middle';
    ctx.fillText(state.emptyReason, 12, 20);
  } else {
    drawScene(ctx, scene(state.size.width, state.size.height));
  }
  const t1 = performance.now();
  octx.setTransform(dpr, 0, 0, dpr, 0, 0);
  drawOverview(octx, state.size.width, OVERVIEW_H, state.runs[0], state.view, state.cursors[0] ?? -1, state.theme);
  state.paint.lastSplit = [t1 - t0, performance.now() - t1];
  const dt = performance.now() - t0;
  state.paint.frames++;
  state.paint.frameTimes.push(dt);
  if (state.paint.frameTimes.length > 600) state.paint.frameTimes.shift();
  if (state.load.loaded && state.load.firstPaintAt === 0) state.load.firstPaintAt = performance.now();
}

function requestPaint(): void {
  if (state.paint.dirty) return;
  state.paint.dirty = true;
  requestAnimationFrame(() => { if (state.paint.dirty) paintNow(); });
}


// ---------------------------------------------------------------------------------------------
// View manipulation
// ---------------------------------------------------------------------------------------------

function maxEvents(): number {
  return Math.max(1, ...state.runs.map((r) => r.n));
}

function setView(start: number, span: number): void {
  const n = maxEvents();
  const minSpan = Math.min(n, 8);
  span = Math.max(minSpan, Math.min(n * 1.02, span));
  start = Math.max(-n * 0.01, Math.min(n - span * 0.5, start));
  state.view = { start, span };
  saveStateSoon();
  requestPaint();
}

function fit(): void {
  const n = maxEvents();
  setView(-n * 0.005, n * 1.01);
}

function zoomAt(factor: number, anchorX: number): void {
  const W = state.layout.plotWidth;
  const frac = Math.max(0, Math.min(1, (anchorX - GUTTER) / W));
  const at = state.view.start + frac * state.view.span;
  const span = state.view.span * factor;
  setView(at - frac * span, span);
}

function pan(fraction: number): void {
  setView(state.view.start + fraction * state.view.span, state.view.span);
}

function reveal(index: number): void {
  if (index >= state.view.start && index + 1 <= state.view.start + state.view.span) return;
  setView(index + 0.5 - state.view.span / 2, state.view.span);
}

function clampScroll(): void {
  const max = Math.max(0, state.layout.contentHeight - state.size.height);
  state.scrollTop = Math.max(0, Math.min(max, state.scrollTop));
}

function currentViewState(): ViewState {
  return { start: state.view.start, span: state.view.span, selected: state.selected?.index ?? -1, selectedRun: state.selected?.run ?? 0, scrollTop: state.scrollTop, file: state.mode === 'single' ? state.runs[0]?.header.file : undefined };
}
function saveStateSoon(): void {
  if (state.timers.save !== undefined) return;
  state.timers.save = setTimeout(() => {
    state.timers.save = undefined;
    const kept = currentViewState();
    vscode.setState(kept);
    vscode.postMessage({ type: 'viewState', state: kept });
  }, 250);
}

// ---------------------------------------------------------------------------------------------
// Hit testing, selection, details
// ---------------------------------------------------------------------------------------------

function hitTest(x: number, y: number): Target | null {
  return eventAt(state, x, y);
}

function select(target: Target | null, scrollIntoView = false): void {
  state.selected = target;
  saveStateSoon();
  requestPaint();
  if (!target) {
    details.textContent = 'No event selected.';
    return;
  }
  if (scrollIntoView) reveal(target.index);
  const run = state.runs[target.run];
  const text = describeEvent(run, target.index);
  details.replaceChildren(el('div', { class: 'd-head' }, (state.runs.length > 1 ? `${target.run === 0 ? 'A' : 'B'}: ` : '') + text));
  canvas.setAttribute('aria-description', text);
  const seq = ++state.requests.detailsSeq;
  void request('eventDetails', { run: target.run, index: target.index }).then((d) => {
    if (seq !== state.requests.detailsSeq) return;
    renderDetails(details, d as EventDetails, true);
  }, () => { /* the summary line stays */ });
}

function activate(target: Target | null): void {
  if (!target) return;
  vscode.postMessage({ type: 'activate', run: target.run, index: target.index });
}

// ---------------------------------------------------------------------------------------------
// Search
// ---------------------------------------------------------------------------------------------


function updateSearch(): void {
  state.search.matcher = buildMatcher(state.runs, searchInput.value, kindSelect.value);
  if (!state.search.matcher) { matchesLabel.textContent = ''; return; }
  const count = countMatches(state.runs, state.search.matcher);
  matchesLabel.textContent = `${grouped(count)} match${count === 1 ? '' : 'es'}`;
}

function findNext(direction: 1 | -1): void {
  if (!state.search.matcher) updateSearch();
  if (!state.search.matcher || state.runs.length === 0) return;
  const r = state.selected?.run ?? 0;
  const run = state.runs[r];
  if (!run.complete || run.n === 0) return;
  const i = nextMatch(run, state.search.matcher, state.selected ? state.selected.index : direction > 0 ? -1 : run.n, direction);
  if (i >= 0) select({ run: r, index: i }, true);
  else matchesLabel.textContent = 'no match';
}

searchInput.addEventListener('input', () => {
  clearTimeout(state.timers.search);
  state.timers.search = setTimeout(updateSearch, 150);
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

canvas.addEventListener('mousedown', (e) => {
  canvas.focus();
  state.pointer.drag = { x: e.offsetX, y: e.offsetY, start: state.view.start, scrollTop: state.scrollTop, moved: false };
});
window.addEventListener('mousemove', (e) => {
  if (!state.pointer.drag) return;
  const rect = canvas.getBoundingClientRect();
  const dx = e.clientX - rect.left - state.pointer.drag.x;
  const dy = e.clientY - rect.top - state.pointer.drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 3) state.pointer.drag.moved = true;
  if (state.pointer.drag.moved) {
    setView(state.pointer.drag.start - (dx * state.view.span) / state.layout.plotWidth, state.view.span);
    state.scrollTop = state.pointer.drag.scrollTop - dy;
    clampScroll();
  }
});
window.addEventListener('mouseup', (e) => {
  if (!state.pointer.drag) return;
  const wasClick = !state.pointer.drag.moved;
  state.pointer.drag = null;
  // A click selects and describes the event; a double-click (or Enter) travels there, as in VS Code's own
  // lists: looking at events must not move the debugger, the editor and the trees each time.
  if (wasClick && e.target === canvas) select(hitTest(e.offsetX, e.offsetY));
});
canvas.addEventListener('dblclick', (e) => activate(hitTest(e.offsetX, e.offsetY)));

canvas.addEventListener('mousemove', (e) => {
  if (state.pointer.drag?.moved) return;
  const hit = hitTest(e.offsetX, e.offsetY);
  if (hit?.run === state.hover?.run && hit?.index === state.hover?.index) { placeTooltip(e.clientX, e.clientY); return; }
  state.hover = hit;
  requestPaint();
  clearTimeout(state.timers.hover);
  if (!hit) { tooltip.hidden = true; return; }
  tooltip.replaceChildren(el('div', { class: 'd-head' }, describeEvent(state.runs[hit.run], hit.index)));
  tooltip.hidden = false;
  placeTooltip(e.clientX, e.clientY);
  state.timers.hover = setTimeout(() => {
    void request('eventDetails', { run: hit.run, index: hit.index }).then((d) => {
      if (state.hover?.run === hit.run && state.hover.index === hit.index) { renderDetails(tooltip, d as EventDetails, false); }
    }, () => undefined);
  }, 120);
});
canvas.addEventListener('mouseleave', () => { state.hover = null; tooltip.hidden = true; requestPaint(); });

function placeTooltip(x: number, y: number): void {
  const w = tooltip.offsetWidth;
  const h = tooltip.offsetHeight;
  tooltip.style.left = `${Math.max(4, Math.min(window.innerWidth - w - 8, x + 14))}px`;
  tooltip.style.top = `${y + 18 + h > window.innerHeight ? Math.max(4, y - h - 10) : y + 18}px`;
}

canvas.addEventListener('wheel', (e) => {
  e.preventDefault();
  if (e.altKey) {
    state.scrollTop += e.deltaY;
    clampScroll();
    requestPaint();
  } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
    pan(((e.shiftKey ? e.deltaY : e.deltaX) / state.layout.plotWidth) * 1.0);
  } else {
    zoomAt(Math.exp(e.deltaY * 0.0015), e.offsetX);
  }
}, { passive: false });

canvas.addEventListener('keydown', (e) => {
  const center = GUTTER + state.layout.plotWidth / 2;
  const anchor = state.selected ? GUTTER + ((state.selected.index + 0.5 - state.view.start) * state.layout.plotWidth) / state.view.span : center;
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
    case 'Home': if (state.runs[0]?.n) select({ run: state.selected?.run ?? 0, index: 0 }, true); break;
    case 'End': { const r = state.selected?.run ?? 0; if (state.runs[r]?.n) select({ run: r, index: state.runs[r].n - 1 }, true); break; }
    case 'Enter': case ' ': activate(state.selected); break;
    case '0': case 'f': case 'F': fit(); break;
    case 'Escape': select(null); break;
    case 'n': findNext(1); break;
    case 'N': findNext(-1); break;
    case '/': searchInput.focus(); break;
    case 'PageDown': state.scrollTop += state.size.height * 0.8; clampScroll(); requestPaint(); break;
    case 'PageUp': state.scrollTop -= state.size.height * 0.8; clampScroll(); requestPaint(); break;
    default: return;
  }
  if (handled) e.preventDefault();
});

function moveSelection(delta: 1 | -1): void {
  const r = state.selected?.run ?? 0;
  const run = state.runs[r];
  if (!run?.n) return;
  const from = state.selected ? state.selected.index : delta > 0 ? Math.max(-1, Math.floor(state.view.start) - 1) : Math.min(run.n, Math.ceil(state.view.start + state.view.span));
  const index = Math.max(0, Math.min(run.n - 1, from + delta));
  select({ run: r, index }, true);
}

function moveLane(delta: 1 | -1): void {
  if (!state.selected) { moveSelection(1); return; }
  const run = state.runs[state.selected.run];
  const lanes = run.header.lanes;
  let L = run.lane[state.selected.index];
  for (let tries = 0; tries < lanes.length; tries++) {
    L += delta;
    if (L < 0 || L >= lanes.length) return;
    if (lanes[L].kind === 'ns') continue;
    // Nearest event of that lane, searching outwards from the selection.
    for (let d = 0; d < 200000; d++) {
      for (const i of [state.selected.index - d, state.selected.index + d]) {
        if (i >= 0 && i < run.n && run.lane[i] === L) { select({ run: state.selected.run, index: i }, true); return; }
      }
      if (state.selected.index - d < 0 && state.selected.index + d >= run.n) break;
    }
  }
}

function overviewJump(x: number): void {
  const n = state.runs[0]?.n;
  if (!n) return;
  const at = ((x - GUTTER) / Math.max(1, state.size.width - GUTTER)) * n;
  setView(at - state.view.span / 2, state.view.span);
}
overview.addEventListener('mousedown', (e) => { state.pointer.overviewDrag = true; overviewJump(e.offsetX); });
overview.addEventListener('mousemove', (e) => { if (state.pointer.overviewDrag) overviewJump(e.offsetX); });
window.addEventListener('mouseup', () => { state.pointer.overviewDrag = false; });

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function request(method: 'eventDetails', params: Target): Promise<unknown> {
  const id = state.requests.nextId++;
  return new Promise((resolve, reject) => {
    state.requests.pending.set(id, { resolve, reject });
    vscode.postMessage({ type: 'request', id, method, params });
    setTimeout(() => { if (state.requests.pending.delete(id)) reject(new Error('no reply')); }, 10000);
  });
}

function warn(message: string): void {
  console.warn(`[timeline] ${message}`);
  vscode.postMessage({ type: 'log', level: 'warn', message });
}

function describe(): TimelineDescription {
  return {
    ready: state.load.loaded,
    mode: state.mode,
    eventCounts: state.runs.map((r) => r.n),
    cursor: state.cursors[0] ?? -1,
    cursors: [...state.cursors],
    selected: state.selected?.index ?? -1,
    view: { ...state.view },
    lanes: state.runs.reduce((a, r) => a + r.laneCount(), 0),
    frames: state.paint.frames,
  };
}

function renderImage(format: 'png' | 'svg'): HostRequests['renderImage']['result'] {
  const width = state.size.width;
  const height = Math.min(Math.max(state.size.height, state.layout.contentHeight - state.scrollTop), 8000);
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
      state.load.initAt = performance.now();
      state.load.timings.init = state.load.initAt;
      state.load.firstPaintAt = 0;
      state.load.loaded = false;
      state.runs = msg.runs.map((h) => new RunModel(h));
      state.mode = msg.mode;
      state.divergence = msg.divergence;
      state.cursors = msg.cursors ? [...msg.cursors] : [msg.cursor];
      state.selected = null;
      state.hover = null;
      // Only what changes: a DOM write here makes the browser lay out and paint the page between the chunks.
      if (details.childElementCount > 0 || details.textContent !== DETAILS_HINT) details.textContent = DETAILS_HINT;
      if (canvas.hasAttribute('aria-description')) canvas.removeAttribute('aria-description');
      {
        const kept = state.load.restored && state.mode === 'single' && state.load.restored.file === msg.runs[0]?.file ? state.load.restored : null;
        state.load.restored = undefined;
        state.load.pendingRestore = msg.restore ?? kept;
      }
      state.layout = layoutRuns(state.runs, state.size.width);
      if (state.runs.every((r) => r.n === 0)) finishLoad();
      // Show progress only if loading takes a while: a paint between the chunks would only delay the first frame.
      else setTimeout(() => { if (!state.load.loaded) requestPaint(); }, 150);
      break;
    }
    case 'chunk': {
      const run = state.runs[msg.run];
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
      const run = state.runs[msg.run];
      if (!run) { warn(`lines for unknown run ${msg.run}`); return; }
      run.lines = msg.lines;
      // A search typed before the texts arrived matched functions, tasks and errnos only: count again.
      if (state.search.matcher) updateSearch();
      break;
    }
    case 'empty':
      state.runs = [];
      state.mode = 'empty';
      state.load.loaded = true;
      state.emptyReason = msg.reason;
      statusLabel.textContent = '';
      state.layout = layoutRuns(state.runs, state.size.width);
      requestPaint();
      break;
    case 'cursor': {
      const r = msg.run ?? 0;
      if (r >= Math.max(1, state.runs.length)) { warn(`cursor for unknown run ${r}`); return; }
      state.cursors[r] = msg.position;
      if (state.load.loaded && state.mode !== 'empty') {
        if (msg.position < state.view.start || msg.position > state.view.start + state.view.span) setView(msg.position - state.view.span / 2, state.view.span);
        paintNow();
      }
      vscode.postMessage({ type: 'cursorShown', position: msg.position, run: r });
      break;
    }
    case 'reveal': {
      const r = 0;
      if (state.runs[r] && msg.index < state.runs[r].n) select({ run: r, index: msg.index }, true);
      break;
    }
    case 'request': {
      try {
        if (msg.method === 'describe' && !TIMENS_TEST_HOOKS) throw new Error('describe is a test hook, not in this build');
        const result = msg.method === 'renderImage' ? renderImage(msg.params.format) : describe();
        vscode.postMessage({ type: 'reply', id: msg.id, ok: true, result });
      } catch (err) {
        vscode.postMessage({ type: 'reply', id: msg.id, ok: false, error: String(err instanceof Error ? err.message : err) });
      }
      break;
    }
    case 'reply': {
      const p = state.requests.pending.get(msg.id);
      if (!p) return;
      state.requests.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result); else p.reject(new Error(msg.error ?? 'failed'));
      break;
    }
  }
}

function finishLoad(): void {
  state.load.timings.end = performance.now();
  for (const r of state.runs) r.finish();
  state.load.timings.finished = performance.now();
  state.load.loaded = true;
  state.layout = layoutRuns(state.runs, state.size.width);
  // Set with the first frame, not at init: a DOM change while the chunks stream in costs a page update between them.
  statusLabel.textContent = state.runs.map((r) => `${r.header.label}: ${grouped(r.n)} events`).join(' | ');
  const restore = state.load.pendingRestore;
  state.load.pendingRestore = null;
  if (restore && restore.span > 0) {
    state.view = { start: restore.start, span: restore.span };
    state.scrollTop = restore.scrollTop;
    clampScroll();
    const r = state.runs[restore.selectedRun];
    if (r && restore.selected >= 0 && restore.selected < r.n) select({ run: restore.selectedRun, index: restore.selected });
  } else if (state.divergence && state.runs.length > 1) {
    const at = Math.min(state.divergence.eventA, state.divergence.eventB);
    const n = maxEvents();
    fit();
    if (n > 400) setView(at - 150, 400);
  } else {
    fit();
  }
  if (state.search.matcher) updateSearch();
  paintNow();
  state.load.timings.painted = performance.now();
  // The first frame drew from the per-block summaries; join the per-event columns (zooming in, hit tests and
  // search read them) in a task of their own rather than inside some later frame.
  const shown = state.runs;
  setTimeout(() => { for (const r of shown) void r.markBits; }, 0);
  state.load.timings.split = state.paint.lastSplit;
  // Each run's cursor as drawn (a run without one, -1, has nothing to report).
  state.cursors.forEach((position, run) => { if (position >= 0) vscode.postMessage({ type: 'cursorShown', position, run }); });
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
  state.theme = readTheme();
  requestPaint();
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

new ResizeObserver(() => resize()).observe(main);
resize();

// Hook for tests and benchmarks in a plain browser page (not part of the protocol; not in the shipped bundle).
if (TIMENS_TEST_HOOKS) (window as unknown as { __timeline: unknown }).__timeline = {
  describe,
  frameTimes: () => [...state.paint.frameTimes],
  firstPaintMs: () => (state.load.firstPaintAt && state.load.initAt ? state.load.firstPaintAt - state.load.initAt : -1),
  firstPaintAt: () => state.load.firstPaintAt,
  loadTimings: () => ({ ...state.load.timings }),
  paint: () => paintNow(),
  setView: (start: number, span: number) => { setView(start, span); paintNow(); },
  zoomAt: (factor: number, x: number) => { zoomAt(factor, x); paintNow(); },
  selected: () => state.selected,
  layout: () => state.layout,
  theme: () => state.theme,
  scene: () => ({ view: { ...state.view }, scrollTop: state.scrollTop, cursor: state.cursors[0] ?? -1 }),
};

vscode.postMessage({ type: 'ready' });

