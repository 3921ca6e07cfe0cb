// The breakpoints of a debug session and the test "does this point of the recorded run hit one": line
// breakpoints (conditions, hit counts, log points), kernel function breakpoints, exception filters and data
// breakpoints that watch a state expression for changes.
import type { KernelState, SimEvent, Simulation } from '../sim/api';
import type { Point, Timeline } from './cursor';
import { evaluateExpression, interpolate } from './expressions';

export interface Condition {
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
}

export interface LineBreakpoint extends Condition {
  readonly id: number;
  readonly line: number; // 0-based, where it was moved to (the first line at or after the request that runs)
  hits: number;
}

export interface FunctionBreakpoint extends Condition {
  readonly id: number;
  readonly name: string;
  hits: number;
}

export interface DataBreakpoint extends Condition {
  readonly id: number;
  readonly expression: string;
  hits: number;
  /** Objects the expression read when last evaluated; valid while the cursor walks without jumping. */
  watched?: ReadonlySet<string>;
}

export type ExceptionFilterId = 'errno' | 'signal' | 'expect' | 'vvar-fault' | 'zap';

export const EXCEPTION_FILTERS: readonly { filter: ExceptionFilterId; label: string; description: string; default: boolean; supportsCondition: boolean; conditionDescription?: string }[] = [
  { filter: 'errno', label: 'Operation returned an error', description: 'Stop where the kernel decides an errno (the check that fails).', default: false, supportsCondition: true, conditionDescription: 'errno names separated by commas, e.g. EACCES, EPERM (empty: any errno)' },
  { filter: 'signal', label: 'Signal (SIGBUS, SIGSEGV)', description: 'Stop when a signal is delivered to a task.', default: false, supportsCondition: true, conditionDescription: 'signal names separated by commas, e.g. SIGBUS (empty: any signal)' },
  { filter: 'expect', label: 'expect failed', description: 'Stop on an `expect` line that does not hold.', default: true, supportsCondition: false },
  { filter: 'vvar-fault', label: '[vvar] fault', description: 'Stop on every page fault on a vDSO data mapping.', default: false, supportsCondition: false },
  { filter: 'zap', label: '[vvar] zap', description: 'Stop when vdso_join_timens zaps the [vvar] PTEs of an mm.', default: false, supportsCondition: false },
];

export interface Hit {
  readonly reason: 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception';
  readonly description: string;
  readonly text?: string;
  readonly ids: readonly number[];
  readonly exception?: { readonly id: string; readonly description: string; readonly details: string };
}

/** Reads the state at a position (the session moves the simulation and reads it). */
export type StateAt = (position: number) => KernelState;

/** `hitCondition`: "3" or "== 3" (the 3rd hit), ">= 3", "> 3", "% 2" (every 2nd hit). */
export function hitConditionHolds(text: string | undefined, hits: number): boolean {
  if (!text || !text.trim()) return true;
  const m = /^\s*(==|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return hits >= n;
    case '>': return hits > n;
    case '<=': return hits <= n;
    case '<': return hits < n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits === n;
  }
}

function nameList(condition: string | undefined): string[] {
  return (condition ?? '').split(/[\s,|]+/).map((s) => s.trim().toUpperCase()).filter(Boolean);
}

export class BreakpointSet {
  lines = new Map<number, LineBreakpoint[]>();
  functions: FunctionBreakpoint[] = [];
  data: DataBreakpoint[] = [];
  exceptions = new Map<ExceptionFilterId, { condition?: string }>();
  /** Log point output goes here (the session turns it into output events). */
  onLog: (text: string, line: number) => void = () => undefined;
  /** A condition that could not be evaluated: the session reports it and stops there. */
  conditionError: string | undefined;

  get eventLevelActive(): boolean {
    return this.functions.length > 0 || this.data.length > 0 || this.exceptions.size > 0;
  }

  get any(): boolean {
    return this.lines.size > 0 || this.eventLevelActive;
  }

  /** The cursor jumped: what each data breakpoint watches must be found again. */
  invalidateWatches(): void {
    for (const bp of this.data) bp.watched = undefined;
  }

  resetHits(): void {
    for (const list of this.lines.values()) for (const bp of list) bp.hits = 0;
    for (const bp of this.functions) bp.hits = 0;
    for (const bp of this.data) bp.hits = 0;
  }

  /** Whether a breakpoint whose place was reached also passes its condition and hit count; log points log. */
  private passes(bp: Condition & { hits: number }, state: () => KernelState, line: number): boolean {
    if (bp.condition && bp.condition.trim()) {
      try {
        if (!evaluateExpression(bp.condition, state()).value) return false;
      } catch (err) {
        this.conditionError = `breakpoint condition '${bp.condition}' failed: ${err instanceof Error ? err.message : String(err)}`;
        return true;
      }
    }
    bp.hits++;
    if (!hitConditionHolds(bp.hitCondition, bp.hits)) return false;
    if (bp.logMessage !== undefined && bp.logMessage !== '') {
      this.onLog(interpolate(bp.logMessage, state()), line);
      return false;
    }
    return true;
  }

