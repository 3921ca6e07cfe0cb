// Draws the timeline (lanes, spans merged per pixel column, marks, causal arrows, clock plots, axis, cursor)
// onto anything shaped like a Canvas 2D context: the on-screen canvas, or the SVG recorder used for export.
import { NO_LANE, type Divergence } from './protocol';
import { BLOCK, K, MARK, RunModel, firstArrowTo, lowerBound, upperBound } from './model';
import type { Theme } from './theme';

/** The subset of CanvasRenderingContext2D the timeline uses (a real context satisfies it as is). */
export interface Painter {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  font: string;
  globalAlpha: number;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  closePath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void;
  rect(x: number, y: number, w: number, h: number): void;
  fill(): void;
  stroke(): void;
  fillText(text: string, x: number, y: number, maxWidth?: number): void;
  setLineDash(segments: number[]): void;
  save(): void;
  restore(): void;
}

/** Thousands separators: one formatter made at load, as toLocaleString builds a new one per call (slow, per frame). */
const GROUPED = new Intl.NumberFormat('en-US');
export function grouped(v: number): string {
  return GROUPED.format(v);
}

export const GUTTER = 168;
export const AXIS_H = 24;
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

export interface View { start: number; span: number }

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

/** Where plain rectangles go: a Painter (SVG export) or straight into pixels (the on-screen canvas). */
interface RectSink {
  fill(color: string, x: number, y: number, w: number, h: number): void;
  flush(): void;
}

class PainterSink implements RectSink {
  constructor(private readonly p: Painter) {}
  fill(color: string, x: number, y: number, w: number, h: number): void {
    if (this.p.fillStyle !== color) this.p.fillStyle = color;
    this.p.fillRect(x, y, w, h);
  }
  flush(): void { /* drawn already */ }
}

function isCanvas(p: Painter): p is Painter & CanvasRenderingContext2D {
  return typeof (p as Partial<CanvasRenderingContext2D>).putImageData === 'function' && typeof (p as Partial<CanvasRenderingContext2D>).getTransform === 'function';
}

let colorCache = new Map<string, number>();
let colorCacheUnder = '';
let colorProbe: CanvasRenderingContext2D | null = null;
/** A CSS colour as one little-endian RGBA pixel, alpha blended over `under` (the lanes are opaque). */
function pixelOf(css: string, under: string): number {
  if (under !== colorCacheUnder) { colorCache = new Map(); colorCacheUnder = under; }
  let v = colorCache.get(css);
  if (v !== undefined) return v;
  if (!colorProbe) {
    const c = document.createElement('canvas');
    c.width = 1; c.height = 1;
    colorProbe = c.getContext('2d', { willReadFrequently: true });
  }
  const ctx = colorProbe!;
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#000';
  ctx.fillStyle = under;
  ctx.fillRect(0, 0, 1, 1);
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  v = ((255 << 24) | (d[2] << 16) | (d[1] << 8) | d[0]) >>> 0;
  colorCache.set(css, v);
  return v;
}

const imagePool: ImageData[] = [];
/**
 * ImageData buffers are reused between frames (one per run block on screen) instead of allocated each time; one
 * at least as tall as asked serves (only its top rows are drawn), so the one made at resize serves every layout.
 */
function reusableImage(ctx: CanvasRenderingContext2D, w: number, h: number): ImageData {
  const k = imagePool.findIndex((im) => im.width === w && im.height >= h);
  const image = k >= 0 ? imagePool.splice(k, 1)[0] : ctx.createImageData(w, h);
  imagePool.push(image);
  if (imagePool.length > 4) imagePool.shift();
  return image;
}

/**
 * Make (and write once) the pixel buffer for the plot of a canvas this size, before any run arrives: writing a
 * fresh buffer's memory the first time costs tens of milliseconds that would otherwise fall on the first frame.
 */
