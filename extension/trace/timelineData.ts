// Turns a recorded Simulation into the columnar buffers the timeline webview draws (one typed array per field),
// its lanes and clock samples, and answers per-event detail requests. Pure: runs in Node and in tests.
import type { SimEvent, Simulation, KernelState } from '../sim/api';
import { fmtTs, type Timespec } from '../sim/types';
import { clockReadText } from './chrome';
import {
  CATEGORY, FLAG_FAILED, FLAG_SIGNAL, KIND_CODE, NO_LANE, newColumns,
  type Columns, type EventDetails, type LaneInfo, type RunHeader,
} from '../../webview/protocol';

export interface TimelineRunData {
  readonly header: RunHeader;
  readonly columns: Columns;
  /** Source text of the lines that ran, joined with '\n' (line k is the k-th piece; see the 'lines' message). */
  readonly lines: string;
}

export interface BuildOptions {
  readonly label?: string;
  readonly file?: string;
  /** Scenario source, for the line text shown in details and matched by search. */
  readonly source?: string;
  /** At most this many clock samples (evenly thinned beyond it). */
  readonly maxClockSamples?: number;
}

const NS_ID = /^ns#\d+$/;
const NS_PAGE = /^page#(ns#\d+)$/;

/** Build the timeline data of `sim` (its position is restored afterwards). */
export function buildTimelineData(sim: Simulation, options: BuildOptions = {}): TimelineRunData {
  const n = sim.eventCount;
  const columns = newColumns(n);
  const { kind, lane: taskIdx, nsLane: nsIdx, depth, flags, line, fn, label, match } = columns;
  nsIdx.fill(NO_LANE);
  match.fill(-1);
  const causes: number[] = [];

  const functions: string[] = [];
  const fnIndex = new Map<string, number>();
  const labels: string[] = [''];
  const labelIndex = new Map<string, number>([['', 0]]);
  const tasks: string[] = [];
  const taskIndex = new Map<string | null, number>();
  const namespaces: string[] = [];
  const nsIndex = new Map<string, number>();
  const intern = (s: string, table: string[], index: Map<string, number>): number => {
    let i = index.get(s);
    if (i === undefined) {
      i = table.length;
      if (i >= NO_LANE) return NO_LANE - 1; // absurdly many distinct names: share the last slot rather than overflow
      table.push(s);
      index.set(s, i);
    }
    return i;
  };
  const nsOf = (id: string): number => {
    let i = nsIndex.get(id);
    if (i === undefined) { i = namespaces.length; namespaces.push(id); nsIndex.set(id, i); }
    return i;
  };
  nsOf('ns#0');

  // Per task: the outermost open span (its category, the index of its exit and its raw depth), so depths are
  // counted from the span (0 = the syscall or vDSO call itself) whatever depth the simulator starts at.
  const open = new Map<string | null, { cat: number; exit: number; base: number }>();
  const clockLines = new Set<number>();
  for (let i = 0; i < n; i++) {
    const e: SimEvent = sim.event(i);
    const k = KIND_CODE[e.kind] ?? KIND_CODE.state;
    kind[i] = k;
    let t = taskIndex.get(e.task);
    if (t === undefined) { t = tasks.length; tasks.push(e.task ?? 'host'); taskIndex.set(e.task, t); }
    taskIdx[i] = t;
    line[i] = e.line;
    fn[i] = intern(e.fn || e.kind, functions, fnIndex);
    const lab = e.errno ?? e.result?.errno ?? e.signal ?? e.result?.signal ?? '';
    label[i] = intern(lab, labels, labelIndex);
    if (e.match !== undefined) match[i] = e.match;
    if (e.causes) for (const c of e.causes) if (c >= 0 && c < i) causes.push(c, i);

    const raw = sim.depthOf(i);
    let span = open.get(e.task);
    if (span && i > span.exit) { open.delete(e.task); span = undefined; }
    if (!span && (e.kind === 'syscall-enter' || e.kind === 'vdso-enter')) {
      span = { cat: e.kind === 'syscall-enter' ? CATEGORY.syscall : CATEGORY.vdso, exit: e.match !== undefined && e.match > i ? e.match : i, base: raw };
      open.set(e.task, span);
    }
    const d = span ? raw - span.base : 0;
    depth[i] = d < 0 ? 0 : d > 255 ? 255 : d;
    let f: number = span ? span.cat : e.kind === 'host' ? CATEGORY.host : e.kind === 'expect' ? CATEGORY.expect : CATEGORY.none;
    if (e.kind === 'error' || (e.kind === 'expect' && e.passed === false) || ((e.kind === 'syscall-exit' || e.kind === 'vdso-exit') && e.result?.errno)) f |= FLAG_FAILED;
    if (e.kind === 'signal' || e.signal || e.result?.signal) f |= FLAG_SIGNAL;
    flags[i] = f;

    let ns: string | undefined;
    for (const c of e.changes) if (NS_ID.test(c.obj)) { ns = c.obj; break; }
    if (!ns && e.page?.phys) ns = NS_PAGE.exec(e.page.phys)?.[1];
    if (ns) nsIdx[i] = nsOf(ns);
    if (e.kind === 'host' || e.kind === 'freeze' || (ns && e.kind === 'state')) clockLines.add(e.line);
  }

  // Lanes: processes with their threads under them (in order of first appearance), host, then namespaces.
  const saved = sim.position;
  const finalState = positionState(sim, n);
  const leaderOf = (id: string): string => finalState.tasks[id]?.leader ?? id;
  const taskOrder: number[] = [];
  const processes = tasks.filter((id, i) => id !== 'host' && (leaderOf(id) === id || !tasks.includes(leaderOf(id))) && taskIndex.get(id) === i);
  for (const p of processes) {
    taskOrder.push(taskIndex.get(p)!);
    for (const id of tasks) if (id !== p && id !== 'host' && leaderOf(id) === p) taskOrder.push(taskIndex.get(id)!);
  }
  if (taskIndex.has(null)) taskOrder.push(taskIndex.get(null)!);
  for (let i = 0; i < tasks.length; i++) if (!taskOrder.includes(i)) taskOrder.push(i);
  const lanes: LaneInfo[] = [];
  const taskLane = new Uint16Array(Math.max(1, tasks.length));
  for (const ti of taskOrder) {
    const id = tasks[ti];
    const st = ti === taskIndex.get(null) ? undefined : finalState.tasks[id];
    const leader = st ? leaderOf(id) : id;
    const isThread = st !== undefined && leader !== id;
    const groupLane = isThread ? lanes.findIndex((l) => l.id === leader) : lanes.length;
    taskLane[ti] = lanes.length;
    lanes.push({
      kind: ti === taskIndex.get(null) ? 'host' : 'task',
      id,
      label: ti === taskIndex.get(null) ? 'host' : st ? `${id} (${isThread ? 'tid' : 'pid'} ${st.pid})` : id,
      indent: isThread ? 1 : 0,
      group: groupLane < 0 ? lanes.length : groupLane,
    });
  }
  for (const id of Object.keys(finalState.timeNamespaces)) nsOf(id);
  const nsOrder = namespaces.map((id, i) => ({ id, i })).sort((a, b) => nsNumber(a.id) - nsNumber(b.id));
  const nsLaneOf = new Uint16Array(Math.max(1, namespaces.length));
  const firstNsLane = lanes.length;
  for (const { id, i } of nsOrder) {
    nsLaneOf[i] = lanes.length;
    lanes.push({ kind: 'ns', id, label: id === 'ns#0' ? 'ns#0 (init_time_ns)' : id, indent: 0, group: lanes.length });
  }
  const lane = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    lane[i] = taskLane[taskIdx[i]];
    if (nsIdx[i] !== NO_LANE) nsIdx[i] = nsLaneOf[nsIdx[i]];
  }

  // Clock samples: after every line that can move a clock or an offset, plus the start and the end.
  const spans = sim.lineSpans();
  const positions = [0];
  for (const s of spans) if (clockLines.has(s.line) && s.end > positions[positions.length - 1]) positions.push(s.end);
  if (n > positions[positions.length - 1]) positions.push(n);
  const max = options.maxClockSamples ?? 2000;
  const sampled = positions.length <= max ? positions : positions.filter((_, i) => i % Math.ceil(positions.length / max) === 0 || i === positions.length - 1);
  const nsIds = nsOrder.map((x) => x.id);
  const pos = new Float64Array(sampled.length);
  const hostMono = new Float64Array(sampled.length);
  const hostBoot = new Float64Array(sampled.length);
  const nsMono = nsIds.map(() => new Float64Array(sampled.length));
  const nsBoot = nsIds.map(() => new Float64Array(sampled.length));
  const frozenAt = nsIds.map(() => -1);
  sampled.forEach((p, si) => {
    const st = p === n ? finalState : positionState(sim, p);
    pos[si] = p;
    hostMono[si] = seconds(st.host.monotonic);
    hostBoot[si] = seconds(st.host.boottime);
    nsIds.forEach((id, ni) => {
      const ns = st.timeNamespaces[id];
      const alive = ns !== undefined && ns.alive;
      nsMono[ni][si] = alive ? seconds(ns.offsets.monotonic) : NaN;
      nsBoot[ni][si] = alive ? seconds(ns.offsets.boottime) : NaN;
      if (alive && ns.frozen_offsets && frozenAt[ni] < 0) frozenAt[ni] = p;
    });
  });
  // A freeze event pins the exact position better than the sampled line end.
  for (let i = 0; i < n; i++) if (kind[i] === KIND_CODE.freeze && nsIdx[i] !== NO_LANE) {
    const ni = nsIdx[i] - firstNsLane;
    if (ni >= 0 && ni < frozenAt.length && (frozenAt[ni] < 0 || frozenAt[ni] > i)) frozenAt[ni] = i + 1;
  }
  if (sim.position !== saved) sim.goto(saved);

  const lineText: string[] = [];
  if (options.source !== undefined) {
    const src = options.source.split(/\r?\n/);
    for (const s of spans) if (s.line >= 0 && s.line < src.length) lineText[s.line] = src[s.line].trim().slice(0, 200).replace(/\n/g, ' ');
  }
  const header: RunHeader = {
    label: options.label ?? `${sim.profile.arch} ${sim.profile.kernel}`,
    file: options.file ?? '',
    eventCount: n,
    lanes,
    functions,
    labels,
    causes: Int32Array.from(causes).buffer,
    clocks: {
      positions: pos.buffer,
      hostMonotonic: hostMono.buffer,
      hostBoottime: hostBoot.buffer,
      nsMonotonicOffset: nsMono.map((a) => a.buffer),
      nsBoottimeOffset: nsBoot.map((a) => a.buffer),
      frozenAt,
    },
  };
  const lines = Array.from(lineText, (t) => t ?? '').join('\n');
  return { header, columns: { kind, lane, nsLane: nsIdx, depth, flags, line, fn, label, match }, lines };
}

