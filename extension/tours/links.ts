// Links between patch hunks and the model: the kernel functions a hunk touches, the events of a run
// that stand for those functions (a hunk changing vvar_fault → the fault events), and back.

import type { SimEvent, Simulation } from '../sim/api';
import { FOLLOW_UPS, FUNCTION_EVENT_KINDS, SERIES_KNOWLEDGE } from './knowledge';
import { indexedHunks } from './importHost';
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

/**
 * Entries as they travel in the import's summaries and stay on the host: a first line with every function the
 * entries name, then one line per hunk, `file hunk fn fn…`, a tab and the header (names are identifiers; a header
 * is one line); '' for none. One string per message: as arrays (a tuple, its header, its functions and their
 * names per hunk) they made the host's heap half as large again during an import, and its collections blocked it.
 */
export function encodeEntries(entries: readonly HunkEntry[]): string {
  if (entries.length === 0) return '';
  const names = [...new Set(entries.flatMap((e) => e.functions))];
  return [names.join(' '), ...entries.map((e) => `${e.file} ${e.hunk} ${e.functions.join(' ')}\t${e.header}`)].join('\n');
}

/** Calls `each` for every entry of `text` that names a function `keep` accepts (all when it is absent), with those functions. */
function eachEntry(text: string, each: (e: HunkEntry) => void, keep?: (f: string) => boolean): void {
  for (let at = text.indexOf('\n') + 1; at > 0;) {
    const end = text.indexOf('\n', at);
    const tab = text.indexOf('\t', at);
    const words = text.slice(at, tab).split(' ');
    const hit: string[] = [];
    for (let k = 2; k < words.length; k++) if (!keep || keep(words[k])) hit.push(words[k]);
    if (hit.length > 0) each({ file: Number(words[0]), hunk: Number(words[1]), header: text.slice(tab + 1, end < 0 ? text.length : end), functions: hit });
    at = end + 1;
  }
}

export function decodeEntries(text: string): HunkEntry[] {
  const out: HunkEntry[] = [];
  eachEntry(text, (e) => out.push(e));
  return out;
}

/** The encoded entries of a message parsed in this thread, made once per message. */
const entriesOfParsed = new WeakMap<SeriesMessage, string>();

/** A message's encoded entries: an imported one's as its worker listed them (its text is not read), else made here. */
function entriesOf(m: SeriesMessage): string {
  const listed = indexedHunks(m);
  if (listed !== undefined) return listed;
  let made = entriesOfParsed.get(m);
  if (made === undefined) entriesOfParsed.set(m, made = encodeEntries(hunkEntries(m)));
  return made;
}

/** For each function, the patches (by place) whose entries name it; made at a series' first lookup, kept with its list of patches. */
const patchesByFunction = new WeakMap<readonly SeriesMessage[], ReadonlyMap<string, readonly number[]>>();

/** How many patches a lookup in slices looks at before it reads the clock. It pauses by time, not by a count of
 *  patches: the first lookup parses the hunks of patches the import did not index, and 1,000 patches took 1-65 ms. */
const SLICE_PATCHES = 64;
/** A lookup in slices pauses once it has worked this long (the host's other work runs in between). */
const SLICE_MS = 4;

function* postingsOf(patches: readonly SeriesMessage[]): Generator<void, ReadonlyMap<string, readonly number[]>> {
  let made = patchesByFunction.get(patches);
  if (made) return made;
  const out = new Map<string, number[]>();
  for (let i = 0; i < patches.length; i++) {
    if (i > 0 && i % SLICE_PATCHES === 0) yield;
    const text = entriesOf(patches[i]);
    if (text === '') continue;
    for (const f of text.slice(0, text.indexOf('\n')).split(' ')) {
      const list = out.get(f);
      if (list) list.push(i);
      else out.set(f, [i]);
    }
  }
  patchesByFunction.set(patches, made = out);
  return made;
}

