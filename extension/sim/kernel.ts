// The kernel model: every operation of ops.ts run against the store, with the kernel's checks in order,
// its call paths as call/return events, and every state change recorded. Version, arch and patch
// differences come only from the switches of profile.ts.

import type { OpResult } from './api';
import type { FileRef, HostOperation, MappingName, NsTarget, Step, TaskOperation, TimeExpr } from './ops';
import { formatOffsets, parseOffsetsWrite } from './offsets';
import type { Layout, PageRole, SwitchValues } from './profile';
import {
  COUNTERS_KEY, HOST_KEY, type Counters, type FdRec, type HostClocks, type MmRec, type NsRec, type NsproxyRec,
  type PageRec, type PteState, type TaskRec, type UserRec, type VmaRec,
} from './records';
import { EVENT_KINDS, K_CALL, K_RETURN, fmtTs, type EventExtra, type Recorder } from './recorder';
import type { EventKind } from './api';

const KIND_NUM = Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as Record<EventKind, number>;
import { CLONE_FLAGS as CF, CLOCKS, PROT, type Profile, type Timespec } from './types';

const PAGE = 4096;
const KTIME_SEC_MAX = 9223372036;
const INIT_TIME_INUM = 4026531834;
const INIT_USER_INUM = 4026531837;
const INT_MAX = 2147483647;
const NS_FLAGS = CF.CLONE_NEWNS | CF.CLONE_NEWUTS | CF.CLONE_NEWIPC | CF.CLONE_NEWPID | CF.CLONE_NEWNET | CF.CLONE_NEWCGROUP | CF.CLONE_NEWTIME;
const UNSHARE_ALLOWED = CF.CLONE_THREAD | CF.CLONE_FS | CF.CLONE_NEWNS | CF.CLONE_SIGHAND | CF.CLONE_VM | CF.CLONE_FILES |
  CF.CLONE_SYSVSEM | CF.CLONE_NEWUTS | CF.CLONE_NEWIPC | CF.CLONE_NEWNET | CF.CLONE_NEWUSER | CF.CLONE_NEWPID |
  CF.CLONE_NEWCGROUP | CF.CLONE_NEWTIME;
const CLONE_PARENT_SETTID = 0x00100000;
const CLONE_CHILD_CLEARTID = 0x00200000;
const CLONE_DETACHED = 0x00400000;
const CLONE_CLEAR_SIGHAND = 0x100000000;
const CLONE_INTO_CGROUP = 0x200000000;
const CLONE_LEGACY_FLAGS = 0xffffffff;
const PTHREAD_FLAGS = CF.CLONE_VM | CF.CLONE_FS | CF.CLONE_FILES | CF.CLONE_SIGHAND | CF.CLONE_THREAD | CF.CLONE_SYSVSEM |
  CF.CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

/** Initial host clocks: 1000 s of uptime, realtime 2026-01-01T00:00:00Z, TAI = UTC + 37 s. */
export const INITIAL_HOST: HostClocks = {
  realtime: { sec: 1767225600, nsec: 0 },
  monotonic: { sec: 1000, nsec: 0 },
  boottime: { sec: 1000, nsec: 0 },
  monotonicRaw: { sec: 1000, nsec: 0 },
  taiOffset: 37,
};

/** An errno decided somewhere down a call path; unwinds to the syscall boundary. */
class KErr {
  constructor(readonly errno: string) {}
}

// ---------------------------------------------------------------------------------------------- time helpers

function ts(sec: number, nsec: number): Timespec {
  const carry = Math.floor(nsec / 1e9);
  return { sec: sec + carry, nsec: nsec - carry * 1e9 };
}
function tsAdd(a: Timespec, b: Timespec): Timespec {
  return ts(a.sec + b.sec, a.nsec + b.nsec);
}
function tsSub(a: Timespec, b: Timespec): Timespec {
  return ts(a.sec - b.sec, a.nsec - b.nsec);
}
function tsCmp(a: Timespec, b: Timespec): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}
const ZERO: Timespec = { sec: 0, nsec: 0 };
const ZERO_VALUES: readonly Timespec[] = Object.freeze(Array<Timespec>(12).fill(ZERO));

export const CLOCK_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(CLOCKS).map(([k, v]) => [v, k]));
function clockName(c: number): string {
  return CLOCK_NAMES[c] ?? `clock ${c}`;
}
const flagNamesCache = new Map<number, string>();
function flagNames(flags: number): string {
  let s = flagNamesCache.get(flags);
  if (s === undefined) flagNamesCache.set(flags, (s = flagNamesOf(flags)));
  return s;
}
function flagNamesOf(flags: number): string {
  const names = Object.entries(CF).filter(([n, v]) => n !== 'CSIGNAL' && (flags & v) === v).map(([n]) => n);
  return names.length ? names.join('|') : '0';
}
/** Which namespace offset a clock takes: 'mono', 'boot' or none. */
function offsetKind(clock: number): 'mono' | 'boot' | null {
  if (clock === 1 || clock === 4 || clock === 6) return 'mono';
  if (clock === 7 || clock === 9) return 'boot';
  return null;
}

/** The first number in an operation that is not a safe integer (or a nanosecond field out of range). */
function badNumber(v: unknown, path: string): string | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? null : `${path} = ${v}`;
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  for (const key in o) {
    const x = o[key];
    // Child paths are built only for what is reported or descended into: this runs for every operation.
    if (typeof x === 'number') {
      if (!Number.isSafeInteger(x) || (key === 'nsec' && (x < 0 || x >= 1e9))) return `${path}.${key} = ${x}`;
    } else if (x !== null && typeof x === 'object') {
      const b = badNumber(x, `${path}.${key}`);
      if (b) return b;
    }
  }
  return null;
}

// The arrays below stay in the change log: build them at their exact size (filter and spread leave room to grow).
function without<T>(a: readonly T[], x: T): T[] {
  let n = 0;
  for (const v of a) if (v !== x) n++;
  const out = new Array<T>(n);
  let j = 0;
  for (const v of a) if (v !== x) out[j++] = v;
  return out;
}
function withAdded<T>(a: readonly T[], x: T): T[] {
  const out = new Array<T>(a.length + 1);
  for (let j = 0; j < a.length; j++) out[j] = a[j];
  out[a.length] = x;
  return out;
}
type Refs = NsRec['refs'];
/** `r` with one of its lists replaced (keys in the order the namespace record was created with). */
function refsWith(r: Refs, field: keyof Refs, list: readonly string[]): Refs {
  return {
    time_ns: field === 'time_ns' ? list : r.time_ns,
    time_ns_for_children: field === 'time_ns_for_children' ? list : r.time_ns_for_children,
    files: field === 'files' ? list : r.files,
  };
}

const utf8 = new TextEncoder();
type VdsoReading = NonNullable<OpResult['clock']>;
type Fault = { ok: true; phys: string } | { ok: false; signal: 'SIGBUS' | 'SIGSEGV' };

// ---------------------------------------------------------------------------------------------- the kernel

export class Kernel {
  private line = -1;
  private curId = -1;
  /** Live (not exited) task ids, built from the store on first use; exec only runs at the end, where it is exact. */
  private live: Set<string> | null = null;
  /** Interned summaries of the vDSO hot path, by clock (negative keys) or data address. */
  private readonly summaryCache = new Map<number, number>();
  private sp = 0;
  private hostIdx = 0;
  private readonly syscallPrefix: string;
  private readonly txt: Recorder['summary'];
  private readonly layout: Layout;
  /** The clock_mode of a vvar page in a time namespace (VCLOCK_TIMENS or VDSO_CLOCKMODE_TIMENS). */
  private readonly timensMode: string;

  constructor(readonly r: Recorder, readonly sw: SwitchValues, readonly profile: Profile) {
    this.syscallPrefix = sw.arch.syscallPrefix;
    this.txt = r.summary.bind(r);
    this.layout = sw.layout;
    this.timensMode = `${sw.clockModePrefix}_TIMENS`;
    const h = r.get(HOST_KEY) as HostClocks | undefined;
    if (h) this.hostIdx = r.hostIndex(h.monotonic);
  }

  // ------------------------------------------------------------------ initial state

  /** Create the boot state: init_time_ns, init_user_ns, init_nsproxy, the host pages and task P1. */
  boot(): void {
    const r = this.r;
    const sw = this.sw;
    r.create(HOST_KEY, INITIAL_HOST);
    this.hostIdx = r.hostIndex(INITIAL_HOST.monotonic);
    r.create(COUNTERS_KEY, { ns: 1, user: 1, nsproxy: 1, mm: 0, pid: 1000, inum: 4026532200 } satisfies Counters);
    const user0: UserRec = { id: 'user#0', parent: null, ownerUid: 0, maxTimeNamespaces: sw.initMaxTimeNamespaces, timeNamespaceCounts: {}, _level: 0, _inum: INIT_USER_INUM };
    r.create('user#0', user0);
    const ns0: NsRec = {
      id: 'ns#0', inum: INIT_TIME_INUM, userNs: 'user#0', ucountUid: 0, offsets: { monotonic: ZERO, boottime: ZERO },
      frozen_offsets: true, vvar_page: null, refs: { time_ns: [], time_ns_for_children: [], files: [] }, alive: true, createdBy: null,
      _count: 3,
    };
    r.create('ns#0', ns0);
    // init_nsproxy is also held by the init task, which the model does not show: count starts at 1.
    r.create('nsproxy#0', { id: 'nsproxy#0', count: 1, time_ns: 'ns#0', time_ns_for_children: 'ns#0' } satisfies NsproxyRec);
    r.create('page#host', this.hostPage(INITIAL_HOST));
    if (this.layout.vmas.some((v) => v.roles.includes('pvclock')) && sw.pvclockPresent) {
      r.create('page#pvclock', { id: 'page#pvclock', kind: 'pvclock', ns: null, blockOffset: 0, blocks: [] } satisfies PageRec);
    }
    if (this.layout.vmas.some((v) => v.roles.includes('rng'))) {
      r.create('page#rng', { id: 'page#rng', kind: 'rng', ns: null, blockOffset: 0, blocks: [] } satisfies PageRec);
    }
    this.newTask('P1', null, 0, 'user#0', true, 'nsproxy#0', this.newMm(), 17);
    this.set('nsproxy#0', 'count', 2);
  }

  private hostPage(h: HostClocks): PageRec {
    const v = [...ZERO_VALUES];
    v[0] = h.realtime; v[1] = h.monotonic; v[5] = h.realtime; v[6] = h.monotonic; v[7] = h.boottime;
    v[11] = tsAdd(h.realtime, { sec: h.taiOffset, nsec: 0 });
    const raw = [...ZERO_VALUES];
    raw[4] = h.monotonicRaw;
    const mode = this.sw.arch.hostClockMode;
    const clockMode = `${this.sw.clockModePrefix}_${mode}`;
    return {
      id: 'page#host', kind: 'host-data', ns: null, blockOffset: this.layout.blockOffset,
      blocks: [{ seq: 0, clock_mode: clockMode, values: v }, { seq: 0, clock_mode: clockMode, values: raw }],
    };
  }

  // ------------------------------------------------------------------ store helpers

  private set(key: string, field: string, value: unknown): void {
    this.r.set(key, field, value);
  }
  private task(id: string): TaskRec {
    return this.r.get(id) as unknown as TaskRec;
  }
  private ns(id: string): NsRec {
    return this.r.get(id) as unknown as NsRec;
  }
  private user(id: string): UserRec {
    return this.r.get(id) as unknown as UserRec;
  }
  private np(id: string): NsproxyRec {
    return this.r.get(id) as unknown as NsproxyRec;
  }
  private mm(id: string): MmRec {
    return this.r.get(id) as unknown as MmRec;
  }
  private vma(key: string): VmaRec {
    return this.r.get(key) as unknown as VmaRec;
  }
  private host(): HostClocks {
    return this.r.get(HOST_KEY) as unknown as HostClocks;
  }
  private counter(name: keyof Counters): number {
    const c = this.r.get(COUNTERS_KEY) as unknown as Counters;
    this.set(COUNTERS_KEY, name, c[name] + 1);
    return c[name];
  }
  private isTask(id: string): boolean {
    const o = this.r.get(id);
    return !!o && 'tgid' in o && 'pid' in o;
  }

  // ------------------------------------------------------------------ events

  // Summaries are summary ids made by `txt`, a template-literal tag (Recorder.summary): written as
  // this.txt`${id} freed`, they keep the template and its values and are formatted only when read.
  private ev(kind: Parameters<Recorder['emit']>[0], summary: number, extra?: EventExtra): number {
    return this.r.emitRaw(KIND_NUM[kind], this.line, this.curId, this.sp, this.hostIdx, summary, extra);
  }
  /** ev with extra { result: res }. */
  private evResult(kind: EventKind, summary: number, res: OpResult): number {
    return this.r.emitResult(KIND_NUM[kind], this.line, this.curId, this.sp, this.hostIdx, summary, res);
  }
  private call(fn: string, summary?: number): number {
    this.sp = this.r.pushStack(this.sp, fn);
    const sid = summary === undefined ? this.r.callSummaryId(this.sp) : summary;
    return this.r.emitRaw(K_CALL, this.line, this.curId, this.sp, this.hostIdx, sid);
  }
  private ret(callIdx: number, summary: number | undefined): void {
    const sid = summary === undefined ? this.r.returnSummaryId(this.sp) : summary;
    const j = this.r.emitRaw(K_RETURN, this.line, this.curId, this.sp, this.hostIdx, sid);
    this.r.setMatch(callIdx, j);
    this.sp = this.r.stackParentOf(this.sp);
  }
  /** Run `body` as kernel function `fn`: call event, body, return event (also when an errno unwinds). */
  private fn<T>(fn: string, body: () => T, done?: (v: T) => number, summary?: number): T {
    const i = this.call(fn, summary);
    try {
      const v = body();
      this.ret(i, done ? done(v) : undefined);
      return v;
    } catch (e) {
      if (e instanceof KErr) this.ret(i, this.txt`${fn} returns -${e.errno}`);
      else this.sp = this.r.stackParentOf(this.sp);
      throw e;
    }
  }
  private fail(errno: string, why: string): never {
    this.ev('error', this.txt`${errno}: ${why}`, { errno });
    throw new KErr(errno);
  }
  private state(summary: number, extra?: EventExtra): number {
    return this.ev('state', summary, extra);
  }

  // ------------------------------------------------------------------ entry points

