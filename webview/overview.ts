// The overview strip above the timeline: the whole run at a glance (faults, failures, the visible window and
// the cursor); its static part is written as pixels once per run and size, and copied each frame.
import { GUTTER, grouped, type View } from './geometry';
import { BLOCK, MARK, type RunModel } from './model';
import { pixelOf } from './paint';
import type { Theme } from './theme';

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
  const dpr = ctx.getTransform().a || 1;
  // Pixels, not a drawn image: copying another canvas makes the browser rasterize that canvas's path first,
  // which cost the first frame of a large run more than the rest of the strip.
  ctx.putImageData(overviewImage(run, W, height, t, dpr), Math.round(GUTTER * dpr), 0);
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

let overviewCache: { run: RunModel; W: number; height: number; theme: Theme; dpr: number; image: ImageData } | undefined;
let prepared: ImageData | undefined;

/** The strip's pixel values: its background, each activity's colour, the fault and failure ticks, over it. */
function stripPixels(t: Theme): { background: number; category: number[]; fault: number; error: number } {
  const over = (css: string): number => pixelOf(css, t.gutter);
  return { background: over(t.gutter), category: t.category.map(over), fault: over(t.fault), error: over(t.error) };
}

/**
 * Make (and write once) the pixel buffer of the overview's static part for a strip this size, and read its colours'
 * pixel values, before any run arrives: both cost milliseconds the first frame would otherwise pay.
 */
export function prepareOverview(width: number, height: number, dpr: number, t: Theme): ImageData {
  const w = Math.round(Math.max(1, Math.floor(width - GUTTER)) * dpr);
  const h = Math.round(height * dpr);
  if (!prepared || prepared.width !== w || prepared.height !== h) {
    prepared = new ImageData(w, h);
    new Uint32Array(prepared.data.buffer).fill(0);
  }
  stripPixels(t);
  return prepared;
}

/** Each column's stacked share of the activities (syscall, vDSO, host, expect) and its failure and fault ticks. */
function columnCounts(run: RunModel, W: number): { counts: Uint32Array; ticks: Uint8Array } {
  // x is event order, so what matters is what the events of a stretch are, not how many there are.
  const counts = new Uint32Array(W * 5);
  const ticks = new Uint8Array(W);
  const k = W / run.n;
  if (run.n <= W * 8) {
    // Small runs: every event, over all the columns it covers.
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
    return { counts, ticks };
  }
  // Large runs: the per-block summaries (one entry per lane a block touches), so this stays cheap at 10^6 events.
  const { blockFirst, entCat, entMark } = run;
  for (let bl = 0; bl < blockFirst.length - 1; bl++) {
    const col = Math.min(W - 1, Math.floor((bl * BLOCK + BLOCK / 2) * k));
    for (let e = blockFirst[bl]; e < blockFirst[bl + 1]; e++) {
      const cat = entCat[e];
      counts[col * 5 + (cat > 4 ? 0 : cat)]++;
      const m = entMark[e];
      if (m & (MARK.error | MARK.failedExpect)) ticks[col] |= 1;
      if (m & MARK.fault) ticks[col] |= 2;
    }
  }
  return { counts, ticks };
}

/** The static part of the overview as pixels, made once per run, width and theme. */
function overviewImage(run: RunModel, W: number, height: number, t: Theme, dpr: number): ImageData {
  const c = overviewCache;
  if (c && c.run === run && c.W === W && c.height === height && c.theme === t && c.dpr === dpr) return c.image;
  const image = prepareOverview(W + GUTTER, height, dpr, t);
  const px = new Uint32Array(image.data.buffer);
  const wd = image.width;
  const hd = image.height;
  const { background, category, fault, error } = stripPixels(t);
  px.fill(background);
  const { counts, ticks } = columnCounts(run, W);
  // Rows in device pixels, rounded; a CSS column is dpr device columns wide.
  const row = (y: number): number => Math.max(0, Math.min(hd, Math.round(y * dpr)));
  const fill = (col: number, ya: number, yb: number, v: number): void => {
    const xa = Math.round(col * dpr);
    const xb = Math.min(wd, Math.round((col + 1) * dpr));
    for (let y = ya; y < yb; y++) px.fill(v, y * wd + xa, y * wd + xb);
  };
  const hAvail = height - 8;
  for (let col = 0; col < W; col++) {
    const o = col * 5;
    const total = counts[o] + counts[o + 1] + counts[o + 2] + counts[o + 3] + counts[o + 4];
    if (total) {
      let y0 = height - 2;
      for (let cat = 1; cat <= 4; cat++) {
        const h = (counts[o + cat] / total) * hAvail;
        if (h <= 0) continue;
        fill(col, row(y0 - h), row(y0), category[cat]);
        y0 -= h;
      }
    }
    // The failure tick is drawn over the fault tick, as it matters more.
    if (ticks[col] & 2) fill(col, row(1), row(5), fault);
    if (ticks[col] & 1) fill(col, row(1), row(5), error);
  }
  overviewCache = { run, W, height, theme: t, dpr, image };
  return image;
}
