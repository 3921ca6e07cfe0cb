// The simulator's public contract: the kernel state a view can read, the events an operation emits,
// and the time-travel API that the debugger, the tree views, the timeline and the CLI all use.

import type { Step } from './ops';
import type { Profile, Timespec } from './types';
import type { TimensOffset } from './offset64';

// ---------------------------------------------------------------------------------------------
// Kernel state (read model). Objects are named as in the kernel and identified by stable ids:
// tasks by scenario name ('P1', 'T2'), namespaces 'ns#0', 'ns#1'… and 'user#0'… in order of
// creation, nsproxies 'nsproxy#N', mms 'mm#N', physical pages 'page#host' and 'page#ns#1'.
// Every value is plain JSON data, so a state can be copied, compared and sent anywhere.
// ---------------------------------------------------------------------------------------------

export interface HostClocks {
  /** CLOCK_REALTIME; TAI is realtime + `taiOffset` seconds. */
  readonly realtime: Timespec;
  readonly monotonic: Timespec;
  readonly boottime: Timespec;
  readonly monotonicRaw: Timespec;
  readonly taiOffset: number;
}

export interface TaskState {
  readonly id: string;          // scenario name, e.g. 'P1'
  readonly pid: number;         // tid in kernel terms
  readonly tgid: number;        // thread-group id: the leader's pid
  readonly leader: string;      // id of the thread-group leader (itself for a process)
  readonly parent: string | null;
  readonly uid: number;
  readonly euid: number;
  readonly userNs: string;      // 'user#N' of the task's credentials
  /** Capabilities held in `userNs` (and so in its descendants): true for root of that user ns. */
  readonly fullCaps: boolean;
  readonly dumpable: boolean;
  readonly nsproxy: string;     // 'nsproxy#N'
  readonly mm: string | null;   // 'mm#N', null after exit
  readonly state: 'running' | 'vfork-parent-waiting' | 'exited';
  readonly exitSignal: number;
  readonly startBoottime: Timespec;
  /** The files_struct it uses (named after the task it was made for: threads and CLONE_FILES children share
   *  their creator's), null after exit. */
  readonly files: string | null;
  /** The open files of that table. */
  readonly fds: Readonly<Record<string, FdState>>;
  readonly lastResult: OpResult | null;
}

export interface FdState {
  readonly path: string;        // the path as opened, e.g. '/proc/P2/ns/time'
  readonly kind: 'ns' | 'timens_offsets' | 'proc' | 'pidfd' | 'other';
  /** For namespace files: the namespace the fd holds a reference to. */
  readonly ns: string | null;
  /** For user namespace files (kind 'ns', ns null): the user namespace; for uid_map, gid_map and setgroups, the
   *  task's user namespace when they were opened (proc_id_map_open, proc_setgroups_open: the file holds it). */
  readonly user?: string;
  /** For /proc/PID files: the task the file is about. */
  readonly task: string | null;
  readonly pos: number;
  /** Credentials of the opener, kept with the file (`file->f_cred`). */
  readonly openerUserNs: string;
  readonly openerFullCaps: boolean;
  readonly openerEuid: number;
}

export interface NsproxyState {
  readonly id: string;
  readonly count: number;
  readonly time_ns: string;
  readonly time_ns_for_children: string;
}

export interface TimeNamespaceState {
  readonly id: string;                     // 'ns#0' is init_time_ns
  readonly inum: number;                   // 4026531834 for the initial namespace
  readonly userNs: string;                 // owning user namespace
  readonly ucountUid: number;              // euid of the creator: the ucount it is charged to
  /** As stored by the last write (offset64.ts): exact, normalised with a `carry` when the nanoseconds were negative. */
  readonly offsets: { readonly monotonic: TimensOffset; readonly boottime: TimensOffset };
  readonly frozen_offsets: boolean;
  readonly vvar_page: string | null;       // 'page#ns#N'; null for the initial namespace
  /** Who holds a reference: task ids via nsproxy->time_ns, via time_ns_for_children, and fds ('P1:fd1'). */
  readonly refs: { readonly time_ns: readonly string[]; readonly time_ns_for_children: readonly string[]; readonly files: readonly string[] };
  readonly alive: boolean;                 // false once freed (the id is never reused)
  readonly createdBy: string | null;       // task id
}

