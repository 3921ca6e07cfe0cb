// Why the debugger stopped and how the Call Stack says it, and which console input is a scenario line (run as
// a what-if) rather than an expression.
import { OPERATION_BY_WORD } from '../scenario/index';
import { HOST_OPERATIONS } from '../sim/ops';
import type { Point } from './cursor';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto' | 'end';

export function describeStop(reason: StopReason, point: Point): string {
  switch (reason) {
    case 'entry': return 'Before the first line';
    case 'end': return 'End of the scenario (step back to travel in time)';
    case 'pause': return 'Paused';
    case 'goto': return 'Moved in time';
    default: return point.kind === 'event' ? `Stepped to event #${point.index}` : 'Step';
  }
}

/** `P2: clock_gettime(CLOCK_BOOTTIME)`, `sleep 10s`: a line of the scenario language rather than an expression. */
export function isOperationLine(text: string): boolean {
  const m = /^\s*(?:[A-Za-z_]\w*\s*:\s*)?([a-z_][\w]*)\b/.exec(text);
  if (!m) return false;
  const hasTask = /^\s*[A-Za-z_]\w*\s*:/.test(text);
  return OPERATION_BY_WORD.has(m[1]!) && (hasTask || (HOST_OPERATIONS as ReadonlySet<string>).has(m[1]!));
}
