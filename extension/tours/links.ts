// Links between patch hunks and the model: the kernel functions a hunk touches, the events of a run
// that stand for those functions (a hunk changing vvar_fault → the fault events), and back.

import type { SimEvent, Simulation } from '../sim/api';
import { FOLLOW_UPS, FUNCTION_EVENT_KINDS, SERIES_KNOWLEDGE } from './knowledge';
import { indexedFunctions } from './importProtocol';
import { callNames, type FileDiff, type Hunk } from './patch';
import { allHunks, type PatchSeries, type SeriesMessage } from './series';

/** Every kernel function the bundled knowledge names: what a changed line may mention. */
export const KNOWN_FUNCTIONS: ReadonlySet<string> = new Set([
  ...SERIES_KNOWLEDGE.flatMap((s) => s.patches.flatMap((p) => p.functions)),
  ...FOLLOW_UPS.flatMap((p) => p.functions),
  ...Object.keys(FUNCTION_EVENT_KINDS),
]);

/** The functions a hunk is in or defines, plus known kernel functions its changed lines call. */
export function functionsOfHunk(hunk: Hunk, extra: Iterable<string> = []): string[] {
  const more = [...extra];
  const known = more.length === 0 ? KNOWN_FUNCTIONS : new Set([...KNOWN_FUNCTIONS, ...more]);
  const out = [...hunk.functions];
  if (hunk.lineCount === 0) return out;
  // The changed lines ('+' or '-' first) with a '(' in them, found in the hunk's text: the import lists the
  // functions of every hunk, and splitting each into line objects (hunkLines) cost it a tenth of its time.
  const body = hunk.body;
  for (let at = 0; at <= body.length;) {
    let end = body.indexOf('\n', at);
    if (end < 0) end = body.length;
    const c = body.charCodeAt(at);
    const paren = c === 0x2b || c === 0x2d ? body.indexOf('(', at + 1) : -1;
    if (paren >= 0 && paren < end) {
      for (const name of callNames(body.slice(at + 1, end))) if (known.has(name) && !out.includes(name)) out.push(name);
    }
    at = end + 1;
  }
  return out;
}

/** Every function any hunk of the message stands for (functionsOfHunk), once each: the import's index. */
export function functionsOfMessage(m: SeriesMessage): string[] {
  const out = new Set<string>();
  for (const { hunk } of allHunks(m)) for (const f of functionsOfHunk(hunk)) out.add(f);
  return [...out];
}

function eventMentions(e: SimEvent, fn: string): boolean {
  return e.fn === fn || e.stack.includes(fn);
}

function standsFor(e: SimEvent, fn: string): boolean {
  return eventMentions(e, fn) || (FUNCTION_EVENT_KINDS[fn] ?? []).includes(e.kind);
}

/** Indices of the events of `sim` that stand for any of `functions`, in log order. */
export function eventsForFunctions(sim: Simulation, functions: readonly string[]): number[] {
  const out: number[] = [];
  const byStack = new Set<string>();
  for (let i = 0; i < sim.eventCount; i++) {
    const e = sim.event(i);
    if (functions.some((f) => eventMentions(e, f))) {
      out.push(i);
      for (const f of functions) if (eventMentions(e, f)) byStack.add(f);
    }
  }
  // Functions the model does not put on its call stacks are represented by event kinds.
  const kinds = new Set(functions.filter((f) => !byStack.has(f)).flatMap((f) => FUNCTION_EVENT_KINDS[f] ?? []));
  if (kinds.size > 0) for (let i = 0; i < sim.eventCount; i++) if (kinds.has(sim.kindOf(i)) && !out.includes(i)) out.push(i);
  return out.sort((a, b) => a - b);
}

/** The hunks of a series that stand for an event: their functions are on its call stack or map to its kind. */
export function hunksForEvent(series: PatchSeries, e: SimEvent): { patch: SeriesMessage; file: FileDiff; hunk: Hunk; functions: string[] }[] {
  const out: { patch: SeriesMessage; file: FileDiff; hunk: Hunk; functions: string[] }[] = [];
  for (const patch of series.patches) {
    // An imported patch says which functions it stands for without being read again from its source.
    const index = indexedFunctions(patch);
    if (index && !index.some((f) => standsFor(e, f))) continue;
    for (const { file, hunk } of allHunks(patch)) {
      const fns = functionsOfHunk(hunk);
      const hit = fns.filter((f) => standsFor(e, f));
      if (hit.length > 0) out.push({ patch, file, hunk, functions: hit });
    }
  }
  return out;
}
