// The Simulation of api.ts: records steps through the kernel model into the event log, then travels in
// time over it (goto/step) with the state rebuilt lazily and cached per position. Without history it keeps
// only the last step's events, lines and results.

import type {
  Change, EventKind, KernelState, LineSpan, OpResult, SimEvent, Simulation, SimulationOptions, StateTable,
} from './api';
import { Kernel } from './kernel/kernel';
import { Recorder } from './log/recorder';
import type { Step } from './ops';
import { switchesFor, type Switches } from './profile';
import { buildState, mmState, taskState, timeNamespaceState, userNamespaceState } from './store/state';
import type { Store, StoreImage } from './store/store';
import type { Memo } from './kernel/memo';
import { DESIGNS, KERNEL_VERSIONS, ARM64_PATCHES, type Profile } from './types';

function checkProfile(p: Profile): void {
  if (p.arch !== 'x86_64' && p.arch !== 'arm64') throw new Error(`unknown arch ${String(p.arch)}: expected x86_64 or arm64`);
  if (!KERNEL_VERSIONS.includes(p.kernel)) throw new Error(`unknown kernel version ${String(p.kernel)}: expected one of ${KERNEL_VERSIONS.join(', ')}`);
  const ids = new Set<string>(ARM64_PATCHES.map((x) => x.id));
  for (const d of p.disabledPatches) if (!ids.has(d)) throw new Error(`unknown arm64 patch ${String(d)}: expected one of ${[...ids].join(', ')}`);
  if (p.design !== undefined && !DESIGNS.includes(p.design)) throw new Error(`unknown design ${String(p.design)}: expected one of ${DESIGNS.join(', ')}`);
}

export class SimulationImpl implements Simulation {
  readonly profile: Profile;
  readonly switches: Switches;
  readonly keepsHistory: boolean;
  private readonly rec: Recorder;
  private readonly kernel: Kernel;
  // Line spans as three number columns; the LineSpan objects are made when lineSpans() is first asked for
  // (a recording of 10^6 events has some 10^5 lines, and keeping an object per line slowed the garbage collector).
  private spanLine: number[] = [];
  private spanFirst: number[] = [];
  private spanEnd: number[] = [];
  private spans: LineSpan[] = [];
  /** Result of each line by line number (an array: a Map of 10^5 lines cost more than the lines' own work). */
  private results: (OpResult | undefined)[] = [];
  /** Results of lines that cannot index an array (negative or fractional line numbers given through the API). */
  private otherResults = new Map<number, OpResult>();
  /** Without history, the step's own line and result: an empty array given line 40,000 turned into a dictionary at
   *  every step of a streaming run. */
  private stepLine = -1;
  private stepResult: OpResult | undefined;
  private cached: { position: number; n: number; state: KernelState } | null = null;

  constructor(profile: Profile, options: SimulationOptions = {}, initial?: StoreImage) {
    checkProfile(profile);
    this.profile = { arch: profile.arch, kernel: profile.kernel, disabledPatches: [...profile.disabledPatches], ...(profile.forcedBuild ? { forcedBuild: true } : {}), ...(profile.machine ? { machine: { ...profile.machine } } : {}), ...(profile.config ? { config: { ...profile.config } } : {}), ...(profile.design && profile.design !== 'merged' ? { design: profile.design } : {}) };
    this.switches = switchesFor(this.profile);
    this.keepsHistory = options.keepHistory !== false;
    this.rec = new Recorder(this.keepsHistory, initial);
    this.kernel = new Kernel(this.rec, this.switches.values, this.profile);
    if (!initial) this.kernel.boot(options.uptime);
    this.rec.startRecording();
  }

  private requireEnd(what: string): void {
    if (this.rec.position !== this.rec.n) {
      throw new Error(`${what} needs the simulation at its end (position ${this.rec.position} of ${this.rec.n}); record first, then travel`);
    }
  }

  /** Without history, a step forgets the lines and results of the one before: the columns are emptied in place; the
   *  spans lineSpans() may have handed out are left to whoever holds them. (Map.clear() at every step, instead of a
   *  new Map, left 12 MB more live in a 10^5-line run.) */
  private startStep(): void {
    if (this.keepsHistory || this.spanLine.length === 0) return;
    this.spanLine.length = 0;
    this.spanFirst.length = 0;
    this.spanEnd.length = 0;
    if (this.spans.length) this.spans = [];
    this.stepLine = -1;
    this.stepResult = undefined;
    if (this.otherResults.size) this.otherResults = new Map();
  }

  exec(step: Step): OpResult {
    this.requireEnd('exec');
    this.startStep();
    const first = this.rec.n;
    let res: OpResult;
    try {
      res = this.kernel.execStep(step);
      if (this.rec.pendingChanges) throw new Error('changes were left without an event');
    } catch (e) {
      // A bug in the model must not take the caller down: record it where it happened and go on.
      res = this.kernel.internalError(step, e instanceof Error ? e.message : String(e));
    }
    this.addSpan(step.line, first);
    if (!isIndex(step.line)) this.otherResults.set(step.line, res);
    else if (this.keepsHistory) this.results[step.line] = res;
    else {
      this.stepLine = step.line;
      this.stepResult = res;
    }
    return res;
  }

