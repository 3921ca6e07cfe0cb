// Moving the simulation cursor a scenario line at a time, and saying where it is ("step k/n"), for the
// editor's step commands and the status bar. Positions count applied events (see sim/api.ts).

import type { LineSpan, Simulation } from '../../sim/api';

/**
 * The lines the step commands stop at: lines whose events change something, i.e. every line that ran
 * except `expect` lines (their single event only records the check; inline results show it anyway).
 */
export function stepSpans(sim: Pick<Simulation, 'lineSpans' | 'kindOf'>): LineSpan[] {
  return sim.lineSpans().filter((s) => {
    for (let i = s.first; i < s.end; i++) if (sim.kindOf(i) !== 'expect') return true;
    return false;
  });
}

/** Spans in run order are disjoint and sorted, so their ends ascend: the number of spans that end at or
 *  before `position` (each query below is a binary search, not a walk over the run's lines). */
function endedBy(spans: readonly LineSpan[], position: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (spans[mid]!.end <= position) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Whether the cursor stands inside a line: only the first span not yet ended can hold `position`. */
function insideSpan(spans: readonly LineSpan[], ended: number, position: number): boolean {
  const s = spans[ended];
  return s !== undefined && s.first < position && position < s.end;
}

/** The position just after the next line that is not complete at `position`; null at the end. */
export function nextLinePosition(spans: readonly LineSpan[], position: number): number | null {
  for (let k = endedBy(spans, position); k < spans.length; k++) if (spans[k]!.end > spans[k]!.first) return spans[k]!.end;
  return null;
}

/** The ends of the last `count` non-empty spans among the first `ended` (latest first). */
function lastEnds(spans: readonly LineSpan[], ended: number, count: number): number[] {
  const out: number[] = [];
  for (let k = ended - 1; k >= 0 && out.length < count; k--) if (spans[k]!.end > spans[k]!.first) out.push(spans[k]!.end);
  return out;
}

/**
 * The position just after the line before the one the cursor stands on (0 = before the first line);
 * null at the start. Inside a line, the start of that line's step: the end of the last complete line.
 */
export function previousLinePosition(spans: readonly LineSpan[], position: number): number | null {
  if (position <= 0) return null;
  const ended = endedBy(spans, position);
  const completed = lastEnds(spans, ended, 2);
  if (insideSpan(spans, ended, position)) return completed[0] ?? 0;
  return completed[1] ?? 0;
}

/** k = lines completed at `position`, n = lines that ran; `partial` when the cursor is inside a line. */
export function stepIndex(spans: readonly LineSpan[], position: number): { k: number; n: number; partial: boolean } {
  const k = endedBy(spans, position);
  return { k, n: spans.length, partial: insideSpan(spans, k, position) };
}

/** The scenario line the cursor stands on: the line of the last applied event, or -1 at the start. */
export function currentLine(sim: Pick<Simulation, 'position' | 'lineOf'>): number {
  for (let i = sim.position - 1; i >= 0; i--) {
    const line = sim.lineOf(i);
    if (line >= 0) return line;
  }
  return -1;
}

/**
 * Where "the last step" began, for marking what it changed: the first event of the last operation line
 * completed at `position` (expect lines in between change nothing), or `position - 1` when the cursor
 * stands inside a line (the debugger stepping into events, a click on the timeline). Null at the start.
 */
export function lastStepStart(sim: Pick<Simulation, 'lineSpans' | 'kindOf'>, position: number, spans: readonly LineSpan[] = stepSpans(sim)): number | null {
  if (position <= 0) return null;
  const ended = endedBy(spans, position);
  if (insideSpan(spans, ended, position)) return position - 1;
  const best = spans[ended - 1];
  if (!best) return position - 1;
  // Only expect events lie between the line's end and the cursor, else the cursor is mid-way elsewhere.
  for (let i = best.end; i < position; i++) if (sim.kindOf(i) !== 'expect') return position - 1;
  return best.first;
}
