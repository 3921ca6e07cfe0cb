// Compare: one scenario run under several profiles (a patch on and off, kernel versions, arches; designs
// later), per line what each run did and in which aspects they differ, the first line that differs, and
// the first event where two logs part. compareReport.ts and compareHtml.ts show the result.

import type { LineOutcome, RunOptions, ScenarioRun } from '../scenario/api';
import { runScenario } from '../scenario/index';
import type { SimEvent, Simulation } from '../sim/api';
import { formatHostOffset, formatTimespec, subTimespec } from '../scenario/values';
import { buildNote, buildStatusOf, FORCED_BUILD } from '../sim/build';
import { ARM64_PATCHES, type Arm64PatchId, type Profile, type Timespec } from '../sim/types';

export interface ProfileChoice {
  readonly label: string;
  readonly options: Pick<RunOptions, 'arch' | 'kernel' | 'disabledPatches' | 'forcedBuild' | 'design'>;
}

/** What one line did, in words that can be compared: each field is one aspect. */
export interface LineSummary {
  readonly ret: string;
  readonly errno: string;
  readonly signal: string;
  /** Clock reads: the value ('1086400.000000000'), its offset from the host clock ('host + 86400s'), a vDSO read's
   *  second answer, as value = offset (OpResult clock.carried: sim/offset64.ts vdsoAddOffset), and the path taken. */
  readonly clockValue: string;
  readonly clockOffset: string;
  readonly clockCarried: string;
  readonly clockPath: string;
  readonly placement: string;        // 'time ns#1 / children ns#1'
  readonly text: string;
  readonly expect: string;           // 'held' / 'failed: …' for expect lines
  /** Why the model did not run the line (an operation the design leaves undefined, or one not modelled). */
  readonly refused: string;
}

/** What a comparison compares; a clock's value is shown, and compared as its offset from the host clock (the hosts of
 *  two runs may differ where the offsets do not). */
export type Aspect = Exclude<keyof LineSummary, 'clockValue'> | 'ran';

export interface LineComparison {
  readonly line: number;             // 0-based
  readonly source: string;
  readonly a: LineSummary | null;    // null: the line did not run in A (stopped earlier)
  readonly b: LineSummary | null;
  readonly differs: readonly Aspect[];
}

export interface EventDivergence {
  readonly eventA: number;           // index in A's log (may equal eventCount: A ended)
  readonly eventB: number;
  readonly line: number;             // scenario line of the diverging event (of A, else of B)
  readonly describeA: string;
  readonly describeB: string;
}

/** One run of the scenario, under one column's profile. */
export interface CompareColumn {
  readonly label: string;
  readonly run: ScenarioRun;
}

/** One scenario line across N runs: each run's summary (null: the line did not run there). */
export interface TableRow {
  readonly line: number;             // 0-based
  readonly source: string;
  readonly cells: readonly (LineSummary | null)[];
  /** Aspects in which the cells are not all equal (a missing cell differs in 'ran'). */
  readonly differs: readonly Aspect[];
}

/** A comparison of N runs of one scenario, the form every view shows (the report, the webview, the CLI). */
export interface CompareTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly rows: readonly TableRow[];
  /** The first row whose operation results differ (an expect line only when nothing above it differs). */
  readonly first: TableRow | null;
  /** Where the event logs of the first two columns part (null: identical, or one column). */
  readonly firstEvent: EventDivergence | null;
  /** Per column: why its kernel does not build, or that it ran as a forced build ('' for a kernel that builds). */
  readonly buildNotes?: readonly string[];
}

export interface Comparison {
  readonly file: string;
  readonly a: CompareColumn;
  readonly b: CompareColumn;
  readonly lines: readonly LineComparison[];
  readonly firstLine: LineComparison | null;
  readonly firstEvent: EventDivergence | null;
  /** What the timeline comparison view marks: the first differing line and its events. */
  readonly divergence: { readonly line: number; readonly eventA: number; readonly eventB: number } | null;
  /** The same comparison as a table of two columns. */
  readonly table: CompareTable;
}

// ---------------------------------------------------------------------------------------------

