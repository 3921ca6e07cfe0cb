// The event log and the store's change log behind time travel. Every mutation of the store goes through
// set/create/remove, which records {table, id, field, before, after}; the changes made since the previous event
// belong to the next event emitted (so an event carries the changes that led up to it); stepping back undoes one
// event's changes, stepping forward redoes them, and snapshots bound goto(). Without history (streaming) only
// the events of the current step are kept, and no snapshots.

import { EVENT_KINDS, type Change, type EventKind, type OpResult, type SimEvent } from '../api';
import { Store, type StoreImage } from '../store/store';
import { shownName, type RawChange, type Table } from '../store/table';
import { StoreAt } from '../store/view';
import type { Timespec } from '../types';
import { ChangeIndex, countBelow } from './changeIndex';
import { ChangeCol, EventTable, F_CHSTART, F_EXTRA, F_HOST, F_KIND, F_LINE, F_MATCH, F_STACK, F_SUMMARY, F_TASK } from './columns';
import { SNAPSHOT_INTERVAL, Snapshots } from './snapshots';
import { Texts } from './texts';

/** Numeric ids of the event kinds, as the log stores them. */

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

/** A snapshot's view looks each record up through the snapshot's deltas: counted as this many kept changes more
 *  than a view of the store or the last one. */
const SNAPSHOT_LOOKUP_COST = 64;

export class Recorder extends Texts {
  store: Store;
  /** Number of events recorded. */
  n = 0;
  /** Number of events applied to the store (the time-travel position). */
  position = 0;
  /** Index of the first event still kept: 0 with history, else the first event of the current step. */
  first = 0;

  private readonly evs = new EventTable();
  /** Optional parts: see packExtra for what F_EXTRA holds. */
  private extras: (EventExtra | OpResult)[] = [];
  private cn = 0;
  private readonly ch = new ChangeCol();
  hostTimes: Timespec[] = [];
  private readonly snaps: Snapshots | null;
  /** The changes a view needs (viewedChange), in order: a view moves over these alone, not every change between. */
  private viewedChanges: number[] = [];
  /** The events by the objects and fields their changes show (lastChanging). */
  private readonly touched = new ChangeIndex();
  /** The collections' field paths (TableKind.lists) of every table. */
  private readonly lists: readonly string[];
  /** The events with a change of a table that expands them (struct files), in order: lastChanging looks at these. */
  private expandedEvents: number[] = [];
  /** The view the last changesOf left after its event's changes (see viewAt). */
  private viewCache: { readonly key: string; readonly c: number; readonly view: StoreAt } | null = null;

  /** While false (initial set-up), mutations are not recorded. */
  private recordingOn = false;
  /** Number of changes already attached to an event; later ones are pending for the next event. */
  private attached = 0;

  constructor(readonly keepHistory: boolean, initial?: StoreImage) {
    super();
    this.store = new Store(initial);
    this.lists = this.store.all.flatMap((t) => t.kind.lists ?? []);
    this.snaps = keepHistory ? new Snapshots() : null;
  }

  // ------------------------------------------------------------------ store

  set<R extends object, F extends keyof R & string>(t: Table<R>, id: string, field: F, value: R[F]): void {
    const o = t.get(id);
    if (!o) throw new Error(`internal: no ${t.kind.name} ${id}`);
    const before = o[field];
    if (before === value) return;
    this.replaceField(t, id, o, field, value);
    if (this.recordingOn) this.record(t, id, field, before, value);
  }

  /** Several fields of one record, with one copy of it: a change for each field that differs, in `values`' order. */
  setFields<R extends object>(t: Table<R>, id: string, values: Partial<R>): void {
    const o = t.get(id);
    if (!o) throw new Error(`internal: no ${t.kind.name} ${id}`);
    const copy = t.kind.copy(o) as Record<string, unknown>;
    const changed: string[] = [];
    for (const field in values) {
      if (copy[field] === values[field]) continue;
      copy[field] = values[field];
      changed.push(field);
    }
    if (changed.length === 0) return;
    t.put(id, copy as R);
    if (this.recordingOn) for (const field of changed) this.record(t, id, field, (o as Record<string, unknown>)[field], copy[field]);
  }