export function preparePixels(ctx: CanvasRenderingContext2D, cssWidth: number, cssHeight: number, theme: Theme): void {
  const dpr = ctx.getTransform().a || 1;
  const w = Math.round(Math.floor(Math.max(1, cssWidth - GUTTER)) * dpr);
  const h = Math.round(cssHeight * dpr);
  if (w <= 0 || h <= 0) return;
  new Uint32Array(reusableImage(ctx, w, h).data.buffer).fill(0);
  // Each colour's pixel value is read back from a probe canvas once: do it for the lane colours now too.
  for (const color of [theme.background, theme.laneAlt, theme.kernel, theme.nsActivity, ...theme.category, theme.error, theme.signal, theme.fault, theme.zap, theme.freeze, theme.pte, theme.ok]) {
    pixelOf(color, theme.background);
  }
}

class PixelSink implements RectSink {
  private readonly image: ImageData | null;
  private readonly px: Uint32Array | null;
  private readonly dpr: number;
  private readonly wd: number;
  private readonly hd: number;
  // The last two colours used: spans alternate between a category colour and the kernel rows' colour.
  private lastColor = '';
  private lastPixel = 0;
  private otherColor = '';
  private otherPixel = 0;
  constructor(private readonly ctx: CanvasRenderingContext2D, private readonly theme: Theme, private readonly x0: number, private readonly y0: number, w: number, y1: number) {
    this.dpr = ctx.getTransform().a || 1;
    this.wd = Math.max(0, Math.round(w * this.dpr));
    this.hd = Math.max(0, Math.round((y1 - y0) * this.dpr));
    this.image = this.wd > 0 && this.hd > 0 ? reusableImage(ctx, this.wd, this.hd) : null;
    this.px = this.image ? new Uint32Array(this.image.data.buffer) : null;
    this.px?.fill(pixelOf(theme.background, theme.background), 0, this.wd * this.hd);
  }
  fill(color: string, x: number, y: number, w: number, h: number): void {
    const px = this.px;
    if (!px) return;
    // Rounded to device pixels and clipped. The first frame makes thousands of these calls before the engine has
    // optimized anything, so no Math calls: (v + 0.5) | 0 rounds like Math.round wherever the result is kept
    // (at 0 and above; below, either way the clip below gives 0 or nothing), for coordinates far below 2^31.
    const d = this.dpr;
    let xa = ((x - this.x0) * d + 0.5) | 0;
    let xb = ((x + w - this.x0) * d + 0.5) | 0;
    let ya = ((y - this.y0) * d + 0.5) | 0;
    let yb = ((y + h - this.y0) * d + 0.5) | 0;
    if (xa < 0) xa = 0;
    if (ya < 0) ya = 0;
    if (xb > this.wd) xb = this.wd;
    if (yb > this.hd) yb = this.hd;
    if (xb <= xa || yb <= ya) return;
    if (color !== this.lastColor) {
      const pixel = color === this.otherColor ? this.otherPixel : pixelOf(color, this.theme.background);
      this.otherColor = this.lastColor; this.otherPixel = this.lastPixel;
      this.lastColor = color; this.lastPixel = pixel;
    }
    const v = this.lastPixel;
    if (xb - xa === 1) for (let row = ya, o = ya * this.wd + xa; row < yb; row++, o += this.wd) px[o] = v;
    else for (let row = ya; row < yb; row++) px.fill(v, row * this.wd + xa, row * this.wd + xb);
  }
  flush(): void {
    if (!this.image) return;
    this.ctx.putImageData(this.image, Math.round(this.x0 * this.dpr), Math.round(this.y0 * this.dpr), 0, 0, this.wd, this.hd);
  }
}

export function xOf(view: View, plotWidth: number, position: number): number {
  return GUTTER + ((position - view.start) * plotWidth) / view.span;
}

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
  const sink: RectSink = isCanvas(p) ? new PixelSink(p, t, GUTTER, Math.max(AXIS_H, top + (s.layout.titled ? TITLE_H : 0)), W, Math.min(s.height, block.bottom - s.scrollTop)) : new PainterSink(p);
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

/** How far (CSS pixels, vertically) a thinned line may stray from a point it leaves out. */
const PATH_TOLERANCE = 0.1;