/** The functions FUNCTION_EVENT_KINDS maps to each event kind. */
const KIND_FUNCTIONS: ReadonlyMap<string, readonly string[]> = (() => {
  const out = new Map<string, string[]>();
  for (const [f, kinds] of Object.entries(FUNCTION_EVENT_KINDS)) for (const k of kinds) out.set(k, [...(out.get(k) ?? []), f]);
  return out;
})();

/** The functions of `functions` an event of function `fn` and call stack `frames` mentions. */
function mentioned(fn: string, frames: readonly string[], functions: readonly string[]): string[] {
  return functions.filter((f) => fn === f || frames.includes(f));
}

/**
 * Indices of the events of `sim` that stand for any of `functions`, in log order. Read from the stack and kind
 * columns alone (no event is built), each distinct stack looked at once.
 */
export function eventsForFunctions(sim: Pick<Simulation, 'eventCount' | 'eventsWithStack' | 'kindOf'>, functions: readonly string[]): number[] {
  const byStack = new Set<string>();
  const onStack = sim.eventsWithStack((stack, fn) => {
    const found = mentioned(fn, stack, functions);
    for (const f of found) byStack.add(f);
    return found.length > 0;
  });
  // Functions the model does not put on its call stacks are represented by event kinds.
  const kinds = new Set(functions.filter((f) => !byStack.has(f)).flatMap((f) => FUNCTION_EVENT_KINDS[f] ?? []));
  if (kinds.size === 0) return onStack;
  const out: number[] = [];
  for (let i = 0, k = 0; i < sim.eventCount; i++) {
    const hit = onStack[k] === i;
    if (hit) k++;
    if (hit || kinds.has(sim.kindOf(i))) out.push(i);
  }
  return out;
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

/** The work of hunksForEvent, pausing (yield) after every SLICE_PATCHES patches it looks at. */
function* lookup(series: PatchSeries, e: SimEvent): Generator<void, HunkRef[]> {
  // The functions that stand for the event: on its call stack, or mapped to its kind.
  const wanted = new Set([e.fn, ...e.stack, ...(KIND_FUNCTIONS.get(e.kind) ?? [])]);
  wanted.delete('');
  const keep = (f: string) => wanted.has(f);
  const patches = series.patches;
  // The patches that name one of the functions, in order (a patch may name several).
  const postings = yield* postingsOf(patches);
  const named = new Uint8Array(patches.length);
  for (const f of wanted) for (const i of postings.get(f) ?? []) named[i] = 1;
  const out: HunkRef[] = [];
  let looked = 0;
  for (let patchIndex = named.indexOf(1); patchIndex >= 0; patchIndex = named.indexOf(1, patchIndex + 1)) {
    if (++looked % SLICE_PATCHES === 0) yield;
    const patch = patches[patchIndex];
    eachEntry(entriesOf(patch), (h) => out.push({ patch, patchIndex, fileIndex: h.file, hunkIndex: h.hunk, header: h.header, functions: h.functions as string[] }), keep);
  }
  return out;
}

/**
 * The hunks of a series that stand for an event: their functions are on its call stack or map to its kind.
 * Answered from the hunks' entries, so an imported series is not read again (hunkOf reads the one picked).
 */
export function hunksForEvent(series: PatchSeries, e: SimEvent): HunkRef[] {
  const steps = lookup(series, e);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * hunksForEvent for the extension host: the same answer, with a pause whenever it has worked SLICE_MS so that no
 * part of it holds the host's event loop long (an event half of 43,591 patches touch took 40-60 ms in one go).
 */
export async function hunksForEventInSlices(series: PatchSeries, e: SimEvent, pause = (): Promise<void> => new Promise((r) => setImmediate(r)), sliceMs = SLICE_MS): Promise<HunkRef[]> {
  const steps = lookup(series, e);
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await pause();
      sliceStart = performance.now();
    }
  }
}

/** The file and hunk a found hunk names (this reads its patch); undefined if the patch no longer has them. */
export function hunkOf(ref: HunkRef): { file: FileDiff; hunk: Hunk } | undefined {
  const file = ref.patch.patch?.files[ref.fileIndex];
  const hunk = file?.hunks[ref.hunkIndex];
  return file && hunk ? { file, hunk } : undefined;
}
