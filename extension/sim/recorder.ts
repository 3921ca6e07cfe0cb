// The object store and the columnar event log behind time travel. Every mutation of the store goes through
// set/create/remove, which records {object, field, before, after}; the changes made since the previous event
// belong to the next event emitted (so an event carries the changes that led up to it); stepping back
// undoes one event's changes, stepping forward redoes them, and snapshots every K events bound goto().

import type { Change, EventKind, OpResult, SimEvent } from './api';
import { cloneRec } from './records';
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

const X_OBJ = 0, X_RESULT = 1, X_CAUSE = 2;
const X_CAUSE_LIMIT = 1 << 28;

/** Snapshot interval, chosen with test/bench/sim.ts: a goto walks at most half of it (about 1000 events). */
export const SNAPSHOT_INTERVAL = 2048;
/** Every FULL_EVERY-th snapshot is a full copy of the store; the others hold only the objects changed since the
 *  previous snapshot, so memory does not grow with the number of (mostly dead) objects times snapshots. */
const FULL_EVERY = 16;

/** seconds.nanoseconds, the way every summary shows a time. */
export function fmtTs(t: Timespec): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}

/** A value of a summary template (Recorder.summary): shown as a template literal would show it, except a
 *  Timespec, which is shown as fmtTs shows it. */
export type SummaryArg = string | number | boolean | null | undefined | Timespec;
// Kinds of the stored summary arguments; a Timespec takes two slots (sec, then nsec).
const A_TEMPLATE = 0, A_STR = 1, A_NUM = 2, A_TS = 3, A_TRUE = 4, A_FALSE = 5, A_NULL = 6, A_UNDEF = 7;

/** Flatten a rope string (V8 keeps concatenations as trees until something needs the characters). */
function flat(s: string): string {
  void s.charCodeAt(0);
  return s;
}

/** Growable columns stored in fixed chunks: appending never copies, and each allocation stays small
 *  (large ArrayBuffer allocations count as external memory and provoke full garbage collections). */