  /** The breakpoints hit when the cursor arrives at `point`, in either direction. */
  check(point: Point, timeline: Timeline, stateAt: StateAt): Hit | null {
    const sim = timeline.sim;
    if (point.kind === 'line') {
      const line = timeline.line(point);
      const list = this.lines.get(line);
      if (!list) return null;
      const position = timeline.position(point);
      const ids = list.filter((bp) => this.passes(bp, () => stateAt(position), line)).map((bp) => bp.id);
      return ids.length ? { reason: 'breakpoint', description: `Breakpoint on line ${line + 1}`, ids } : null;
    }
    if (point.kind !== 'event' || !this.eventLevelActive) return null;
    return this.checkEvent(point.index, sim, stateAt);
  }

  private checkEvent(index: number, sim: Simulation, stateAt: StateAt): Hit | null {
    const kind = sim.kindOf(index);
    let event: SimEvent | undefined;
    const ev = () => (event ??= sim.event(index));
    const line = sim.lineOf(index);

    if (this.exceptions.size > 0) {
      const hit = this.checkExceptions(kind, ev, line);
      if (hit) return hit;
    }
    if (this.functions.length > 0) {
      const e = ev();
      const prev = index > 0 && sim.lineOf(index - 1) === line ? sim.event(index - 1) : undefined;
      const ids: number[] = [];
      let name = '';
      for (const bp of this.functions) {
        const at = e.stack.indexOf(bp.name);
        const entered = at >= 0 && ((e.kind === 'call' && e.fn === bp.name) || !prev || prev.stack[at] !== bp.name);
        if (entered && this.passes(bp, () => stateAt(index + 1), line)) { ids.push(bp.id); name = bp.name; }
      }
      if (ids.length) return { reason: 'function breakpoint', description: `Entered ${name}`, text: e.summary, ids };
    }
    if (this.data.length > 0) {
      const e = ev();
      if (e.changes.length > 0) {
        const touched = new Set(e.changes.map((c) => c.obj));
        const ids: number[] = [];
        let text = '';
        for (const bp of this.data) {
          bp.watched ??= this.watchedObjects(bp, index, stateAt);
          if (![...bp.watched].some((o) => touched.has(o))) continue;
          // What the expression goes through may itself have changed (a task got a new nsproxy).
          bp.watched = undefined;
          const before = this.valueAt(bp.expression, stateAt(index));
          const after = this.valueAt(bp.expression, stateAt(index + 1));
          if (before === after) continue;
          if (this.passes(bp, () => stateAt(index + 1), line)) { ids.push(bp.id); text = `${bp.expression}: ${before} → ${after}`; }
        }
        if (ids.length) return { reason: 'data breakpoint', description: 'Data breakpoint', text, ids };
      }
    }
    return null;
  }

  private checkExceptions(kind: SimEvent['kind'], ev: () => SimEvent, _line: number): Hit | null {
    const filters = this.exceptions;
    const exception = (id: string, description: string, details: string): Hit => ({
      reason: 'exception', description, text: details, ids: [], exception: { id, description, details },
    });
    if (kind === 'error' && filters.has('errno')) {
      const e = ev();
      const wanted = nameList(filters.get('errno')?.condition);
      const errno = e.errno ?? '';
      if (wanted.length === 0 || wanted.includes(errno)) return exception(errno || 'error', `${errno} in ${e.fn}`, e.summary);
    }
    if ((kind === 'signal' || kind === 'fault') && filters.has('signal')) {
      const e = ev();
      if (e.signal) {
        const wanted = nameList(filters.get('signal')?.condition);
        if (wanted.length === 0 || wanted.includes(e.signal)) return exception(e.signal, `${e.signal} delivered${e.task ? ` to ${e.task}` : ''}`, e.summary);
      }
    }
    if (kind === 'expect' && filters.has('expect')) {
      const e = ev();
      if (e.passed === false) return exception('expect', 'expect failed', e.summary);
    }
    if (kind === 'fault' && filters.has('vvar-fault')) {
      const e = ev();
      return exception('fault', `Page fault on ${e.page?.vma ?? '[vvar]'}${e.page ? ` page ${e.page.index}` : ''}`, e.summary);
    }
    if (kind === 'zap' && filters.has('zap')) {
      const e = ev();
      return exception('zap', `[vvar] zapped${e.page ? ` in ${e.page.mm}` : ''}`, e.summary);
    }
    return null;
  }

  private valueAt(expression: string, state: KernelState): string {
    try {
      return JSON.stringify(evaluateExpression(expression, state).value) ?? 'undefined';
    } catch (err) {
      return `<${err instanceof Error ? err.message : String(err)}>`;
    }
  }

  /** The objects a data breakpoint's expression reads at a position (its value can only change when they do). */
  private watchedObjects(bp: DataBreakpoint, index: number, stateAt: StateAt): ReadonlySet<string> {
    try {
      const objs = new Set(evaluateExpression(bp.expression, stateAt(index)).objects);
      objs.add(bp.expression.split('.')[0]!);
      return objs;
    } catch {
      return new Set([bp.expression.split('.')[0]!]);
    }
  }
}
