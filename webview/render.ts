// Draws the timeline (lanes, spans merged per pixel column, marks, causal arrows, clock plots, axis, cursor)
// onto anything shaped like a Canvas 2D context: the on-screen canvas, or the SVG recorder used for export.
import { NO_LANE, type Divergence } from './protocol';
import { BLOCK, K, MARK, RunModel, firstArrowTo } from './model';
import { drawClockPlot } from './clockPlot';
import { AXIS_H, GUTTER, grouped, xOf, type View } from './geometry';
import { rectSink, type Painter } from './paint';
import type { Theme } from './theme';

export type { Painter } from './paint';
export { preparePixels } from './paint';
export { drawOverview, prepareOverview } from './overview';
export { AXIS_H, GUTTER, grouped, xOf, type View } from './geometry';


const TASK_LANE_H = 24;
const NS_LANE_H = 48;
const TITLE_H = 20;
const MAX_ROWS = 6;
const TOP_BAND = 11;
const KERNEL_ROW = 2;

export interface LaneBox { readonly y: number; readonly h: number }
export interface RunBlock { readonly run: number; readonly top: number; readonly lanes: readonly LaneBox[]; readonly bottom: number }
export interface Layout { readonly width: number; readonly plotWidth: number; readonly contentHeight: number; readonly blocks: readonly RunBlock[]; readonly titled: boolean }

/** Vertical layout of the runs' lanes (y in content coordinates, before scrolling; the axis sits above). */
export function layoutRuns(runs: readonly RunModel[], width: number): Layout {
  const titled = runs.length > 1;
  let y = AXIS_H;
  const blocks: RunBlock[] = [];
  runs.forEach((run, r) => {
    const top = y;
    if (titled) y += TITLE_H;
    const lanes = run.header.lanes.map((l) => {
      const box = { y, h: l.kind === 'ns' ? NS_LANE_H : TASK_LANE_H };
      y += box.h;
      return box;
    });
    blocks.push({ run: r, top, lanes, bottom: y });
    y += titled ? 6 : 0;
  });
  return { width, plotWidth: Math.max(1, width - GUTTER), contentHeight: y + 4, blocks, titled };
}

export interface Scene {
  readonly runs: readonly RunModel[];
  readonly layout: Layout;
  readonly view: View;
  readonly theme: Theme;
  readonly height: number;
  readonly scrollTop: number;
  readonly cursors: readonly number[];           // each run's simulation position, -1 none
  readonly selected: { readonly run: number; readonly index: number } | null;
  readonly hover: { readonly run: number; readonly index: number } | null;
  readonly divergence: Divergence | null;
  readonly labels: readonly string[];             // run labels (comparison titles)
}

/** Scratch buffers reused between frames: one byte per (lane, pixel column). */
class ColumnScratch {
  depth = new Uint8Array(0);
  cat = new Uint8Array(0);
  mark = new Uint8Array(0);
  ensure(size: number): void {
    if (this.depth.length < size) {
      this.depth = new Uint8Array(size);
      this.cat = new Uint8Array(size);
      this.mark = new Uint8Array(size);
    } else {
      this.depth.fill(0, 0, size);
      this.cat.fill(0, 0, size);
      this.mark.fill(0, 0, size);
    }
  }
}
const scratch = new ColumnScratch();

export function drawScene(p: Painter, s: Scene): void {
  const { theme: t, layout } = s;
  p.fillStyle = t.background;
  p.fillRect(0, 0, layout.width, s.height);
  p.font = t.font;
  p.textBaseline = 'middle';
  for (const block of layout.blocks) drawRun(p, s, block);
  drawAxis(p, s);
  drawGutter(p, s);
}

function laneY(s: Scene, block: RunBlock, lane: number): number {
  return block.lanes[lane].y - s.scrollTop;
}