function positionState(sim: Simulation, position: number): KernelState {
  if (sim.position !== position) sim.goto(position);
  return sim.state();
}

function nsNumber(id: string): number {
  const m = /#(\d+)$/.exec(id);
  return m ? Number(m[1]) : 1e9;
}

export function seconds(t: Timespec): number {
  return t.sec + t.nsec / 1e9;
}

/** Everything the details pane shows about one event. */
export function eventDetails(sim: Simulation, run: number, index: number, lines: readonly string[] = []): EventDetails {
  const e = sim.event(index);
  const r = e.result;
  let result: string | null = null;
  if (r) {
    const parts = [r.ret === null ? 'no return (killed)' : `ret ${r.ret}`];
    if (r.errno) parts.push(`errno ${r.errno}`);
    if (r.signal) parts.push(`signal ${r.signal}`);
    if (r.clock) parts.push(`clock ${r.clock.clock} = ${clockReadText(r.clock, fmtTime)}`);
    if (r.child) parts.push(`child ${r.child}`);
    if (r.text !== undefined) parts.push(`text ${JSON.stringify(r.text.slice(0, 120))}`);
    if (r.waited) parts.push(`waited ${fmtTime(r.waited)}`);
    result = parts.join(', ');
  } else if (e.errno) result = `errno ${e.errno}`;
  else if (e.kind === 'expect') result = e.passed ? 'expectation held' : 'expectation FAILED';
  return {
    run,
    index,
    kind: e.kind,
    fn: e.fn,
    task: e.task,
    line: e.line,
    lineText: lines[e.line] ?? '',
    summary: e.summary,
    stack: e.stack.slice(-40),
    hostTime: fmtTime(e.hostTime),
    changes: e.changes.slice(0, 40).map((c) => ({ obj: c.obj, field: c.field, before: show(c.before), after: show(c.after) })),
    result,
    causes: e.causes ? [...e.causes] : [],
  };
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}…` : s;
}

export function fmtTime(t: Timespec): string {
  return `${fmtTs(t)}s`;
}
