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

/** The position just after the next line that is not complete at `position`; null at the end. */
export function nextLinePosition(spans: readonly LineSpan[], position: number): number | null {
  for (const s of spans) if (s.end > position && s.end > s.first) return s.end;
  return null;
}

/**
 * The position just after the line before the one the cursor stands on (0 = before the first line);
 * null at the start. Inside a line, the start of that line's step: the end of the last complete line.
 */
export function previousLinePosition(spans: readonly LineSpan[], position: number): number | null {
  if (position <= 0) return null;
  const completed = spans.filter((s) => s.end <= position && s.end > s.first).map((s) => s.end).sort((a, b) => a - b);
  const inside = spans.some((s) => s.first < position && position < s.end);
  if (inside) return completed.length ? completed[completed.length - 1] : 0;
  return completed.length >= 2 ? completed[completed.length - 2] : 0;
}

/** k = lines completed at `position`, n = lines that ran; `partial` when the cursor is inside a line. */
export function stepIndex(spans: readonly LineSpan[], position: number): { k: number; n: number; partial: boolean } {
  let k = 0;
  let partial = false;
  for (const s of spans) {
    if (s.end <= position) k++;
    else if (s.first < position) partial = true;
  }
  return { k, n: spans.length, partial };
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
 * The last event at or before `position - 1` whose changes touch `obj` (the event that made the state
 * shown); with `field`, the last one that changed that field, if any did.
 */
export function lastEventChanging(sim: Pick<Simulation, 'event'>, position: number, obj: string, field?: string): number | null {
  let anyField: number | null = null;
  for (let i = position - 1; i >= 0; i--) {
    const changes = sim.event(i).changes.filter((c) => c.obj === obj);
    if (!changes.length) continue;
    if (!field || changes.some((c) => c.field === field || c.field.startsWith(`${field}.`))) return i;
    anyField ??= i;
  }
  return anyField;
}

/**
 * Where "the last step" began, for marking what it changed: the first event of the last operation line
 * completed at `position` (expect lines in between change nothing), or `position - 1` when the cursor
 * stands inside a line (the debugger stepping into events, a click on the timeline). Null at the start.
 */
export function lastStepStart(sim: Pick<Simulation, 'lineSpans' | 'kindOf'>, position: number): number | null {
  if (position <= 0) return null;
  const spans = stepSpans(sim);
  if (spans.some((s) => s.first < position && position < s.end)) return position - 1;
  let best: LineSpan | undefined;
  for (const s of spans) if (s.end <= position && (!best || s.end > best.end)) best = s;
  if (!best) return position - 1;
  // Only expect events lie between the line's end and the cursor, else the cursor is mid-way elsewhere.
  for (let i = best.end; i < position; i++) if (sim.kindOf(i) !== 'expect') return position - 1;
  return best.first;
}
