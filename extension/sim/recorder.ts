// The object store and the columnar event log behind time travel. Every mutation of the store goes through
// set/create/remove, which records {object, field, before, after}; the changes made since the previous event
// belong to the next event emitted (so an event carries the changes that led up to it); stepping back
// undoes one event's changes, stepping forward redoes them, and snapshots every K events bound goto().

import type { Change, EventKind, OpResult, SimEvent } from './api';
import type { Timespec } from './types';

/** A stored object: a plain, never-mutated record (mutations replace it with a copy). */
export type Rec = object;
type Fields = Readonly<Record<string, unknown>>;

export const EVENT_KINDS: readonly EventKind[] = [
  'syscall-enter', 'syscall-exit', 'vdso-enter', 'vdso-exit', 'call', 'return', 'state', 'fault',
  'pte-insert', 'zap', 'freeze', 'signal', 'error', 'host', 'expect',
];
const KIND_ID = new Map<EventKind, number>(EVENT_KINDS.map((k, i) => [k, i]));
export const K_CALL = 4;
export const K_RETURN = 5;

/** Optional parts of an event, stored densely for the few events that have them. */
export interface EventExtra {
  result?: OpResult;
  errno?: string;
  signal?: string;
  page?: { readonly mm: string; readonly vma: string; readonly index: number; readonly phys: string | null };
  passed?: boolean;
  causes?: readonly number[];
}

/** Snapshot interval, chosen with test/bench/sim.ts: a goto walks at most half of it (about 1000 events). */
export const SNAPSHOT_INTERVAL = 2048;
/** Every FULL_EVERY-th snapshot is a full copy of the store; the others hold only the objects changed since the
 *  previous snapshot, so memory does not grow with the number of (mostly dead) objects times snapshots. */
const FULL_EVERY = 16;
const INITIAL_CAPACITY = 8192;

/** Flatten a rope string (V8 keeps concatenations as trees until something needs the characters). */
function flat(s: string): string {
  void s.charCodeAt(0);
  return s;
}

function grow<T extends Int32Array | Uint8Array>(a: T, n: number): T {
  if (n < a.length) return a;
  const b = new (a.constructor as new (len: number) => T)(Math.max(n + 1, a.length * 2));
  b.set(a);
  return b;
}

export class Recorder {
  objs: Map<string, Rec>;
  /** Number of events recorded. */
  n = 0;
  /** Number of events applied to `objs` (the time-travel position). */
  position = 0;

  private kind = new Uint8Array(INITIAL_CAPACITY);
  private line = new Int32Array(INITIAL_CAPACITY);
  private task = new Int32Array(INITIAL_CAPACITY);
  private fnCol = new Int32Array(INITIAL_CAPACITY);
  private stack = new Int32Array(INITIAL_CAPACITY);
  private host = new Int32Array(INITIAL_CAPACITY);
  private summary = new Int32Array(INITIAL_CAPACITY);
  private chStart = new Int32Array(INITIAL_CAPACITY);
  private matchCol = new Int32Array(INITIAL_CAPACITY);
  private extraCol = new Int32Array(INITIAL_CAPACITY);
  private extras: EventExtra[] = [];

  private cn = 0;
  private chKey = new Int32Array(INITIAL_CAPACITY);
  private chField = new Int32Array(INITIAL_CAPACITY);
  private chBefore: unknown[] = [];
  private chAfter: unknown[] = [];

  private strings: string[] = [];
  private stringIds = new Map<string, number>();
  // Stack trie: node 0 is the empty stack.
  private stackParent: number[] = [-1];
  private stackFn: number[] = [-1];
  private stackDepth: number[] = [0];
  private stackChildren = new Map<number, number>();
  private stackCache: (readonly string[] | undefined)[] = [];
  private callSummary: number[] = [];
  private returnSummary: number[] = [];

  hostTimes: Timespec[] = [];
  /** Snapshot j: the full store (j % FULL_EVERY == 0) or the objects changed since snapshot j-1 (undefined = gone). */
  private snapshots: Map<string, Rec | undefined>[] = [];
  /** Keys changed since the last snapshot (recording only). */
  private dirty = new Set<string>();

  /** While false (initial set-up), mutations are not recorded. */
  private recordingOn = false;
  /** Number of changes already attached to an event; later ones are pending for the next event. */
  private attached = 0;

  constructor(initial?: Map<string, Rec>) {
    this.objs = initial ? new Map(initial) : new Map();
  }

