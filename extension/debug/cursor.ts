// Where the debugger stands in a recorded run, and how stepping moves it. A stop is either before a scenario
// line runs (a line stop) or just after one kernel event of a line was applied (an event stop), or at the end.
import type { LineSpan, Simulation } from '../sim/api';

export type Point =
  | { readonly kind: 'line'; readonly span: number }   // before the line of spans[span] runs
  | { readonly kind: 'event'; readonly index: number } // event `index` has just been applied
  | { readonly kind: 'end' };

export class Timeline {
  readonly spans: readonly LineSpan[];
  constructor(readonly sim: Simulation) {
    // Lines without events (nothing ran) give no place to stop.
    this.spans = sim.lineSpans().filter((s) => s.end > s.first);
  }

  /** The simulation position (events applied) of a point. */
  position(p: Point): number {
    switch (p.kind) {
      case 'line': return this.spans[p.span]!.first;
      case 'event': return p.index + 1;
      case 'end': return this.sim.eventCount;
    }
  }

  /** The scenario line a point shows (0-based), -1 when there is none. */
  line(p: Point): number {
    switch (p.kind) {
      case 'line': return this.spans[p.span]!.line;
      case 'event': return this.sim.lineOf(p.index);
      case 'end': return this.spans.length ? this.spans[this.spans.length - 1]!.line : -1;
    }
  }

  first(): Point {
    return this.spans.length ? { kind: 'line', span: 0 } : { kind: 'end' };
  }

  /** Index of the span holding event `index`, or of the last span starting before it (events outside any line). */
  spanOfEvent(index: number): number {
    let lo = 0;
    let hi = this.spans.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid]!.first <= index) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  /** The point for a raw position (someone else moved the cursor): a line stop if a line starts there. */
  pointAt(position: number): Point {
    if (position >= this.sim.eventCount) return { kind: 'end' };
    if (position <= 0) return this.first();
    const s = this.spanOfEvent(position);
    if (s >= 0 && this.spans[s]!.first === position) return { kind: 'line', span: s };
    return { kind: 'event', index: position - 1 };
  }

  /** The next point forward, or null at the end. */
  next(p: Point): Point | null {
    switch (p.kind) {
      case 'end': return null;
      case 'line': return { kind: 'event', index: this.spans[p.span]!.first };
      case 'event': {
        const s = this.spanOfEvent(p.index);
        const span = s >= 0 ? this.spans[s]! : undefined;
        if (span && p.index + 1 < span.end) return { kind: 'event', index: p.index + 1 };
        if (s + 1 < this.spans.length) {
          const following = this.spans[s + 1]!;
          // Events between two lines (no line of their own) are still visited one by one.
          if (p.index + 1 < following.first) return { kind: 'event', index: p.index + 1 };
          return { kind: 'line', span: s + 1 };
        }
        return p.index + 1 < this.sim.eventCount ? { kind: 'event', index: p.index + 1 } : { kind: 'end' };
      }
    }
  }

  /** The previous point, or null at the start. */
  prev(p: Point): Point | null {
    switch (p.kind) {
      case 'end': {
        if (this.sim.eventCount === 0) return null;
        return { kind: 'event', index: this.sim.eventCount - 1 };
      }
      case 'line': {
        const first = this.spans[p.span]!.first;
        return first > 0 ? { kind: 'event', index: first - 1 } : null;
      }
      case 'event': {
        const s = this.spanOfEvent(p.index);
        if (s >= 0 && this.spans[s]!.first === p.index) return { kind: 'line', span: s };
        return p.index > 0 ? { kind: 'event', index: p.index - 1 } : null;
      }
    }
  }

  /** The line stop that follows the line of `p` (Step Over's target), or the end. */
  nextLineStop(p: Point): Point {
    const s = p.kind === 'line' ? p.span : p.kind === 'event' ? this.spanOfEvent(p.index) : this.spans.length;
    return s + 1 < this.spans.length ? { kind: 'line', span: s + 1 } : { kind: 'end' };
  }

  /** The line stop of the line `p` is in (inside a line) or of the line before (at a line stop). */
  prevLineStop(p: Point): Point | null {
    if (p.kind === 'event') {
      const s = this.spanOfEvent(p.index);
      return s >= 0 ? { kind: 'line', span: s } : null;
    }
    const s = p.kind === 'line' ? p.span : this.spans.length;
    return s > 0 ? { kind: 'line', span: s - 1 } : null;
  }

  /** Step Out: the return of the current kernel function, else the last event of the operation, else on. */
  stepOutTarget(p: Point): Point {
    if (p.kind !== 'event') return this.nextLineStop(p);
    const s = this.spanOfEvent(p.index);
    const end = s >= 0 ? this.spans[s]!.end : this.sim.eventCount;
    const here = this.sim.event(p.index);
    const depth = here.stack.length;
    if (here.kind === 'call' && here.match !== undefined && here.match > p.index && here.match < end) {
      return { kind: 'event', index: here.match };
    }
    if (depth > 1) {
      for (let i = p.index + 1; i < end; i++) {
        const e = this.sim.event(i);
        if (e.stack.length < depth) return { kind: 'event', index: i };
        if (e.kind === 'return' && e.stack.length === depth && e.fn === here.fn) return { kind: 'event', index: i };
      }
    }
    if (p.index + 1 < end) return { kind: 'event', index: end - 1 };
    return this.nextLineStop(p);
  }

  same(a: Point, b: Point): boolean {
    return a.kind === b.kind && this.position(a) === this.position(b);
  }
}