  create<R extends object>(t: Table<R>, id: string, rec: R): void {
    const before = t.get(id);
    t.put(id, rec);
    if (this.recordingOn) {
      if (before === undefined) this.snaps?.grew(1);
      this.record(t, id, '', before, rec);
    }
  }

  /** A record replaced whole: one change however many of its fields differ. */
  replace<R extends object>(t: Table<R>, id: string, rec: R): void {
    if (!t.has(id)) throw new Error(`internal: no ${t.kind.name} ${id}`);
    this.create(t, id, rec);
  }

  remove<R extends object>(t: Table<R>, id: string): void {
    const before = t.get(id);
    if (before === undefined) return;
    t.drop(id);
    if (this.recordingOn) {
      this.snaps?.grew(-1);
      this.record(t, id, '', before, undefined);
    }
  }

  /** Records are never mutated (snapshots and handed-out states share them): a change stores a copy. */
  private replaceField<R extends object>(t: Table<R>, id: string, o: R, field: string, value: unknown): void {
    const copy = t.kind.copy(o);
    (copy as Record<string, unknown>)[field] = value;
    t.put(id, copy);
  }

  private record(t: Table<object>, id: string, field: string, before: unknown, after: unknown): void {
    if (this.snaps) t.dirty.add(id);
    if (this.viewedChange(t, field)) this.viewedChanges.push(this.cn);
    this.ch.add(this.cn++, t.index, id, field, before, after);
    if (this.snaps !== null) this.indexChange(t, id, field, before, after);
  }

  /** Indexes the change just recorded under the names changesOf will show it by: it belongs to the next event. */
  private indexChange(t: Table<object>, id: string, field: string, before: unknown, after: unknown): void {
    if (t.kind.expand !== undefined) {
      // Shown in every fd table pointing at the file: indexing each would cost the holders per read (a file shared
      // by 8,000 children, 64 million entries). The events are listed; lastChanging looks at them when asked.
      if (before !== undefined && !field.startsWith('_') && this.expandedEvents[this.expandedEvents.length - 1] !== this.n) this.expandedEvents.push(this.n);
      return;
    }
    const s = shownName(t.kind, id, field);
    if (s === null) return;
    this.touched.add(this.n, s.obj, s.field);
    // A change of a list in a field (a namespace's refs.time_ns) is indexed under the list too. Its entries are not:
    // a namespace among thousands of tasks would hold thousands (6% more memory an event); lastChanging reads the
    // list's events for one.
    if (t.kind.listOf === undefined || field === '' || before === undefined || after === undefined) return;
    const list = t.kind.listOf(field, before, after);
    if (list !== s.field) this.touched.add(this.n, s.obj, list);
  }

  /**
   * The last event before `before` whose changes (as changesOf shows them) touch `obj`; with `field`, the last
   * that changed that field or a `field.` part of it, else the last touching `obj` at all; null for none. Without
   * history nothing is indexed (null): clearing an index at every step filled a streaming run's small heap.
   */
  lastChanging(before: number, obj: string, field?: string): number | null {
    const parts = this.touched.lastParts(before, obj, field);
    const any = parts.any;
    const hit = parts.hit >= 0 || field === undefined ? parts.hit : this.lastShowingEntry(before, obj, field);
    // Changes of struct files show as `fds` changes of the tables pointing at them (expandsTo): the events with
    // such changes after the answer so far, latest first, until one shows `obj`.
    const shownAs = this.store.openFiles.kind.expandsAs;
    if (field && field !== shownAs && !(shownAs !== undefined && field.startsWith(`${shownAs}.`))) {
      if (hit >= 0) return hit;
      const e = Math.max(any, this.lastExpandedShowing(before, any, obj));
      return e >= 0 ? e : null;
    }
    if (field) {
      const e = Math.max(hit, this.lastExpandedShowing(before, hit, obj, field));
      if (e >= 0) return e;
      const a = Math.max(any, this.lastExpandedShowing(before, any, obj));
      return a >= 0 ? a : null;
    }
    const e = Math.max(any, this.lastExpandedShowing(before, any, obj));
    return e >= 0 ? e : null;
  }

