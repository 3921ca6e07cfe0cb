// The debug console's what-if: one operation line run on a copy of the simulation at the cursor (the recorded
// run does not change), with the events it records and the state after it.
import type { OpResult, KernelState, SimEvent } from '../sim/api';
import { parseScenario } from '../scenario/index';
import type { Point, Timeline } from './cursor';
import { ExpressionError } from './expressions';

export function runWhatIf(tl: Timeline, point: Point, text: string, program: string | undefined, line: string): { result: OpResult; events: SimEvent[]; after: KernelState } {
  const base = text.replace(/\s*$/, '');
  const lineIndex = base.split(/\r?\n/).length;
  const parsed = parseScenario(`${base}\n${line}\n`, program);
  const problem = parsed.diagnostics.find((d) => d.range.line === lineIndex && d.severity === 'error');
  if (problem) throw new ExpressionError(problem.message, problem.range.col);
  const step = parsed.steps.find((s) => s.line === lineIndex);
  if (!step) throw new Error(`'${line}' is not an operation`);
  const sim = tl.sim;
  const position = tl.position(point);
  if (sim.position !== position) sim.goto(position);
  const fork = sim.forkAtPosition();
  const firstEvent = fork.eventCount;
  const result = fork.exec({ ...step, line: tl.line(point) });
  const events: SimEvent[] = [];
  for (let i = firstEvent; i < fork.eventCount; i++) events.push(fork.event(i));
  return { result, events, after: fork.state() };
}
