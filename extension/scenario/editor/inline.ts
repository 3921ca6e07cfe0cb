// What the editor writes at the end of each scenario line after a run: the result of the line (return
// value or errno, signal, clock value as host + offset, bytes read), the namespaces the task is now in,
// and for `expect` lines whether they held. Pure: the VS Code side only turns these into decorations.

import type { ExpectOutcome, LineOutcome, ScenarioRun } from '../api';
import type { LineSpan } from '../../sim/api';
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
  const spans = new Map<number, LineSpan>();
  for (const span of run.sim.lineSpans()) spans.set(span.line, span);
  const out: InlineResultAt[] = [];
  for (const outcome of run.outcomes) {
    const { text, tone } = lineOutcomeText(outcome);
    const span = spans.get(outcome.line);
    out.push({
      line: outcome.line, text, tone,
      reachedAt: span ? span.end : 0,
      detail: `${outcome.step.task ? `${outcome.step.task}: ` : ''}${outcome.step.operation.op} → ${formatReturn(outcome.result, true)}`,
    });
  }
  const ranLines = [...spans.values()].sort((a, b) => a.line - b.line);
  let s = 0;
  let reachedAt = 0;
  // Expectations come in line order: one pass over the lines that ran.
  for (const e of [...run.expectations].sort((a, b) => a.expectation.line - b.expectation.line)) {
    const { text, tone } = expectOutcomeText(e);
    // The expectation is checked against the state after the last line that ran above it.
    while (s < ranLines.length && ranLines[s].line < e.expectation.line) reachedAt = ranLines[s++].end;
    out.push({ line: e.expectation.line, text, tone, reachedAt, detail: e.message });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Inline results at cursor `position`. */
export function inlineResults(run: ScenarioRun, position: number): InlineResult[] {
  return inlineResultsAt(run).map(({ reachedAt, ...r }) => ({ ...r, reached: reachedAt <= position }));
}