  execStep(step: Step): OpResult {
    this.line = step.line;
    this.curId = step.task === null ? -1 : this.r.intern(step.task);
    this.sp = 0;
    const op = step.operation;
    const bad = badNumber(op, 'operation');
    if (bad) {
      this.ev('error', this.txt`EINVAL: ${bad}: the simulator takes only whole numbers, and nanoseconds in [0, 1e9)`, { errno: 'EINVAL' });
      const res: OpResult = { ret: -1, errno: 'EINVAL', signal: null };
      this.sp = 0;
      return res;
    }
    try {
      switch (op.op) {
        case 'sleep': case 'suspend': case 'sysctl': case 'spawn':
          return this.hostOp(op);
        default:
          return this.taskOp(step.task, op);
      }
    } finally {
      this.sp = 0;
    }
  }

  /** Record an internal failure of the model as an error event (it carries any changes left pending). */
  internalError(step: Step, message: string): OpResult {
    this.line = step.line;
    this.curId = step.task === null ? -1 : this.r.intern(step.task);
    this.sp = 0;
    this.ev('error', this.txt`internal simulator error on line ${step.line + 1} (${step.operation.op}): ${message}; please report it`);
    return { ret: null, errno: null, signal: null };
  }

  recordExpectation(line: number, task: string | null, passed: boolean, summary: string): void {
    this.line = line;
    this.curId = task === null ? -1 : this.r.intern(task);
    this.sp = 0;
    this.ev('expect', this.r.unique(summary), { passed });
  }

  private finish(task: string | null, res: OpResult): OpResult {
    if (task && this.liveTasks().has(task)) this.set(task, 'lastResult', res);
    return res;
  }

  private taskOp(taskId: string | null, op: TaskOperation): OpResult {
    if (taskId === null || !this.isTask(taskId)) {
      const res: OpResult = { ret: null, errno: 'ESRCH', signal: null };
      this.ev('error', this.txt`no task ${taskId ?? '(none)'}: the operation did not run`, { errno: 'ESRCH' });
      return res;
    }
    const t = this.task(taskId);
    if (t.state === 'exited') {
      this.ev('error', this.txt`${taskId} has exited: the operation did not run`, { errno: 'ESRCH' });
      return { ret: null, errno: 'ESRCH', signal: null };
    }
    if (t.state === 'vfork-parent-waiting') {
      this.ev('error', this.txt`${taskId} is suspended in vfork() until its child execs or exits: the operation did not run`);
      return { ret: null, errno: null, signal: null };
    }
    if (op.op === 'clock_gettime' && op.via === 'vdso') return this.vdsoClockGettime(taskId, op.clock);
    if (op.op === 'touch') return this.userTouch(taskId, op.mapping, op.page);
    const name = op.op === 'exit' && t.leader !== taskId ? 'exit' : this.syscallName(op);
    const enter = this.syscallEnter(name, this.describe(op));
    let res: OpResult;
    try {
      res = this.dispatch(taskId, op);
    } catch (e) {
      if (!(e instanceof KErr)) throw e;
      res = { ret: -1, errno: e.errno, signal: null };
    }
    this.finish(taskId, res);
    const exit = this.evResult('syscall-exit', this.txt`${name} = ${res.errno ? `-1 ${res.errno}` : res.ret}`, res);
    this.r.setMatch(enter, exit);
    this.sp = 0;
    return res;
  }

  private syscallEnter(name: string, summary: number): number {
    this.sp = this.r.pushStack(0, this.syscallPrefix + name);
    return this.r.emitRaw(KIND_NUM['syscall-enter'], this.line, this.curId, this.sp, this.hostIdx, summary);
  }

  private syscallName(op: TaskOperation): string {
    switch (op.op) {
      case 'pthread_create': return 'clone3';
      case 'exit': return 'exit_group';
      case 'prctl_set_dumpable': return 'prctl';
      case 'open': return 'openat';
      case 'readlink': return 'readlinkat';
      case 'pwrite': return 'pwrite64';
      case 'mprotect': case 'munmap': case 'mremap': return op.op;
      default: return op.op;
    }
  }

  private describe(op: TaskOperation): number {
    switch (op.op) {
      case 'unshare': return this.txt`unshare(${flagNames(op.flags)})`;
      case 'setns': return this.txt`setns(${'fd' in op.target ? op.target.fd : 'path' in op.target ? op.target.path : `pidfd ${op.target.pidfd}`}, ${op.nstype ? flagNames(op.nstype) : '0'})`;
      case 'fork': return this.txt`fork() → ${op.child}`;
      case 'vfork': return this.txt`vfork() → ${op.child}`;
      case 'clone': return this.txt`clone(${flagNames(op.flags & ~0xff)}, exit signal ${op.flags & 0xff}) → ${op.child}`;
      case 'clone3': return this.txt`clone3(flags=${flagNames(op.flags)}, exit_signal=${op.exitSignal}) → ${op.child}`;
      case 'pthread_create': return this.txt`pthread_create() → ${op.child}`;
      case 'execve': return this.txt`execve("${op.path}")`;
      case 'exit': return this.txt`exit(${op.code})`;
      case 'setuid': return this.txt`setuid(${op.uid})`;
      case 'prctl_set_dumpable': return this.txt`prctl(PR_SET_DUMPABLE, ${op.dumpable ? 1 : 0})`;
      case 'open': return this.txt`open("${op.path}", ${op.mode}) as ${op.fd}`;
      case 'close': return this.txt`close(${op.fd})`;
      case 'read': return this.txt`read(${this.fileName(op.file)})`;
      case 'write': return this.txt`write(${this.fileName(op.file)}, ${JSON.stringify(op.data)})`;
      case 'pwrite': return this.txt`pwrite(${this.fileName(op.file)}, ${JSON.stringify(op.data)}, ${op.offset})`;
      case 'lseek': return this.txt`lseek(${op.fd}, ${op.offset}, SEEK_SET)`;
      case 'readlink': return this.txt`readlink("${op.path}")`;
      case 'clock_gettime': return this.txt`clock_gettime(${clockName(op.clock)})`;
      case 'clock_nanosleep': return this.txt`clock_nanosleep(${clockName(op.clock)}, ${op.abs ? 'TIMER_ABSTIME' : '0'}, ${this.timeExprText(op.value)})`;
      case 'timerfd_settime': return this.txt`timerfd_settime(${clockName(op.clock)}, ${op.abs ? 'TFD_TIMER_ABSTIME' : '0'}, ${this.timeExprText(op.value)})`;
      case 'mprotect': return this.txt`mprotect(${op.mapping}${op.page !== undefined ? ` page ${op.page}` : ''}${op.pages !== undefined ? ` ×${op.pages}` : ''}, ${op.prot})`;
      case 'munmap': return this.txt`munmap(${op.mapping}${op.page !== undefined ? ` page ${op.page}` : ''}${op.pages !== undefined ? ` ×${op.pages}` : ''})`;
      case 'mremap': return this.txt`mremap(${op.mapping}${op.page !== undefined ? ` page ${op.page}` : ''}, new ${op.newPages} pages, flags ${op.flags})`;
      case 'touch': return this.txt`touch ${op.mapping} page ${op.page}`;
    }
  }

  private timeExprText(v: TimeExpr): string {
    const d = fmtTs(v.delta);
    return v.base === 'abs' ? d : `${v.base} + ${d}`;
  }
  private fileName(f: FileRef): string {
    return 'fd' in f ? f.fd : `"${f.path}"`;
  }

  private dispatch(t: string, op: TaskOperation): OpResult {
    switch (op.op) {
      case 'unshare': return this.unshare(t, op.flags);
      case 'setns': return this.setns(t, op.target, op.nstype);
      case 'fork': return this.kernelClone(t, 0, 17, op.child, 'fork');
      case 'vfork': return this.kernelClone(t, CF.CLONE_VM | CF.CLONE_VFORK, 17, op.child, 'vfork');
      case 'clone': return this.kernelClone(t, op.flags & ~CF.CSIGNAL, op.flags & 0xff, op.child, 'clone');
      case 'clone3': return this.clone3(t, op.flags, op.exitSignal, op.child, false);
      case 'pthread_create': return this.clone3(t, PTHREAD_FLAGS, 0, op.child, true);
      case 'execve': return this.execve(t, op.path);
      case 'exit': return this.exit(t, op.code);
      case 'setuid': return this.setuid(t, op.uid);
      case 'prctl_set_dumpable': return this.prctlDumpable(t, op.dumpable);
      case 'open': return this.openOp(t, op.path, op.mode, op.fd);
      case 'close': return this.close(t, op.fd);
      case 'read': return this.read(t, op.file);
      case 'write': return this.write(t, op.file, op.data, null);
      case 'pwrite': return this.write(t, op.file, op.data, op.offset);
      case 'lseek': return this.lseek(t, op.fd, op.offset);
      case 'readlink': return this.readlink(t, op.path);
      case 'clock_gettime': return this.sysClockGettime(t, op.clock, 'syscall');
      case 'clock_nanosleep': return this.nanosleep(t, op.clock, op.abs, op.value);
      case 'timerfd_settime': return this.timerfd(t, op.clock, op.abs, op.value);
      case 'mprotect': return this.mprotect(t, op.mapping, op.prot, op.page, op.pages);
      case 'munmap': return this.munmap(t, op.mapping, op.page, op.pages);
      case 'mremap': return this.mremap(t, op.mapping, op.newPages, op.flags, op.page, op.pages);
      case 'touch': return this.userTouch(t, op.mapping, op.page);
    }
  }

  // ------------------------------------------------------------------ objects: tasks, nsproxies, namespaces

  private newTask(id: string, parent: string | null, uid: number, userNs: string, fullCaps: boolean, nsproxy: string, mm: string, exitSignal: number, leader?: string, copyFrom?: TaskRec): TaskRec {
    const pid = this.counter('pid');
    const lead = leader ?? id;
    const tgid = leader ? this.task(leader).tgid : pid;
    const t: TaskRec = {
      id, pid, tgid, leader: lead, parent, uid, euid: copyFrom ? copyFrom.euid : uid, userNs, fullCaps,
      dumpable: copyFrom ? copyFrom.dumpable : true, nsproxy, mm, state: 'running', exitSignal,
      startBoottime: this.host().boottime, fds: {}, lastResult: null, _vforkParent: null,
    };
    this.r.create(id, t);
    this.liveTasks().add(id);
    this.addNsRefs(id, nsproxy);
    this.set(mm, 'users', [...this.mm(mm).users, id]);
    return t;
  }

  private addNsRefs(task: string, npId: string): void {
    const np = this.np(npId);
    const a = this.ns(np.time_ns);
    this.set(np.time_ns, 'refs', refsWith(a.refs, 'time_ns', withAdded(a.refs.time_ns, task)));
    const b = this.ns(np.time_ns_for_children);
    this.set(np.time_ns_for_children, 'refs', refsWith(b.refs, 'time_ns_for_children', withAdded(b.refs.time_ns_for_children, task)));
  }
  private dropNsRefs(task: string, npId: string): void {
    const np = this.np(npId);
    const a = this.ns(np.time_ns);
    this.set(np.time_ns, 'refs', refsWith(a.refs, 'time_ns', without(a.refs.time_ns, task)));
    const b = this.ns(np.time_ns_for_children);
    this.set(np.time_ns_for_children, 'refs', refsWith(b.refs, 'time_ns_for_children', without(b.refs.time_ns_for_children, task)));
  }

  /** A new nsproxy (create_new_namespaces): takes one reference on each of its time namespaces. */
  private newNsproxy(timeNs: string, tfc: string): string {
    const id = `nsproxy#${this.counter('nsproxy')}`;
    this.r.create(id, { id, count: 0, time_ns: timeNs, time_ns_for_children: tfc } satisfies NsproxyRec);
    this.getNs(timeNs);
    this.getNs(tfc);
    return id;
  }

  private getNs(id: string): void {
    this.set(id, '_count', this.ns(id)._count + 1);
  }

  private putNs(id: string): void {
    const n = this.ns(id);
    this.set(id, '_count', n._count - 1);
    if (n._count - 1 === 0) this.freeTimeNs(id);
  }

  /** switch_task_namespaces: point a task at another nsproxy, dropping the old one's reference. */
  private switchNsproxy(task: string, newNp: string | null): void {
    const t = this.task(task);
    const old = t.nsproxy;
    this.fn('switch_task_namespaces', () => {
      this.dropNsRefs(task, old);
      if (newNp) {
        this.set(newNp, 'count', this.np(newNp).count + 1);
        this.set(task, 'nsproxy', newNp);
        this.addNsRefs(task, newNp);
      }
      this.state(newNp ? this.txt`${task}: nsproxy ${old} → ${newNp}` : this.txt`${task}: nsproxy ${old} dropped`);
      this.putNsproxy(old);
    });
  }

  private putNsproxy(id: string): void {
    const np = this.np(id);
    if (np.count - 1 > 0) {
      this.set(id, 'count', np.count - 1);
      return;
    }
    this.freeNsproxy(id);
  }

  private freeNsproxy(id: string): void {
    const np = this.np(id);
    this.fn('free_nsproxy', () => {
      this.set(id, 'count', 0);
      this.r.remove(id);
      this.state(this.txt`${id} freed`);
      this.fn('put_time_ns', () => this.putNs(np.time_ns), undefined, this.txt`put_time_ns(${np.time_ns})`);
      this.fn('put_time_ns', () => this.putNs(np.time_ns_for_children), undefined, this.txt`put_time_ns(${np.time_ns_for_children})`);
    });
  }

  private freeTimeNs(id: string): void {
    if (id === 'ns#0') return;
    const n = this.ns(id);
    this.fn('free_time_ns', () => {
      this.decUcount(n.userNs, n.ucountUid);
      this.set(id, 'alive', false);
      if (n.vvar_page && this.r.get(n.vvar_page)) {
        const mapped = this.pageMapped(n.vvar_page);
        if (mapped) {
          this.state(this.txt`${id} freed; ${n.vvar_page} is still mapped by a stale PTE of ${mapped} (use after free: vdso_join_timens did not zap)`);
        } else {
          this.r.remove(n.vvar_page);
          this.state(this.txt`${id} freed with its vvar_page ${n.vvar_page}, ucount of (${n.userNs}, uid ${n.ucountUid}) released`);
        }
      } else {
        this.state(this.txt`${id} freed`);
      }
    }, undefined, this.txt`free_time_ns(${id})`);
  }