export interface UserNamespaceState {
  readonly id: string;
  /** ns_common.inum: what `readlink /proc/PID/ns/user` shows (4026531837 for the initial one). */
  readonly inum: number;
  readonly parent: string | null;
  readonly ownerUid: number;
  readonly maxTimeNamespaces: number;      // user.max_time_namespaces in this user ns
  /** Live time namespaces charged, per uid, in this user namespace (ucounts). */
  readonly timeNamespaceCounts: Readonly<Record<string, number>>;
}

/** A page-table entry of a special mapping: empty (will fault) or the physical page it maps. */
export interface PteState {
  readonly page: string;                   // 'page#host', 'page#ns#1', 'page#pvclock', …
  readonly sinceEvent: number;             // index of the event that inserted it
}

export interface VmaState {
  readonly name: string;                   // '[vvar]', '[vvar_vclock]', '[vdso]'; a compat task's '[sigpage]', '[vectors]'
  readonly start: number;                  // address (page aligned)
  readonly pages: number;
  readonly pgoff: number;                  // vm_pgoff: kept when the VMA moves
  readonly prot: number;                   // PROT_* bits
  readonly flags: readonly string[];       // 'VM_READ', 'VM_MAYREAD', 'VM_PFNMAP', …
  readonly ptes: readonly (PteState | null)[];
  /** Pages of this VMA whose fault would raise SIGBUS, as known from the last fault attempt. */
  readonly sigbus: readonly number[];
}

export interface MmState {
  readonly id: string;
  readonly users: readonly string[];       // task ids sharing this mm
  readonly vmas: readonly VmaState[];
  /** Where the vDSO text believes the data page is (it does not move with mremap of [vvar]). */
  readonly vdsoDataAddr: number;
  /** An arm64 AArch32 (compat) image: its special mappings are aarch32_setup_additional_pages'. */
  readonly compat?: boolean;
}

export interface VdsoClockBlock {
  readonly seq: number;
  readonly clock_mode: string;             // 'VDSO_CLOCKMODE_TSC', 'VDSO_CLOCKMODE_ARCHTIMER', 'VDSO_CLOCKMODE_TIMENS', 'VCLOCK_TIMENS'
  /** Host page: basetime per clock id; namespace page: offset per clock id. Indexed by clock id (0..11). */
  readonly values: readonly Timespec[];
}

export interface PhysPageState {
  readonly id: string;
  readonly kind: 'host-data' | 'timens' | 'pvclock' | 'hvclock' | 'rng' | 'arch-data' | 'datastore-slot';
  readonly ns: string | null;              // for 'timens' pages
  /** Byte offset of the first vdso_data/vdso_clock block in the page (128 on x86 ≤ 6.12, else 0). */
  readonly blockOffset: number;
  readonly blocks: readonly VdsoClockBlock[]; // [CS_HRES_COARSE, CS_RAW]; empty for non-data pages
}

export interface KernelState {
  readonly host: HostClocks;
  readonly tasks: Readonly<Record<string, TaskState>>;
  readonly nsproxies: Readonly<Record<string, NsproxyState>>;
  readonly timeNamespaces: Readonly<Record<string, TimeNamespaceState>>;
  readonly userNamespaces: Readonly<Record<string, UserNamespaceState>>;
  readonly mms: Readonly<Record<string, MmState>>;
  readonly pages: Readonly<Record<string, PhysPageState>>;
}

// ---------------------------------------------------------------------------------------------
// Results and events
// ---------------------------------------------------------------------------------------------

/** What a timer the operation set is left as (timerfd_gettime and a poll tell them apart). */
export const TIMER_STATES = ['armed', 'disarmed', 'expired'] as const;
export type TimerState = (typeof TIMER_STATES)[number];
/** The state a timerfd_settime result leaves its timer in: only a disarmed timer is marked (`timer`); an armed
 *  one is expired when no time is left. */
export function timerState(r: OpResult): TimerState | undefined {
  if (r.timer) return r.timer;
  if (!r.waited || r.errno) return undefined;
  return r.waited.sec === 0 && r.waited.nsec === 0 ? 'expired' : 'armed';
}

