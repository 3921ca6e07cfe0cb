// Links between patch hunks and the model: the kernel functions a hunk touches, the events of a run
// that stand for those functions (a hunk changing vvar_fault → the fault events), and back.

import type { SimEvent, Simulation } from '../sim/api';
import { FOLLOW_UPS, FUNCTION_EVENT_KINDS, SERIES_KNOWLEDGE } from './knowledge';
import { indexedHunks } from './importProtocol';
import { callNames, type FileDiff, type Hunk } from './patch';
import type { PatchSeries, SeriesMessage } from './series';

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

/**
 * One hunk of a patch as the lookup of an event's hunks needs it, known without the patch's text: where it is
 * (file and hunk index), its header line and the functions it stands for (functionsOfHunk).
 */
export interface HunkEntry {
  readonly file: number;
  readonly hunk: number;
  readonly header: string;
  readonly functions: readonly string[];
}

/** The hunks of a message that stand for a function, in order: a hunk that stands for none is never found. */
export function hunkEntries(m: SeriesMessage): HunkEntry[] {
  const out: HunkEntry[] = [];
  (m.patch?.files ?? []).forEach((file, fi) => file.hunks.forEach((hunk, hi) => {
    const functions = functionsOfHunk(hunk);
    if (functions.length > 0) out.push({ file: fi, hunk: hi, header: hunk.header, functions });
  }));
  return out;
}

/** The entries of a message parsed in this thread, made once per message. */
const entriesOfParsed = new WeakMap<SeriesMessage, readonly HunkEntry[]>();

/** A message's hunk entries: an imported one's as its worker listed them (its text is not read), else made here. */
function entriesOf(m: SeriesMessage): readonly HunkEntry[] {
  const listed = indexedHunks(m);
  if (listed) return listed;
  let made = entriesOfParsed.get(m);
  if (!made) entriesOfParsed.set(m, made = hunkEntries(m));
  return made;
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

/** A hunk found for an event: its patch and place in the series, its header, and its functions that stand for the event. */
export interface HunkRef {
  readonly patch: SeriesMessage;
  readonly patchIndex: number;
  readonly fileIndex: number;
  readonly hunkIndex: number;
  readonly header: string;
  readonly functions: string[];
}

/**
 * The hunks of a series that stand for an event: their functions are on its call stack or map to its kind.
 * Answered from the hunks' entries, so an imported series is not read again (hunkOf reads the one picked).
 */
export function hunksForEvent(series: PatchSeries, e: SimEvent): HunkRef[] {
  const out: HunkRef[] = [];
  const patches = series.patches;
  for (let patchIndex = 0; patchIndex < patches.length; patchIndex++) {
    const patch = patches[patchIndex];
    for (const h of entriesOf(patch)) {
      const hit = h.functions.filter((f) => standsFor(e, f));
      if (hit.length > 0) out.push({ patch, patchIndex, fileIndex: h.file, hunkIndex: h.hunk, header: h.header, functions: hit });
    }
  }
  return out;
}

/** The file and hunk a found hunk names (this reads its patch); undefined if the patch no longer has them. */
export function hunkOf(ref: HunkRef): { file: FileDiff; hunk: Hunk } | undefined {
  const file = ref.patch.patch?.files[ref.fileIndex];
  const hunk = file?.hunks[ref.hunkIndex];
  return file && hunk ? { file, hunk } : undefined;
}
