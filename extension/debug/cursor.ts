// The cursor of a recorded run and how stepping moves it: the places to stop (a line stop before a scenario
// line runs, an event stop just after one kernel event was applied, or the end) and the one Cursor object.
import type { KernelState, LineSpan, Simulation } from '../sim/api';
import { currentLine, nextLinePosition, previousLinePosition, stepIndex, stepSpans } from '../scenario/editor/navigation';

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

// ---------------------------------------------------------------------------------------------
// The one cursor of a recorded run. Everything that shows "where we are" (the debugger, the trees, the
// timeline, inline results, hovers, tours) asks it and listens to it; every move goes through `move`.
// ---------------------------------------------------------------------------------------------

/** The stepping vocabulary, defined once: what each command, request and click asks for. */
export type Move =
  /** A raw position (events applied): a click on the timeline (after event i: i + 1), a tour, a test. */
  | { readonly kind: 'goto'; readonly position: number }
  /** An exact stop of the debugger (a line stop and an event stop can share a position). */
  | { readonly kind: 'point'; readonly point: Point }
  /** The editor's step: to just after the next operation line, or back to just after the one before. */
  | { readonly kind: 'line'; readonly direction: 1 | -1 }
  | { readonly kind: 'start' }
  | { readonly kind: 'end' }
  /** Just after scenario line `line` (0-based) ran, else after the last line above it that ran. */
  | { readonly kind: 'afterLine'; readonly line: number };

/** Who moved the cursor, so a view can avoid echoing its own moves back. */
export type MoveSource = 'run' | 'command' | 'debugger' | 'timeline' | 'tree' | 'tour' | 'test';

export interface CursorMoved {
  readonly position: number;
  readonly previous: number;
  readonly point: Point;
  readonly source: MoveSource;
  /** The object that made the move (a debug session ignores its own). */
  readonly by: unknown;
}

export class Cursor {
  readonly timeline: Timeline;
  private current: Point;
  private statementSpans: LineSpan[] | undefined;
  private readonly listeners = new Set<(m: CursorMoved) => void>();

  constructor(readonly sim: Simulation) {
    this.timeline = new Timeline(sim);
    // A fresh run shows its final state.
    this.current = this.timeline.pointAt(sim.eventCount);
  }

  get point(): Point {
    return this.current;
  }

  get position(): number {
    return this.timeline.position(this.current);
  }

  /** The kernel state after `position` events; the simulation's own position is only a cache of the last read. */
  stateAt(position: number): KernelState {
    const p = Math.max(0, Math.min(this.sim.eventCount, Math.trunc(position)));
    if (this.sim.position !== p) this.sim.goto(p);
    return this.sim.state();
  }

  /** The state at the cursor. */
  state(): KernelState {
    return this.stateAt(this.position);
  }

  /** The lines the editor's step moves between: lines that ran and change something (not `expect` lines). */
  statements(): readonly LineSpan[] {
    this.statementSpans ??= stepSpans(this.sim);
    return this.statementSpans;
  }

  /** Where `move` would put the cursor; null when it cannot go that way (at an edge). */
  target(move: Move): Point | null {
    const tl = this.timeline;
    const here = this.position;
    const n = this.sim.eventCount;
    switch (move.kind) {
      case 'goto': return Number.isFinite(move.position) ? tl.pointAt(Math.max(0, Math.min(n, Math.trunc(move.position)))) : null;
      case 'point': return move.point;
      case 'start': return here === 0 ? null : tl.pointAt(0);
      case 'end': return here === n ? null : { kind: 'end' };
      case 'line': {
        const to = move.direction > 0
          ? nextLinePosition(this.statements(), here) ?? (here < n ? n : null)
          : previousLinePosition(this.statements(), here);
        return to === null ? null : tl.pointAt(to);
      }
      case 'afterLine': {
        let end = -1;
        for (const s of this.sim.lineSpans()) {
          if (s.line === move.line) { end = s.end; break; }
          if (s.line < move.line) end = Math.max(end, s.end);
        }
        return tl.pointAt(end < 0 ? n : end);
      }
    }
  }

  /** Moves the cursor and tells every listener; false when the move goes nowhere. */
  move(move: Move, source: MoveSource, by?: unknown): boolean {
    const target = this.target(move);
    if (!target) return false;
    const previous = this.position;
    this.current = target;
    this.announce(source, previous, by);
    return true;
  }

  /** Puts the cursor on `point` without telling anyone yet: a debugger walk tries many points, then announces. */
  place(point: Point): void {
    this.current = point;
  }

  /** Tells the listeners that the cursor moved from `previous` to where it is now. */
  announce(source: MoveSource, previous: number, by?: unknown): void {
    const moved: CursorMoved = { position: this.position, previous, point: this.current, source, by };
    for (const l of [...this.listeners]) l(moved);
  }

  onDidMove(listener: (m: CursorMoved) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** The scenario line the cursor stands on (the line of the last applied event), -1 at the start. */
  line(): number {
    return currentLine({ position: this.position, lineOf: (i) => this.sim.lineOf(i) });
  }

  /** `step k/n` of the status bar. */
  step(): { k: number; n: number; partial: boolean } {
    return stepIndex(this.statements(), this.position);
  }
}