export interface OpResult {
  /** Return value; null when the task died of a signal before returning. */
  readonly ret: number | null;
  readonly errno: string | null;           // 'EINVAL', …
  readonly signal: string | null;          // 'SIGBUS', 'SIGSEGV' delivered by this operation
  /** Clock reads: the value, the host value of the same clock, and which vDSO path was taken. */
  readonly clock?: { readonly clock: number; readonly value: Timespec; readonly host: Timespec; readonly path: 'vdso-fast' | 'vdso-timens' | 'syscall' | 'vdso-fallback-syscall';
    /** A vDSO read whose nanoseconds carried a whole second (between a second boundary and the tick's
     *  update_vsyscall) gets this instead, where it differs (an offset with unnormalised nanoseconds). */
    readonly carried?: Timespec };
  /** Bytes read from a file (read, readlink). */
  readonly text?: string;
  /** Sleeps and timers: how long the task waits, in host time. */
  readonly waited?: Timespec;
  /** timerfd_settime: 'disarmed' when it_value was 0 (else see timerState). */
  readonly timer?: 'disarmed';
  /** fork-like operations: the new task's id. */
  readonly child?: string;
  /** A vDSO read whose seqcount loop never ends (an odd seq nothing will ever change): the page it spins on, its
   *  seq, and the retries the model ran before it stopped the read (a forced build: see docs/model-arm64-patches.md#the-forced-build). */
  readonly stuck?: { readonly page: string; readonly seq: number; readonly retries: number };
  /** The model did not run the operation (not modelled, or not defined by the profile's design): why. */
  readonly refused?: string;
  /** The model itself failed on the operation (a bug in the model, recorded as an error event): its message. */
  readonly internal?: string;
  /** A vDSO read that raced a host update (`race=`): how many times vdso_read_retry sent it back. */
  readonly retries?: number;
}