function drawRun(p: Painter, s: Scene, block: RunBlock): void {
  const run = s.runs[block.run];
  const { theme: t, view } = s;
  const W = Math.floor(s.layout.plotWidth);
  const lanes = run.laneCount();
  const top = block.top - s.scrollTop;
  if (block.bottom - s.scrollTop < AXIS_H || top > s.height) return;

  // Everything drawn as plain rectangles (lane backgrounds, spans, dense mark ticks) goes through a sink:
  // straight into one ImageData on a real canvas (tens of thousands of rectangles per frame otherwise).
  const sink = rectSink(p, t, GUTTER, Math.max(AXIS_H, top + (s.layout.titled ? TITLE_H : 0)), W, Math.min(s.height, block.bottom - s.scrollTop));
  for (let l = 0; l < lanes; l++) {
    const y = laneY(s, block, l);
    const h = block.lanes[l].h;
    if (y + h < AXIS_H || y > s.height) continue;
    if (l % 2 === 1) sink.fill(t.laneAlt, GUTTER, y, W, h);
  }
  if (s.layout.titled) {
    p.fillStyle = t.gutter;
    p.fillRect(0, top, s.layout.width, TITLE_H);
    p.fillStyle = t.foreground;
    p.textAlign = 'left';
    p.fillText(`${block.run === 0 ? 'A' : 'B'}: ${s.labels[block.run] ?? ''} (${grouped(run.n)} events)`, GUTTER + 6, top + TITLE_H / 2);
  }
  if (!run.complete || run.n === 0) {
    sink.flush();
    p.fillStyle = t.muted;
    p.textAlign = 'left';
    p.fillText(run.n === 0 ? 'No events.' : `Loading… ${Math.round((100 * run.received) / run.n)}%`, GUTTER + 8, laneY(s, block, 0) + 12);
    return;
  }

  // Merge every visible event into its pixel column: the deepest nesting, the outermost category, the marks.
  const scale = W / view.span;
  const i0 = Math.max(0, Math.floor(view.start));
  const i1 = Math.min(run.n, Math.ceil(view.start + view.span));
  scratch.ensure(lanes * W);
  const { depth: cd, cat: cc, mark: cm } = scratch;
  const start = view.start;
  if (view.span / W >= BLOCK) {
    // Zoomed far out: every block of BLOCK events is narrower than a pixel, so read the per-block summaries.
    const { blockFirst, entLane, entDepth, entCat, entMark } = run;
    const b0 = Math.floor(i0 / BLOCK);
    const b1 = Math.min(blockFirst.length - 1, Math.ceil(i1 / BLOCK));
    for (let b = b0; b < b1; b++) {
      let c = Math.floor((b * BLOCK + BLOCK / 2 - start) * scale);
      if (c < 0) c = 0;
      if (c >= W) c = W - 1;
      for (let e = blockFirst[b]; e < blockFirst[b + 1]; e++) {
        const o = entLane[e] * W + c;
        const d = entDepth[e] < MAX_ROWS ? entDepth[e] : MAX_ROWS;
        if (cd[o] < d) cd[o] = d;
        if (cc[o] === 0) cc[o] = entCat[e];
        cm[o] |= entMark[e];
      }
    }
  } else {
    // Only here are per-event columns read: a zoomed-out frame (the first one, too) needs the summaries alone.
    const { lane, nsLane, depth, flags, markBits } = run;
    for (let i = i0; i < i1; i++) {
      let c0 = Math.floor((i - start) * scale);
      let c1 = Math.floor((i + 1 - start) * scale);
      if (c1 <= c0) c1 = c0 + 1;
      if (c0 < 0) c0 = 0;
      if (c1 > W) c1 = W;
      const dd = depth[i];
      const d = (dd < MAX_ROWS - 1 ? dd : MAX_ROWS - 1) + 1;
      const cat = flags[i] & 7;
      const m = markBits[i];
      const L = lane[i];
      const NL = nsLane[i];
      if (L !== NO_LANE) {
        for (let c = c0, o = L * W + c0; c < c1; c++, o++) {
          if (cd[o] < d) cd[o] = d;
          if (cc[o] === 0) cc[o] = cat;
          cm[o] |= m;
        }
      }
      if (NL !== NO_LANE) {
        for (let c = c0, o = NL * W + c0; c < c1; c++, o++) {
          if (cd[o] === 0) cd[o] = 1;
          cm[o] |= m;
        }
      }
    }
  }

  // Spans: runs of equal (depth, category) columns become one rectangle per run.
  const dense = view.span / W > 2;
  for (let l = 0; l < lanes; l++) {
    const box = block.lanes[l];
    const y = laneY(s, block, l);
    if (y + box.h < AXIS_H || y > s.height) continue;
    const isNs = run.header.lanes[l].kind === 'ns';
    const bandTop = y + 2;
    const base = l * W;
    let c = 0;
    while (c < W) {
      const d = cd[base + c];
      const cat = cc[base + c];
      let e = c + 1;
      while (e < W && cd[base + e] === d && cc[base + e] === cat) e++;
      if (d > 0) {
        const x = GUTTER + c;
        if (isNs) {
          sink.fill(t.nsActivity, x, bandTop, e - c, 6);
        } else {
          // The outermost span (system call, vDSO call, host action) on top, nested kernel calls below it,
          // one thin row per level: the lane reads like a small flame chart.
          sink.fill(t.category[cat] ?? t.category[0], x, bandTop, e - c, TOP_BAND);
          if (d > 1) sink.fill(t.kernel, x, bandTop + TOP_BAND + 1, e - c, KERNEL_ROW * (d - 1));
        }
      }
      c = e;
    }
    if (dense) {
      // Too many marks for glyphs: one tick per column at the lane's foot, coloured by the most serious mark.
      for (let c2 = 0; c2 < W; c2++) {
        const m = cm[base + c2];
        if (!m) continue;
        const color = m & (MARK.failedExpect | MARK.error) ? t.error : m & MARK.signal ? t.signal : m & MARK.fault ? t.fault : m & MARK.zap ? t.zap : m & MARK.freeze ? t.freeze : m & MARK.pte ? t.pte : t.ok;
        sink.fill(color, GUTTER + c2, y + (isNs ? 9 : box.h - 5), 1, 4);
      }
    }
  }
  sink.flush();
  for (let l = 0; l < lanes; l++) {
    const y = laneY(s, block, l);
    if (run.header.lanes[l].kind === 'ns' && y + block.lanes[l].h >= AXIS_H && y <= s.height) drawClockPlot(p, s, run, l, y, block.lanes[l].h);
  }

  // Names of the outermost spans, when zoomed in far enough to read them.
  if (i1 - i0 < W / 4) {
    const { lane, depth, kind } = run;
    p.fillStyle = t.spanText;
    p.textAlign = 'left';
    for (let i = i0; i < i1; i++) {
      if (depth[i] !== 0) continue;
      const k = kind[i];
      if (k !== K['syscall-enter'] && k !== K['vdso-enter'] && k !== K.host) continue;
      const L = lane[i];
      if (L === NO_LANE) continue;
      const end = run.match[i] > i ? run.match[i] + 1 : i + 1;
      const x0 = Math.max(GUTTER, xOf(view, W, i));
      const x1 = Math.min(GUTTER + W, xOf(view, W, end));
      if (x1 - x0 < 30) continue;
      p.fillText(run.fnName(i), x0 + 3, laneY(s, block, L) + 2 + TOP_BAND / 2 + 0.5, x1 - x0 - 6);
    }
  }

  // Marks, merged per column, as glyphs when they are few enough to read (else the ticks drawn above).
  for (let l = 0; l < lanes && !dense; l++) {
    const box = block.lanes[l];
    const y = laneY(s, block, l);
    if (y + box.h < AXIS_H || y > s.height) continue;
    const base = l * W;
    const markH = run.header.lanes[l].kind === 'ns' ? 14 : box.h;
    let lastX = -10;
    for (let c = 0; c < W; c++) {
      const m = cm[base + c];
      if (!m) continue;
      if (c - lastX < 3 && !(m & (MARK.failedExpect | MARK.error))) continue; // keep glyphs legible
      lastX = c;
      drawMarks(p, t, m, GUTTER + c + 0.5, y, markH);
    }
  }

  drawArrows(p, s, run, block, i0, i1);

  // Divergence of a comparison, the selection, the cursor.
  if (s.divergence) {
    const at = block.run === 0 ? s.divergence.eventA : s.divergence.eventB;
    const x = xOf(view, W, at);
    if (x >= GUTTER && x <= GUTTER + W) {
      p.fillStyle = t.divergence;
      p.fillRect(x - 1, top, 2, block.bottom - block.top);
      p.textAlign = 'left';
      p.fillText(`first divergence (line ${s.divergence.line + 1})`, x + 4, top + (s.layout.titled ? TITLE_H + 8 : 8));
    }
  }
  if (s.selected && s.selected.run === block.run) outlineEvent(p, s, block, run, s.selected.index, t.selection, 2);
  if (s.hover && s.hover.run === block.run) outlineEvent(p, s, block, run, s.hover.index, t.muted, 1);
  const cursor = s.cursors[block.run] ?? -1;
  if (cursor >= 0) {
    const x = xOf(view, W, cursor);
    if (x >= GUTTER - 1 && x <= GUTTER + W + 1) {
      p.fillStyle = t.cursor;
      p.fillRect(Math.round(x) - 1, Math.max(AXIS_H, top), 2, block.bottom - Math.max(AXIS_H + s.scrollTop, block.top));
      p.beginPath();
      p.moveTo(x - 5, AXIS_H);
      p.lineTo(x + 5, AXIS_H);
      p.lineTo(x, AXIS_H + 6);
      p.closePath();
      p.fill();
    }
  }
}

