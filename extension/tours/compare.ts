// Compare: one scenario run under two profiles (a patch on and off, two kernel versions, two arches),
// the first scenario line whose results differ, the first event where the two logs part, and a
// plain-text side-by-side report.

import type { LineOutcome, RunOptions, ScenarioRun } from '../scenario/api';
import { runScenario } from '../scenario/index';
import type { OpResult, SimEvent, Simulation } from '../sim/api';
import { ARM64_PATCHES, type Arm64PatchId, type Profile } from '../sim/types';

export interface ProfileChoice {
  readonly label: string;
  readonly options: Pick<RunOptions, 'arch' | 'kernel' | 'disabledPatches'>;
}

/** What one line did, in words that can be compared: each field is one aspect. */
export interface LineSummary {
  readonly ret: string;
  readonly errno: string;
  readonly signal: string;
  /** Clock reads: the offset from the host clock ('+86400s'), and the path taken. */
  readonly clockOffset: string;
  readonly clockPath: string;
  readonly placement: string;        // 'time ns#1 / children ns#1'
  readonly text: string;
  readonly expect: string;           // 'held' / 'failed: …' for expect lines
}

export type Aspect = keyof LineSummary;

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

export interface Comparison {
  readonly file: string;
  readonly a: { readonly label: string; readonly run: ScenarioRun };
  readonly b: { readonly label: string; readonly run: ScenarioRun };
  readonly lines: readonly LineComparison[];
  readonly firstLine: LineComparison | null;
  readonly firstEvent: EventDivergence | null;
  /** What the timeline comparison view marks: the first differing line and its events. */
  readonly divergence: { readonly line: number; readonly eventA: number; readonly eventB: number } | null;
}

// ---------------------------------------------------------------------------------------------

export function profileLabel(p: Pick<Profile, 'arch' | 'kernel' | 'disabledPatches'>): string {
  const base = `${p.arch} ${p.kernel}`;
  if (p.disabledPatches.length === 0) return base;
  const names = p.disabledPatches.map((id) => {
    const patch = ARM64_PATCHES.find((x) => x.id === id);
    return patch ? `${patch.n}/6 ${id}` : id;
  });
  return `${base} without patch ${names.join(', ')}`;
}

/** The profile pair "this arm64 patch on / off" for a scenario whose own profile is `base`. */
export function patchOffChoices(base: Profile, id: Arm64PatchId): [ProfileChoice, ProfileChoice] {
  const on = { arch: base.arch, kernel: base.kernel, disabledPatches: base.disabledPatches.filter((x) => x !== id) };
  const off = { ...on, disabledPatches: [...on.disabledPatches, id] };
  return [{ label: profileLabel(on), options: on }, { label: profileLabel(off), options: off }];
}

function fmtTime(sec: number, nsec: number): string {
  const total = sec + nsec / 1e9;
  if (nsec === 0) return `${sec}s`;
  return `${total.toFixed(9).replace(/0+$/, '')}s`;
}

function clockOffsetOf(r: OpResult): string {
  if (!r.clock) return '';
  let sec = r.clock.value.sec - r.clock.host.sec;
  let nsec = r.clock.value.nsec - r.clock.host.nsec;
  if (nsec < 0) { sec -= 1; nsec += 1e9; }
  return sec === 0 && nsec === 0 ? 'host' : `host ${sec < 0 ? '-' : '+'} ${fmtTime(Math.abs(sec + (sec < 0 && nsec > 0 ? 1 : 0)), sec < 0 && nsec > 0 ? 1e9 - nsec : nsec)}`;
}

export function summarizeOutcome(o: LineOutcome): LineSummary {
  const r = o.result;
  return {
    ret: r.ret === null ? '—' : String(r.ret),
    errno: r.errno ?? '',
    signal: r.signal ?? '',
    clockOffset: clockOffsetOf(r),
    clockPath: r.clock?.path ?? '',
    placement: o.time_ns === null ? '' : `time ${o.time_ns} / children ${o.time_ns_for_children ?? '?'}`,
    text: r.text ?? '',
    expect: '',
  };
}

const EMPTY: LineSummary = { ret: '', errno: '', signal: '', clockOffset: '', clockPath: '', placement: '', text: '', expect: '' };
const ASPECTS: readonly Aspect[] = ['errno', 'signal', 'ret', 'clockOffset', 'clockPath', 'placement', 'text', 'expect'];

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

