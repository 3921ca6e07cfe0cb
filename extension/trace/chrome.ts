// Exports a recorded simulation in the Chrome JSON trace format (opens in Perfetto UI and chrome://tracing):
// time namespaces are processes, tasks are threads, operations and kernel functions are nested slices.
import type { KernelState, OpResult, SimEvent, Simulation } from '../sim/api';
import { orCarried } from '../sim/offset64';
import { fmtTs, type Timespec } from '../sim/types';

/** One trace event as the format defines it (only the fields this exporter writes). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'C' | 'M' | 's' | 'f';
  readonly ts?: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly cat?: string;
  readonly s?: 't' | 'p' | 'g';
  readonly id?: number;
  readonly bp?: 'e';
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface ChromeTrace {
  readonly traceEvents: readonly TraceEvent[];
  readonly displayTimeUnit: 'ms' | 'ns';
  readonly otherData: Readonly<Record<string, string>>;
}

export interface ChromeTraceOptions {
  /** Scenario source, so slices carry the text of the line that caused them. */
  readonly source?: string;
  readonly file?: string;
}

/** Host actions (sleep, suspend, sysctl, spawn) happen outside every namespace: their own process. */
export const HOST_PID = 1;
const nsPid = (ns: string) => 10 + (Number(/#(\d+)$/.exec(ns)?.[1] ?? 0));

const INSTANT_KINDS = new Set(['fault', 'pte-insert', 'zap', 'freeze', 'signal', 'error', 'expect', 'state']);

/**
 * The whole run as a trace. The x axis is event order (1 µs per event): host time barely moves in a scenario,
 * so every event keeps its host CLOCK_MONOTONIC in `args.hostTime` instead. The simulation's position is restored.
 */
export function chromeTrace(sim: Simulation, options: ChromeTraceOptions = {}): ChromeTrace {
  const n = sim.eventCount;
  const saved = sim.position;
  const lines = options.source?.split(/\r?\n/) ?? [];
  const events: TraceEvent[] = [];
  const meta: TraceEvent[] = [];
  const processes = new Map<number, string>();
  const threads = new Map<string, { pid: number; tid: number }>();
  let nextTid = 1;

  const threadOf = (task: string | null, ns: string, pidOfTask: number | undefined): { pid: number; tid: number } => {
    const key = `${task ?? 'host'}@${task ? ns : 'host'}`;
    let t = threads.get(key);
    if (!t) {
      const pid = task ? nsPid(ns) : HOST_PID;
      if (!processes.has(pid)) {
        const name = task ? `time namespace ${ns}${ns === 'ns#0' ? ' (init_time_ns)' : ''}` : 'host';
        processes.set(pid, name);
        meta.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name } });
        meta.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: pid } });
      }
      t = { pid, tid: nextTid++ };
      threads.set(key, t);
      const name = task ? `${task}${pidOfTask !== undefined ? ` (pid ${pidOfTask})` : ''}` : 'host actions';
      meta.push({ name: 'thread_name', ph: 'M', pid, tid: t.tid, args: { name } });
      meta.push({ name: 'thread_sort_index', ph: 'M', pid, tid: t.tid, args: { sort_index: t.tid } });
    }
    return t;
  };

  // Which namespace each task is in, and how many vvar PTEs each mm maps, read at the start of every line.
  const spans = [...sim.lineSpans()].sort((a, b) => a.first - b.first);
  const lineStart = new Map<number, KernelState>();
  const vvarCounts = new Map<string, number>();
  const counterAt = (ts: number, st: KernelState) => {
    const args: Record<string, number> = {};
    let changed = false;
    for (const mm of Object.values(st.mms)) {
      let count = 0;
      for (const vma of mm.vmas) if (vma.name.startsWith('[vvar')) for (const pte of vma.ptes) if (pte) count++;
      args[mm.id] = count;
      if (vvarCounts.get(mm.id) !== count) { changed = true; vvarCounts.set(mm.id, count); }
    }
    if (changed) events.push({ name: 'vvar PTEs mapped', ph: 'C', ts, pid: HOST_PID, tid: 0, cat: 'memory', args });
  };
  for (const span of spans) {
    if (span.first >= n) continue;
    sim.goto(span.first);
    const st = sim.state();
    lineStart.set(span.first, st);
    counterAt(span.first, st);
  }
  sim.goto(n);
  const finalState = sim.state();
  counterAt(n, finalState);
  if (!processes.has(HOST_PID)) {
    processes.set(HOST_PID, 'host');
    meta.push({ name: 'process_name', ph: 'M', pid: HOST_PID, tid: 0, args: { name: 'host' } });
  }

  const nsOfTask = (st: KernelState | undefined, task: string): string => {
    const t = st?.tasks[task] ?? finalState.tasks[task];
    const proxy = t ? (st?.nsproxies[t.nsproxy] ?? finalState.nsproxies[t.nsproxy]) : undefined;
    return proxy?.time_ns ?? 'ns#0';
  };

  let current: KernelState | undefined;
  const placeOf: { pid: number; tid: number }[] = new Array(n);
  // End of the innermost open slice per thread, so marks outside any slice become 1-event slices of their
  // own (flows must bind to a slice, and Perfetto draws them better than a lone instant).
  const openEnds = new Map<number, number[]>();
  const insideSlice = (tid: number, ts: number): boolean => {
    const ends = openEnds.get(tid);
    while (ends && ends.length && ends[ends.length - 1] <= ts) ends.pop();
    return !!ends && ends.length > 0;
  };
  const opened = (tid: number, end: number) => {
    let ends = openEnds.get(tid);
    if (!ends) openEnds.set(tid, (ends = []));
    ends.push(end);
  };
  let flowId = 1;
  for (let i = 0; i < n; i++) {
    current = lineStart.get(i) ?? current;
    const e = sim.event(i);
    const task = e.task;
    const ns = task ? nsOfTask(current, task) : 'host';
    const pidOfTask = task ? (current?.tasks[task] ?? finalState.tasks[task])?.pid : undefined;
    const place = threadOf(task, ns, pidOfTask);
    placeOf[i] = place;
    const args = argsOf(e, lines);
    const inside = insideSlice(place.tid, i);
    if (e.kind === 'syscall-enter' || e.kind === 'vdso-enter' || e.kind === 'call') {
      const end = e.match !== undefined && e.match > i ? e.match : i;
      opened(place.tid, end + 1);
      events.push({ name: e.fn, ph: 'X', ts: i, dur: end - i + 1, ...place, cat: e.kind === 'call' ? 'kernel' : e.kind === 'syscall-enter' ? 'syscall' : 'vdso', args: { ...args, ...(end > i ? resultArgs(sim.event(end)) : {}) } });
    } else if (e.kind === 'host') {
      events.push({ name: e.summary || 'host', ph: 'X', ts: i, dur: 1, ...place, cat: 'host', args });
    } else if (INSTANT_KINDS.has(e.kind)) {
      const name = e.kind === 'expect' ? (e.passed === false ? 'expect FAILED' : 'expect') : e.kind === 'state' ? `${e.fn}: state` : `${e.kind} ${e.fn}`.trim();
      if (inside) events.push({ name, ph: 'i', s: 't', ts: i, ...place, cat: e.kind, args });
      else events.push({ name, ph: 'X', ts: i, dur: 1, ...place, cat: e.kind, args });
    }
    if (e.causes) {
      for (const c of e.causes) {
        if (c < 0 || c >= i || !placeOf[c]) continue;
        const id = flowId++;
        events.push({ name: 'causes', ph: 's', ts: c, ...placeOf[c], cat: 'causality', id });
        events.push({ name: 'causes', ph: 'f', bp: 'e', ts: i, ...place, cat: 'causality', id });
      }
    }
  }
  if (sim.position !== saved) sim.goto(saved);

  return {
    traceEvents: [...meta, ...events],
    displayTimeUnit: 'ms',
    otherData: {
      generator: 'Timens Explorer',
      profile: `${sim.profile.arch} ${sim.profile.kernel}${sim.profile.disabledPatches.length ? ` without ${sim.profile.disabledPatches.join(', ')}` : ''}`,
      file: options.file ?? '',
      timeAxis: 'one microsecond per simulated event; host CLOCK_MONOTONIC is in each event\'s args.hostTime',
    },
  };
}