  /** For a field inside a collection ('refs.time_ns.P3', 'fds.f'), the last event before `before` that shows it,
   *  from the events of its list, latest first; -1 for none (and for other fields). */
  private lastShowingEntry(before: number, obj: string, field: string): number {
    let list: string | undefined;
    for (const l of this.lists) if (field.startsWith(l) && field.charCodeAt(l.length) === DOT && (list === undefined || l.length > list.length)) list = l;
    if (list === undefined) return -1;
    const part = `${field}.`;
    for (const i of this.touched.eventsBelow(before, obj, list)) {
      if (i < this.first) break;
      if (this.changesOf(i).some((c) => c.obj === obj && (c.field === field || c.field.startsWith(part)))) return i;
    }
    return -1;
  }

  /** The last event after `after` and before `before` with struct files' changes whose changes show `obj` (its
   *  field `field`, when given), or -1. */
  private lastExpandedShowing(before: number, after: number, obj: string, field?: string): number {
    const list = this.expandedEvents;
    for (let k = countBelow(list, before) - 1; k >= 0 && list[k] > after; k--) {
      if (list[k] < this.first) break;
      if (this.changesOf(list[k]).some((c) => c.obj === obj && (field === undefined || c.field === field || c.field.startsWith(`${field}.`)))) return list[k];
    }
    return -1;
  }

  get recording(): boolean {
    return this.recordingOn;
  }
  /** Start recording: the current store becomes the state at position 0. */
  startRecording(): void {
    this.recordingOn = true;
    this.snaps?.start(this.store);
  }
  /** Changes made since the last event, not yet attached to one. */
  get pendingChanges(): number {
    return this.cn - this.attached;
  }

  /** Without history: forget the events of the previous step (called before each step). The current host time
   *  stays, as index 0. True when something was forgotten. */
  startStep(): boolean {
    if (this.snaps || this.n === this.first) return false;
    this.first = this.n;
    this.evs.clear();
    this.ch.clear();
    this.viewedChanges = [];
    this.cn = 0;
    this.attached = 0;
    this.extras = [];
    this.clearSummaries();
    this.hostTimes = [this.hostTimes[this.hostTimes.length - 1]];
    return true;
  }

  // ------------------------------------------------------------------ events

  hostIndex(t: Timespec): number {
    const last = this.hostTimes[this.hostTimes.length - 1];
    if (last && last.sec === t.sec && last.nsec === t.nsec) return this.hostTimes.length - 1;
    this.hostTimes.push(t);
    return this.hostTimes.length - 1;
  }

  /** An event with pre-interned kind, task and summary ids (the hot path). */
  emit(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, extra?: EventExtra): number {
    return this.append(kind, line, taskId, stack, hostIdx, summaryId, extra ? this.packExtra(extra) : -1);
  }
  /** emit with extra { result }, the extra of every system call and vDSO exit, without the wrapper object. */
  emitResult(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, result: OpResult): number {
    return this.append(kind, line, taskId, stack, hostIdx, summaryId, this.resultExtra(result));
  }
  private resultExtra(result: OpResult): number {
    this.extras.push(result);
    return ((this.extras.length - 1) << 2) | X_RESULT;
  }
  private append(kind: number, line: number, taskId: number, stack: number, hostIdx: number, summaryId: number, extraId: number): number {
    const i = this.n;
    this.evs.append(i - this.first, kind, line, taskId, stack, hostIdx, summaryId, this.attached, extraId);
    this.attached = this.cn;
    this.n = i + 1;
    this.position = this.n;
    if (this.n % SNAPSHOT_INTERVAL === 0 && this.snaps !== null) this.snaps.take(this.n / SNAPSHOT_INTERVAL, this.store);
    return i;
  }