/** Every kind of event, in the order of their numeric ids (the event log, the timeline's columns). */
export const EVENT_KINDS = [
  'syscall-enter', 'syscall-exit',          // a system call as a span
  'vdso-enter', 'vdso-exit',                // a vDSO call as a span (user space)
  'call', 'return',                         // a kernel function on the call path
  'state',                                  // a state change (see `changes`)
  'fault',                                  // page fault on a special mapping
  'pte-insert',                             // a PTE filled by a fault handler or copied at fork
  'zap',                                    // vdso_join_timens zapped the [vvar] PTEs of an mm
  'freeze',                                 // timens_set_vvar_page froze a namespace
  'signal',                                 // a signal delivered to a task
  'error',                                  // a check failed: the errno is decided here
  'host',                                   // host action: sleep, suspend, sysctl, spawn
  'expect',                                 // an expectation of the scenario, held or failed
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
/** Each kind's numeric id (its place in EVENT_KINDS): what the event log and the timeline's columns store. */
export const KIND_CODE: { readonly [K in EventKind]: number } = Object.freeze(Object.fromEntries(EVENT_KINDS.map((k, i) => [k, i])) as { [K in EventKind]: number });

/** One field of one object that changed: `before`/`after` undefined means the object did not/does not exist. */
export interface Change {
  readonly obj: string;                     // object id, e.g. 'ns#1', 'P2', 'mm#1'
  readonly field: string;                   // field name, e.g. 'frozen_offsets', 'nsproxy', 'vmas'
  readonly before: unknown;
  readonly after: unknown;
}

export interface SimEvent {
  readonly index: number;
  readonly kind: EventKind;
  readonly line: number;                    // 0-based scenario line that caused it, -1 for none
  readonly task: string | null;
  /** Kernel function this event belongs to (for call/return the function itself). */
  readonly fn: string;
  /** Kernel call stack, outermost first, ending with `fn` (e.g. ksys_unshare > … > clone_time_ns). */
  readonly stack: readonly string[];
  readonly hostTime: Timespec;              // host CLOCK_MONOTONIC when the event happened
  readonly summary: string;                 // one human-readable line
  readonly changes: readonly Change[];
  readonly result?: OpResult;               // on syscall-exit / vdso-exit
  readonly errno?: string;                  // on 'error'
  readonly signal?: string;                 // on 'signal' and faults that end in SIGBUS/SIGSEGV
  readonly page?: { readonly mm: string; readonly vma: string; readonly index: number; readonly phys: string | null };
  readonly passed?: boolean;                // on 'expect'
  /** Index of the matching enter/call event for exits/returns, and of the exit for enters. */
  readonly match?: number;
  /** Causality: events this one follows from (fork → zap, zap → next fault, fault → pte-insert). */
  readonly causes?: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// The simulation: record by running steps, then travel through time.
// Position p is the number of events applied: state(p) = the initial state plus events 0..p-1.
// ---------------------------------------------------------------------------------------------

export interface LineSpan {
  readonly line: number;
  readonly first: number;                   // first event index of the line
  readonly end: number;                     // one past the last event index
}

/** Options of createSimulation. */
export interface SimulationOptions {
  /**
   * false: a streaming simulation for very long runs. Only the last step's events are kept (each exec or
   * recordExpectation starts afresh: event(i), kindOf(i)… and lineSpans() cover that step, resultOfLine its line),
   * no snapshots are taken, and memory is bounded by the live objects, not by the number of events. The state at
   * the end is readable as usual; goto (to anywhere but the end), stepBack and exportColumns throw. Default true.
   */
  readonly keepHistory?: boolean;
  /** The host's uptime at boot in seconds (CLOCK_MONOTONIC, BOOTTIME and MONOTONIC_RAW) instead of 1000 s; realtime
   *  still starts at 2026-01-01. verify starts the model at the uptime of a machine up for less (a fresh VM). */
  readonly uptime?: number;
}

/** The tables of KernelState that hold objects by id. */
export type StateTable = Exclude<keyof KernelState, 'host'>;

export interface Simulation {
  readonly profile: Profile;
  /** false when created with { keepHistory: false } (see SimulationOptions). */
  readonly keepsHistory?: boolean;
  /** Append the events of one step at the end of the log and return its result. The position must be at the end. */
  exec(step: Step): OpResult;
  /** Record the outcome of an `expect` line as an event. */
  recordExpectation(line: number, task: string | null, passed: boolean, summary: string): void;

  readonly eventCount: number;
  event(index: number): SimEvent;
  /** Whether events [from, to) changed the kernel's state, fields an event's `changes` leave out included (saved and
   *  group ids, counters); a task's last result, kept for display, is not a change. */
  changedState(from: number, to: number): boolean;
  /** Fast columnar reads for views that draw many events. */
  kindOf(index: number): EventKind;
  lineOf(index: number): number;
  taskOf(index: number): string | null;
  depthOf(index: number): number;
  /** event(index).fn without building the event. */
  fnOf(index: number): string;
  /** The events whose call stack (event(i).stack, and fn, its top) `test` accepts, in order: read from the stack
   *  column, no event built, and `test` asked once per distinct stack. */
  eventsWithStack(test: (stack: readonly string[], fn: string) => boolean): number[];
  /** event(index).summary without building the event. */
  summaryOf(index: number): string;
  /**
   * The last event before `position` whose changes (event(i).changes) touch object `obj`: the event that made what
   * the state at `position` shows of it. With `field`, the last whose changes have that field or a `field.` part
   * of it, else the last touching `obj` at all; null for none. From an index kept as events are recorded (a binary
   * search per field of `obj`; a struct file's change, shown in every fd table pointing at it, is looked at when
   * asked, back to the answer so far), not a walk over the events. Null without history (keepHistory false).
   */
  lastChanging(position: number, obj: string, field?: string): number | null;
  /** The events of each scenario line that ran, in order. */
  lineSpans(): readonly LineSpan[];
  resultOfLine(line: number): OpResult | undefined;

  readonly position: number;
  goto(position: number): void;             // 0 ≤ position ≤ eventCount; restores the whole state
  stepForward(): boolean;                   // false at the end
  stepBack(): boolean;                      // false at the start
  state(): KernelState;                     // at the current position (a fresh immutable object each change)
  /** One object of state() (the same object state() holds) without building the whole state: what a caller that
   *  looks at one task or namespace per step should use, as state() costs the size of the whole state. */
  stateOf?<K extends StateTable>(table: K, id: string): KernelState[K][string] | undefined;
  /**
   * The time namespaces a task is in at the current position (its nsproxy's time_ns and time_ns_for_children),
   * or null when there is no such task or it has no nsproxy. A cheap read (no state() build, cost independent of
   * how many objects exist) for what a runner asks after every line.
   */
  taskNamespaces(task: string): { readonly time_ns: string; readonly time_ns_for_children: string } | null;
  /** What the last applied event changed (the event at position-1), for highlighting. */
  lastChanges(): readonly Change[];
  /** A new simulation whose initial state is the state at the current position (for what-if evaluation). */
  forkAtPosition(): Simulation;
}
