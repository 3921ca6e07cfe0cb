// The Simulation of api.ts: records steps through the kernel model into the event log, then travels in
// time over it (goto/step) with the state rebuilt lazily and cached per position.

import type { Change, EventKind, KernelState, LineSpan, OpResult, SimEvent, Simulation } from './api';
import { Kernel } from './kernel';
import type { Step } from './ops';
import { switchesFor, type Switches } from './profile';
import { buildState, kindOfKey, type NsproxyRec, type TaskRec } from './records';
import { Recorder, type Rec } from './recorder';
import { KERNEL_VERSIONS, ARM64_PATCHES, type Profile } from './types';

function checkProfile(p: Profile): void {
  if (p.arch !== 'x86_64' && p.arch !== 'arm64') throw new Error(`unknown arch ${String(p.arch)}: expected x86_64 or arm64`);
  if (!KERNEL_VERSIONS.includes(p.kernel)) throw new Error(`unknown kernel version ${String(p.kernel)}: expected one of ${KERNEL_VERSIONS.join(', ')}`);
  const ids = new Set<string>(ARM64_PATCHES.map((x) => x.id));
  for (const d of p.disabledPatches) if (!ids.has(d)) throw new Error(`unknown arm64 patch ${String(d)}: expected one of ${[...ids].join(', ')}`);
}

export class SimulationImpl implements Simulation {
  readonly profile: Profile;
  readonly switches: Switches;
  private readonly rec: Recorder;
  private readonly kernel: Kernel;
  // Line spans as three number columns; the LineSpan objects are made when lineSpans() is first asked for
  // (a recording of 10^6 events has some 10^5 lines, and keeping an object per line slowed the garbage collector).
  private readonly spanLine: number[] = [];
  private readonly spanFirst: number[] = [];
  private readonly spanEnd: number[] = [];
  private readonly spans: LineSpan[] = [];
  /** Result of each line by line number (an array: a Map of 10^5 lines cost more than the lines' own work). */
  private readonly results: (OpResult | undefined)[] = [];
  /** Results of lines that cannot index an array (negative or fractional line numbers given through the API). */
  private readonly otherResults = new Map<number, OpResult>();
  private cached: { position: number; n: number; state: KernelState } | null = null;

  constructor(profile: Profile, initial?: Map<string, Rec>) {
    checkProfile(profile);
    this.profile = { arch: profile.arch, kernel: profile.kernel, disabledPatches: [...profile.disabledPatches] };
    this.switches = switchesFor(this.profile);
    this.rec = new Recorder(initial);
    this.kernel = new Kernel(this.rec, this.switches.values, this.profile);
    if (!initial) this.kernel.boot();
    this.rec.startRecording();
  }

  private requireEnd(what: string): void {
    if (this.rec.position !== this.rec.n) {
      throw new Error(`${what} needs the simulation at its end (position ${this.rec.position} of ${this.rec.n}); record first, then travel`);
    }
  }

  exec(step: Step): OpResult {
    this.requireEnd('exec');
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
    if (Number.isInteger(step.line) && step.line >= 0) this.results[step.line] = res;
    else this.otherResults.set(step.line, res);
    return res;
  }

  recordExpectation(line: number, task: string | null, passed: boolean, summary: string): void {
    this.requireEnd('recordExpectation');
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
  kindOf(index: number): EventKind {
    return this.rec.kindOf(index);
  }
  lineOf(index: number): number {
    return this.rec.lineOf(index);
  }
  taskOf(index: number): string | null {
    return this.rec.taskOf(index);
  }
  depthOf(index: number): number {
    return this.rec.depthOf(index);
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
    return Number.isInteger(line) && line >= 0 ? this.results[line] : this.otherResults.get(line);
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
    const state = buildState(this.rec.objs);
    this.cached = { position: this.rec.position, n: this.rec.n, state };
    return state;
  }
  taskNamespaces(task: string): { readonly time_ns: string; readonly time_ns_for_children: string } | null {
    if (kindOfKey(task) !== 'task') return null;
    const t = this.rec.objs.get(task) as TaskRec | undefined;
    const p = t ? (this.rec.objs.get(t.nsproxy) as NsproxyRec | undefined) : undefined;
    return p ? { time_ns: p.time_ns, time_ns_for_children: p.time_ns_for_children } : null;
  }
  lastChanges(): readonly Change[] {
    return this.rec.lastChanges();
  }
  /** Additive to the Simulation contract: the event columns in bulk, for the timeline. */
  exportColumns(): ReturnType<Recorder['exportColumns']> {
    return this.rec.exportColumns();
  }
  forkAtPosition(): Simulation {
    return new SimulationImpl(this.profile, this.rec.objs.toMap());
  }
}