// Made at load, wide enough for most screens, so that frames do not allocate it.
let pointScratch = { xs: new Float64Array(4096), ys: new Float64Array(4096) };
function linePoints(size: number): { xs: Float64Array; ys: Float64Array } {
  if (pointScratch.xs.length < size) pointScratch = { xs: new Float64Array(size), ys: new Float64Array(size) };
  return pointScratch;
}

/**
 * Add the polyline points[0..count) to the painter's path with only the vertices the eye can tell apart: a run of
 * points that one straight segment passes within PATH_TOLERANCE of (vertically) becomes that segment. A clock's
 * step line over many sleeps is thousands of sub-pixel steps; stroking them all (dashed, antialiased) cost more
 * than the rest of a frame.
 */
function addThinned(p: Painter, xs: Float64Array, ys: Float64Array, count: number): void {
  if (count === 0) return;
  p.moveTo(xs[0], ys[0]);
  let ax = xs[0];            // the last vertex handed to the painter
  let ay = ys[0];
  let held = -1;             // a point received but not handed on yet
  let lo = -Infinity;        // slopes from (ax, ay) passing every point since it within the tolerance
  let hi = Infinity;
  for (let i = 1; i < count; i++) {
    const x = xs[i];
    const y = ys[i];
    for (;;) {
      const dx = x - ax;
      const dy = y - ay;
      if (dx > 0) {
        const l = (dy - PATH_TOLERANCE) / dx;
        const h = (dy + PATH_TOLERANCE) / dx;
        const nlo = l > lo ? l : lo;
        const nhi = h < hi ? h : hi;
        const slope = dy / dx;
        if (nlo <= nhi && slope >= nlo && slope <= nhi) { lo = nlo; hi = nhi; held = i; break; }
      } else if ((dy < 0 ? -dy : dy) <= PATH_TOLERANCE && (held < 0 || xs[held] <= ax)) {
        held = i; // straight above or below the last vertex and close to it
        break;
      }
      if (held < 0) { p.lineTo(x, y); ax = x; ay = y; lo = -Infinity; hi = Infinity; break; }
      // Hand on the held point, then look at this one again from there.
      ax = xs[held]; ay = ys[held];
      p.lineTo(ax, ay);
      held = -1; lo = -Infinity; hi = Infinity;
    }
  }
  if (held >= 0) p.lineTo(xs[held], ys[held]);
}

