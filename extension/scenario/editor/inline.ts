// What the editor writes at the end of each scenario line after a run: the result of the line (return
// value or errno, signal, clock value as host + offset, bytes read), the namespaces the task is now in,
// and for `expect` lines whether they held. Pure: the VS Code side only turns these into decorations.

import type { ExpectOutcome, LineEdit, LineOutcome, ScenarioRun } from '../api';
import { formatReturn, resultParts } from './format';

export type InlineTone = 'ok' | 'error' | 'signal' | 'expect-pass' | 'expect-fail';

export interface InlineResult {
  readonly line: number;
  readonly text: string;
  readonly tone: InlineTone;
  /** False when the simulation cursor has not reached this line yet (stepping, time travel). */
  readonly reached: boolean;
  /** A longer explanation for the decoration's hover. */
  readonly detail: string;
  /** The result of the text before the last edit, drawn until the run of the new text lands. */
  readonly stale?: boolean;
}

export function lineOutcomeText(outcome: LineOutcome): { text: string; tone: InlineTone } {
  const r = outcome.result;
  const parts = [`→ ${formatReturn(r)}`, ...resultParts(r, 48)];
  const ns = namespacesText(outcome);
  if (ns) parts.push(ns);
  const tone: InlineTone = r.signal ? 'signal' : r.errno ? 'error' : 'ok';
  return { text: parts.join(' · '), tone };
}

/** `in ns#1`, or `in ns#0, tfc ns#1` while the two differ (after unshare, before the task enters). */
export function namespacesText(outcome: Pick<LineOutcome, 'time_ns' | 'time_ns_for_children'>): string {
  if (!outcome.time_ns) return '';
  if (!outcome.time_ns_for_children || outcome.time_ns_for_children === outcome.time_ns) return `in ${outcome.time_ns}`;
  return `in ${outcome.time_ns}, tfc ${outcome.time_ns_for_children}`;
}

export function expectOutcomeText(outcome: ExpectOutcome): { text: string; tone: InlineTone } {
  if (outcome.passed) return { text: `✓ held${outcome.actual ? ` (${outcome.actual})` : ''}`, tone: 'expect-pass' };
  return { text: `✗ failed: got ${outcome.actual || '?'}`, tone: 'expect-fail' };
}

/** An inline result with the position from which it counts as reached (the views compare it with the cursor). */
export type InlineResultAt = Omit<InlineResult, 'reached'> & { readonly reachedAt: number };

/**
 * Inline results for every line that ran, each reached when the cursor (event position) has passed the line's
 * last event. An expect line counts as reached when the line above it has.
 */
export function inlineResultsAt(run: ScenarioRun): InlineResultAt[] {
  return new InlineIndex(run).between(0, Infinity);
}

/**
 * The inline results of a run, made for a window of lines at a time: the editor asks for what is on screen,
 * and formatting every line of a 10^5-line run cost more than the run's diagnostics (issue 12).
 */
export class InlineIndex {
  private readonly outcomes: readonly LineOutcome[];
  private readonly expectations: readonly ExpectOutcome[];
  /** The lines that ran and the end of each one's events, in line order. */
  private readonly spanLine: number[] = [];
  private readonly spanEnd: number[] = [];

  constructor(run: ScenarioRun) {
    // The runner makes both in line order; a run made some other way is sorted once here.
    this.outcomes = inOrder(run.outcomes, (o) => o.line);
    this.expectations = inOrder(run.expectations, (e) => e.expectation.line);
    for (const span of inOrder(run.sim.lineSpans(), (s) => s.line)) {
      this.spanLine.push(span.line);
      this.spanEnd.push(span.end);
    }
  }

  /** Results of lines [from, to), in line order. */
  between(from: number, to: number): InlineResultAt[] {
    const out: InlineResultAt[] = [];
    for (let i = lowerBound(this.outcomes.length, (k) => this.outcomes[k]!.line < from); i < this.outcomes.length; i++) {
      const outcome = this.outcomes[i]!;
      if (outcome.line >= to) break;
      const { text, tone } = lineOutcomeText(outcome);
      const k = lowerBound(this.spanLine.length, (j) => this.spanLine[j]! < outcome.line);
      out.push({
        line: outcome.line, text, tone,
        reachedAt: this.spanLine[k] === outcome.line ? this.spanEnd[k]! : 0,
        detail: `${outcome.step.task ? `${outcome.step.task}: ` : ''}${outcome.step.operation.op} → ${formatReturn(outcome.result, true)}`,
      });
    }
    for (let i = lowerBound(this.expectations.length, (k) => this.expectations[k]!.expectation.line < from); i < this.expectations.length; i++) {
      const e = this.expectations[i]!;
      if (e.expectation.line >= to) break;
      const { text, tone } = expectOutcomeText(e);
      // The expectation is checked against the state after the last line that ran above it.
      const k = lowerBound(this.spanLine.length, (j) => this.spanLine[j]! < e.expectation.line);
      out.push({ line: e.expectation.line, text, tone, reachedAt: k > 0 ? this.spanEnd[k - 1]! : 0, detail: e.message });
    }
    return out.sort((a, b) => a.line - b.line);
  }
}

/** The first index in [0, n) where `before` is false (`before` must be true then false along the indices). */
function lowerBound(n: number, before: (k: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (before(mid)) lo = mid + 1; else hi = mid; }
  return lo;
}

function inOrder<T>(xs: readonly T[], line: (x: T) => number): readonly T[] {
  for (let i = 1; i < xs.length; i++) if (line(xs[i - 1]!) > line(xs[i]!)) return [...xs].sort((a, b) => line(a) - line(b));
  return xs;
}

/** Inline results at cursor `position`. */
export function inlineResults(run: ScenarioRun, position: number): InlineResult[] {
  return inlineResultsAt(run).map(({ reachedAt, ...r }) => ({ ...r, reached: reachedAt <= position }));
}

/**
 * Results of an earlier text carried through edits, to stay drawn (as stale) until the run of the new text lands:
 * a line after an edit moves with it, a line the edit touched loses its result. Whole lines pasted or deleted
 * (from the start of a line to the start of another, with text that ends a line) leave the line after them as it
 * was, so it keeps its result. Changes apply in the order given (each on the text the one before left), as VS Code's
 * document applies an event's changes.
 */
export function shiftResults<L extends { readonly line: number }>(lines: readonly L[], edits: readonly LineEdit[]): L[] {
  let out: L[] = [...lines];
  for (const e of edits) {
    let added = 0;
    for (let i = e.text.indexOf('\n'); i >= 0; i = e.text.indexOf('\n', i + 1)) added++;
    const wholeLines = e.col === 0 && e.endCol === 0 && (e.text === '' || e.text.endsWith('\n'));
    // The lines whose text the edit changed, as they were.
    const firstTouched = e.line;
    const lastTouched = wholeLines ? e.endLine - 1 : e.endLine;
    const shift = added - (e.endLine - e.line);
    const next: L[] = [];
    for (const r of out) {
      if (r.line < firstTouched) next.push(r);
      else if (r.line > lastTouched) next.push({ ...r, line: r.line + shift });
    }
    out = next;
  }
  return out;
}