function outlineEvent(p: Painter, s: Scene, block: RunBlock, run: RunModel, index: number, color: string, width: number): void {
  if (index < 0 || index >= run.n) return;
  const L = run.lane[index];
  if (L === NO_LANE) return;
  const W = s.layout.plotWidth;
  const x0 = xOf(s.view, W, index);
  const x1 = Math.max(x0 + 3, xOf(s.view, W, index + 1));
  if (x1 < GUTTER || x0 > GUTTER + W) return;
  const y = laneY(s, block, L);
  p.strokeStyle = color;
  p.lineWidth = width;
  p.strokeRect(Math.max(GUTTER, x0) - 1, y + 1, Math.min(x1, GUTTER + W) - Math.max(GUTTER, x0) + 2, block.lanes[L].h - 2);
}

function drawMarks(p: Painter, t: Theme, m: number, x: number, y: number, h: number): void {
  if (m & MARK.failedExpect) { p.fillStyle = t.error; p.fillRect(x - 1.5, y + 1, 3, h - 2); }
  if (m & MARK.expect) { p.fillStyle = t.ok; p.fillRect(x - 1, y + h - 6, 2, 5); }
  if (m & MARK.fault) { // ▼
    p.fillStyle = t.fault;
    p.beginPath(); p.moveTo(x - 4, y + 1); p.lineTo(x + 4, y + 1); p.lineTo(x, y + 8); p.closePath(); p.fill();
  }
  if (m & MARK.zap) { // ✕
    p.strokeStyle = t.zap; p.lineWidth = 2;
    p.beginPath(); p.moveTo(x - 3.5, y + h - 9); p.lineTo(x + 3.5, y + h - 2); p.moveTo(x + 3.5, y + h - 9); p.lineTo(x - 3.5, y + h - 2); p.stroke();
  }
  if (m & MARK.pte) { p.fillStyle = t.pte; p.fillRect(x - 2.5, y + h - 7, 5, 5); }
  if (m & MARK.signal) { // ◆
    p.fillStyle = t.signal;
    p.beginPath(); p.moveTo(x, y + h / 2 - 5); p.lineTo(x + 4, y + h / 2); p.lineTo(x, y + h / 2 + 5); p.lineTo(x - 4, y + h / 2); p.closePath(); p.fill();
  }
  if (m & MARK.error) { // ●
    p.fillStyle = t.error;
    p.beginPath(); p.moveTo(x - 3, y + h / 2 - 3); p.lineTo(x + 3, y + h / 2 - 3); p.lineTo(x + 3, y + h / 2 + 3); p.lineTo(x - 3, y + h / 2 + 3); p.closePath(); p.fill();
  }
  if (m & MARK.freeze) { // snowflake-ish asterisk
    p.strokeStyle = t.freeze; p.lineWidth = 1.5;
    const cy = y + 6;
    p.beginPath(); p.moveTo(x - 4, cy); p.lineTo(x + 4, cy); p.moveTo(x, cy - 4); p.lineTo(x, cy + 4); p.moveTo(x - 3, cy - 3); p.lineTo(x + 3, cy + 3); p.moveTo(x + 3, cy - 3); p.lineTo(x - 3, cy + 3); p.stroke();
  }
}