  recordExpectation(line: number, task: string | null, passed: boolean, summary: string): void {
    this.requireEnd('recordExpectation');
    this.startStep();
    const first = this.rec.n;
    this.kernel.recordExpectation(line, task, passed, summary);
    this.addSpan(line, first);
  }

  get eventCount(): number {
    return this.rec.n;
  }
  event(index: number): SimEvent {
    return this.rec.event(index);
  }
  changedState(from: number, to: number): boolean {
    return this.rec.changedState(from, to);
  }
  kindOf(index: number): EventKind {
    if (!this.keepsHistory) this.rec.check(index);
    return this.rec.kindOf(index);
  }
  lineOf(index: number): number {
    if (!this.keepsHistory) this.rec.check(index);
    return this.rec.lineOf(index);
  }
  taskOf(index: number): string | null {
    if (!this.keepsHistory) this.rec.check(index);
    return this.rec.taskOf(index);
  }
  depthOf(index: number): number {
    if (!this.keepsHistory) this.rec.check(index);
    return this.rec.depthOf(index);
  }
  fnOf(index: number): string {
    if (!this.keepsHistory) this.rec.check(index);
    return this.rec.fnOf(index);
  }
  eventsWithStack(test: (stack: readonly string[], fn: string) => boolean): number[] {
    return this.rec.eventsWithStack(test);
  }
  summaryOf(index: number): string {
    if (!this.keepsHistory) this.rec.check(index);
    return this.rec.summaryOf(index);
  }
  lastChanging(position: number, obj: string, field?: string): number | null {
    return this.rec.lastChanging(position, obj, field);
  }
  private addSpan(line: number, first: number): void {
    this.spanLine.push(line);
    this.spanFirst.push(first);
    this.spanEnd.push(this.rec.n);
  }
  lineSpans(): readonly LineSpan[] {
    const out = this.spans;
    for (let k = out.length; k < this.spanLine.length; k++) out.push({ line: this.spanLine[k], first: this.spanFirst[k], end: this.spanEnd[k] });
    return out;
  }
  resultOfLine(line: number): OpResult | undefined {
    if (!isIndex(line)) return this.otherResults.get(line);
    if (this.keepsHistory) return this.results[line];
    return line === this.stepLine ? this.stepResult : undefined;
  }

  get position(): number {
    return this.rec.position;
  }
  goto(position: number): void {
    this.rec.goto(position);
  }
  stepForward(): boolean {
    return this.rec.stepForward();
  }
  stepBack(): boolean {
    return this.rec.stepBack();
  }
  state(): KernelState {
    const c = this.cached;
    if (c && c.position === this.rec.position && c.n === this.rec.n) return c.state;
    const state = buildState(this.rec.store);
    this.cached = { position: this.rec.position, n: this.rec.n, state };
    return state;
  }
  stateOf<K extends StateTable>(table: K, id: string): KernelState[K][string] | undefined {
    const s = this.rec.store;
    // Each branch returns what state()[table][id] holds; the casts only name that for the generic K.
    switch (table) {
      case 'tasks': { const t = s.tasks.get(id); return (t && taskState(s, t)) as KernelState[K][string] | undefined; }
      case 'nsproxies': return s.nsproxies.get(id) as KernelState[K][string] | undefined;
      case 'timeNamespaces': { const n = s.timeNamespaces.get(id); return (n && timeNamespaceState(n)) as KernelState[K][string] | undefined; }
      case 'userNamespaces': { const u = s.userNamespaces.get(id); return (u && userNamespaceState(u)) as KernelState[K][string] | undefined; }
      case 'mms': { const m = s.mms.get(id); return (m && mmState(s, m)) as KernelState[K][string] | undefined; }
      case 'pages': return s.pages.get(id) as KernelState[K][string] | undefined;
      default: throw new RangeError(`stateOf: no table ${String(table)}`);
    }
  }
  taskNamespaces(task: string): { readonly time_ns: string; readonly time_ns_for_children: string } | null {
    const t = this.rec.store.tasks.get(task);
    const p = t?.nsproxy ? this.rec.store.nsproxies.get(t.nsproxy) : undefined;
    return p ? { time_ns: p.time_ns, time_ns_for_children: p.time_ns_for_children } : null;
  }
  lastChanges(): readonly Change[] {
    return this.rec.lastChanges();
  }
  /** Additive to the Simulation contract: the event columns in bulk, for the timeline. */
  exportColumns(): ReturnType<Recorder['exportColumns']> {
    return this.rec.exportColumns();
  }
  /** The store and the kernel's memo, for tests that look behind the read model. */
  get internals(): { readonly store: Store; readonly memo: Memo } {
    return { store: this.rec.store, memo: this.kernel.memo };
  }
  forkAtPosition(): Simulation {
    return new SimulationImpl(this.profile, { keepHistory: this.keepsHistory }, this.rec.store.image());
  }
}

/** The store and memo behind a simulation made by createSimulation (for tests). */
export function internalsOf(sim: Simulation): { readonly store: Store; readonly memo: Memo } {
  if (!(sim instanceof SimulationImpl)) throw new Error('not a simulation made by createSimulation');
  return sim.internals;
}

/** A line number that can index an array. */
function isIndex(line: number): boolean {
  return Number.isInteger(line) && line >= 0;
}