  setMatch(a: number, b: number): void {
    this.evs.put(a - this.first, F_MATCH, b);
    this.evs.put(b - this.first, F_MATCH, a);
  }

  /** F_EXTRA: -1 for none, else (x << 2) | tag. The two commonest shapes keep no wrapper object in the log:
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

  private extraOf(i: number): EventExtra | undefined {
    const e = this.evs.get(i - this.first, F_EXTRA);
    if (e < 0) return undefined;
    switch (e & 3) {
      case X_RESULT: return { result: this.extras[e >> 2] as OpResult };
      case X_CAUSE: return { causes: [e >> 2] };
      default: return this.extras[e >> 2] as EventExtra;
    }
  }

  /** Throws unless event `i` is kept (all of them with history; the current step's without). */
  check(i: number): void {
    if (!(i >= this.first && i < this.n)) {
      if (i >= 0 && i < this.first) throw new RangeError(`event ${i} is gone: without history only the last step's events (${this.first}..${this.n - 1}) are kept`);
      throw new RangeError(`event index ${i} outside 0..${this.n - 1}`);
    }
  }

  kindOf(i: number): EventKind {
    return EVENT_KINDS[this.evs.get(i - this.first, F_KIND)];
  }
  lineOf(i: number): number {
    return this.evs.get(i - this.first, F_LINE);
  }
  taskOf(i: number): string | null {
    const t = this.evs.get(i - this.first, F_TASK);
    return t < 0 ? null : this.str(t);
  }
  depthOf(i: number): number {
    return this.stackDepth[this.evs.get(i - this.first, F_STACK)];
  }
  fnOf(i: number): string {
    return this.stackTop(this.evs.get(i - this.first, F_STACK));
  }
  /** The kept events whose stack `test` accepts (asked once per stack), in order. */
  eventsWithStack(test: (stack: readonly string[], fn: string) => boolean): number[] {
    // Per stack: 0 not asked yet, 1 accepted, 2 not.
    const verdicts = new Uint8Array(this.stackCount);
    const out: number[] = [];
    for (let i = this.first; i < this.n; i++) {
      const s = this.evs.get(i - this.first, F_STACK);
      let v = verdicts[s];
      if (v === 0) v = verdicts[s] = test(this.stackFrames(s), this.stackTop(s)) ? 1 : 2;
      if (v === 1) out.push(i);
    }
    return out;
  }
  summaryOf(i: number): string {
    return this.summaryText(this.evs.get(i - this.first, F_SUMMARY));
  }

  private changeEnd(i: number): number {
    return i + 1 < this.n ? this.evs.get(i + 1 - this.first, F_CHSTART) : this.attached;
  }