const MAX_ARROWS = 1500;

function drawArrows(p: Painter, s: Scene, run: RunModel, block: RunBlock, i0: number, i1: number): void {
  const pairs = run.causes;
  if (pairs.length === 0) return;
  const W = s.layout.plotWidth;
  let k = firstArrowTo(pairs, i0);
  const kEnd = firstArrowTo(pairs, i1);
  if (kEnd - k > MAX_ARROWS) return; // thousands of arrows would only paint the lanes over: zoom in to see them
  p.strokeStyle = s.theme.arrow;
  p.fillStyle = s.theme.arrow;
  p.lineWidth = 1.2;
  p.globalAlpha = 0.85;
  for (; k < kEnd; k++) {
    const from = pairs[k * 2];
    const to = pairs[k * 2 + 1];
    const lf = run.lane[from];
    const lt = run.lane[to];
    if (lf === NO_LANE || lt === NO_LANE) continue;
    const x0 = xOf(s.view, W, from + 0.5);
    const x1 = xOf(s.view, W, to + 0.5);
    const y0 = laneY(s, block, lf) + block.lanes[lf].h / 2;
    const y1 = laneY(s, block, lt) + block.lanes[lt].h / 2;
    if (Math.abs(x1 - x0) < 2 && lf === lt) continue;
    const cx = (x0 + x1) / 2;
    const cy = lf === lt ? y0 - 14 : (y0 + y1) / 2;
    p.beginPath();
    p.moveTo(Math.max(GUTTER, x0), y0);
    p.quadraticCurveTo(cx, cy, x1, y1);
    p.stroke();
    if (x1 >= GUTTER) {
      const ang = Math.atan2(y1 - cy, x1 - cx);
      p.beginPath();
      p.moveTo(x1, y1);
      p.lineTo(x1 - 6 * Math.cos(ang - 0.45), y1 - 6 * Math.sin(ang - 0.45));
      p.lineTo(x1 - 6 * Math.cos(ang + 0.45), y1 - 6 * Math.sin(ang + 0.45));
      p.closePath();
      p.fill();
    }
  }
  p.globalAlpha = 1;
}

