// Which event is under a point of the timeline: in the lane under it, the nearest event within three pixels
// (marks first), looking at no more than 50,000 events however far the view is zoomed out.
import { AXIS_H, GUTTER } from './geometry';
import type { Target, TimelineState } from './state';

export function eventAt(state: Pick<TimelineState, 'layout' | 'runs' | 'view' | 'scrollTop'>, x: number, y: number): Target | null {
  if (x < GUTTER || y < AXIS_H) return null;
  const cy = y + state.scrollTop;
  for (const block of state.layout.blocks) {
    const run = state.runs[block.run];
    if (!run.complete) continue;
    const L = block.lanes.findIndex((b) => cy >= b.y && cy < b.y + b.h);
    if (L < 0) continue;
    const isNs = run.header.lanes[L].kind === 'ns';
    const scale = state.layout.plotWidth / state.view.span;
    const at = state.view.start + (x - GUTTER) / scale;
    let lo = Math.max(0, Math.floor(state.view.start + (x - GUTTER - 3) / scale));
    let hi = Math.min(run.n - 1, Math.ceil(state.view.start + (x - GUTTER + 3) / scale));
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