/** CLOCK_MONOTONIC and CLOCK_BOOTTIME as read in one namespace (solid, dashed) against the host's (faint). */
function drawClockPlot(p: Painter, s: Scene, run: RunModel, lane: number, y: number, h: number): void {
  const ni = run.nsLanes.indexOf(lane);
  if (ni < 0 || run.clockPos.length === 0) return;
  const pos = run.clockPos;
  const range = run.clockRange(ni);
  if (!range) return;
  const [lo, hi] = range;
  const top = y + 14;
  const ph = h - 18;
  const W = s.layout.plotWidth;
  const { start, span } = s.view;
  const yOf = (v: number) => top + ph - ((v - lo) / (hi - lo)) * ph;
  const xAt = (k: number) => Math.max(GUTTER, Math.min(GUTTER + W, GUTTER + ((pos[k] - start) * W) / span));
  // The three lines of run.clockSeries: the host's CLOCK_MONOTONIC (faint), the namespace's CLOCK_MONOTONIC and
  // CLOCK_BOOTTIME.
  const styles: [string, number[], number][] = [
    [s.theme.muted, [2, 3], 0.6],
    [s.theme.clockMono, [], 1],
    [s.theme.clockBoot, [5, 3], 1],
  ];
  const first = Math.max(0, upperBound(pos, start) - 1);
  const last = Math.min(pos.length - 1, lowerBound(pos, start + span));
  const line = linePoints(2 * Math.ceil(W) + 8);
  const { xs, ys } = line;
  const lines = run.clockSeries(ni);
  for (let si = 0; si < 3; si++) {
    const [color, dash, alpha] = styles[si];
    p.strokeStyle = color;
    p.globalAlpha = alpha;
    p.lineWidth = 1.5;
    p.setLineDash(dash);
    p.beginPath();
    // A step line with at most ~2 points per pixel column: of the samples less than a pixel after the last point
    // kept, only the last one's value counts, and they are passed over by a search rather than visited (a long
    // run zoomed out has far more samples than columns). The points of each stretch between gaps (the namespace
    // not alive) are collected, then handed on thinned.
    const { values, nextGap } = lines[si];
    let count = 0;
    let lastX = -Infinity;
    let lastY = NaN;
    let k = first;
    while (k <= last) {
      if (count === 0) {
        const v = values[k];
        if (Number.isFinite(v)) { lastX = xAt(k); lastY = yOf(v); xs[0] = lastX; ys[0] = lastY; count = 1; }
        k++;
        continue;
      }
      const next = firstAtOrRight(xAt, k, last, lastX + 1);
      const gap = nextGap[k];
      if (gap <= next) { addThinned(p, xs, ys, count); count = 0; k = gap + 1; continue; }
      if (next > k) lastY = yOf(values[next - 1]);
      const x = xAt(next);
      const yy = yOf(values[next]);
      xs[count] = x; ys[count] = lastY; count++;
      if (yy !== lastY) { xs[count] = x; ys[count] = yy; count++; }
      lastX = x;
      lastY = yy;
      k = next + 1;
    }
    if (count > 0) { xs[count] = GUTTER + W; ys[count] = lastY; count++; }
    addThinned(p, xs, ys, count);
    p.stroke();
  }
  p.setLineDash([]);
  p.globalAlpha = 1;
  const frozen = run.header.clocks.frozenAt[ni];
  if (frozen > 0) { // init_time_ns is frozen from the start: nothing to mark
    const x = xOf(s.view, W, frozen);
    if (x >= GUTTER && x <= GUTTER + W) {
      p.fillStyle = s.theme.freeze;
      p.fillRect(x - 0.5, y + 2, 1, h - 4);
      p.textAlign = 'left';
      p.fillText('frozen', x + 3, y + h - 6);
    }
  }
}

/** The first k in [from, last) with x(k) ≥ limit, else last; x never decreases with k (a galloping search). */
function firstAtOrRight(x: (k: number) => number, from: number, last: number, limit: number): number {
  if (from >= last || x(from) >= limit) return Math.min(from, last);
  let lo = from;
  let step = 1;
  let hi = last;
  while (lo + step < last) {
    if (x(lo + step) >= limit) { hi = lo + step; break; }
    lo += step;
    step *= 2;
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (x(mid) >= limit) hi = mid; else lo = mid;
  }
  return hi;
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

/** Overview strip: what the events are along the whole run, faults and failures, and the visible window. */
export function drawOverview(ctx: CanvasRenderingContext2D, width: number, height: number, run: RunModel | undefined, view: View, cursor: number, t: Theme): void {
  ctx.fillStyle = t.gutter;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = t.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.font = t.font;
  if (!run || !run.complete || run.n === 0) return;
  ctx.fillText(`overview · ${grouped(run.n)} events`, 6, height / 2, GUTTER - 10);
  const W = Math.max(1, Math.floor(width - GUTTER));
  ctx.drawImage(overviewImage(run, W, height, t, ctx.getTransform().a || 1), GUTTER, 0, W, height);
  const x0 = GUTTER + (view.start / run.n) * W;
  const x1 = GUTTER + ((view.start + view.span) / run.n) * W;
  ctx.strokeStyle = t.selection;
  ctx.lineWidth = 1.5;
  ctx.strokeRect(Math.max(GUTTER, x0), 1, Math.max(3, Math.min(GUTTER + W, x1) - Math.max(GUTTER, x0)), height - 2);
  if (cursor >= 0) {
    ctx.fillStyle = t.cursor;
    ctx.fillRect(GUTTER + (cursor / run.n) * W - 1, 0, 2, height);
  }
}

let overviewCache: { run: RunModel; W: number; height: number; theme: Theme; dpr: number; canvas: HTMLCanvasElement } | undefined;
let overviewCanvas: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } | undefined;

