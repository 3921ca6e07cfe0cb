// Where the debugger may step into or jump to: the functions a line (or the rest of it, from an event) enters,
// named once each, and the point before a source line (or the end of the scenario after the last one).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Point, Timeline } from './cursor';

/** At most this many step-in targets: a line can enter thousands of functions. */
const MAX_STEP_IN_TARGETS = 50;

export function stepInTargets(tl: Timeline, point: Point): DebugProtocol.StepInTarget[] {
  const targets: DebugProtocol.StepInTarget[] = [];
  if (point.kind === 'end') return targets;
  const span = tl.spans[point.kind === 'line' ? point.span : tl.spanOfEvent(point.index)];
  if (!span) return targets;
  const seen = new Set<string>();
  const from = point.kind === 'event' ? point.index + 1 : span.first;
  for (let i = from; i < span.end && targets.length < MAX_STEP_IN_TARGETS; i++) {
    const kind = tl.sim.kindOf(i);
    if (kind !== 'call' && kind !== 'fault' && kind !== 'syscall-enter' && kind !== 'vdso-enter' && kind !== 'zap') continue;
    const e = tl.sim.event(i);
    const label = kind === 'fault' ? `${e.fn} (fault)` : e.fn;
    if (seen.has(label)) continue;
    seen.add(label);
    const detail = e.summary === `${e.fn}()` ? '' : ` — ${e.summary}`;
    targets.push({ id: i, label: `${label}${detail}`.slice(0, 120) });
  }
  return targets;
}

/** The event position before the first line at or after `line` (0-based), or the end; `line` null for the end. */
export function gotoTarget(tl: Timeline, line: number): { id: number; label: string; line: number | null } {
  const span = tl.spans.find((sp) => sp.line >= line);
  if (span) return { id: span.first, label: `before line ${span.line + 1} (event #${span.first})`, line: span.line };
  return { id: tl.sim.eventCount, label: 'end of the scenario', line: null };
}
