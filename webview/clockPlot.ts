// The clock plot of a namespace lane: what each clock of the namespace reads along the run, as a thinned line
// (a point is left out when the line passes within PATH_TOLERANCE of it), with the offset and freeze marks.
import { GUTTER, xOf } from './geometry';
import { lowerBound, upperBound, type RunModel } from './model';
import type { Painter } from './paint';
import type { Scene } from './render';

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
export function drawClockPlot(p: Painter, s: Scene, run: RunModel, lane: number, y: number, h: number): void {
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