export function profileLabel(p: Pick<Profile, 'arch' | 'kernel' | 'disabledPatches' | 'forcedBuild'>): string {
  const base = `${p.arch} ${p.kernel}`;
  if (p.disabledPatches.length === 0) return base;
  const names = p.disabledPatches.map((id) => {
    const patch = ARM64_PATCHES.find((x) => x.id === id);
    return patch ? `${patch.n}/6 ${id}` : id;
  });
  const build = buildStatusOf(p);
  return `${base} without patch ${names.join(', ')}${build.builds ? '' : build.forced ? ` (${FORCED_BUILD})` : ' (does not build)'}`;
}

/** The profile pair "this arm64 patch on / off" for a scenario whose own profile is `base`; `forced`: run the
 *  patch-off kernel as a forced build where it does not build. */
export function patchOffChoices(base: Profile, id: Arm64PatchId, forced = false): [ProfileChoice, ProfileChoice] {
  const on = { arch: base.arch, kernel: base.kernel, disabledPatches: base.disabledPatches.filter((x) => x !== id), ...(base.forcedBuild ? { forcedBuild: true } : {}) };
  const off = { ...on, disabledPatches: [...on.disabledPatches, id], ...(forced ? { forcedBuild: true } : {}) };
  return [{ label: profileLabel(on), options: on }, { label: profileLabel(off), options: off }];
}

/** A clock value as the other views show it: the value and its offset from the host clock at the read. */
function clockRead(t: Timespec, host: Timespec): string {
  return `${formatTimespec(t)} = ${formatHostOffset(subTimespec(t, host))}`;
}

export function summarizeOutcome(o: LineOutcome): LineSummary {
  const r = o.result;
  return {
    ret: r.ret === null ? '—' : String(r.ret),
    errno: r.errno ?? '',
    signal: r.signal ?? '',
    clockValue: r.clock ? formatTimespec(r.clock.value) : '',
    clockOffset: r.clock ? formatHostOffset(subTimespec(r.clock.value, r.clock.host)) : '',
    clockCarried: r.clock?.carried ? clockRead(r.clock.carried, r.clock.host) : '',
    clockPath: r.stuck ? 'vdso-stuck' : r.clock?.path ?? '',
    placement: o.time_ns === null ? '' : `time ${o.time_ns} / children ${o.time_ns_for_children ?? '?'}`,
    text: r.text ?? '',
    expect: '',
    refused: r.refused ?? '',
  };
}

const EMPTY: LineSummary = { ret: '', errno: '', signal: '', clockValue: '', clockOffset: '', clockCarried: '', clockPath: '', placement: '', text: '', expect: '', refused: '' };
export const ASPECTS: readonly Exclude<Aspect, 'ran'>[] = ['refused', 'errno', 'signal', 'ret', 'clockOffset', 'clockCarried', 'clockPath', 'placement', 'text', 'expect'];

function lineSummaries(run: ScenarioRun): Map<number, LineSummary> {
  const out = new Map<number, LineSummary>();
  for (const o of run.outcomes) out.set(o.line, summarizeOutcome(o));
  for (const e of run.expectations) out.set(e.expectation.line, { ...EMPTY, expect: e.passed ? 'held' : `failed: ${e.actual}` });
  return out;
}

/** One line per event that two runs can share: what happened, where, to whom, with which outcome. */
export function eventSignature(e: SimEvent): string {
  return [e.kind, e.fn, e.task ?? '', e.line, e.errno ?? '', e.signal ?? '', e.page ? `${e.page.vma}[${e.page.index}]=${e.page.phys ?? '∅'}` : '',
    e.result ? `${e.result.ret}/${e.result.errno ?? ''}/${e.result.signal ?? ''}/${e.result.clock?.path ?? ''}` : '',
    e.passed === undefined ? '' : String(e.passed)].join('|');
}

export function describeEvent(sim: Simulation, index: number): string {
  if (index >= sim.eventCount) return `(end of the log: ${sim.eventCount} events)`;
  const e = sim.event(index);
  return `#${index} ${e.kind} ${e.fn}${e.task ? ` [${e.task}]` : ''}: ${e.summary}`;
}

export function firstEventDivergence(a: Simulation, b: Simulation): EventDivergence | null {
  const n = Math.min(a.eventCount, b.eventCount);
  let i = 0;
  while (i < n && eventSignature(a.event(i)) === eventSignature(b.event(i))) i++;
  if (i === n && a.eventCount === b.eventCount) return null;
  const line = i < a.eventCount ? a.lineOf(i) : i < b.eventCount ? b.lineOf(i) : -1;
  return { eventA: i, eventB: i, line, describeA: describeEvent(a, i), describeB: describeEvent(b, i) };
}

