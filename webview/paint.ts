// Where the timeline's pixels go: the Painter subset of a Canvas 2D context (the canvas or the SVG recorder),
// and the rectangle sinks that write plain rectangles straight into one ImageData on a real canvas.
import { GUTTER } from './geometry';
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

/** Where plain rectangles go: a Painter (SVG export) or straight into pixels (the on-screen canvas). */
export interface RectSink {
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

// Keyed by the colour over its background: the plot's lanes lie over the editor background, the overview's bars
// over the side bar's, and one cache for both keeps either from emptying the other's.
const colorCache = new Map<string, number>();
let colorProbe: CanvasRenderingContext2D | null = null;
/** A CSS colour as one little-endian RGBA pixel, alpha blended over `under` (the lanes are opaque). */
export function pixelOf(css: string, under: string): number {
  const key = `${under}\n${css}`;
  let v = colorCache.get(key);
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
  if (colorCache.size > 256) colorCache.clear(); // themes come and go: keep only the recent ones' colours
  colorCache.set(key, v);
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


/** The sink for a block's rectangles: pixels on a real canvas (tens of thousands per frame), else the painter. */
export function rectSink(p: Painter, theme: Theme, x0: number, y0: number, w: number, y1: number): RectSink {
  return isCanvas(p) ? new PixelSink(p, theme, x0, y0, w, y1) : new PainterSink(p);
}