  private pageMapped(page: string): string | null {
    const seen = new Set<string>();
    for (const t of this.liveTasks()) {
      const mmId = this.task(t).mm;
      if (!mmId || seen.has(mmId)) continue;
      seen.add(mmId);
      for (const k of this.mm(mmId)._vmas) if (this.vma(k).ptes.some((p) => p?.page === page)) return mmId;
    }
    return null;
  }

  // ------------------------------------------------------------------ credentials

  /** ns_capable: does `cred` hold the (full) capability set over user namespace `target`? */
  private capable(cred: { userNs: string; fullCaps: boolean; euid: number }, target: string): boolean {
    let ns = target;
    const credLevel = this.user(cred.userNs)._level;
    for (;;) {
      if (ns === cred.userNs) return cred.fullCaps;
      const u = this.user(ns);
      if (u._level <= credLevel || u.parent === null) return false;
      if (u.parent === cred.userNs && u.ownerUid === cred.euid) return true;
      ns = u.parent;
    }
  }

  private capCheck(fn: string, cred: { userNs: string; fullCaps: boolean; euid: number }, target: string, cap: string): boolean {
    const ok = this.capable(cred, target);
    this.fn(fn, () => ok, (v) => this.txt`${fn}(${target}, ${cap}) = ${v}`);
    return ok;
  }

  private userChainCheck(userNs: string, uid: number): string | null {
    let ns = userNs;
    let u = uid;
    for (;;) {
      const rec = this.user(ns);
      const count = rec.timeNamespaceCounts[String(u)] ?? 0;
      if (count >= rec.maxTimeNamespaces) return `${ns} uid ${u}: ${count} of max ${rec.maxTimeNamespaces}`;
      if (!rec.parent) return null;
      u = rec.ownerUid;
      ns = rec.parent;
    }
  }

  private changeUcount(userNs: string, uid: number, delta: number): void {
    let ns = userNs;
    let u = uid;
    for (;;) {
      const rec = this.user(ns);
      const counts = { ...rec.timeNamespaceCounts };
      const v = (counts[String(u)] ?? 0) + delta;
      if (v === 0) delete counts[String(u)];
      else counts[String(u)] = v;
      this.set(ns, 'timeNamespaceCounts', counts);
      if (!rec.parent) return;
      u = rec.ownerUid;
      ns = rec.parent;
    }
  }
  private decUcount(userNs: string, uid: number): void {
    this.fn('dec_time_namespaces', () => this.changeUcount(userNs, uid, -1));
  }

  /** create_user_ns: a child user namespace owned by `euid`; the creator gets full caps in it. */
  private createUserNs(parent: string, euid: number): string {
    return this.fn('create_user_ns', () => {
      const id = `user#${this.counter('user')}`;
      const p = this.user(parent);
      const u: UserRec = { id, parent, ownerUid: euid, maxTimeNamespaces: INT_MAX, timeNamespaceCounts: {}, _level: p._level + 1, _inum: this.counter('inum') };
      this.r.create(id, u);
      this.state(this.txt`${id} created (parent ${parent}, owner uid ${euid}); user.max_time_namespaces starts at ${INT_MAX}`);
      return id;
    }, (v) => this.txt`create_user_ns returns ${v}`);
  }

  // ------------------------------------------------------------------ clone_time_ns / freeze / zap

  /** copy_time_ns → clone_time_ns: a new namespace copying the offsets of `from` (the creator's tfc). */
  private cloneTimeNs(userNs: string, euid: number, from: string, creator: string): string {
    return this.fn('copy_time_ns', () => this.fn('clone_time_ns', () => {
      this.fn('inc_time_namespaces', () => {
        const full = this.userChainCheck(userNs, euid);
        if (full) this.fail('ENOSPC', `user.max_time_namespaces reached (${full})`);
        this.changeUcount(userNs, euid, 1);
        this.state(this.txt`ucount (${userNs}, uid ${euid}) charged, walking up the user namespace chain`);
      });
      const n = this.counter('ns');
      const id = `ns#${n}`;
      const page = `page#${id}`;
      const src = this.ns(from);
      this.r.create(page, {
        id: page, kind: 'timens', ns: id, blockOffset: this.layout.blockOffset,
        blocks: [{ seq: 0, clock_mode: `${this.sw.clockModePrefix}_NONE`, values: ZERO_VALUES }, { seq: 0, clock_mode: `${this.sw.clockModePrefix}_NONE`, values: ZERO_VALUES }],
      } satisfies PageRec);
      const rec: NsRec = {
        id, inum: this.counter('inum'), userNs, ucountUid: euid, offsets: src.offsets, frozen_offsets: false,
        vvar_page: page, refs: { time_ns: [], time_ns_for_children: [], files: [] }, alive: true, createdBy: creator, _count: 0,
      };
      this.r.create(id, rec);
      this.state(this.txt`${id} created (inum ${rec.inum}, owner ${userNs}), offsets copied from ${from}: monotonic ${src.offsets.monotonic}, boottime ${src.offsets.boottime}; zeroed vvar_page ${page}`);
      return id;
    }, (v) => this.txt`clone_time_ns returns ${v}`), (v) => this.txt`copy_time_ns returns ${v}`);
  }

  /** timens_set_vvar_page: freeze the offsets and write the namespace page (once). */
  private freeze(nsId: string, cause: number): void {
    if (nsId === 'ns#0') return;
    const n = this.ns(nsId);
    this.fn('timens_set_vvar_page', () => {
      if (n.frozen_offsets) {
        this.state(this.txt`${nsId} already frozen`);
        return;
      }
      this.set(nsId, 'frozen_offsets', true);
      const v = [...ZERO_VALUES];
      v[1] = v[4] = v[6] = n.offsets.monotonic;
      v[7] = v[9] = n.offsets.boottime;
      const mode = this.timensMode;
      if (n.vvar_page) this.set(n.vvar_page, 'blocks', [{ seq: 1, clock_mode: mode, values: v }, { seq: 1, clock_mode: mode, values: v }]);
      this.ev('freeze', this.txt`${nsId} frozen: offsets fixed and written into ${n.vvar_page} (seq 1, clock_mode ${mode}, monotonic ${n.offsets.monotonic}, boottime ${n.offsets.boottime})`, { causes: [cause] });
    }, undefined, this.txt`timens_set_vvar_page(${nsId})`);
  }

  /** vdso_join_timens: zap every PTE of the [vvar] VMAs of `mm`. */
  private zap(mmId: string | null, target: string, cause: number): void {
    this.fn('vdso_join_timens', () => {
      if (!mmId) return;
      if (!this.sw.zapOnJoin) {
        this.state(this.txt`no zap: arm64 [PATCH v4 2/6] is missing, so the PTEs of ${mmId} keep whatever page they map`);
        return;
      }
      const m = this.mm(mmId);
      const vvars = m._vmas.filter((k) => this.vma(k).name === '[vvar]');
      const summary = this.txt`zap [vvar] of ${mmId} (${vvars.length ? vvars.map((k) => `${this.vma(k).ptes.filter(Boolean).length} PTEs`).join(', ') : 'no [vvar] VMA yet'}) for ${target}`;
      for (const k of vvars) {
        const v = this.vma(k);
        if (v.ptes.some(Boolean)) this.set(k, 'ptes', v.ptes.map(() => null));
      }
      const z = this.ev('zap', summary, { causes: [cause] });
      this.set(mmId, '_lastZap', z);
    }, undefined, this.txt`vdso_join_timens(${mmId ?? 'no mm'}, ${target})`);
  }

  /** timens_commit (5.9+) or the 5.6–5.8 equivalent: freeze, then zap. */
  private commit(task: string, nsId: string, cause: number, mmId?: string | null): void {
    const body = (): void => {
      this.freeze(nsId, cause);
      this.zap(mmId !== undefined ? mmId : this.task(task).mm, nsId, cause);
    };
    if (this.sw.commitNsset) this.fn('timens_commit', body, undefined, this.txt`timens_commit(${task}, ${nsId})`);
    else body();
  }

  // ------------------------------------------------------------------ unshare

  private unshare(t: string, flagsIn: number): OpResult {
    const enter = this.r.n - 1;
    let flags = flagsIn;
    return this.fn('ksys_unshare', () => {
      if (flags & CF.CLONE_NEWUSER) flags |= CF.CLONE_THREAD | CF.CLONE_FS;
      if (flags & CF.CLONE_VM) flags |= CF.CLONE_SIGHAND;
      if (flags & CF.CLONE_SIGHAND) flags |= CF.CLONE_THREAD;
      if (flags & CF.CLONE_NEWNS) flags |= CF.CLONE_FS;
      this.fn('check_unshare_flags', () => {
        if (flags & ~UNSHARE_ALLOWED) this.fail('EINVAL', `unknown unshare flags 0x${(flags & ~UNSHARE_ALLOWED).toString(16)}`);
        if (flags & (CF.CLONE_THREAD | CF.CLONE_SIGHAND | CF.CLONE_VM)) {
          if (this.threadsOf(t).length > 1) this.fail('EINVAL', `${flagsIn & CF.CLONE_NEWUSER ? 'CLONE_NEWUSER implies CLONE_THREAD: ' : ''}the thread group has other threads`);
        }
        if (flags & CF.CLONE_VM && !this.singleThreaded(t)) this.fail('EINVAL', 'the mm is shared');
      });
      const task = this.task(t);
      let newUser: string | null = null;
      if (flags & CF.CLONE_NEWUSER) newUser = this.fn('unshare_userns', () => this.createUserNs(task.userNs, task.euid));
      if (!(flags & NS_FLAGS)) {
        if (newUser) this.commitNewUser(t, newUser);
        return { ret: 0, errno: null, signal: null };
      }
      const np = this.np(task.nsproxy);
      let newNp: string | null = null;
      try {
        this.fn('unshare_nsproxy_namespaces', () => {
          const userNs = newUser ?? task.userNs;
          const cred = newUser ? { userNs: newUser, fullCaps: true, euid: task.euid } : task;
          if (!this.capCheck('ns_capable', cred, userNs, 'CAP_SYS_ADMIN')) this.fail('EPERM', `${t} lacks CAP_SYS_ADMIN in ${userNs}`);
          this.fn('create_new_namespaces', () => {
            if (!(flags & CF.CLONE_NEWTIME)) return;
            if (!this.sw.timeNamespaces) this.fn('copy_time_ns', () => this.fail('EINVAL', 'CONFIG_TIME_NS is not available on this kernel (stub copy_time_ns)'));
            const created = this.cloneTimeNs(userNs, task.euid, np.time_ns_for_children, t);
            newNp = this.newNsproxy(np.time_ns, created);
            this.state(this.txt`${newNp}: time_ns ${np.time_ns} (unchanged), time_ns_for_children ${created}; no zap, the caller's clocks are untouched`, { causes: [enter] });
          });
        });
      } catch (e) {
        if (newUser) this.dropUserNs(newUser);
        throw e;
      }
      if (newNp) this.switchNsproxy(t, newNp);
      if (newUser) this.commitNewUser(t, newUser);
      return { ret: 0, errno: null, signal: null };
    });
  }

  private commitNewUser(t: string, user: string): void {
    this.fn('commit_creds', () => {
      this.set(t, 'userNs', user);
      this.set(t, 'fullCaps', true);
      this.state(this.txt`${t} now has full capabilities in ${user}`);
    });
  }
  private dropUserNs(user: string): void {
    this.fn('put_user_ns', () => {
      this.r.remove(user);
      this.state(this.txt`${user} freed again (the unshare failed)`);
    });
  }

  // ------------------------------------------------------------------ thread groups and mm sharing

  private liveTasks(): Set<string> {
    if (!this.live) {
      this.live = new Set();
      for (const [k, o] of this.r.objs) if ('tgid' in o && (o as unknown as TaskRec).state !== 'exited') this.live.add(k);
    }
    return this.live;
  }

  private threadsOf(t: string): string[] {
    const lead = this.task(t).leader;
    const out: string[] = [];
    for (const k of this.liveTasks()) if (this.task(k).leader === lead) out.push(k);
    return out;
  }

  /** current_is_single_threaded: one live thread and no other task on the mm. */
  private singleThreaded(t: string): boolean {
    const task = this.task(t);
    if (this.threadsOf(t).length > 1) return false;
    if (!task.mm) return true;
    return this.mm(task.mm).users.every((u) => u === t);
  }

  // ------------------------------------------------------------------ setns

  private setns(t: string, target: NsTarget, nstype: number): OpResult {
    const enter = this.r.n - 1;
    let nsId: string;
    let viaPidfd = false;
    if ('path' in target) {
      const opened = this.resolveNsPath(t, target.path);
      nsId = opened;
    } else if ('fd' in target) {
      const fd = this.lookupFd(t, target.fd);
      if (!fd) this.fail('EBADF', `${target.fd} is not an open file of ${t}`);
      if (fd.kind === 'ns') {
        nsId = fd.ns!;
      } else if (fd.kind === 'pidfd') {
        viaPidfd = true;
        nsId = this.pidfdTarget(t, fd.task!, nstype);
      } else {
        this.fail('EINVAL', `${target.fd} is neither a namespace file nor a pidfd`);
      }
    } else {
      viaPidfd = true;
      const fd = this.lookupFd(t, target.pidfd);
      const who = fd && fd.kind === 'pidfd' ? fd.task! : target.pidfd;
      if (!this.isTask(who)) this.fail('EBADF', `no pidfd ${target.pidfd}`);
      nsId = this.pidfdTarget(t, who, nstype);
    }
    if (!viaPidfd && nstype !== 0 && nstype !== CF.CLONE_NEWTIME) this.fail('EINVAL', `nstype ${flagNames(nstype)} does not match a time namespace file`);
    const task = this.task(t);
    const old = this.np(task.nsproxy);
    const nsRec = this.ns(nsId);
    // prepare_nsset: a private copy of the caller's nsproxy, which timens_install then points at the target.
    const newNp = this.fn('prepare_nsset', () => this.fn('create_new_namespaces', () => {
      const id = this.newNsproxy(old.time_ns, old.time_ns_for_children);
      this.state(this.txt`${id}: private copy of ${task.nsproxy} for the nsset`);
      return id;
    }, (v) => this.txt`create_new_namespaces returns ${v}`));
    const install = (): void => {
      if (!this.singleThreaded(t)) this.fail('EUSERS', `${t} is not single-threaded (other threads or a shared mm)`);
      if (!this.capCheck('ns_capable', task, nsRec.userNs, 'CAP_SYS_ADMIN')) this.fail('EPERM', `${t} lacks CAP_SYS_ADMIN over ${nsRec.userNs}, the owner of ${nsId}`);
      if (!this.capCheck('ns_capable', task, task.userNs, 'CAP_SYS_ADMIN')) this.fail('EPERM', `${t} lacks CAP_SYS_ADMIN in its own user namespace ${task.userNs}`);
      if (!this.sw.commitNsset) this.commit(t, nsId, enter);
      this.getNs(nsId);
      this.getNs(nsId);
      this.set(newNp, 'time_ns', nsId);
      this.set(newNp, 'time_ns_for_children', nsId);
      this.state(this.txt`${newNp}: time_ns = time_ns_for_children = ${nsId}`);
      this.putNs(old.time_ns);
      this.putNs(old.time_ns_for_children);
    };
    try {
      this.fn(viaPidfd ? 'validate_nsset' : 'validate_ns', () => this.fn('timens_install', install));
    } catch (e) {
      if (e instanceof KErr) this.fn('put_nsset', () => this.freeNsproxy(newNp));
      throw e;
    }
    this.fn('commit_nsset', () => {
      if (this.sw.commitNsset) this.commit(t, nsId, enter);
      this.switchNsproxy(t, newNp);
    });
    return { ret: 0, errno: null, signal: null };
  }

