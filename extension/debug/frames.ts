// What the Call Stack and Variables views show at a point of the run: the kernel functions of the event at the
// cursor (innermost first) above the scenario line, and the state with what changed since the previous stop.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SimEvent } from '../sim/api';
import type { Point, Timeline } from './cursor';
import { ChangeSet, VariableTree } from './variables';

function eventAt(tl: Timeline, point: Point): SimEvent | undefined {
  return point.kind === 'event' ? tl.sim.event(point.index) : undefined;
}

/** The frames at `point`: the event's kernel functions, innermost first, then the scenario line (or its end). */
export function stackFrames(tl: Timeline, point: Point, lines: readonly string[], source: DebugProtocol.Source, clientLine: number): DebugProtocol.StackFrame[] {
  const line = tl.line(point);
  const frames: DebugProtocol.StackFrame[] = [];
  const event = eventAt(tl, point);
  if (event) {
    for (let i = event.stack.length - 1; i >= 0; i--) {
      frames.push({ id: frames.length + 1, name: event.stack[i]!, source, line: clientLine, column: 1, presentationHint: 'normal' });
    }
  }
  const text = line >= 0 ? (lines[line] ?? '').trim() : '';
  const name = point.kind === 'end' ? 'end of scenario' : text || `line ${line + 1}`;
  frames.push({ id: frames.length + 1, name, source, line: clientLine, column: 1 });
  return frames;
}

/** The task a point belongs to when it is not an event: the first task of its line, or the last of the run. */
function lineTask(tl: Timeline, point: Point): string | null {
  if (point.kind === 'line') return tl.sim.taskOf(tl.spans[point.span]!.first);
  if (point.kind === 'end' && tl.sim.eventCount > 0) return tl.sim.taskOf(tl.sim.eventCount - 1);
  return null;
}

/** The variables at `point`, marked with what changed since `previousPosition` when at most `changeWindow` events apart. */
export function variableTreeAt(tl: Timeline, point: Point, previousPosition: number, changeWindow: number): VariableTree {
  const sim = tl.sim;
  const position = tl.position(point);
  if (sim.position !== position) sim.goto(position);
  const from = Math.min(previousPosition, position);
  const to = Math.max(previousPosition, position);
  let changes = new ChangeSet();
  if (to > from && to - from <= changeWindow) {
    const events: SimEvent[] = [];
    if (position >= previousPosition) for (let i = from; i < to; i++) events.push(sim.event(i));
    else for (let i = to - 1; i >= from; i--) events.push(sim.event(i));
    changes = ChangeSet.between(events, position < previousPosition);
  }
  const event = eventAt(tl, point);
  return new VariableTree(sim.state(), changes, event, event?.task ?? lineTask(tl, point));
}
