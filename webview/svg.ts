// A Painter that records drawing as SVG elements, so the visible timeline can be exported as a vector image
// with exactly the code that paints the canvas.
import type { Painter } from './render';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => (Math.round(v * 100) / 100).toString();

export class SvgPainter implements Painter {
  fillStyle: string | CanvasGradient | CanvasPattern = '#000';
  strokeStyle: string | CanvasGradient | CanvasPattern = '#000';
  lineWidth = 1;
  font = '11px sans-serif';
  globalAlpha = 1;
  textAlign: CanvasTextAlign = 'left';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  private readonly parts: string[] = [];
  private path = '';
  private dash: number[] = [];
  private readonly stack: { fill: unknown; stroke: unknown; lw: number; font: string; alpha: number; dash: number[] }[] = [];

  constructor(readonly width: number, readonly height: number) {}

  private alpha(): string {
    return this.globalAlpha < 1 ? ` opacity="${n(this.globalAlpha)}"` : '';
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    if (w <= 0 || h <= 0) return;
    this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="${esc(String(this.fillStyle))}"${this.alpha()}/>`);
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${n(x)}" y="${n(y)}" width="${n(w)}" height="${n(h)}" fill="none" stroke="${esc(String(this.strokeStyle))}" stroke-width="${n(this.lineWidth)}"${this.alpha()}/>`);
  }
  beginPath(): void { this.path = ''; }
  closePath(): void { this.path += 'Z'; }
  moveTo(x: number, y: number): void { this.path += `M${n(x)} ${n(y)}`; }
  lineTo(x: number, y: number): void { this.path += `L${n(x)} ${n(y)}`; }
  quadraticCurveTo(cx: number, cy: number, x: number, y: number): void { this.path += `Q${n(cx)} ${n(cy)} ${n(x)} ${n(y)}`; }
  rect(x: number, y: number, w: number, h: number): void { this.path += `M${n(x)} ${n(y)}h${n(w)}v${n(h)}h${n(-w)}Z`; }
  fill(): void {
    if (this.path) this.parts.push(`<path d="${this.path}" fill="${esc(String(this.fillStyle))}"${this.alpha()}/>`);
  }
  stroke(): void {
    if (!this.path) return;
    const dash = this.dash.length ? ` stroke-dasharray="${this.dash.join(' ')}"` : '';
    this.parts.push(`<path d="${this.path}" fill="none" stroke="${esc(String(this.strokeStyle))}" stroke-width="${n(this.lineWidth)}"${dash}${this.alpha()}/>`);
  }
  fillText(text: string, x: number, y: number, maxWidth?: number): void {
    const size = Number(/(\d+(?:\.\d+)?)px/.exec(this.font)?.[1] ?? 11);
    let t = text;
    if (maxWidth !== undefined && t.length * size * 0.6 > maxWidth) t = t.slice(0, Math.max(0, Math.floor(maxWidth / (size * 0.6)) - 1)) + (t.length ? '…' : '');
    const anchor = this.textAlign === 'center' ? 'middle' : this.textAlign === 'right' || this.textAlign === 'end' ? 'end' : 'start';
    const baseline = this.textBaseline === 'middle' ? 'central' : this.textBaseline === 'top' ? 'hanging' : 'alphabetic';
    const family = this.font.replace(/^.*?\d+(?:\.\d+)?px\s*/, '') || 'sans-serif';
    this.parts.push(`<text x="${n(x)}" y="${n(y)}" font-size="${size}" font-family="${esc(family)}" text-anchor="${anchor}" dominant-baseline="${baseline}" fill="${esc(String(this.fillStyle))}"${this.alpha()}>${esc(t)}</text>`);
  }
  setLineDash(segments: number[]): void { this.dash = [...segments]; }
  save(): void { this.stack.push({ fill: this.fillStyle, stroke: this.strokeStyle, lw: this.lineWidth, font: this.font, alpha: this.globalAlpha, dash: this.dash }); }
  restore(): void {
    const s = this.stack.pop();
    if (!s) return;
    this.fillStyle = s.fill as string; this.strokeStyle = s.stroke as string; this.lineWidth = s.lw; this.font = s.font; this.globalAlpha = s.alpha; this.dash = s.dash;
  }
  toString(): string {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">${this.parts.join('')}</svg>`;
  }
}