const CHUNK_BITS = 14;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** A column of arbitrary values (change keys, fields, before/after; summary strings). */
class ValCol<T = unknown> {
  private readonly chunks: T[][] = [];
  get(i: number): T {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  set(i: number, v: T): void {
    const k = i >>> CHUNK_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new Array<T>(1 << CHUNK_BITS).fill(undefined as T);
    c[i & CHUNK_MASK] = v;
  }
}

/** The change log: key, field, before and after of each change side by side in one chunk, so recording a change
 *  is one chunk lookup and four adjacent writes. */
const CH_BITS = CHUNK_BITS - 2;
const CH_MASK = (1 << CH_BITS) - 1;
class ChangeCol {
  private readonly chunks: unknown[][] = [];
  add(i: number, key: string, field: string, before: unknown, after: unknown): void {
    const k = i >>> CH_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new Array<unknown>(4 << CH_BITS).fill(undefined);
    const o = (i & CH_MASK) << 2;
    c[o] = key;
    c[o + 1] = field;
    c[o + 2] = before;
    c[o + 3] = after;
  }
  key(i: number): string {
    return this.chunks[i >>> CH_BITS][(i & CH_MASK) << 2] as string;
  }
  field(i: number): string {
    return this.chunks[i >>> CH_BITS][((i & CH_MASK) << 2) + 1] as string;
  }
  before(i: number): unknown {
    return this.chunks[i >>> CH_BITS][((i & CH_MASK) << 2) + 2];
  }
  after(i: number): unknown {
    return this.chunks[i >>> CH_BITS][((i & CH_MASK) << 2) + 3];
  }
}

/** A column of numbers, in Int32 or Float64 chunks. */
class NumCol {
  private readonly chunks: (Int32Array | Float64Array)[] = [];
  constructor(private readonly Chunk: typeof Int32Array | typeof Float64Array) {}
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  set(i: number, v: number): void {
    const k = i >>> CHUNK_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new this.Chunk(1 << CHUNK_BITS);
    c[i & CHUNK_MASK] = v;
  }
}

/** The per-event columns interleaved in fixed chunks of EV_PER_CHUNK events: recording an event is one chunk
 *  lookup and nine adjacent Int32 writes (each chunk stays small, for the same reason as Col's). */
const F_KIND = 0, F_LINE = 1, F_TASK = 2, F_STACK = 3, F_HOST = 4, F_SUMMARY = 5, F_CHSTART = 6, F_MATCHCOL = 7, F_EXTRACOL = 8;
const EV_STRIDE = 9;
const EV_BITS = 11;
const EV_MASK = (1 << EV_BITS) - 1;
class EventTable {
  private readonly chunks: Int32Array[] = [];
  get(i: number, f: number): number {
    return this.chunks[i >>> EV_BITS][(i & EV_MASK) * EV_STRIDE + f];
  }
  put(i: number, f: number, v: number): void {
    this.chunks[i >>> EV_BITS][(i & EV_MASK) * EV_STRIDE + f] = v;
  }
  append(i: number, kind: number, line: number, task: number, stack: number, host: number, summary: number, chStart: number, extra: number): void {
    const k = i >>> EV_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new Int32Array(EV_STRIDE << EV_BITS);
    const o = (i & EV_MASK) * EV_STRIDE;
    c[o + F_KIND] = kind;
    c[o + F_LINE] = line;
    c[o + F_TASK] = task;
    c[o + F_STACK] = stack;
    c[o + F_HOST] = host;
    c[o + F_SUMMARY] = summary;
    c[o + F_CHSTART] = chStart;
    c[o + F_MATCHCOL] = -1;
    c[o + F_EXTRACOL] = extra;
  }
}

/** The object store: a private overlay of changes over a shared, never-mutated base map (a snapshot), so
 *  restoring a snapshot costs the size of its deltas, not a copy of every object. */
export class Store implements Iterable<[string, Rec]> {
  private readonly over = new Map<string, Rec | undefined>();
  constructor(private readonly base: ReadonlyMap<string, Rec>) {}
  get(key: string): Rec | undefined {
    const v = this.over.get(key);
    if (v !== undefined) return v;
    return this.over.has(key) ? undefined : this.base.get(key);
  }
  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  set(key: string, value: Rec): void {
    this.over.set(key, value);
  }
  delete(key: string): void {
    if (this.base.has(key)) this.over.set(key, undefined);
    else this.over.delete(key);
  }
  /** Every live entry: the base in its order (overridden where changed), then the objects added since. */
  forEach(cb: (value: Rec, key: string) => void): void {
    const over = this.over;
    this.base.forEach((v, k) => {
      if (!over.has(k)) cb(v, k);
      else {
        const o = over.get(k);
        if (o !== undefined) cb(o, k);
      }
    });
    const base = this.base;
    over.forEach((v, k) => {
      if (v !== undefined && !base.has(k)) cb(v, k);
    });
  }
  [Symbol.iterator](): Iterator<[string, Rec]> {
    const all: [string, Rec][] = [];
    this.forEach((v, k) => all.push([k, v]));
    return all[Symbol.iterator]();
  }
  /** A plain copy of the current contents. */
  toMap(): Map<string, Rec> {
    if (this.base.size === 0) return new Map(this.over as Map<string, Rec>);
    const m = new Map<string, Rec>();
    this.forEach((v, k) => m.set(k, v));
    return m;
  }
}

export class Recorder {
  objs: Store;
  /** Number of events recorded. */
  n = 0;
  /** Number of events applied to `objs` (the time-travel position). */
  position = 0;

  private readonly evs = new EventTable();
  /** Optional parts: see packExtra for what F_EXTRACOL holds. */
  private extras: (EventExtra | OpResult)[] = [];

  private cn = 0;
  // Keys and fields as the strings themselves: interning them cost a hash lookup per change.
  private ch = new ChangeCol();