  private pidfdTarget(t: string, who: string, nstype: number): string {
    const allowed = NS_FLAGS | CF.CLONE_NEWUSER;
    if (!nstype || nstype & ~allowed) this.fail('EINVAL', `check_setns_flags: flags ${nstype ? flagNames(nstype) : '0'} invalid for a pidfd`);
    if (nstype & CF.CLONE_NEWTIME && (!this.sw.pidfdSetnsTime || !this.sw.timeNamespaces)) this.fail('EINVAL', 'setns(pidfd, CLONE_NEWTIME) is not supported by this kernel');
    const target = this.task(who);
    if (target.state === 'exited') this.fail('ESRCH', `${who} has exited`);
    if (!this.ptraceMayAccess(this.task(t), target)) this.fail('EPERM', `${t} has no ptrace read access to ${who}`);
    if (!(nstype & CF.CLONE_NEWTIME)) this.fail('EINVAL', 'this model only joins time namespaces through a pidfd');
    return this.np(target.nsproxy).time_ns;
  }

  // ------------------------------------------------------------------ fork family

  private clone3(t: string, flags: number, exitSignal: number, child: string, pthread: boolean): OpResult {
    this.fn('copy_clone_args_from_user', () => {
      if (exitSignal & ~0xff || exitSignal > 64 || exitSignal < 0) this.fail('EINVAL', `exit_signal ${exitSignal} is not a valid signal`);
    });
    this.fn('clone3_args_valid', () => {
        if (flags & ~(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) this.fail('EINVAL', 'unknown clone3 flags');
        const csignalMask = this.sw.clone3NewTime ? CF.CSIGNAL & ~CF.CLONE_NEWTIME : CF.CSIGNAL;
        if (flags & (CLONE_DETACHED | csignalMask)) {
          this.fail('EINVAL', (flags & CF.CLONE_NEWTIME) && !this.sw.clone3NewTime
            ? 'clone3 rejects every CSIGNAL bit, CLONE_NEWTIME included, before 6.3'
            : `clone3 flags contain exit-signal bits 0x${(flags & csignalMask).toString(16)}`);
        }
        if (flags & (CF.CLONE_THREAD | CF.CLONE_PARENT) && exitSignal) this.fail('EINVAL', 'CLONE_THREAD/CLONE_PARENT with an exit signal');
    });
    return this.kernelClone(t, flags, exitSignal, child, pthread ? 'pthread_create' : 'clone3');
  }

  private kernelClone(t: string, flags: number, exitSignal: number, child: string, via: string): OpResult {
    const enter = this.r.n - 1;
    return this.fn(this.sw.forkFn, () => {
      if (this.r.get(child)) this.fail('EINVAL', `a task named ${child} already exists (scenario error)`);
      const res = this.copyProcess(t, flags, exitSignal, child, enter);
      if (flags & CF.CLONE_VFORK) {
        this.set(t, 'state', 'vfork-parent-waiting');
        this.set(child, '_vforkParent', t);
        this.state(this.txt`${t} waits in vfork until ${child} execs or exits`);
      }
      void via;
      return res;
    });
  }

  private copyProcess(t: string, flags: number, exitSignal: number, child: string, enter: number): OpResult {
    return this.fn('copy_process', () => {
      const parent = this.task(t);
      const pnp = this.np(parent.nsproxy);
      if ((flags & (CF.CLONE_NEWNS | CF.CLONE_FS)) === (CF.CLONE_NEWNS | CF.CLONE_FS)) this.fail('EINVAL', 'CLONE_NEWNS with CLONE_FS');
      if ((flags & (CF.CLONE_NEWUSER | CF.CLONE_FS)) === (CF.CLONE_NEWUSER | CF.CLONE_FS)) this.fail('EINVAL', 'CLONE_NEWUSER with CLONE_FS');
      if (flags & CF.CLONE_THREAD && !(flags & CF.CLONE_SIGHAND)) this.fail('EINVAL', 'CLONE_THREAD without CLONE_SIGHAND');
      if (flags & CF.CLONE_SIGHAND && !(flags & CF.CLONE_VM)) this.fail('EINVAL', 'CLONE_SIGHAND without CLONE_VM');
      if (flags & CF.CLONE_THREAD && flags & (CF.CLONE_NEWUSER | CF.CLONE_NEWPID)) this.fail('EINVAL', 'CLONE_THREAD with CLONE_NEWUSER/CLONE_NEWPID');
      if (this.sw.cloneVmEinvalWhilePending && flags & (CF.CLONE_THREAD | CF.CLONE_VM) && pnp.time_ns !== pnp.time_ns_for_children) {
        this.fail('EINVAL', `CLONE_VM/CLONE_THREAD while time_ns (${pnp.time_ns}) != time_ns_for_children (${pnp.time_ns_for_children}) (5.6–6.1)`);
      }
      // Pre-check what copy_namespaces would refuse, so no half-built child has to be torn down.
      const newNsFlags = (flags & NS_FLAGS) !== 0;
      const childUserNs = flags & CF.CLONE_NEWUSER ? null : parent.userNs;
      const nsCapOk = !newNsFlags || childUserNs === null || this.capable(parent, childUserNs);
      const timeOk = !(flags & CF.CLONE_NEWTIME) || !this.sw.timeNamespaces ? null : this.userChainCheck(childUserNs ?? parent.userNs, parent.euid);
      const willFail = !nsCapOk || timeOk !== null || (flags & CF.CLONE_NEWTIME && !this.sw.timeNamespaces) || ((flags & (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM)) === (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM));
      let userNs = parent.userNs;
      let fullCaps = parent.fullCaps;
      if (willFail) {
        this.fn('copy_creds', () => undefined, () => this.txt`copy_creds returns 0`);
        this.fn('copy_mm', () => undefined, () => this.txt`copy_mm returns 0 (undone below)`);
        this.fn('copy_namespaces', () => {
          if (newNsFlags && !nsCapOk) this.fail('EPERM', `no CAP_SYS_ADMIN in ${childUserNs}`);
          if ((flags & (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM)) === (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM)) this.fail('EINVAL', 'CLONE_NEWIPC with CLONE_SYSVSEM');
          this.fn('create_new_namespaces', () => {
            if (!this.sw.timeNamespaces) this.fn('copy_time_ns', () => this.fail('EINVAL', 'CONFIG_TIME_NS is not available on this kernel'));
            this.cloneTimeNs(childUserNs ?? parent.userNs, parent.euid, pnp.time_ns_for_children, child);
          });
        });
        this.fail('EINVAL', 'internal: expected failure did not happen');
      }
      this.fn('copy_creds', () => {
        if (flags & CF.CLONE_NEWUSER) {
          userNs = this.createUserNs(parent.userNs, parent.euid);
          fullCaps = true;
        }
      });
      const mmId = this.fn('copy_mm', () => {
        if (flags & CF.CLONE_VM) {
          this.state(this.txt`${child} shares ${parent.mm}`);
          return parent.mm!;
        }
        return this.fn('dup_mm', () => this.dupMm(parent.mm!, child, enter), (v) => this.txt`dup_mm returns ${v}`);
      }, (v) => this.txt`copy_mm: ${v}`);
      let npId = parent.nsproxy;
      this.fn('copy_namespaces', () => {
        const pending = pnp.time_ns !== pnp.time_ns_for_children;
        if (!newNsFlags) {
          const share = this.sw.cloneVmStaysUntilExec ? (flags & CF.CLONE_VM) !== 0 || !pending : !pending;
          if (share) {
            this.state(this.txt`${child} shares ${parent.nsproxy} (time_ns ${pnp.time_ns}, time_ns_for_children ${pnp.time_ns_for_children})`);
            return;
          }
        }
        npId = this.fn('create_new_namespaces', () => {
          const tfc = flags & CF.CLONE_NEWTIME ? this.cloneTimeNs(userNs, parent.euid, pnp.time_ns_for_children, child) : pnp.time_ns_for_children;
          const id = this.newNsproxy(pnp.time_ns, tfc);
          this.state(this.txt`${id}: time_ns ${pnp.time_ns}, time_ns_for_children ${tfc}`);
          return id;
        }, (v) => this.txt`create_new_namespaces returns ${v}`);
        if (!this.sw.cloneVmStaysUntilExec || !(flags & CF.CLONE_VM)) {
          const np = this.np(npId);
          this.fn('timens_on_fork', () => {
            if (np.time_ns === np.time_ns_for_children) {
              this.state(this.txt`time_ns == time_ns_for_children: nothing to do`);
              return;
            }
            this.getNs(np.time_ns_for_children);
            this.set(npId, 'time_ns', np.time_ns_for_children);
            this.state(this.txt`${child} enters ${np.time_ns_for_children}: ${npId}.time_ns ${np.time_ns} → ${np.time_ns_for_children}`);
            this.putNs(np.time_ns);
            // timens_commit on the child, before it is visible: freeze the namespace, zap the child's mm.
            this.commit(child, np.time_ns_for_children, enter, mmId);
          });
        }
      });
      const created = this.newTask(child, flags & CF.CLONE_THREAD ? parent.parent : t, parent.uid, userNs, fullCaps, npId, mmId,
        flags & CF.CLONE_THREAD ? -1 : exitSignal, flags & CF.CLONE_THREAD ? parent.leader : undefined, parent);
      this.set(npId, 'count', this.np(npId).count + 1);
      if (!(flags & CF.CLONE_THREAD)) this.inheritFds(t, child);
      this.state(this.txt`${child} (pid ${created.pid}) created by ${t}: ${npId}, ${mmId}${flags & CF.CLONE_THREAD ? `, thread of ${parent.leader}` : ''}, exit signal ${flags & CF.CLONE_THREAD ? 'none' : exitSignal}`, { causes: [enter] });
      return { ret: created.pid, errno: null, signal: null, child };
    });
  }

  private inheritFds(from: string, to: string): void {
    const fds = this.fdTable(from);
    if (!Object.keys(fds).length) return;
    const copy: Record<string, FdRec> = {};
    for (const [name, fd] of Object.entries(fds)) {
      copy[name] = fd;
      if (fd.ns) this.fileRef(fd.ns, `${to}:${name}`, +1);
    }
    this.set(to, 'fds', copy);
  }

  private fileRef(nsId: string, holder: string, delta: number): void {
    const n = this.ns(nsId);
    const files = delta > 0 ? withAdded(n.refs.files, holder) : without(n.refs.files, holder);
    this.set(nsId, 'refs', refsWith(n.refs, 'files', files));
    if (delta > 0) this.getNs(nsId);
    else this.putNs(nsId);
  }

  // ------------------------------------------------------------------ mm

  /** A fresh mm with its special mappings; exec creates it empty first (exec_mmap) and maps them later. */
  private newMm(withMappings = true): string {
    const id = `mm#${this.counter('mm')}`;
    const m: MmRec = { id, users: [], _vmas: [], _vdsoText: 0, _vdsoDistance: 0, _bases: {}, _moves: 0, _lastZap: -1 };
    this.r.create(id, m);
    if (withMappings) this.installSpecialMappings(id);
    return id;
  }

  /** arch_setup_additional_pages / map_vdso: [vvar] (+ [vvar_vclock]) below the vDSO text, PTEs empty. */
  private installSpecialMappings(id: string): void {
    const text = this.sw.arch.vdsoText;
    const before = this.layout.vmas.slice(0, -1).reduce((s, v) => s + v.pages, 0);
    const keys: string[] = [];
    const bases: Record<string, number> = {};
    let addr = text - before * PAGE;
    for (const l of this.layout.vmas) {
      const key = `${id}/${l.name}`;
      keys.push(key);
      bases[l.name] = addr;
      const v: VmaRec = { name: l.name, start: addr, pages: l.pages, pgoff: 0, prot: l.name === '[vdso]' ? PROT.PROT_READ | PROT.PROT_EXEC : PROT.PROT_READ, flags: l.flags, ptes: Array<PteState | null>(l.pages).fill(null), sigbus: [], _pfnmap: l.pfnmap };
      this.r.create(key, v);
      addr += l.pages * PAGE;
    }
    this.set(id, '_vmas', keys);
    this.set(id, '_vdsoText', text);
    this.set(id, '_vdsoDistance', before * PAGE);
    this.set(id, '_bases', bases);
  }

  private dupMm(src: string, child: string, cause: number): string {
    const s = this.mm(src);
    const id = `mm#${this.counter('mm')}`;
    const keys: string[] = [];
    const copied: { key: string; i: number; page: string }[] = [];
    for (const k of s._vmas) {
      const v = this.vma(k);
      const key = id + k.slice(k.indexOf('/'));
      keys.push(key);
      const ptes = v._pfnmap ? v.ptes : v.ptes.map(() => null);
      this.r.create(key, { ...v, ptes, sigbus: [] });
      if (v._pfnmap) v.ptes.forEach((p, i) => { if (p) copied.push({ key, i, page: p.page }); });
    }
    this.r.create(id, { ...s, id, users: [], _vmas: keys, _lastZap: -1 } satisfies MmRec);
    this.state(this.txt`${id} created for ${child} as a copy of ${src}`);
    if (copied.length) {
      this.fn('copy_page_range', () => {
        for (const c of copied) {
          const v = this.vma(c.key);
          this.ev('pte-insert', this.txt`PTE ${v.name}[${c.i}] → ${c.page} copied from ${src} (VM_PFNMAP)`, { causes: [cause], page: { mm: id, vma: v.name, index: c.i, phys: c.page } });
        }
      });
    }
    return id;
  }

  private dropMm(task: string, mmId: string): void {
    const m = this.mm(mmId);
    const users = without(m.users, task);
    this.set(mmId, 'users', users);
    if (users.length === 0) {
      this.fn('mmput', () => {
        for (const k of m._vmas) this.r.remove(k);
        this.r.remove(mmId);
        this.state(this.txt`${mmId} freed`);
      });
    }
  }

  /** mm_release: a vfork child leaving the shared mm wakes its parent. */
  private releaseVfork(child: string): void {
    const p = this.task(child)._vforkParent;
    if (!p) return;
    this.set(child, '_vforkParent', null);
    if (this.isTask(p) && this.task(p).state === 'vfork-parent-waiting') {
      this.fn('complete_vfork_done', () => {
        this.set(p, 'state', 'running');
        this.state(this.txt`${p} resumes: its vfork child ${child} released the mm`);
      });
    }
  }

  private vmaAt(mmId: string, addr: number): string | null {
    for (const k of this.mm(mmId)._vmas) {
      const v = this.vma(k);
      if (addr >= v.start && addr < v.start + v.pages * PAGE) return k;
    }
    return null;
  }

  // ------------------------------------------------------------------ execve

  private execve(t: string, path: string): OpResult {
    const enter = this.r.n - 1;
    if (!path) this.fail('ENOENT', 'empty path');
    return this.fn('do_execveat_common', () => this.fn('bprm_execve', () => this.fn('load_elf_binary', () => {
      this.fn('begin_new_exec', () => {
        this.fn('de_thread', () => {
          const me = this.task(t);
          const others = this.threadsOf(t).filter((x) => x !== t);
          for (const o of others) this.exitTask(o, 'killed by de_thread');
          if (me.leader !== t) {
            const old = this.task(me.leader);
            const newLeader = me.leader;
            for (const k of this.liveTasks()) if (this.task(k).leader === newLeader) this.set(k, 'leader', t);
            this.set(t, 'pid', old.pid);
            this.set(t, 'leader', t);
            this.set(t, 'parent', old.parent);
            this.state(this.txt`${t} takes over the thread-group leader's pid ${old.pid}`);
          }
        });
        this.fn('exec_mmap', () => {
          const me = this.task(t);
          const fresh = this.newMm(false);
          this.set(fresh, 'users', [t]);
          this.set(t, 'mm', fresh);
          this.state(this.txt`${t} gets the new, still empty ${fresh}; [vvar] and [vdso] are mapped later by the ELF loader`);
          if (me.mm) {
            this.releaseVfork(t);
            this.dropMm(t, me.mm);
          }
        });
        if (this.sw.execSwitchesToTfc) {
          this.fn('exec_task_namespaces', () => {
            const np = this.np(this.task(t).nsproxy);
            if (np.time_ns === np.time_ns_for_children) {
              this.state(this.txt`time_ns == time_ns_for_children: nothing to switch`);
              return;
            }
            const newNp = this.fn('create_new_namespaces', () => this.newNsproxy(np.time_ns, np.time_ns_for_children), (v) => this.txt`create_new_namespaces returns ${v}`);
            this.fn('timens_on_fork', () => {
              this.getNs(np.time_ns_for_children);
              this.set(newNp, 'time_ns', np.time_ns_for_children);
              this.state(this.txt`${t} moves into ${np.time_ns_for_children} at exec`);
              this.putNs(np.time_ns);
              this.commit(t, np.time_ns_for_children, enter);
            });
            this.switchNsproxy(t, newNp);
          });
        }
        if (!this.task(t).dumpable) {
          this.set(t, 'dumpable', true);
          this.state(this.txt`${t} is dumpable again after exec`);
        }
      });
      this.fn('arch_setup_additional_pages', () => {
        this.installSpecialMappings(this.task(t).mm!);
        const m = this.mm(this.task(t).mm!);
        this.state(this.txt`${m.id}: ${this.layout.vmas.map((v) => `${v.name} ${v.pages} page${v.pages > 1 ? 's' : ''}`).join(', ')} installed (_install_special_mapping), PTEs empty`);
      });
      return { ret: 0, errno: null, signal: null };
    })));
  }

  // ------------------------------------------------------------------ exit

  private exit(t: string, code: number): OpResult {
    const me = this.task(t);
    if (me.leader !== t) {
      // pthread_exit: only this thread (sys_exit); exit_group from the leader takes the whole group.
      this.exitTask(t, `exit(${code})`);
      return { ret: null, errno: null, signal: null };
    }
    this.fn('do_group_exit', () => {
      for (const v of this.threadsOf(t).filter((x) => x !== t)) this.exitTask(v, 'killed by exit_group');
      this.exitTask(t, `exit_group(${code})`);
    });
    return { ret: null, errno: null, signal: null };
  }

  /** do_exit: drop mm, files and namespaces; the task is reaped at once (its parent is waiting). */
  private exitTask(t: string, why: string): void {
    this.fn('do_exit', () => {
      const me = this.task(t);
      // PF_EXITING: from here on the task is no longer running; its mm and namespaces are torn down below.
      this.set(t, 'state', 'exited');
      this.liveTasks().delete(t);
      this.state(this.txt`${t} is exiting (${why})`);
      this.fn('exit_mm', () => {
        if (!me.mm) return;
        this.releaseVfork(t);
        this.dropMm(t, me.mm);
        this.set(t, 'mm', null);
      });
      this.fn('exit_files', () => {
        for (const [name, fd] of Object.entries(me.fds)) if (fd.ns) this.fileRef(fd.ns, `${t}:${name}`, -1);
        if (Object.keys(me.fds).length) this.set(t, 'fds', {});
      });
      this.fn('exit_task_namespaces', () => this.switchNsproxy(t, null));
      this.fn('release_task', () => this.state(this.txt`${t} reaped`));
    }, undefined, this.txt`do_exit(${t})`);
  }

  // ------------------------------------------------------------------ credentials ops

  private setuid(t: string, uid: number): OpResult {
    return this.fn('__sys_setuid', () => {
      const me = this.task(t);
      if (uid < 0 || uid > 0xfffffffe) this.fail('EINVAL', `uid ${uid} is not valid`);
      const privileged = this.capCheck('ns_capable_setid', me, me.userNs, 'CAP_SETUID');
      if (!privileged && uid !== me.uid) this.fail('EPERM', `${t} lacks CAP_SETUID and ${uid} is not its real uid`);
      this.fn('commit_creds', () => {
        const group = this.threadsOf(t);
        for (const g of group) {
          if (privileged) this.set(g, 'uid', uid);
          this.set(g, 'euid', uid);
          if (uid !== 0) this.set(g, 'fullCaps', false);
          if (me.euid !== uid) this.set(g, 'dumpable', false);
        }
        this.state(this.txt`${t}: uid ${privileged ? uid : me.uid}, euid ${uid}${uid !== 0 ? ', capabilities dropped' : ''}${me.euid !== uid ? ', not dumpable (euid changed)' : ''}`);
      });
      return { ret: 0, errno: null, signal: null };
    });
  }

  private prctlDumpable(t: string, d: boolean): OpResult {
    return this.fn('set_dumpable', () => {
      for (const g of this.threadsOf(t)) this.set(g, 'dumpable', d);
      this.state(this.txt`${t} dumpable = ${d}`);
      return { ret: 0, errno: null, signal: null };
    });
  }

  // ------------------------------------------------------------------ /proc paths and files

  private fdTable(t: string): Readonly<Record<string, FdRec>> {
    return this.task(t).fds as Readonly<Record<string, FdRec>>;
  }

  private lookupFd(t: string, name: string): FdRec | undefined {
    const own = this.fdTable(t)[name];
    if (own) return own;
    const lead = this.task(t).leader;
    return lead !== t && this.isTask(lead) ? this.fdTable(lead)[name] : undefined;
  }

  /** Resolve '/proc/<who>/<rest>' to the task it names. */
  private procTask(t: string, path: string): { task: string; rest: string } | null {
    const m = /^\/proc\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (!m) return null;
    const who = m[1];
    let task: string | undefined;
    if (who === 'self') task = this.task(t).leader;
    else if (who === 'thread-self') task = t;
    else if (this.isTask(who)) task = who;
    else if (/^\d+$/.test(who)) {
      for (const [k, o] of this.r.objs) if ('tgid' in o && (o as unknown as TaskRec).pid === Number(who)) task = k;
    }
    if (!task) return { task: '', rest: m[2] ?? '' };
    return { task, rest: m[2] ?? '' };
  }

  private ptraceMayAccess(caller: TaskRec, target: TaskRec): boolean {
    if (caller.leader === target.leader) return true;
    const sameUid = caller.euid === target.uid && caller.euid === target.euid;
    if (!sameUid && !this.capable(caller, target.userNs)) return false;
    if (!target.dumpable && !this.capable(caller, target.userNs)) return false;
    return true;
  }

  /** Open a /proc/PID/ns/time{,_for_children} file: the namespace it stands for. */
  private resolveNsPath(t: string, path: string): string {
    return this.fn('proc_ns_get_link', () => {
      const p = this.procTask(t, path);
      if (!p || !p.task || !/^ns\/time(_for_children)?$/.test(p.rest)) this.fail('ENOENT', `${path} is not a time namespace file`);
      const target = this.task(p.task);
      if (target.state === 'exited') this.fail('ENOENT', `${p.task} has exited`);
      if (!this.sw.timeNamespaces) this.fail('ENOENT', 'no /proc/PID/ns/time* without CONFIG_TIME_NS');
      if (!this.ptraceMayAccess(this.task(t), target)) this.fail('EACCES', `${t} has no ptrace read access to ${p.task}`);
      const np = this.np(target.nsproxy);
      return p.rest === 'ns/time' ? np.time_ns : np.time_ns_for_children;
    }, (v) => this.txt`→ ${v}`);
  }

  private openOp(t: string, path: string, mode: 'r' | 'w' | 'rw', fdName: string): OpResult {
    const fd = this.openFile(t, path, mode);
    if (this.fdTable(t)[fdName]?.ns) this.fileRef(this.fdTable(t)[fdName].ns!, `${t}:${fdName}`, -1);
    this.set(t, 'fds', { ...this.fdTable(t), [fdName]: fd });
    if (fd.ns) this.fileRef(fd.ns, `${t}:${fdName}`, +1);
    this.state(this.txt`${t}:${fdName} = ${path}${fd.ns ? ` (holds ${fd.ns})` : ''}`);
    const n = Object.keys(this.fdTable(t)).indexOf(fdName) + 3;
    return { ret: n, errno: null, signal: null };
  }

  private openFile(t: string, path: string, mode: 'r' | 'w' | 'rw'): FdRec {
    const me = this.task(t);
    const opener = { openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: mode };
    if (path === '/proc/uptime' || path === '/proc/stat') {
      if (mode !== 'r' && !(me.fullCaps && me.userNs === 'user#0')) this.fail('EACCES', `${path} is read-only (0444)`);
      return { path, kind: 'proc', ns: null, task: null, pos: 0, ...opener };
    }
    const p = this.procTask(t, path);
    if (!p) this.fail('ENOENT', `${path}: only /proc files exist in this model`);
    if (!p.task) this.fail('ENOENT', `${path}: no such process`);
    const target = this.task(p.task);
    if (target.state === 'exited') this.fail('ENOENT', `${path}: ${p.task} has exited`);
    if (p.rest === 'ns/time' || p.rest === 'ns/time_for_children') {
      const ns = this.resolveNsPath(t, path);
      return { path, kind: 'ns', ns, task: p.task, pos: 0, ...opener };
    }
    if (p.rest === 'timens_offsets') {
      if (!this.sw.timeNamespaces) this.fail('ENOENT', 'no timens_offsets without CONFIG_TIME_NS');
      if (mode !== 'r') {
        this.fn('proc_pid_permission', () => {
          const owner = target.dumpable ? target.euid : 0;
          const override = me.fullCaps && me.userNs === 'user#0';
          if (me.euid !== owner && !override) {
            this.fail('EACCES', `${path} is owned by uid ${owner}${target.dumpable ? '' : ` (root: ${p.task} is not dumpable)`}, mode 0644; ${t} (euid ${me.euid}) may not open it for writing`);
          }
        });
      }
      return { path, kind: 'timens_offsets', ns: null, task: p.task, pos: 0, ...opener };
    }
    if (p.rest === '') return { path, kind: 'pidfd', ns: null, task: p.task, pos: 0, ...opener };
    this.fail('ENOENT', `${path}: not modelled`);
  }

  private close(t: string, fdName: string): OpResult {
    const own = this.fdTable(t);
    const fd = own[fdName];
    if (!fd) this.fail('EBADF', `${fdName} is not open in ${t}`);
    const rest = { ...own };
    delete rest[fdName];
    this.set(t, 'fds', rest);
    this.state(this.txt`${t}:${fdName} closed`);
    if (fd.ns) this.fn('nsfs_evict', () => this.fileRef(fd.ns!, `${t}:${fdName}`, -1));
    return { ret: 0, errno: null, signal: null };
  }

  /** A file named by path is opened for the call and closed after it; an fd is looked up. */
  private withFile<T>(t: string, f: FileRef, mode: 'r' | 'w', body: (fd: FdRec, fdName: string | null) => T): T {
    if ('fd' in f) {
      const fd = this.lookupFd(t, f.fd);
      if (!fd) this.fail('EBADF', `${f.fd} is not an open file of ${t}`);
      return body(fd, f.fd);
    }
    const fd = this.openFile(t, f.path, mode);
    return body(fd, null);
  }

  private read(t: string, f: FileRef): OpResult {
    return this.withFile(t, f, 'r', (fd, fdName) => {
      if ((fd as FdRec)._mode === 'w') this.fail('EBADF', `${fdName} was opened write-only`);
      let text: string;
      if (fd.kind === 'timens_offsets') {
        text = this.fn('seq_read', () => this.fn('timens_offsets_show', () => {
          const target = this.task(fd.task!);
          if (target.state === 'exited') this.fail('ESRCH', `${fd.task} has gone`);
          return this.fn('proc_timens_show_offsets', () => {
            const ns = this.ns(this.np(target.nsproxy).time_ns_for_children);
            return formatOffsets(ns.offsets.monotonic, ns.offsets.boottime, this.sw.offsetsClockNames);
          });
        }));
      } else if (fd.path === '/proc/uptime') {
        text = this.fn('uptime_proc_show', () => {
          const h = this.host();
          const up = this.nsClock(t, 7, h.boottime);
          const idle = ts(h.monotonic.sec * 2, 0);
          return `${up.sec}.${String(Math.floor(up.nsec / 1e7)).padStart(2, '0')} ${idle.sec}.00\n`;
        });
      } else if (fd.path === '/proc/stat') {
        text = this.fn('show_stat', () => {
          const h = this.host();
          const bootWall = tsSub(h.realtime, h.boottime);
          let btime = bootWall.sec;
          if (this.sw.procStatBtime) {
            const boot = this.ns(this.np(this.task(t).nsproxy).time_ns).offsets.boottime;
            btime = tsSub(bootWall, boot).sec;
          }
          return `btime ${btime}\n`;
        });
      } else {
        this.fail('EINVAL', `${fd.path} cannot be read`);
      }
      if (fdName) {
        const own = this.fdTable(t)[fdName];
        if (own) this.set(t, 'fds', { ...this.fdTable(t), [fdName]: { ...own, pos: own.pos + utf8.encode(text).length } });
      }
      return { ret: utf8.encode(text).length, errno: null, signal: null, text };
    });
  }

  private lseek(t: string, fdName: string, offset: number): OpResult {
    const fd = this.lookupFd(t, fdName);
    if (!fd) this.fail('EBADF', `${fdName} is not open`);
    return this.fn('seq_lseek', () => {
      if (fd.kind === 'ns') this.fail('ESPIPE', 'namespace files cannot seek');
      if (offset < 0) this.fail('EINVAL', 'negative offset');
      const own = this.fdTable(t)[fdName];
      if (own) this.set(t, 'fds', { ...this.fdTable(t), [fdName]: { ...own, pos: offset } });
      return { ret: offset, errno: null, signal: null };
    });
  }

  private write(t: string, f: FileRef, data: string, pwriteOffset: number | null): OpResult {
    const bytes = utf8.encode(data);
    return this.withFile(t, f, 'w', (fd, fdName) => {
      if ((fd as FdRec)._mode === 'r') this.fail('EBADF', `${fdName} was opened read-only`);
      if (pwriteOffset !== null) {
        if (pwriteOffset < 0) this.fail('EINVAL', 'negative pwrite offset');
        this.fail('ESPIPE', 'seq_file-based /proc files clear FMODE_PWRITE: pwrite gives ESPIPE whatever the offset (real-kernel-facts Q3)');
      }
      if (fd.kind !== 'timens_offsets') this.fail('EINVAL', `${fd.path} has no write handler`);
      return this.fn('vfs_write', () => this.fn('timens_offsets_write', () => {
        if (fd.pos !== 0 || bytes.length >= PAGE) {
          this.fail('EINVAL', fd.pos !== 0 ? `file position is ${fd.pos}, not 0` : `count ${bytes.length} >= PAGE_SIZE`);
        }
        const parsed = this.fn('sscanf', () => parseOffsetsWrite(bytes, !this.sw.offsetsClockNames), (p) => (p.ok ? this.txt`${p.offsets.length} entr${p.offsets.length === 1 ? 'y' : 'ies'}` : this.txt`parse error`));
        if (!parsed.ok) this.fail('EINVAL', `line ${parsed.line + 1}: ${parsed.reason}`);
        const target = this.task(fd.task!);
        if (target.state === 'exited') this.fail('ESRCH', `${fd.task} has gone`);
        this.fn('proc_timens_set_offset', () => {
          const nsId = this.np(target.nsproxy).time_ns_for_children;
          const n = this.ns(nsId);
          const cred = { userNs: fd.openerUserNs, fullCaps: fd.openerFullCaps, euid: fd.openerEuid };
          if (!this.capCheck('file_ns_capable', cred, n.userNs, 'CAP_SYS_TIME')) {
            this.fail('EPERM', `the opener of the file lacks CAP_SYS_TIME over ${n.userNs}, the owner of ${nsId}`);
          }
          const h = this.host();
          for (const off of parsed.offsets) {
            if (off.clockid !== 1 && off.clockid !== 7) this.fail('EINVAL', `clock id ${off.clockid} is neither CLOCK_MONOTONIC nor CLOCK_BOOTTIME`);
            if (off.sec > BigInt(KTIME_SEC_MAX) || off.sec < -BigInt(KTIME_SEC_MAX)) this.fail('ERANGE', `${off.sec} s is beyond ±KTIME_SEC_MAX`);
            const now = off.clockid === 1 ? h.monotonic : h.boottime;
            const sum = ts(now.sec + Number(off.sec), now.nsec + Number(off.nsec));
            if (sum.sec < 0 || sum.sec > KTIME_SEC_MAX / 2) {
              this.fail('ERANGE', `host ${off.clockid === 1 ? 'monotonic' : 'boottime'} ${fmtTs(now)} + ${off.sec} s = ${sum.sec} s is outside [0, ${Math.floor(KTIME_SEC_MAX / 2)}]`);
            }
          }
          if (n.frozen_offsets) this.fail('EACCES', `${nsId} is frozen${nsId === 'ns#0' ? ' (the initial time namespace always is)' : ''}`);
          let mono = n.offsets.monotonic;
          let boot = n.offsets.boottime;
          for (const off of parsed.offsets) {
            const v = { sec: Number(off.sec), nsec: Number(off.nsec) };
            if (off.clockid === 1) mono = v;
            else boot = v;
          }
          this.set(nsId, 'offsets', { monotonic: mono, boottime: boot });
          this.state(this.txt`${nsId} offsets: monotonic ${mono}, boottime ${boot}`);
        });
        return { ret: parsed.count, errno: null, signal: null };
      }));
    });
  }

  private readlink(t: string, path: string): OpResult {
    if (path === '/proc/self') return { ret: String(this.task(this.task(t).leader).pid).length, errno: null, signal: null, text: String(this.task(this.task(t).leader).pid) };
    return this.fn('proc_ns_readlink', () => {
      const nsId = this.resolveNsPath(t, path);
      const n = this.ns(nsId);
      const name = path.endsWith('time_for_children') ? this.sw.tfcLinkName : 'time';
      const text = `${name}:[${n.inum}]`;
      return { ret: text.length, errno: null, signal: null, text };
    });
  }

  // ------------------------------------------------------------------ clocks

  private hostClock(clock: number): Timespec {
    const h = this.host();
    switch (clock) {
      case 0: case 5: case 8: return h.realtime;
      case 1: case 6: return h.monotonic;
      case 4: return h.monotonicRaw;
      case 7: case 9: return h.boottime;
      case 11: return tsAdd(h.realtime, { sec: h.taiOffset, nsec: 0 });
      default: return ZERO;
    }
  }

  /** A host value seen through the task's time_ns (what the kernel side adds). */
  private nsClock(t: string, clock: number, host: Timespec): Timespec {
    const kind = offsetKind(clock);
    if (!kind) return host;
    const n = this.ns(this.np(this.task(t).nsproxy).time_ns);
    return tsAdd(host, kind === 'mono' ? n.offsets.monotonic : n.offsets.boottime);
  }

  private sysClockGettime(t: string, clock: number, path: 'syscall' | 'vdso-fallback-syscall'): OpResult {
    const getter: Record<number, string> = {
      0: 'posix_get_realtime_timespec', 1: 'posix_get_monotonic_timespec', 4: 'posix_get_monotonic_raw',
      5: 'posix_get_realtime_coarse', 6: 'posix_get_monotonic_coarse', 7: 'posix_get_boottime_timespec',
      8: 'alarm_clock_get_timespec', 9: 'alarm_clock_get_timespec', 11: 'posix_get_tai_timespec',
      2: 'posix_cpu_clock_get', 3: 'posix_cpu_clock_get',
    };
    const fn = getter[clock];
    if (!fn) this.fail('EINVAL', `clock id ${clock} is not valid`);
    return this.fn(fn, () => {
      if ((clock === 8 || clock === 9) && !this.sw.rtcPresent) this.fail('EINVAL', 'no RTC device: alarm clocks are unavailable');
      const host = this.hostClock(clock);
      const kind = offsetKind(clock);
      let value = host;
      if (kind) {
        value = this.fn(kind === 'mono' ? 'timens_add_monotonic' : 'timens_add_boottime', () => this.nsClock(t, clock, host),
          (v) => this.txt`${clockName(clock)} ${host} + offset = ${v}`);
      }
      return { ret: 0, errno: null, signal: null, clock: { clock, value, host, path } };
    });
  }

  /** The signal of the last user read that returned null. */
  private readSignal: 'SIGBUS' | 'SIGSEGV' = 'SIGSEGV';
  /** A user-space read of a vvar address of `mmId` (the task's mm) by the vDSO or by `touch`: PTE lookup, fault if
   *  empty. Returns the physical page read, or null when the read raised a signal (then in readSignal): this
   *  runs several times per vDSO call, so it builds no result object. */
  private userRead(t: string, mmId: string, addr: number, cause: number): string | null {
    const key = this.vmaAt(mmId, addr);
    if (!key) return this.readFault(this.segv(t, addr, 'SEGV_MAPERR: nothing is mapped there', cause));
    const v = this.vma(key);
    if (!(v.prot & PROT.PROT_READ)) return this.readFault(this.segv(t, addr, `SEGV_ACCERR: ${v.name} is PROT_NONE`, cause));
    const index = Math.floor((addr - v.start) / PAGE);
    if (v.name === '[vdso]') return 'page#vdso-text';
    const pte = v.ptes[index];
    if (pte) return pte.page;
    return this.readFault(this.pageFault(t, key, index, cause));
  }
  private readFault(f: Fault): string | null {
    if (f.ok) return f.phys;
    this.readSignal = f.signal;
    return null;
  }

  private segv(t: string, addr: number, why: string, cause: number): Fault {
    const a = this.sw.arch;
    this.fn(a.faultEntry, () => this.fn(a.faultHandler, () => {
      this.ev('fault', this.txt`fault at 0x${addr.toString(16)}: ${why}`, { causes: cause >= 0 ? [cause] : [] });
      this.fn(a.segvFn, () => {
        this.ev('signal', this.txt`SIGSEGV to ${t}`, { signal: 'SIGSEGV' });
      });
    }));
    return { ok: false, signal: 'SIGSEGV' };
  }

  /** handle_mm_fault → special_mapping_fault → vvar_fault for page `index` of VMA `key`. */
  private pageFault(t: string, key: string, index: number, cause: number): Fault {
    const v = this.vma(key);
    const mmId = key.slice(0, key.indexOf('/'));
    const zapCause = this.mm(mmId)._lastZap;
    const a = this.sw.arch;
    const causes = cause >= 0 ? (zapCause >= 0 ? [cause, zapCause] : [cause]) : zapCause >= 0 ? [zapCause] : [];
    return this.fn(a.faultEntry, () => this.fn(a.faultHandler, () => {
      let f = -1;
      const out = this.fn('handle_mm_fault', () => {
        const pgoff = v.pgoff + index;
        f = this.ev('fault', this.txt`${t} faults on ${v.name} page ${index} (pgoff ${pgoff}) of ${mmId}`, { causes, page: { mm: mmId, vma: v.name, index, phys: null } });
        if (zapCause >= 0) this.set(mmId, '_lastZap', -1);
        return this.fn('__do_fault', () => this.fn('special_mapping_fault', () => this.vvarFault(t, key, index, f)));
      }, (o) => (o.ok ? this.txt`handle_mm_fault returns 0` : this.txt`handle_mm_fault returns VM_FAULT_SIGBUS`));
      if (!out.ok) {
        const sig = this.vma(key).sigbus;
        if (!sig.includes(index)) this.set(key, 'sigbus', [...sig, index].sort((a, b) => a - b));
        this.fn(a.sigbusFn, () => this.ev('signal', this.txt`SIGBUS to ${t}: ${v.name} page ${index} has nothing to map`, { signal: 'SIGBUS', causes: [f] }));
      }
      return out;
    }));
  }

  private insertPfn(key: string, index: number, page: string, cause: number): boolean {
    const v = this.vma(key);
    if (index < 0 || index >= v.pages) {
      this.fn('vmf_insert_pfn', () => this.state(this.txt`address outside ${v.name}: insert refused (VM_FAULT_SIGBUS)`));
      return false;
    }
    return this.fn('vmf_insert_pfn', () => {
      if (v.ptes[index]) {
        this.state(this.txt`${v.name}[${index}] already maps ${v.ptes[index]!.page}: left unchanged`);
        return true;
      }
      const mmId = key.slice(0, key.indexOf('/'));
      const ptes = v.ptes.slice();
      ptes[index] = { page, sinceEvent: this.r.n };
      this.set(key, 'ptes', ptes);
      if (v.sigbus.includes(index)) this.set(key, 'sigbus', without(v.sigbus, index));
      this.ev('pte-insert', this.txt`PTE ${v.name}[${index}] → ${page}`, { causes: [cause], page: { mm: mmId, vma: v.name, index, phys: page } });
      return true;
    }, undefined, this.txt`vmf_insert_pfn(${v.name}[${index}], ${page})`);
  }

  private roleOf(v: VmaRec, pgoff: number): PageRole | 'text' | undefined {
    return this.layout.vmas.find((l) => l.name === v.name)?.roles[pgoff];
  }

  private vvarFault(t: string, key: string, index: number, faultEv: number): Fault {
    const v = this.vma(key);
    const pgoff = v.pgoff + index;
    const role = this.roleOf(v, pgoff);
    const handler = v.name === '[vvar_vclock]' ? 'vvar_vclock_fault' : v._pfnmap ? 'vvar_fault' : 'special_mapping_fault(pages)';
    const bus: Fault = { ok: false, signal: 'SIGBUS' };
    if (!v._pfnmap) {
      // A page-list special mapping (arm64 before [PATCH 1/6]): the one global data page, whatever the namespace.
      if (role === 'data') return this.insertPfn(key, index, 'page#host', faultEv) ? { ok: true, phys: 'page#host' } : bus;
      this.state(this.txt`${v.name} page ${pgoff} is not in the page list: VM_FAULT_SIGBUS`);
      return bus;
    }
    return this.fn(handler, () => {
      const nsPage = role === 'data' || role === 'timens' ? this.findTimensVvarPage(t) : null;
      switch (role) {
        case 'data': {
          if (nsPage) {
            if (this.layout.prefault && this.layout.timensSlot !== null) {
              const at = this.layout.timensSlot - v.pgoff;
              if (!this.insertPfn(key, at, 'page#host', faultEv)) return bus;
            }
            return this.insertPfn(key, index, nsPage, faultEv) ? { ok: true, phys: nsPage } : bus;
          }
          return this.insertPfn(key, index, 'page#host', faultEv) ? { ok: true, phys: 'page#host' } : bus;
        }
        case 'timens':
          if (!nsPage) {
            this.state(this.txt`${this.timensFaultWhy(t)}: the timens page slot gives SIGBUS`);
            return bus;
          }
          return this.insertPfn(key, index, 'page#host', faultEv) ? { ok: true, phys: 'page#host' } : bus;
        case 'pvclock':
          if (this.r.get('page#pvclock')) return this.insertPfn(key, index, 'page#pvclock', faultEv) ? { ok: true, phys: 'page#pvclock' } : bus;
          this.state(this.txt`no pvclock page in use: VM_FAULT_SIGBUS`);
          return bus;
        case 'hvclock':
          this.state(this.txt`no Hyper-V TSC page: VM_FAULT_SIGBUS`);
          return bus;
        case 'rng':
          return this.insertPfn(key, index, 'page#rng', faultEv) ? { ok: true, phys: 'page#rng' } : bus;
        case 'arch':
          this.state(this.txt`no arch data page on this machine: VM_FAULT_SIGBUS`);
          return bus;
        default:
          this.state(this.txt`page ${pgoff} is past the end of the vvar layout: VM_FAULT_SIGBUS`);
          return bus;
      }
    }, (f) => (f.ok ? this.txt`${handler} mapped ${f.phys}` : this.txt`${handler} returns VM_FAULT_SIGBUS`));
  }

  private timensFaultWhy(t: string): string {
    if (!this.sw.timensFault) return 'arm64 [PATCH v4 4/6] is missing, vvar_fault never maps timens pages';
    return `${t} is in the initial time namespace`;
  }

  /** find_timens_vvar_page: the faulting task's time_ns page (null for the initial namespace). */
  private findTimensVvarPage(t: string): string | null {
    if (!this.sw.timensFault) return null;
    return this.fn('find_timens_vvar_page', () => this.ns(this.np(this.task(t).nsproxy).time_ns).vvar_page, (p) => this.txt`find_timens_vvar_page returns ${p ?? 'NULL (root namespace)'}`);
  }

  private vdsoClockGettime(t: string, clock: number): OpResult {
    const sym = this.sw.vdsoClockGettime;
    this.sp = this.r.pushStack(0, sym);
    let enterSid = this.summaryCache.get(-1 - clock);
    if (enterSid === undefined) this.summaryCache.set(-1 - clock, (enterSid = this.r.intern(`${sym}(${clockName(clock)})`)));
    const enter = this.r.emitRaw(KIND_NUM['vdso-enter'], this.line, this.curId, this.sp, this.hostIdx, enterSid);
    let res: OpResult;
    const hres = clock === 0 || clock === 1 || clock === 7 || clock === 11 || clock === 4;
    const coarse = clock === 5 || clock === 6;
    const me = this.task(t);
    const textKey = me.mm ? this.vmaAt(me.mm, this.mm(me.mm)._vdsoText) : null;
    const textVma = textKey ? this.vma(textKey) : null;
    if (!textVma || textVma.name !== '[vdso]' || !(textVma.prot & PROT.PROT_EXEC)) {
      // The call jumps into the vDSO text; without it the task faults on the instruction fetch.
      this.segv(t, me.mm ? this.mm(me.mm)._vdsoText : 0, 'the [vdso] text is not mapped executable there', enter);
      res = { ret: null, errno: null, signal: 'SIGSEGV' };
    } else if (!hres && !coarse) {
      // ALARM, CPU and unknown clocks are not handled in the vDSO: the fallback makes the real system call.
      res = this.fn('clock_gettime_fallback', () => {
        const sys = this.syscallPrefix + 'clock_gettime';
        this.sp = this.r.pushStack(this.sp, sys);
        const e2 = this.ev('syscall-enter', this.txt`clock_gettime(${clockName(clock)})`);
        let out: OpResult;
        try {
          out = this.sysClockGettime(t, clock, 'vdso-fallback-syscall');
        } catch (e) {
          if (!(e instanceof KErr)) throw e;
          out = { ret: -1, errno: e.errno, signal: null };
        }
        const x2 = this.evResult('syscall-exit', this.txt`clock_gettime = ${out.errno ? `-1 ${out.errno}` : 0}`, out);
        this.r.setMatch(e2, x2);
        this.sp = this.r.stackParentOf(this.sp);
        return out;
      }, undefined, this.txt`${clockName(clock)} is not handled by the vDSO: syscall fallback`);
    } else {
      const mmId = me.mm!;
      const m = this.mm(mmId);
      const dataAddr = m._vdsoText - m._vdsoDistance + this.layout.dataSlot * PAGE;
      const reader = coarse ? 'do_coarse' : 'do_hres';
      this.sp = this.r.pushStack(this.sp, reader);
      const key = dataAddr * 2 + (coarse ? 1 : 0);
      let sid = this.summaryCache.get(key);
      if (sid === undefined) this.summaryCache.set(key, (sid = this.r.intern(`${reader}: read seq and clock_mode of the data page at 0x${dataAddr.toString(16)}`)));
      const c = this.r.emitRaw(K_CALL, this.line, this.curId, this.sp, this.hostIdx, sid);
      res = this.vdsoRead(t, mmId, clock, dataAddr, enter, coarse);
      // The stack top is `reader`, so the interned default return summary is the same text, built once.
      const rr = this.r.emitRaw(K_RETURN, this.line, this.curId, this.sp, this.hostIdx, this.r.returnSummaryId(this.sp));
      this.r.setMatch(c, rr);
      this.sp = this.r.stackParentOf(this.sp);
    }
    this.finish(t, res);
    const sum = res.signal !== null && res.signal !== undefined ? this.txt`${sym} = ${res.signal}` : res.errno ? this.txt`${sym} = -1 ${res.errno}` : this.exitSummary(sym, res.clock!);
    const x = this.evResult('vdso-exit', sum, res);
    this.r.setMatch(enter, x);
    this.sp = 0;
    return res;
  }

  // Consecutive vDSO reads of an unchanged clock give equal readings: they share the (immutable) objects, so a
  // long run of reads does not keep one copy per read in the results it retains.
  private lastReading: VdsoReading | null = null;
  // Summary ids of the last vDSO exit, timens call and offset state: runs of equal reads share one summary (the
  // text depends only on the values in each key, and a summary id may be shared by any number of events).
  private exitReading: VdsoReading | null = null;
  private exitSid = 0;
  private seqSeq = -1;
  private seqCoarse = false;
  private seqPhys = '';
  private seqSid = 0;
  private offClock = -1;
  private offHost: Timespec | null = null;
  private offOff: Timespec | null = null;
  private offPhys = '';
  private offSid = 0;
  private exitSummary(sym: string, c: VdsoReading): number {
    if (this.exitReading !== c) {
      this.exitReading = c;
      this.exitSid = this.txt`${sym} = ${c.value} (${c.path})`;
    }
    return this.exitSid;
  }
  private lastSum: { a: Timespec; b: Timespec; sum: Timespec } | null = null;
  private reading(clock: number, value: Timespec, host: Timespec, path: VdsoReading['path']): VdsoReading {
    const r = this.lastReading;
    if (r && r.clock === clock && r.value === value && r.host === host && r.path === path) return r;
    return (this.lastReading = { clock, value, host, path });
  }
  private offsetSum(a: Timespec, b: Timespec): Timespec {
    const m = this.lastSum;
    if (m && m.a === a && m.b === b) return m.sum;
    const sum = tsAdd(a, b);
    this.lastSum = { a, b, sum };
    return sum;
  }

  private vdsoRead(t: string, mmId: string, clock: number, dataAddr: number, enter: number, coarse: boolean): OpResult {
    const first = this.userRead(t, mmId, dataAddr, enter);
    if (first === null) return { ret: null, errno: null, signal: this.readSignal };
    const host = this.hostClock(clock);
    const page = this.r.get(first) as unknown as PageRec | undefined;
    const block = page?.blocks[clock === 4 ? 1 : 0];
    const timensMode = this.timensMode;
    if (!block || block.seq % 2 === 0 || block.clock_mode !== timensMode) {
      return { ret: 0, errno: null, signal: null, clock: this.reading(clock, host, host, 'vdso-fast') };
    }
    const timensFn = coarse ? 'do_coarse_timens' : 'do_hres_timens';
    this.sp = this.r.pushStack(this.sp, timensFn);
    if (this.seqSeq !== block.seq || this.seqCoarse !== coarse || this.seqPhys !== first) {
      this.seqSeq = block.seq;
      this.seqCoarse = coarse;
      this.seqPhys = first;
      this.seqSid = this.txt`seq ${block.seq} is odd and clock_mode is ${timensMode}: ${timensFn} via ${first}`;
    }
    const c = this.ev('call', this.seqSid);
    let res: OpResult;
    if (this.layout.timensSlot === null) {
      this.ev('error', this.txt`no timens page slot ([PATCH v4 3/6] missing): the vDSO has no way to reach the real data page; modelled as SIGSEGV`);
      this.ev('signal', this.txt`SIGSEGV to ${t}`, { signal: 'SIGSEGV' });
      res = { ret: null, errno: null, signal: 'SIGSEGV' };
    } else {
      const real = this.userRead(t, mmId, dataAddr - this.layout.dataSlot * PAGE + this.layout.timensSlot * PAGE, c);
      if (real === null) {
        res = { ret: null, errno: null, signal: this.readSignal };
      } else {
        const realPage = this.r.get(real) as unknown as PageRec | undefined;
        if (!realPage || realPage.kind !== 'host-data') {
          this.ev('error', this.txt`the timens slot maps ${real}, not the host data page: the vDSO would spin on its odd seq; modelled as SIGSEGV`);
          this.ev('signal', this.txt`SIGSEGV to ${t}`, { signal: 'SIGSEGV' });
          res = { ret: null, errno: null, signal: 'SIGSEGV' };
        } else {
          const off = block.values[clock] ?? ZERO;
          const value = this.offsetSum(host, off);
          if (this.offClock !== clock || this.offHost !== host || this.offOff !== off || this.offPhys !== first) {
            this.offClock = clock;
            this.offHost = host;
            this.offOff = off;
            this.offPhys = first;
            this.offSid = this.txt`host ${clockName(clock)} ${host} + offset ${off} from ${first} = ${value}`;
          }
          this.state(this.offSid);
          res = { ret: 0, errno: null, signal: null, clock: this.reading(clock, value, host, 'vdso-timens') };
        }
      }
    }
    const rr = this.r.emitRaw(K_RETURN, this.line, this.curId, this.sp, this.hostIdx, this.r.returnSummaryId(this.sp));
    this.r.setMatch(c, rr);
    this.sp = this.r.stackParentOf(this.sp);
    return res;
  }

  private userTouch(t: string, mapping: MappingName, page: number): OpResult {
    const me = this.task(t);
    this.sp = this.r.pushStack(0, 'user_access');
    const enter = this.ev('call', this.txt`${t} reads ${mapping} page ${page}`);
    let res: OpResult;
    const base = me.mm ? this.mm(me.mm)._bases[mapping] : undefined;
    if (base === undefined) {
      res = { ret: null, errno: null, signal: 'SIGSEGV' };
      this.ev('signal', this.txt`SIGSEGV to ${t}: no ${mapping} in this layout`, { signal: 'SIGSEGV' });
    } else {
      const f = this.userRead(t, me.mm!, base + page * PAGE, enter);
      res = f !== null ? { ret: 0, errno: null, signal: null, text: f } : { ret: null, errno: null, signal: this.readSignal };
    }
    this.finish(t, res);
    const x = this.evResult('return', res.signal ? this.txt`${res.signal}` : this.txt`ok: ${res.text}`, res);
    this.r.setMatch(enter, x);
    this.sp = 0;
    return res;
  }

  // ------------------------------------------------------------------ sleeps and timers

  private evalTime(t: string, clock: number, v: TimeExpr): Timespec {
    if (v.base === 'abs') return v.delta;
    const host = this.hostClock(clock);
    return tsAdd(v.base === 'now' ? this.nsClock(t, clock, host) : host, v.delta);
  }

  /** timens_ktime_to_host: subtract the caller's offset; a deadline before the offset becomes 0. */
  private toHost(t: string, clock: number, tm: Timespec): Timespec {
    return this.fn('timens_ktime_to_host', () => {
      const kind = offsetKind(clock);
      const n = this.ns(this.np(this.task(t).nsproxy).time_ns);
      if (!kind || clock === 4 || clock === 6 || n.id === 'ns#0') return tm;
      const off = kind === 'mono' ? n.offsets.monotonic : n.offsets.boottime;
      if (tsCmp(tm, off) < 0) return ZERO;
      return tsSub(tm, off);
    }, (v) => this.txt`deadline ${tm} in ${clockName(clock)} namespace time → host ${v}`);
  }

  private nanosleep(t: string, clock: number, abs: boolean, value: TimeExpr): OpResult {
    const nsleep: Record<number, string> = { 0: 'common_nsleep', 11: 'common_nsleep', 1: 'common_nsleep_timens', 7: 'common_nsleep_timens', 8: 'alarm_timer_nsleep', 9: 'alarm_timer_nsleep', 2: 'posix_cpu_nsleep', 3: 'posix_cpu_nsleep' };
    if (!(clock in CLOCK_NAMES)) this.fail('EINVAL', `clock id ${clock} is not valid`);
    const fn = nsleep[clock];
    if (!fn) this.fail('EOPNOTSUPP', `${clockName(clock)} has no nsleep`);
    const tm = this.evalTime(t, clock, value);
    if (tm.sec < 0) this.fail('EINVAL', 'negative time value');
    return this.fn(fn, () => {
      if (clock === 8 || clock === 9) {
        if (!this.sw.rtcPresent) this.fail('EOPNOTSUPP', 'no RTC device');
        const me = this.task(t);
        if (!(me.fullCaps && me.userNs === 'user#0')) this.fail('EPERM', 'CAP_WAKE_ALARM is needed');
      }
      let waited: Timespec;
      if (abs) {
        const hostDeadline = clock === 0 || clock === 11 || clock === 8 ? tm : this.toHost(t, clock, tm);
        const now = this.hostClock(clock);
        waited = tsCmp(hostDeadline, now) > 0 ? tsSub(hostDeadline, now) : ZERO;
      } else {
        waited = tm;
      }
      if (waited.sec > 0 || waited.nsec > 0) this.advance(waited, false, `${t} sleeps ${fmtTs(waited)} s (host)`);
      return { ret: 0, errno: null, signal: null, waited };
    });
  }

  private timerfd(t: string, clock: number, abs: boolean, value: TimeExpr): OpResult {
    if (![0, 1, 7, 8, 9].includes(clock)) this.fail('EINVAL', `timerfd_create does not accept ${clockName(clock)}`);
    if (clock === 8 || clock === 9) {
      const me = this.task(t);
      if (!(me.fullCaps && me.userNs === 'user#0')) this.fail('EPERM', 'CAP_WAKE_ALARM is needed');
    }
    const tm = this.evalTime(t, clock, value);
    if (tm.sec < 0) this.fail('EINVAL', 'negative time value');
    return this.fn('do_timerfd_settime', () => {
      let remaining: Timespec;
      if (abs) {
        const hostDeadline = clock === 0 || clock === 8 ? tm : this.toHost(t, clock, tm);
        const now = this.hostClock(clock);
        remaining = tsCmp(hostDeadline, now) > 0 ? tsSub(hostDeadline, now) : ZERO;
      } else {
        remaining = tm;
      }
      this.state(this.txt`timer armed: expires in ${remaining} s of host time (timerfd_gettime would report this)`);
      return { ret: 0, errno: null, signal: null, waited: remaining };
    });
  }

  // ------------------------------------------------------------------ host time

  private advance(d: Timespec, suspend: boolean, why: string): void {
    const h = this.host();
    const next: HostClocks = {
      realtime: tsAdd(h.realtime, d),
      boottime: tsAdd(h.boottime, d),
      monotonic: suspend ? h.monotonic : tsAdd(h.monotonic, d),
      monotonicRaw: suspend ? h.monotonicRaw : tsAdd(h.monotonicRaw, d),
      taiOffset: h.taiOffset,
    };
    this.r.create(HOST_KEY, next);
    this.set('page#host', 'blocks', this.hostPage(next).blocks);
    this.hostIdx = this.r.hostIndex(next.monotonic);
    this.ev('host', this.txt`${why}: monotonic ${next.monotonic}, boottime ${next.boottime}`);
  }

  private hostOp(op: HostOperation): OpResult {
    switch (op.op) {
      case 'sleep': {
        if (op.delta.sec < 0) return this.hostError('EINVAL', 'negative sleep');
        this.ev('host', this.txt`host sleeps ${op.delta} s`);
        this.advance(op.delta, false, 'time passes');
        return { ret: 0, errno: null, signal: null };
      }
      case 'suspend': {
        if (op.delta.sec < 0) return this.hostError('EINVAL', 'negative suspend');
        this.ev('host', this.txt`host suspended for ${op.delta} s: realtime and boottime advance, monotonic does not`);
        this.advance(op.delta, true, 'resume');
        return { ret: 0, errno: null, signal: null };
      }
      case 'sysctl': {
        const target = op.userNs ?? 'user#0';
        this.ev('host', this.txt`sysctl user.max_time_namespaces=${op.value} in ${target}`);
        const u = this.r.get(target) as unknown as UserRec | undefined;
        if (!u || !target.startsWith('user#')) return this.hostError('ENOENT', `no user namespace ${target}`);
        if (target === 'user#0' && !this.sw.initSysctlWritable) return this.hostError('EACCES', 'root of the initial user namespace lacks CAP_SYS_RESOURCE in its bounding set on the facts machine, so the sysctl is read-only (real-kernel-facts Q11)');
        if (!Number.isInteger(op.value) || op.value < 0 || op.value > INT_MAX) return this.hostError('EINVAL', `${op.value} is outside [0, INT_MAX]`);
        this.set(target, 'maxTimeNamespaces', op.value);
        this.state(this.txt`${target}: user.max_time_namespaces = ${op.value}`);
        return { ret: 0, errno: null, signal: null };
      }
      case 'spawn': {
        this.ev('host', this.txt`spawn ${op.child} as uid ${op.uid} in the initial namespaces`);
        if (this.r.get(op.child)) return this.hostError('EINVAL', `a task named ${op.child} already exists`);
        const mm = this.newMm();
        const t = this.newTask(op.child, null, op.uid, 'user#0', op.uid === 0, 'nsproxy#0', mm, 17);
        this.set('nsproxy#0', 'count', this.np('nsproxy#0').count + 1);
        this.state(this.txt`${op.child} (pid ${t.pid}, uid ${op.uid}) runs in ns#0 with a fresh ${mm}`);
        return { ret: t.pid, errno: null, signal: null, child: op.child };
      }
    }
  }

  private hostError(errno: string, why: string): OpResult {
    this.ev('error', this.txt`${errno}: ${why}`, { errno });
    return { ret: -1, errno, signal: null };
  }

  // ------------------------------------------------------------------ memory operations on special mappings

  private range(t: string, mapping: MappingName, page?: number, pages?: number): { start: number; len: number } | null {
    const me = this.task(t);
    if (!me.mm) return null;
    const m = this.mm(me.mm);
    const base = m._bases[mapping];
    if (base === undefined) return null;
    const key = this.vmaAt(me.mm, base);
    const whole = key ? this.vma(key).pages : 1;
    const p = page ?? 0;
    const n = pages ?? (page === undefined ? whole : 1);
    return { start: base + p * PAGE, len: n * PAGE };
  }

  /** VMAs overlapping [start, start+len), with whether each is only partly covered. */
  private overlapping(mmId: string, start: number, len: number): { key: string; partial: boolean }[] {
    const out: { key: string; partial: boolean }[] = [];
    for (const k of this.mm(mmId)._vmas) {
      const v = this.vma(k);
      const vs = v.start;
      const ve = v.start + v.pages * PAGE;
      if (ve <= start || vs >= start + len) continue;
      out.push({ key: k, partial: vs < start || ve > start + len });
    }
    return out;
  }

  private splitCheck(key: string): void {
    if (this.sw.specialMappingSplitBan) this.fn('special_mapping_split', () => this.fail('EINVAL', `${this.vma(key).name} is a special mapping and cannot be split (5.11+)`));
  }

  /** Pre-5.11: split VMA `key` so that [start, start+len) is covered by whole VMAs; returns the covered keys. */
  private splitVma(mmId: string, key: string, start: number, len: number): void {
    const v = this.vma(key);
    const cuts = [start, start + len].filter((a) => a > v.start && a < v.start + v.pages * PAGE);
    if (!cuts.length) return;
    const m = this.mm(mmId);
    const pieces: VmaRec[] = [];
    let s = v.start;
    for (const c of [...cuts, v.start + v.pages * PAGE]) {
      const off = (s - v.start) / PAGE;
      const n = (c - s) / PAGE;
      pieces.push({ ...v, start: s, pages: n, pgoff: v.pgoff + off, ptes: v.ptes.slice(off, off + n), sigbus: v.sigbus.filter((x) => x >= off && x < off + n).map((x) => x - off) });
      s = c;
    }
    const keys = pieces.map((p, i) => (i === 0 ? key : `${mmId}/${p.name}@${p.pgoff}`));
    pieces.forEach((p, i) => this.r.create(keys[i], p));
    const idx = m._vmas.indexOf(key);
    this.set(mmId, '_vmas', [...m._vmas.slice(0, idx), ...keys, ...m._vmas.slice(idx + 1)]);
    this.fn('__split_vma', () => this.state(this.txt`${v.name} split into ${pieces.map((p) => `${p.pages} page${p.pages > 1 ? 's' : ''} (pgoff ${p.pgoff})`).join(' + ')}`));
  }

  private mprotect(t: string, mapping: MappingName, prot: number, page?: number, pages?: number): OpResult {
    return this.fn('do_mprotect_pkey', () => {
      const rg = this.range(t, mapping, page, pages);
      const mmId = this.task(t).mm;
      if (!rg || !mmId) this.fail('ENOMEM', `${mapping} is not mapped`);
      const over = this.overlapping(mmId, rg.start, rg.len);
      if (!over.length) this.fail('ENOMEM', 'nothing is mapped in the range');
      for (const o of over) {
        const v = this.vma(o.key);
        const may = (v.flags.includes('VM_MAYWRITE') ? PROT.PROT_WRITE : 0) | (v.flags.includes('VM_MAYEXEC') ? PROT.PROT_EXEC : 0) | PROT.PROT_READ;
        if (prot & ~may & (PROT.PROT_WRITE | PROT.PROT_EXEC)) this.fail('EACCES', `${v.name} has only VM_MAYREAD: ${prot & PROT.PROT_WRITE ? 'write' : 'exec'} access cannot be granted`);
      }
      this.fn('mprotect_fixup', () => {
        for (const o of over) if (o.partial) this.splitCheck(o.key);
        for (const o of over) if (o.partial) this.splitVma(mmId, o.key, rg.start, rg.len);
        for (const o2 of this.overlapping(mmId, rg.start, rg.len)) {
          this.set(o2.key, 'prot', prot);
          this.state(this.txt`${this.vma(o2.key).name} protection = ${prot} (existing PTEs keep their pages)`);
        }
      });
      return { ret: 0, errno: null, signal: null };
    });
  }

  private munmap(t: string, mapping: MappingName, page?: number, pages?: number): OpResult {
    return this.fn('do_vmi_munmap', () => {
      if (pages !== undefined && pages <= 0) this.fail('EINVAL', 'length 0');
      const rg = this.range(t, mapping, page, pages);
      const mmId = this.task(t).mm;
      if (!rg || !mmId) return { ret: 0, errno: null, signal: null };
      const over = this.overlapping(mmId, rg.start, rg.len);
      for (const o of over) if (o.partial) this.splitCheck(o.key);
      for (const o of over) if (o.partial) this.splitVma(mmId, o.key, rg.start, rg.len);
      const gone = this.overlapping(mmId, rg.start, rg.len);
      if (!gone.length) {
        this.state(this.txt`nothing mapped in the range: munmap succeeds and changes nothing`);
        return { ret: 0, errno: null, signal: null };
      }
      const m = this.mm(mmId);
      for (const g of gone) this.r.remove(g.key);
      this.set(mmId, '_vmas', m._vmas.filter((k) => !gone.some((g) => g.key === k)));
      this.state(this.txt`unmapped ${gone.map((g) => g.key.slice(g.key.indexOf('/') + 1)).join(', ')}`);
      return { ret: 0, errno: null, signal: null };
    });
  }

  private mremap(t: string, mapping: MappingName, newPages: number, flags: number, page?: number, pages?: number): OpResult {
    return this.fn('__do_sys_mremap', () => {
      const MAYMOVE = 1;
      const FIXED = 2;
      const DONTUNMAP = 4;
      if (flags & ~(MAYMOVE | FIXED | DONTUNMAP)) this.fail('EINVAL', 'unknown mremap flags');
      if (flags & FIXED && !(flags & MAYMOVE)) this.fail('EINVAL', 'MREMAP_FIXED without MREMAP_MAYMOVE');
      if (flags & DONTUNMAP) this.fail('EINVAL', 'MREMAP_DONTUNMAP works only on private anonymous memory');
      if (newPages <= 0) this.fail('EINVAL', 'new size 0');
      const rg = this.range(t, mapping, page, pages);
      const mmId = this.task(t).mm;
      if (!rg || !mmId) this.fail('EFAULT', `${mapping} is not mapped`);
      const key = this.vmaAt(mmId, rg.start);
      if (!key) this.fail('EFAULT', 'no VMA at the old address');
      const v = this.vma(key);
      const oldPages = rg.len / PAGE;
      if (rg.start + rg.len > v.start + v.pages * PAGE) this.fail('EFAULT', 'the old range runs past the end of the VMA');
      if (newPages < oldPages) {
        this.splitCheck(key);
        this.splitVma(mmId, key, rg.start + newPages * PAGE, (oldPages - newPages) * PAGE);
        const tail = this.vmaAt(mmId, rg.start + newPages * PAGE)!;
        const m = this.mm(mmId);
        this.r.remove(tail);
        this.set(mmId, '_vmas', m._vmas.filter((k) => k !== tail));
        this.state(this.txt`${v.name} shrunk to ${newPages} page${newPages > 1 ? 's' : ''}`);
        return { ret: rg.start, errno: null, signal: null };
      }
      if (newPages > oldPages) this.fn('vma_to_resize', () => this.fail('EFAULT', `${v.name} is VM_DONTEXPAND|VM_PFNMAP: it cannot grow`));
      if (!(flags & FIXED)) {
        this.state(this.txt`same size without MREMAP_FIXED: nothing to do`);
        return { ret: rg.start, errno: null, signal: null };
      }
      const partial = rg.start !== v.start || rg.len !== v.pages * PAGE;
      if (partial) this.splitCheck(key);
      const m0 = this.mm(mmId);
      const dest = this.sw.arch.mremapArea + m0._moves * 0x100000;
      return this.fn('move_vma', () => {
        if (partial) this.splitVma(mmId, key, rg.start, rg.len);
        const moving = this.vmaAt(mmId, rg.start)!;
        const mv = this.vma(moving);
        const isVvar = mv.name === '[vvar]';
        if (isVvar && this.sw.vvarMremapSizeCheck && mv.pages !== this.layout.vmas[0].pages) {
          this.fn('vvar_mremap', () => this.fail('EINVAL', `the moved [vvar] would be ${mv.pages} of ${this.layout.vmas[0].pages} pages`));
        }
        const m = this.mm(mmId);
        this.set(moving, 'start', dest);
        this.set(mmId, '_moves', m._moves + 1);
        const bases = { ...m._bases };
        if (mv.pgoff === 0) bases[mv.name] = dest;
        this.set(mmId, '_bases', bases);
        const order = [...m._vmas].sort((a, b) => this.vma(a).start - this.vma(b).start);
        this.set(mmId, '_vmas', order);
        if (mv.name === '[vdso]') {
          this.set(mmId, '_vdsoText', dest);
          this.fn('vdso_mremap', () => this.state(this.txt`mm->context.vdso follows the moved vDSO text`));
        }
        this.state(this.txt`${mv.name} (pgoff ${mv.pgoff}) moved to 0x${dest.toString(16)} with its PTEs; the vDSO still looks for its data at 0x${(this.mm(mmId)._vdsoText - this.mm(mmId)._vdsoDistance).toString(16)}`);
        return { ret: dest, errno: null, signal: null };
      });
    });
  }
}