/** Compares N finished runs of one scenario text; `text` (when given) supplies the lines as written. */
export function compareColumns(columns: readonly CompareColumn[], text?: string): CompareTable {
  const run0 = columns[0]?.run;
  const textLines = text !== undefined ? text.split(/\r?\n/) : run0 ? sourceLines(run0) : [];
  const summaries = columns.map((c) => lineSummaries(c.run));
  const all = [...new Set(summaries.flatMap((m) => [...m.keys()]))].sort((x, y) => x - y);
  const rows: TableRow[] = all.map((line) => {
    const cells = summaries.map((m) => m.get(line) ?? null);
    const present = cells.filter((c): c is LineSummary => c !== null);
    const differs: Aspect[] = present.length < cells.length && present.length > 0 ? ['ran'] : [];
    for (const k of ASPECTS) if (present.some((c) => c[k] !== present[0][k])) differs.push(k);
    return { line, source: textLines[line] ?? '', cells, differs };
  });
  // An expect line differs because the line above it did; the first *operation* line is the real answer.
  const first = rows.find((r) => r.differs.length > 0 && !(r.differs.length === 1 && r.differs[0] === 'expect')) ?? rows.find((r) => r.differs.length > 0) ?? null;
  const firstEvent = columns.length >= 2 ? firstEventDivergence(columns[0].run.sim, columns[1].run.sim) : null;
  const buildNotes = columns.map((c) => buildNote(buildStatusOf(c.run.profile)));
  return { file: run0?.parsed.file ?? '', columns: columns.map((c) => c.label), rows, first, firstEvent, ...(buildNotes.some(Boolean) ? { buildNotes } : {}) };
}

/** Compares two finished runs of the same scenario text. */
export function compareRuns(a: CompareColumn, b: CompareColumn, text?: string): Comparison {
  const table = compareColumns([a, b], text);
  const toLine = (r: TableRow): LineComparison => ({ line: r.line, source: r.source, a: r.cells[0], b: r.cells[1], differs: r.differs });
  const lines = table.rows.map(toLine);
  const firstLine = table.first ? toLine(table.first) : null;
  const firstEvent = table.firstEvent;
  let divergence: Comparison['divergence'] = null;
  if (firstLine) {
    const spanA = a.run.sim.lineSpans().find((s) => s.line === firstLine.line);
    const spanB = b.run.sim.lineSpans().find((s) => s.line === firstLine.line);
    const useEvent = firstEvent !== null && firstEvent.line === firstLine.line;
    divergence = {
      line: firstLine.line,
      eventA: useEvent ? firstEvent.eventA : spanA?.first ?? Math.min(firstEvent?.eventA ?? 0, a.run.sim.eventCount),
      eventB: useEvent ? firstEvent.eventB : spanB?.first ?? Math.min(firstEvent?.eventB ?? 0, b.run.sim.eventCount),
    };
  } else if (firstEvent) {
    divergence = { line: firstEvent.line, eventA: firstEvent.eventA, eventB: firstEvent.eventB };
  }
  return { file: table.file, a, b, lines, firstLine, firstEvent, divergence, table };
}

/** Runs `text` under both profiles and compares. */
export function compareScenario(text: string, file: string, a: ProfileChoice, b: ProfileChoice): Comparison {
  const runA = runScenario(text, { file, ...a.options });
  const runB = runScenario(text, { file, ...b.options });
  return compareRuns({ label: a.label, run: runA }, { label: b.label, run: runB }, text);
}

/** Runs `text` under every profile and compares them all (one column each). */
export function compareScenarioN(text: string, file: string, choices: readonly ProfileChoice[]): CompareTable {
  return compareColumns(choices.map((c) => ({ label: c.label, run: runScenario(text, { file, ...c.options }) })), text);
}
function sourceLines(run: ScenarioRun): string[] {
  // The parsed scenario keeps tokens per line; rebuild each line's text from them (spacing preserved by columns).
  return run.parsed.tokens.map((toks) => {
    let s = '';
    for (const t of toks) {
      while (s.length < t.range.col) s += ' ';
      s += t.text;
    }
    return s;
  });
}