  private strings: string[] = [];
  private stringIds = new Map<string, number>();
  // Stack trie: node 0 is the empty stack.
  private stackParent: number[] = [-1];
  private stackFn: number[] = [-1];
  private stackDepth: number[] = [0];
  /** Children of each stack node by function name (small maps: no interning on the hot path). */
  private stackChildren: Map<string, number>[] = [new Map()];
  private stackCache: (readonly string[] | undefined)[] = [];
  private callSummary: number[] = [];
  private returnSummary: number[] = [];
  // Lazy summaries: a template (the call site's TemplateStringsArray) and its values in columns, formatted only
  // when event(i) is read. Building and keeping one string per event was the largest cost of recording.
  private templates: TemplateStringsArray[] = [];
  private templateIds = new Map<TemplateStringsArray, number>();
  private constIds = new Map<TemplateStringsArray, number>();
  private an = 0;
  private argKind = new NumCol(Int32Array);
  /** Float64: a value may be any safe integer (an inum passes 2^31). */
  private argVal = new NumCol(Float64Array);
  /** String values of summaries, by reference (their val is the index here): no hashing when recording. */
  private argStr = new ValCol<string>();
  private sn = 0;

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
    this.objs = new Store(initial ? new Map(initial) : new Map());
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

  /** A tag for template literals: records the template and its values and returns a summary id for emitRaw,
   *  whose text is what the template literal would give (see SummaryArg). */
  summary(strings: TemplateStringsArray, ...values: SummaryArg[]): number {
    // A template without values is constant text: one interned string, no argument slots.
    if (values.length === 0) {
      let c = this.constIds.get(strings);
      if (c === undefined) this.constIds.set(strings, (c = this.intern(strings[0])));
      return c;
    }
    let t = this.templateIds.get(strings);
    if (t === undefined) {
      t = this.templates.length;
      this.templates.push(strings);
      this.templateIds.set(strings, t);
    }
    const p = this.an;
    const kind = this.argKind;
    const val = this.argVal;
    kind.set(p, A_TEMPLATE);
    val.set(p, t);
    let q = p + 1;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      switch (typeof v) {
        case 'string':
          kind.set(q, A_STR);
          this.argStr.set(this.sn, v);
          val.set(q++, this.sn++);
          break;
        case 'number':
          kind.set(q, A_NUM);
          val.set(q++, v);
          break;
        case 'boolean':
          kind.set(q++, v ? A_TRUE : A_FALSE);
          break;
        case 'undefined':
          kind.set(q++, A_UNDEF);
          break;
        default:
          if (v === null) {
            kind.set(q++, A_NULL);
          } else {
            kind.set(q, A_TS);
            val.set(q++, v.sec);
            val.set(q++, v.nsec);
          }
      }
    }
    this.an = q;
    return -p - 1;
  }

  /** The text of a summary id: an interned or unique string (id >= 0) or a template with its values. */
  summaryText(id: number): string {
    if (id >= 0) return this.strings[id];
    const p = -id - 1;
    const strings = this.templates[this.argVal.get(p)];
    let out = strings[0];
    let q = p + 1;
    for (let j = 1; j < strings.length; j++) {
      const k = this.argKind.get(q);
      const v = this.argVal.get(q++);
      switch (k) {
        case A_STR: out += this.argStr.get(v); break;
        case A_NUM: out += String(v); break;
        case A_TS: out += fmtTs({ sec: v, nsec: this.argVal.get(q++) }); break;
        case A_TRUE: out += 'true'; break;
        case A_FALSE: out += 'false'; break;
        case A_NULL: out += 'null'; break;
        default: out += 'undefined'; break;
      }
      out += strings[j];
    }
    return out;
  }

