// The overview strip above the timeline: the whole run at a glance (faults, failures, the visible window and
// the cursor), drawn once per run and size into an offscreen canvas and copied each frame.
import { GUTTER, grouped, type View } from './geometry';
import { BLOCK, MARK, type RunModel } from './model';
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