/** Compares two finished runs of the same scenario text. */
export function compareRuns(a: { label: string; run: ScenarioRun }, b: { label: string; run: ScenarioRun }): Comparison {
  const source = a.run.parsed.file;
  const textLines = sourceLines(a.run);
  const sa = lineSummaries(a.run);
  const sb = lineSummaries(b.run);
  const all = [...new Set([...sa.keys(), ...sb.keys()])].sort((x, y) => x - y);
  const lines: LineComparison[] = all.map((line) => {
    const la = sa.get(line) ?? null;
    const lb = sb.get(line) ?? null;
    const differs = la && lb ? ASPECTS.filter((k) => la[k] !== lb[k]) : la === lb ? [] : (['ret'] as Aspect[]);
    return { line, source: textLines[line] ?? '', a: la, b: lb, differs };
  });
  // An expect line differs because the line above it did; the first *operation* line is the real answer.
  const firstLine = lines.find((l) => l.differs.length > 0 && !(l.differs.length === 1 && l.differs[0] === 'expect')) ?? lines.find((l) => l.differs.length > 0) ?? null;
  const firstEvent = firstEventDivergence(a.run.sim, b.run.sim);
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
  return { file: source, a, b, lines, firstLine, firstEvent, divergence };
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

/** Runs `text` under both profiles and compares. */
export function compareScenario(text: string, file: string, a: ProfileChoice, b: ProfileChoice): Comparison {
  const runA = runScenario(text, { file, ...a.options });
  const runB = runScenario(text, { file, ...b.options });
  const cmp = compareRuns({ label: a.label, run: runA }, { label: b.label, run: runB });
  return { ...cmp, lines: cmp.lines.map((l) => ({ ...l, source: text.split(/\r?\n/)[l.line] ?? l.source })), firstLine: cmp.firstLine ? { ...cmp.firstLine, source: text.split(/\r?\n/)[cmp.firstLine.line] ?? cmp.firstLine.source } : null };
}

export function describeSummary(s: LineSummary | null): string {
  if (!s) return '(did not run)';
  if (s.expect) return `expect ${s.expect}`;
  const parts: string[] = [];
  if (s.signal) parts.push(`killed by ${s.signal}`);
  else if (s.errno) parts.push(`-1 ${s.errno}`);
  else parts.push(s.ret === '—' ? 'no return' : `= ${s.ret}`);
  if (s.clockOffset) parts.push(`${s.clockOffset} via ${s.clockPath}`);
  if (s.text) parts.push(JSON.stringify(s.text.length > 40 ? s.text.slice(0, 40) + '…' : s.text));
  if (s.placement) parts.push(s.placement);
  return parts.join(', ');
}

/** The read-only side-by-side report shown next to the timelines. */
export function formatComparison(c: Comparison): string {
  const out: string[] = [];
  out.push(`Comparison of ${c.file}`);
  out.push(`  A: ${c.a.label}`);
  out.push(`  B: ${c.b.label}`);
  out.push('');
  if (c.firstLine) {
    const l = c.firstLine;
    out.push(`First difference: line ${l.line + 1}   ${l.source.trim()}`);
    out.push(`  A: ${describeSummary(l.a)}`);
    out.push(`  B: ${describeSummary(l.b)}`);
    out.push(`  differs in: ${l.differs.join(', ')}`);
  } else {
    out.push('No line gives a different result under the two profiles.');
  }
  if (c.firstEvent) {
    out.push(`First diverging event (line ${c.firstEvent.line + 1}):`);
    out.push(`  A: ${c.firstEvent.describeA}`);
    out.push(`  B: ${c.firstEvent.describeB}`);
  } else {
    out.push('The two event logs are identical.');
  }
  out.push('');
  const width = Math.min(56, Math.max(20, ...c.lines.map((l) => l.source.trim().length)));
  const colA = Math.max(12, ...c.lines.map((l) => describeSummary(l.a).length).map((n) => Math.min(n, 60)));
  out.push(`${'line'.padStart(5)}   ${'scenario'.padEnd(width)}  ${'A'.padEnd(colA)}  B`);
  for (const l of c.lines) {
    const mark = l.differs.length > 0 ? '≠' : ' ';
    const src = l.source.trim();
    out.push(`${String(l.line + 1).padStart(5)} ${mark} ${(src.length > width ? src.slice(0, width - 1) + '…' : src).padEnd(width)}  ${describeSummary(l.a).padEnd(colA)}  ${describeSummary(l.b)}`);
  }
  return out.join('\n') + '\n';
}