  // ------------------------------------------------------------------ interning

  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }
  /** Store a string that is unlikely to repeat without hashing it (still flattened, so it is compact). */
  unique(s: string): number {
    const id = this.strings.length;
    this.strings.push(s.length > 12 ? flat(s) : s);
    return id;
  }
  str(id: number): string {
    return this.strings[id];
  }

  /** The stack node for `parent` extended by function `fn`. */
  pushStack(parent: number, fn: string): number {
    const f = this.intern(fn);
    const key = parent * 65536 + f;
    let id = this.stackChildren.get(key);
    if (id === undefined) {
      id = this.stackParent.length;
      this.stackParent.push(parent);
      this.stackFn.push(f);
      this.stackDepth.push(this.stackDepth[parent] + 1);
      this.stackChildren.set(key, id);
    }
    return id;
  }
  /** Interned default summaries of a call / return of the function on top of stack `id`. */
  callSummaryId(id: number): number {
    let v = this.callSummary[id];
    if (v === undefined) v = this.callSummary[id] = this.intern(`${this.stackTop(id)}()`);
    return v;
  }
  returnSummaryId(id: number): number {
    let v = this.returnSummary[id];
    if (v === undefined) v = this.returnSummary[id] = this.intern(`${this.stackTop(id)} returns`);
    return v;
  }
  stackParentOf(id: number): number {
    return this.stackParent[id];
  }
  stackTop(id: number): string {
    return id === 0 ? '' : this.strings[this.stackFn[id]];
  }
  stackFrames(id: number): readonly string[] {
    let c = this.stackCache[id];
    if (!c) {
      const out: string[] = [];
      for (let s = id; s > 0; s = this.stackParent[s]) out.push(this.strings[this.stackFn[s]]);
      c = Object.freeze(out.reverse());
      this.stackCache[id] = c;
    }
    return c;
  }

  hostIndex(t: Timespec): number {
    const last = this.hostTimes[this.hostTimes.length - 1];
    if (last && last.sec === t.sec && last.nsec === t.nsec) return this.hostTimes.length - 1;
    this.hostTimes.push(t);
    return this.hostTimes.length - 1;
  }

  // ------------------------------------------------------------------ store

  get(key: string): Rec | undefined {
    return this.objs.get(key);
  }

  set(key: string, field: string, value: unknown): void {
    const o = this.objs.get(key);
    if (!o) throw new Error(`internal: no object ${key}`);
    const before = (o as Fields)[field];
    if (before === value) return;
    this.objs.set(key, { ...o, [field]: value });
    if (this.recordingOn) this.record(key, field, before, value);
  }

  create(key: string, rec: Rec): void {
    const before = this.objs.get(key);
    this.objs.set(key, rec);
    if (this.recordingOn) this.record(key, '', before, rec);
  }

  remove(key: string): void {
    const before = this.objs.get(key);
    if (before === undefined) return;
    this.objs.delete(key);
    if (this.recordingOn) this.record(key, '', before, undefined);
  }

  get recording(): boolean {
    return this.recordingOn;
  }
  /** Start recording: the current store becomes the state at position 0. */
  startRecording(): void {
    this.recordingOn = true;
    if (this.n === 0) this.snapshots[0] = new Map(this.objs);
    this.dirty.clear();
  }
  /** Changes made since the last event, not yet attached to one. */
  get pendingChanges(): number {
    return this.cn - this.attached;
  }

  private takeSnapshot(j: number): void {
    if (j % FULL_EVERY === 0) {
      this.snapshots[j] = new Map(this.objs);
    } else {
      const delta = new Map<string, Rec | undefined>();
      for (const k of this.dirty) delta.set(k, this.objs.get(k));
      this.snapshots[j] = delta;
    }
    this.dirty.clear();
  }

  /** The store as it was at snapshot j: the full snapshot below it plus the deltas up to j. */
  private restoreSnapshot(j: number): Map<string, Rec> {
    const base = j - (j % FULL_EVERY);
    const objs = new Map(this.snapshots[base] as Map<string, Rec>);
    for (let d = base + 1; d <= j; d++) {
      for (const [k, v] of this.snapshots[d]) {
        if (v === undefined) objs.delete(k);
        else objs.set(k, v);
      }
    }
    return objs;
  }

  private record(key: string, field: string, before: unknown, after: unknown): void {
    this.dirty.add(key);
    const i = this.cn++;
    if (i >= this.chKey.length) {
      this.chKey = grow(this.chKey, i);
      this.chField = grow(this.chField, i);
    }
    this.chKey[i] = this.intern(key);
    this.chField[i] = this.intern(field);
    this.chBefore.push(before);
    this.chAfter.push(after);
  }

  // ------------------------------------------------------------------ events

  emit(kind: EventKind, line: number, task: string | null, stack: number, hostIdx: number, summary: string, extra?: EventExtra): number {
    return this.emitRaw(KIND_ID.get(kind)!, line, task === null ? -1 : this.intern(task), stack, hostIdx, this.unique(summary), extra);
  }

  /** emit with pre-interned kind, task and summary ids (the hot path). */
  emitRaw(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, extra?: EventExtra): number {
    const i = this.n;
    if (i >= this.kind.length) {
      const m = i;
      this.kind = grow(this.kind, m);
      this.line = grow(this.line, m);
      this.task = grow(this.task, m);
      this.fnCol = grow(this.fnCol, m);
      this.stack = grow(this.stack, m);
      this.host = grow(this.host, m);
      this.summary = grow(this.summary, m);
      this.chStart = grow(this.chStart, m);
      this.matchCol = grow(this.matchCol, m);
      this.extraCol = grow(this.extraCol, m);
    }
    this.kind[i] = kind;
    this.line[i] = line;
    this.task[i] = taskId;
    this.fnCol[i] = stack === 0 ? -1 : this.stackFn[stack];
    this.stack[i] = stack;
    this.host[i] = hostIdx;
    this.summary[i] = summaryId;
    this.chStart[i] = this.attached;
    this.attached = this.cn;
    this.matchCol[i] = -1;
    if (extra) {
      this.extraCol[i] = this.extras.length;
      this.extras.push(extra);
    } else {
      this.extraCol[i] = -1;
    }
    this.n = i + 1;
    this.position = this.n;
    if (this.n % SNAPSHOT_INTERVAL === 0) this.takeSnapshot(this.n / SNAPSHOT_INTERVAL);
    return i;
  }

  setMatch(a: number, b: number): void {
    this.matchCol[a] = b;
    this.matchCol[b] = a;
  }

  addExtra(i: number, extra: EventExtra): void {
    const e = this.extraCol[i];
    if (e < 0) {
      this.extraCol[i] = this.extras.length;
      this.extras.push(extra);
    } else {
      Object.assign(this.extras[e], extra);
    }
  }

  extraOf(i: number): EventExtra | undefined {
    const e = this.extraCol[i];
    return e < 0 ? undefined : this.extras[e];
  }

  kindOf(i: number): EventKind {
    return EVENT_KINDS[this.kind[i]];
  }
  lineOf(i: number): number {
    return this.line[i];
  }
  taskOf(i: number): string | null {
    const t = this.task[i];
    return t < 0 ? null : this.strings[t];
  }
  depthOf(i: number): number {
    return this.stackDepth[this.stack[i]];
  }

  private changeEnd(i: number): number {
    return i + 1 < this.n ? this.chStart[i + 1] : this.attached;
  }

  changesOf(i: number): Change[] {
    const out: Change[] = [];
    for (let c = this.chStart[i], e = this.changeEnd(i); c < e; c++) {
      const key = this.strings[this.chKey[c]];
      const field = this.strings[this.chField[c]];
      if (key.startsWith('#') || field.startsWith('_')) continue;
      const slash = key.indexOf('/');
      if (slash >= 0) {
        const sub = key.slice(slash + 1);
        out.push({ obj: key.slice(0, slash), field: field ? `${sub}.${field}` : sub, before: this.chBefore[c], after: this.chAfter[c] });
      } else {
        out.push({ obj: key, field, before: this.chBefore[c], after: this.chAfter[c] });
      }
    }
    return out;
  }

  event(i: number): SimEvent {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`event index ${i} outside 0..${this.n - 1}`);
    const stack = this.stack[i];
    const ex = this.extraOf(i);
    const ev: { -readonly [K in keyof SimEvent]: SimEvent[K] } = {
      index: i,
      kind: this.kindOf(i),
      line: this.line[i],
      task: this.taskOf(i),
      fn: this.stackTop(stack),
      stack: this.stackFrames(stack),
      hostTime: this.hostTimes[this.host[i]],
      summary: this.strings[this.summary[i]],
      changes: this.changesOf(i),
    };
    if (ex) {
      if (ex.result) ev.result = ex.result;
      if (ex.errno) ev.errno = ex.errno;
      if (ex.signal) ev.signal = ex.signal;
      if (ex.page) ev.page = ex.page;
      if (ex.passed !== undefined) ev.passed = ex.passed;
      if (ex.causes && ex.causes.length) ev.causes = ex.causes;
    }
    if (this.matchCol[i] >= 0) ev.match = this.matchCol[i];
    return ev;
  }

  // ------------------------------------------------------------------ time travel

  private apply(i: number, forward: boolean): void {
    const s = this.chStart[i];
    const e = this.changeEnd(i);
    if (forward) {
      for (let c = s; c < e; c++) this.put(c, this.chAfter[c]);
    } else {
      for (let c = e - 1; c >= s; c--) this.put(c, this.chBefore[c]);
    }
  }

  private put(c: number, value: unknown): void {
    const key = this.strings[this.chKey[c]];
    const field = this.strings[this.chField[c]];
    if (field === '') {
      if (value === undefined) this.objs.delete(key);
      else this.objs.set(key, value as Rec);
    } else {
      const o = this.objs.get(key)!;
      this.objs.set(key, { ...o, [field]: value });
    }
  }

  stepForward(): boolean {
    if (this.position >= this.n) return false;
    this.apply(this.position, true);
    this.position++;
    return true;
  }

  stepBack(): boolean {
    if (this.position <= 0) return false;
    this.position--;
    this.apply(this.position, false);
    return true;
  }

  goto(p: number): void {
    if (!Number.isInteger(p) || p < 0 || p > this.n) throw new RangeError(`position ${p} outside 0..${this.n}`);
    // Start from the current position, the snapshot below p or the one above it, whichever is nearest:
    // changes can be undone as well as redone, so no walk is longer than half an interval.
    let below = Math.floor(p / SNAPSHOT_INTERVAL);
    while (below > 0 && !this.snapshots[below]) below--;
    const above = below + 1;
    const dBelow = p - below * SNAPSHOT_INTERVAL;
    const dAbove = this.snapshots[above] ? above * SNAPSHOT_INTERVAL - p : Infinity;
    const dist = Math.abs(p - this.position);
    if (Math.min(dBelow, dAbove) < dist) {
      const s = dAbove < dBelow ? above : below;
      this.objs = this.restoreSnapshot(s);
      this.position = s * SNAPSHOT_INTERVAL;
    }
    while (this.position < p) this.stepForward();
    while (this.position > p) this.stepBack();
  }

  /** Changes of the event before the position. */
  lastChanges(): Change[] {
    return this.position > 0 ? this.changesOf(this.position - 1) : [];
  }

  /** Columnar copies for views that draw every event (see Simulation.exportColumns in simulation.ts). */
  exportColumns(): { kind: Uint8Array; depth: Uint8Array; line: Int32Array; task: Uint16Array; tasks: string[]; fn: Uint16Array; fns: string[]; match: Int32Array } {
    const n = this.n;
    const depth = new Uint8Array(n);
    const task = new Uint16Array(n);
    const fn = new Uint16Array(n);
    const taskIds = new Map<number, number>();
    const fnIds = new Map<number, number>();
    const tasks: string[] = [];
    const fns: string[] = [];
    for (let i = 0; i < n; i++) {
      depth[i] = Math.min(255, this.stackDepth[this.stack[i]]);
      const t = this.task[i];
      if (t < 0) task[i] = 0xffff;
      else {
        let id = taskIds.get(t);
        if (id === undefined) { id = tasks.length; tasks.push(this.strings[t]); taskIds.set(t, id); }
        task[i] = id;
      }
      const f = this.fnCol[i];
      if (f < 0) fn[i] = 0xffff;
      else {
        let id = fnIds.get(f);
        if (id === undefined) { id = fns.length; fns.push(this.strings[f]); fnIds.set(f, id); }
        fn[i] = id;
      }
    }
    return { kind: this.kind.slice(0, n), depth, line: this.line.slice(0, n), task, tasks, fn, fns, match: this.matchCol.slice(0, n) };
  }

  /** Approximate retained bytes of the columns (for the benchmark's report). */
  columnBytes(): number {
    return this.kind.length * 37 + this.chKey.length * 8 + (this.chBefore.length * 2) * 8;
  }
}