  /** The stack node for `parent` extended by function `fn`. */
  pushStack(parent: number, fn: string): number {
    const children = this.stackChildren[parent];
    let id = children.get(fn);
    if (id === undefined) {
      id = this.stackParent.length;
      this.stackParent.push(parent);
      this.stackFn.push(this.intern(fn));
      this.stackDepth.push(this.stackDepth[parent] + 1);
      this.stackChildren.push(new Map());
      children.set(fn, id);
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
    this.replaceField(key, o, field, value);
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
    if (this.n === 0) this.snapshots[0] = this.objs.toMap();
    this.dirty.clear();
  }
  /** Changes made since the last event, not yet attached to one. */
  get pendingChanges(): number {
    return this.cn - this.attached;
  }

  private takeSnapshot(j: number): void {
    if (j % FULL_EVERY === 0) {
      this.snapshots[j] = this.objs.toMap();
    } else {
      const delta = new Map<string, Rec | undefined>();
      for (const k of this.dirty) delta.set(k, this.objs.get(k));
      this.snapshots[j] = delta;
    }
    this.dirty.clear();
  }

  /** The store as it was at snapshot j: the full snapshot below it plus the deltas up to j. */
  private restoreSnapshot(j: number): Store {
    const base = j - (j % FULL_EVERY);
    const objs = new Store(this.snapshots[base] as Map<string, Rec>);
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
    this.ch.add(i, key, field, before, after);
  }

  // ------------------------------------------------------------------ events

  emit(kind: EventKind, line: number, task: string | null, stack: number, hostIdx: number, summary: string, extra?: EventExtra): number {
    return this.emitRaw(KIND_ID.get(kind)!, line, task === null ? -1 : this.intern(task), stack, hostIdx, this.unique(summary), extra);
  }

  /** emit with pre-interned kind, task and summary ids (the hot path). */
  emitRaw(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, extra?: EventExtra): number {
    return this.appendEvent(kind, line, taskId, stack, hostIdx, summaryId, extra ? this.packExtra(extra) : -1);
  }
  /** emitRaw with extra { result }, the extra of every system call and vDSO exit, without the wrapper object. */
  emitResult(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, result: OpResult): number {
    return this.appendEvent(kind, line, taskId, stack, hostIdx, summaryId, this.resultExtra(result));
  }
  private resultExtra(result: OpResult): number {
    this.extras.push(result);
    return ((this.extras.length - 1) << 2) | X_RESULT;
  }
  private appendEvent(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, extraId: number): number {
    const i = this.n;
    this.evs.append(i, kind, line, taskId, stack, hostIdx, summaryId, this.attached, extraId);
    this.attached = this.cn;
    this.n = i + 1;
    this.position = this.n;
    if (this.n % SNAPSHOT_INTERVAL === 0) this.takeSnapshot(this.n / SNAPSHOT_INTERVAL);
    return i;
  }

  setMatch(a: number, b: number): void {
    this.evs.put(a, F_MATCHCOL, b);
    this.evs.put(b, F_MATCHCOL, a);
  }

  /** F_EXTRACOL: -1 for none, else (x << 2) | tag. The two commonest shapes keep no wrapper object in the log:
   *  X_RESULT, `extras[x]` is the OpResult of { result }; X_CAUSE, x is the one cause of { causes: [x] }.
   *  X_OBJ: `extras[x]` is the EventExtra itself. */
  private packExtra(extra: EventExtra): number {
    if (extra.errno === undefined && extra.signal === undefined && extra.page === undefined && extra.passed === undefined) {
      if (extra.causes === undefined && extra.result !== undefined) return this.resultExtra(extra.result);
      if (extra.result === undefined && extra.causes !== undefined && extra.causes.length === 1) {
        const c = extra.causes[0];
        if (Number.isInteger(c) && c >= 0 && c < X_CAUSE_LIMIT) return (c << 2) | X_CAUSE;
      }
    }
    this.extras.push(extra);
    return ((this.extras.length - 1) << 2) | X_OBJ;
  }

  addExtra(i: number, extra: EventExtra): void {
    const e = this.evs.get(i, F_EXTRACOL);
    if (e >= 0 && (e & 3) === X_OBJ) {
      Object.assign(this.extras[e >> 2], extra);
      return;
    }
    const merged: EventExtra = { ...this.extraOf(i), ...extra };
    this.extras.push(merged);
    this.evs.put(i, F_EXTRACOL, ((this.extras.length - 1) << 2) | X_OBJ);
  }

  extraOf(i: number): EventExtra | undefined {
    const e = this.evs.get(i, F_EXTRACOL);
    if (e < 0) return undefined;
    switch (e & 3) {
      case X_RESULT: return { result: this.extras[e >> 2] as OpResult };
      case X_CAUSE: return { causes: [e >> 2] };
      default: return this.extras[e >> 2] as EventExtra;
    }
  }

  kindOf(i: number): EventKind {
    return EVENT_KINDS[this.evs.get(i, F_KIND)];
  }
  lineOf(i: number): number {
    return this.evs.get(i, F_LINE);
  }
  taskOf(i: number): string | null {
    const t = this.evs.get(i, F_TASK);
    return t < 0 ? null : this.strings[t];
  }
  depthOf(i: number): number {
    return this.stackDepth[this.evs.get(i, F_STACK)];
  }

  private changeEnd(i: number): number {
    return i + 1 < this.n ? this.evs.get(i + 1, F_CHSTART) : this.attached;
  }

  changesOf(i: number): Change[] {
    const out: Change[] = [];
    for (let c = this.evs.get(i, F_CHSTART), e = this.changeEnd(i); c < e; c++) {
      const key = this.ch.key(c);
      const field = this.ch.field(c);
      if (key.startsWith('#') || field.startsWith('_')) continue;
      const slash = key.indexOf('/');
      if (slash >= 0) {
        const sub = key.slice(slash + 1);
        out.push({ obj: key.slice(0, slash), field: field ? `${sub}.${field}` : sub, before: this.ch.before(c), after: this.ch.after(c) });
      } else {
        out.push({ obj: key, field, before: this.ch.before(c), after: this.ch.after(c) });
      }
    }
    return out;
  }

  event(i: number): SimEvent {
    if (!(i >= 0 && i < this.n)) throw new RangeError(`event index ${i} outside 0..${this.n - 1}`);
    const stack = this.evs.get(i, F_STACK);
    const ex = this.extraOf(i);
    const ev: { -readonly [K in keyof SimEvent]: SimEvent[K] } = {
      index: i,
      kind: this.kindOf(i),
      line: this.evs.get(i, F_LINE),
      task: this.taskOf(i),
      fn: this.stackTop(stack),
      stack: this.stackFrames(stack),
      hostTime: this.hostTimes[this.evs.get(i, F_HOST)],
      summary: this.summaryText(this.evs.get(i, F_SUMMARY)),
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
    if (this.evs.get(i, F_MATCHCOL) >= 0) ev.match = this.evs.get(i, F_MATCHCOL);
    return ev;
  }

  // ------------------------------------------------------------------ time travel

  private apply(i: number, forward: boolean): void {
    const s = this.evs.get(i, F_CHSTART);
    const e = this.changeEnd(i);
    if (forward) {
      for (let c = s; c < e; c++) this.put(c, this.ch.after(c));
    } else {
      for (let c = e - 1; c >= s; c--) this.put(c, this.ch.before(c));
    }
  }

  private put(c: number, value: unknown): void {
    const key = this.ch.key(c);
    const field = this.ch.field(c);
    if (field === '') {
      if (value === undefined) this.objs.delete(key);
      else this.objs.set(key, value as Rec);
    } else {
      this.replaceField(key, this.objs.get(key)!, field, value);
    }
  }

  /** Records are never mutated (snapshots and handed-out states share them): a change stores a copy. */
  private replaceField(key: string, o: Rec, field: string, value: unknown): void {
    const copy = cloneRec(key, o);
    copy[field] = value;
    this.objs.set(key, copy);
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
      depth[i] = Math.min(255, this.stackDepth[this.evs.get(i, F_STACK)]);
      const t = this.evs.get(i, F_TASK);
      if (t < 0) task[i] = 0xffff;
      else {
        let id = taskIds.get(t);
        if (id === undefined) { id = tasks.length; tasks.push(this.strings[t]); taskIds.set(t, id); }
        task[i] = id;
      }
      const st = this.evs.get(i, F_STACK);
      const f = st === 0 ? -1 : this.stackFn[st];
      if (f < 0) fn[i] = 0xffff;
      else {
        let id = fnIds.get(f);
        if (id === undefined) { id = fns.length; fns.push(this.strings[f]); fnIds.set(f, id); }
        fn[i] = id;
      }
    }
    const kind = new Uint8Array(n);
    const line = new Int32Array(n);
    const match = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      kind[i] = this.evs.get(i, F_KIND);
      line[i] = this.evs.get(i, F_LINE);
      match[i] = this.evs.get(i, F_MATCHCOL);
    }
    return { kind, depth, line, task, tasks, fn, fns, match };
  }
}