/**
 * Make the canvas the overview's static part is drawn on, sized for this strip, before any run arrives: a new
 * canvas and its context cost milliseconds the first frame would otherwise pay. Drawing a new run reuses it.
 */
export function prepareOverview(width: number, height: number, dpr: number): void {
  const W = Math.max(1, Math.floor(width - GUTTER));
  if (!overviewCanvas) {
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    overviewCanvas = { canvas, ctx };
  }
  const { canvas } = overviewCanvas;
  if (canvas.width !== Math.round(W * dpr)) canvas.width = Math.round(W * dpr);
  if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr);
}

/** The static part of the overview, drawn once per run, width and theme. */
function overviewImage(run: RunModel, W: number, height: number, t: Theme, dpr: number): HTMLCanvasElement {
  const c = overviewCache;
  if (c && c.run === run && c.W === W && c.height === height && c.theme === t && c.dpr === dpr) return c.canvas;
  prepareOverview(W + GUTTER, height, dpr);
  const { canvas, ctx: p } = overviewCanvas!;
  p.setTransform(1, 0, 0, 1, 0, 0);
  p.clearRect(0, 0, canvas.width, canvas.height);
  p.scale(dpr, dpr);
  // Stacked share of each activity (syscall, vDSO, host, expect) per column: x is event order, so what
  // matters is what the events of a stretch are, not how many there are.
  const counts = new Uint32Array(W * 5);
  const ticks = new Uint8Array(W);
  const k = W / run.n;
  // Small runs: every event, over all the columns it covers. Large runs: the per-block summaries (one entry per
  // lane a block touches), so building this stays cheap at 10^6 events.
  const { blockFirst, entCat, entMark } = run;
  const blocks = blockFirst.length - 1;
  if (run.n <= W * 8) {
    for (let i = 0; i < run.n; i++) {
      const c0 = Math.min(W - 1, Math.floor(i * k));
      const c1 = Math.max(c0 + 1, Math.min(W, Math.floor((i + 1) * k)));
      const cat = run.flags[i] & 7;
      const m = run.markBits[i];
      for (let col = c0; col < c1; col++) {
        counts[col * 5 + (cat > 4 ? 0 : cat)]++;
        if (m & (MARK.error | MARK.failedExpect)) ticks[col] |= 1;
        if (m & MARK.fault) ticks[col] |= 2;
      }
    }
  }
  for (let bl = 0; bl < blocks && run.n > W * 8; bl++) {
    const col = Math.min(W - 1, Math.floor((bl * BLOCK + BLOCK / 2) * k));
    for (let e = blockFirst[bl]; e < blockFirst[bl + 1]; e++) {
      const cat = entCat[e];
      counts[col * 5 + (cat > 4 ? 0 : cat)]++;
      const m = entMark[e];
      if (m & (MARK.error | MARK.failedExpect)) ticks[col] |= 1;
      if (m & MARK.fault) ticks[col] |= 2;
    }
  }
  const hAvail = height - 8;
  const y0 = new Float32Array(W).fill(height - 2);
  for (let cat = 1; cat <= 4; cat++) {
    p.fillStyle = t.category[cat];
    p.beginPath();
    for (let col = 0; col < W; col++) {
      const total = counts[col * 5] + counts[col * 5 + 1] + counts[col * 5 + 2] + counts[col * 5 + 3] + counts[col * 5 + 4];
      if (!total) continue;
      const h = (counts[col * 5 + cat] / total) * hAvail;
      if (h <= 0) continue;
      p.rect(col, y0[col] - h, 1, h);
      y0[col] -= h;
    }
    p.fill();
  }
  for (const [bit, color, y] of [[2, t.fault, 1], [1, t.error, 1]] as const) {
    p.fillStyle = color;
    p.beginPath();
    for (let col = 0; col < W; col++) if (ticks[col] & bit) p.rect(col, y, 1, 4);
    p.fill();
  }
  overviewCache = { run, W, height, theme: t, dpr, canvas };
  return canvas;
}