function drawAxis(p: Painter, s: Scene): void {
  const { theme: t, view, layout } = s;
  const W = layout.plotWidth;
  p.fillStyle = t.gutter;
  p.fillRect(0, 0, layout.width, AXIS_H);
  p.fillStyle = t.border;
  p.fillRect(0, AXIS_H - 1, layout.width, 1);
  const run = s.runs[0];
  if (!run) return;
  const step = niceStep(view.span / Math.max(1, W / 110));
  const first = Math.ceil(view.start / step) * step;
  p.textAlign = 'left';
  for (let v = first; v <= view.start + view.span; v += step) {
    const x = xOf(view, W, v);
    p.fillStyle = t.border;
    p.fillRect(Math.round(x), AXIS_H - 6, 1, 6);
    p.fillStyle = t.muted;
    const host = run.complete ? ` · ${run.hostTimeAt(v).toFixed(3)}s` : '';
    if (v < 0) continue;
    p.fillText(`#${grouped(Math.round(v) || 0)}${host}`, x + 3, AXIS_H / 2, 104);
  }
}

function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function drawGutter(p: Painter, s: Scene): void {
  const { theme: t, layout } = s;
  p.fillStyle = t.gutter;
  p.fillRect(0, AXIS_H, GUTTER, s.height - AXIS_H);
  p.fillStyle = t.border;
  p.fillRect(GUTTER - 1, AXIS_H, 1, s.height - AXIS_H);
  p.textAlign = 'left';
  p.fillStyle = t.muted;
  p.fillText('event # · host time', 6, AXIS_H / 2, GUTTER - 10);
  for (const block of layout.blocks) {
    const run = s.runs[block.run];
    run.header.lanes.forEach((l, i) => {
      const y = laneY(s, block, i);
      const h = block.lanes[i].h;
      if (y + h < AXIS_H || y > s.height) return;
      p.fillStyle = l.kind === 'ns' ? t.nsLabel : t.foreground;
      p.fillText(l.label, 8 + l.indent * 14, y + (l.kind === 'ns' ? 8 : h / 2), GUTTER - 14 - l.indent * 14);
      if (l.kind === 'ns') {
        p.fillStyle = t.clockMono; p.fillRect(10, y + 22, 10, 2);
        p.fillStyle = t.muted; p.fillText('MONO', 24, y + 23, 40);
        p.fillStyle = t.clockBoot; p.fillRect(72, y + 22, 10, 2);
        p.fillStyle = t.muted; p.fillText('BOOT', 86, y + 23, 40);
        p.fillText('faint: host', 10, y + 37, GUTTER - 16);
      }
      p.fillStyle = t.border;
      p.fillRect(0, y + h - 1, layout.width, 1);
    });
    if (layout.titled) {
      p.fillStyle = t.foreground;
      p.fillText(block.run === 0 ? 'A' : 'B', 6, block.top - s.scrollTop + TITLE_H / 2);
    }
  }
}