  /** Whether events [from, to) changed any field but a task's last result, hidden ones included (changesOf leaves them out). */
  changedState(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      this.check(i);
      for (let c = this.evs.get(i - this.first, F_CHSTART), e = this.changeEnd(i); c < e; c++) if (this.ch.field(c) !== 'lastResult') return true;
    }
    return false;
  }

  changesOf(i: number): Change[] {
    const out: Change[] = [];
    const s = this.evs.get(i - this.first, F_CHSTART);
    const e = this.changeEnd(i);
    // Kinds that show other records (an fd table its struct files) read them as they were: a view of the store
    // at the event's first change, moved past each change as it is shown.
    let at: StoreAt | null = null;
    for (let c = s; c < e && at === null; c++) if (this.store.all[this.ch.table(c)].kind.readsStore) at = this.viewAt(s, i);
    const view = at ?? new StoreAt(this.store);
    for (let c = s; c < e;) {
      const t = this.store.all[this.ch.table(c)];
      if (t.kind.expand !== undefined) {
        const run: RawChange[] = [];
        for (let j = c; j < e && this.ch.table(j) === t.index; j++) run.push({ id: this.ch.id(j), field: this.ch.field(j), before: this.ch.before(j), after: this.ch.after(j) });
        let next = c;
        out.push(...t.kind.expand(run, view, () => this.redo(view, next++), this.taskOf(i)));
        c += run.length;
        continue;
      }
      const field = this.ch.field(c);
      const name = shownName(t.kind, this.ch.id(c), field);
      if (name !== null) {
        const before = this.ch.before(c);
        const after = this.ch.after(c);
        const entries = field === '' || before === undefined || after === undefined ? null : t.kind.entries?.(field, before, after) ?? null;
        if (entries !== null) {
          const show = (list: string, v: unknown): unknown => (v === undefined || t.kind.showEntry === undefined ? v : t.kind.showEntry(list, v, view));
          for (const e of entries) out.push({ obj: name.obj, field: `${e.list}.${e.key}`, before: show(e.list, e.before), after: show(e.list, e.after) });
        } else {
          const show = (v: unknown): unknown => (v === undefined ? v : field === '' ? t.kind.show(v as object, view) : t.kind.showField(field, v, view));
          out.push({ obj: name.obj, field: name.field, before: show(before), after: show(after) });
        }
      }
      if (at !== null) this.redo(at, c);
      c++;
    }
    if (at !== null) this.viewCache = { key: this.viewKey(), c: e, view: at };
    return out;
  }

  /** The changes a view keeps: of the records shown by others, and of a task's fd table (the reader's comes first;
   *  a view's task is read for nothing else). */
  private viewedChange(t: Table<object>, field: string): boolean {
    return t.kind.readsStore || (t === this.store.tasks && (field === '' || field === 'files'));
  }
  private redo(view: StoreAt, c: number): void {
    if (this.viewedChange(this.store.all[this.ch.table(c)], this.ch.field(c))) this.setIn(view, c, this.ch.after(c));
  }
  private setIn(view: StoreAt, c: number, value: unknown): void {
    view.set(this.store.all[this.ch.table(c)], this.ch.id(c), this.ch.field(c), value);
  }
  /** The place in viewedChanges of the first such change at or after change `c`. */
  private firstViewedFrom(c: number): number {
    let lo = 0;
    let hi = this.viewedChanges.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.viewedChanges[mid] < c) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** Redoes on `view` the changes it keeps from `from` up to (not including) `to`. */
  private redoBetween(view: StoreAt, from: number, to: number): void {
    for (let k = this.firstViewedFrom(from); k < this.viewedChanges.length && this.viewedChanges[k] < to; k++) this.setIn(view, this.viewedChanges[k], this.ch.after(this.viewedChanges[k]));
  }
  /** What a cached view depends on: the log's length and the store's position in it. */
  private viewKey(): string {
    return `${this.first}/${this.n}/${this.cn}/${this.position}`;
  }
  /** The store just before change `c`, the first of event `i`, from whichever start is the fewest kept changes
   *  away: the view the last changesOf left (events shown in order, or backwards, cost their own changes), the
   *  store as it is, or the snapshot before `i` (its records looked up through its deltas). */
  private viewAt(c: number, i: number): StoreAt {
    const here = this.firstViewedFrom(c);
    const cached = this.viewCache !== null && this.viewCache.key === this.viewKey() ? this.viewCache : null;
    this.viewCache = null;
    // The first change not applied to the store.
    const applied = this.position >= this.n ? this.cn : this.evs.get(this.position - this.first, F_CHSTART);
    const j = Math.floor(i / SNAPSHOT_INTERVAL);
    const snapshot = this.snaps !== null && this.snaps.has(j) && j * SNAPSHOT_INTERVAL < this.n ? this.evs.get(j * SNAPSHOT_INTERVAL - this.first, F_CHSTART) : -1;
    const cost = (from: number) => Math.abs(here - this.firstViewedFrom(from));
    const costs = [cached === null ? Infinity : cost(cached.c), cost(applied), snapshot < 0 ? Infinity : cost(snapshot) + SNAPSHOT_LOOKUP_COST];
    const best = costs.indexOf(Math.min(...costs));
    if (best === 0) return this.moveView(cached!.view, cached!.c, c);
    if (best === 1) return this.moveView(new StoreAt(this.store), applied, c);
    const snaps = this.snaps!;
    return this.moveView(new StoreAt(this.store, (t, id) => snaps.recordAt(j, t.index, id)), snapshot, c);
  }
  /** `view`, the store just before change `from`, moved to just before change `to`: the kept changes in between
   *  redone, or undone when `to` comes first. */
  private moveView(view: StoreAt, from: number, to: number): StoreAt {
    if (from <= to) {
      this.redoBetween(view, from, to);
    } else {
      for (let k = this.firstViewedFrom(from) - 1; k >= 0 && this.viewedChanges[k] >= to; k--) this.setIn(view, this.viewedChanges[k], this.ch.before(this.viewedChanges[k]));
    }
    return view;
  }

  event(i: number): SimEvent {
    this.check(i);
    const stack = this.evs.get(i - this.first, F_STACK);
    const ex = this.extraOf(i);
    const ev: { -readonly [K in keyof SimEvent]: SimEvent[K] } = {
      index: i,
      kind: this.kindOf(i),
      line: this.lineOf(i),
      task: this.taskOf(i),
      fn: this.stackTop(stack),
      stack: this.stackFrames(stack),
      hostTime: this.hostTimes[this.evs.get(i - this.first, F_HOST)],
      summary: this.summaryOf(i),
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
    const m = this.evs.get(i - this.first, F_MATCH);
    if (m >= 0) ev.match = m;
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
    const t = this.store.all[this.ch.table(c)];
    const id = this.ch.id(c);
    const field = this.ch.field(c);
    if (field === '') {
      if (value === undefined) t.drop(id);
      else t.put(id, value as object);
    } else {
      this.replaceField(t, id, t.get(id)!, field, value);
    }
  }

  private travel(what: string): void {
    if (!this.snaps) throw new Error(`${what}: this simulation keeps no history (createSimulation(profile, { keepHistory: false })), so it cannot go back in time`);
  }

  stepForward(): boolean {
    if (this.position >= this.n) return false;
    this.apply(this.position, true);
    this.position++;
    return true;
  }

  stepBack(): boolean {
    this.travel('stepBack');
    if (this.position <= 0) return false;
    this.position--;
    this.apply(this.position, false);
    return true;
  }

  goto(p: number): void {
    if (!Number.isInteger(p) || p < 0 || p > this.n) throw new RangeError(`position ${p} outside 0..${this.n}`);
    if (p === this.position) return;
    this.travel(`goto(${p})`);
    const from = this.snaps!.nearest(p, this.position);
    if (from !== null) {
      this.snaps!.restore(from, this.store);
      this.position = from * this.snaps!.interval;
    }
    while (this.position < p) this.stepForward();
    while (this.position > p) this.stepBack();
  }

  /** Changes of the event before the position. */
  lastChanges(): Change[] {
    return this.position > this.first ? this.changesOf(this.position - 1) : [];
  }

  /** Columnar copies for views that draw every event (see SimulationImpl.exportColumns). */
  exportColumns(): { kind: Uint8Array; depth: Uint8Array; line: Int32Array; task: Uint16Array; tasks: string[]; fn: Uint16Array; fns: string[]; match: Int32Array } {
    this.travel('exportColumns');
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
        if (id === undefined) { id = tasks.length; tasks.push(this.str(t)); taskIds.set(t, id); }
        task[i] = id;
      }
      const st = this.evs.get(i, F_STACK);
      const f = st === 0 ? -1 : this.stackFn[st];
      if (f < 0) fn[i] = 0xffff;
      else {
        let id = fnIds.get(f);
        if (id === undefined) { id = fns.length; fns.push(this.str(f)); fnIds.set(f, id); }
        fn[i] = id;
      }
    }
    const kind = new Uint8Array(n);
    const line = new Int32Array(n);
    const match = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      kind[i] = this.evs.get(i, F_KIND);
      line[i] = this.evs.get(i, F_LINE);
      match[i] = this.evs.get(i, F_MATCH);
    }
    return { kind, depth, line, task, tasks, fn, fns, match };
  }
}

const DOT = 46;