function argsOf(e: SimEvent, lines: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = { event: e.index, kind: e.kind, hostTime: fmt(e.hostTime) };
  if (e.line >= 0) { args.line = e.line + 1; if (lines[e.line] !== undefined) args.source = lines[e.line].trim(); }
  if (e.summary) args.summary = e.summary;
  if (e.stack.length) args.stack = e.stack.join(' > ');
  if (e.changes.length) args.changes = e.changes.slice(0, 32).map((c) => `${c.obj}.${c.field}: ${show(c.before)} -> ${show(c.after)}`);
  if (e.errno) args.errno = e.errno;
  if (e.signal) args.signal = e.signal;
  if (e.page) args.page = `${e.page.mm} ${e.page.vma}[${e.page.index}] -> ${e.page.phys ?? 'none'}`;
  if (e.passed !== undefined) args.passed = e.passed;
  return args;
}

function resultArgs(exit: SimEvent): Record<string, unknown> {
  const r = exit.result;
  if (!r) return {};
  const out: Record<string, unknown> = { ret: r.ret };
  if (r.errno) out.errno = r.errno;
  if (r.signal) out.signal = r.signal;
  if (r.clock) out.clock = clockReadText(r.clock, fmt);
  if (r.child) out.child = r.child;
  return out;
}

/** A clock read as the trace's views show it, `V (host H, path)`, with a vDSO read's second answer after an "or". */
export function clockReadText(c: NonNullable<OpResult['clock']>, fmt: (t: Timespec) => string): string {
  const read = `${fmt(c.value)} (host ${fmt(c.host)}, ${c.path})`;
  return c.carried ? `${read}, ${orCarried(fmt(c.carried))}` : read;
}

function show(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

const fmt = fmtTs;

/** The trace as JSON text, one event per line (readable, and diff-friendly for determinism checks). */
export function chromeTraceJson(trace: ChromeTrace): string {
  const body = trace.traceEvents.map((e) => JSON.stringify(e)).join(',\n');
  return `{"displayTimeUnit":${JSON.stringify(trace.displayTimeUnit)},"otherData":${JSON.stringify(trace.otherData)},"traceEvents":[\n${body}\n]}\n`;
}
