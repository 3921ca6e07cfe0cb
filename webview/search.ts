// Timeline search: which events match the search text (a function, a task or namespace lane, an errno label, or
// the text of the scenario line) and the kind filter, counted and stepped through with wrap-around.
import { EVENT_KINDS, NO_LANE } from './protocol';
import type { RunModel } from './model';
import type { Matcher } from './state';

/** A matcher for `query` and `kindName` ('' for any kind) over `runs`, or null when both are empty. */
export function buildMatcher(runs: readonly RunModel[], query: string, kindName: string): Matcher | null {
  const text = query.trim().toLowerCase();
  const kind = kindName ? EVENT_KINDS.indexOf(kindName as (typeof EVENT_KINDS)[number]) : -1;
  if (!text && kind < 0) return null;
  // Per run, the names that match are looked up once, so testing an event is a few array reads.
  const tables = new Map<RunModel, { fn: Uint8Array; lane: Uint8Array; label: Uint8Array; lines: Set<number> }>();
  for (const run of runs) {
    const h = run.header;
    const fn = Uint8Array.from(h.functions, (f) => (text && f.toLowerCase().includes(text) ? 1 : 0));
    const lane = Uint8Array.from(h.lanes, (l) => (text && (l.id.toLowerCase() === text || l.label.toLowerCase() === text) ? 1 : 0));
    const label = Uint8Array.from(h.labels, (l) => (text && l && l.toLowerCase() === text ? 1 : 0));
    const lines = new Set<number>();
    if (text) run.lines.split('\n').forEach((src, ln) => { if (src && src.toLowerCase().includes(text)) lines.add(ln); });
    tables.set(run, { fn, lane, label, lines });
  }
  return (run, i) => {
    if (kind >= 0 && run.kind[i] !== kind) return false;
    if (!text) return true;
    const t = tables.get(run)!;
    return t.fn[run.fn[i]] === 1 || (run.lane[i] !== NO_LANE && t.lane[run.lane[i]] === 1) || t.label[run.label[i]] === 1 || t.lines.has(run.line[i]);
  };
}

export function countMatches(runs: readonly RunModel[], matcher: Matcher): number {
  let count = 0;
  for (const run of runs) for (let i = 0; i < run.n; i++) if (matcher(run, i)) count++;
  return count;
}

/** The next matching event after `from` in `direction`, wrapping around the run; -1 when none matches. */
export function nextMatch(run: RunModel, matcher: Matcher, from: number, direction: 1 | -1): number {
  let i = from;
  for (let step = 0; step < run.n; step++) {
    i += direction;
    if (i >= run.n) i = 0;
    if (i < 0) i = run.n - 1;
    if (matcher(run, i)) return i;
  }
  return -1;
}
