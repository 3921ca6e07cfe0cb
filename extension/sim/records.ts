// Internal record shapes kept in the store (the public read model plus a few hidden '_' fields), the ids
// they live under, their copies on write, and the assembly of an immutable KernelState from the store.

import type {
  FdState, HostClocks, KernelState, MmState, NsproxyState, PhysPageState, PteState, TaskState,
  TimeNamespaceState, UserNamespaceState, VmaState,
} from './api';
import type { MappingName } from './ops';
import type { Rec } from './recorder';

export const HOST_KEY = 'host#clocks';
export const COUNTERS_KEY = '#counters';

export interface Counters {
  readonly ns: number;
  readonly user: number;
  readonly nsproxy: number;
  readonly mm: number;
  readonly pid: number;
  readonly inum: number;
}

export interface TaskRec extends TaskState {
  readonly _vforkParent: string | null;
}

export interface NsRec extends TimeNamespaceState {
  /** The kernel refcount this model tracks: nsproxy references (time_ns and tfc counted apart) plus files. */
  readonly _count: number;
}

export interface UserRec extends UserNamespaceState {
  readonly _level: number;
  readonly _inum: number;
}

export interface MmRec {
  readonly id: string;
  readonly users: readonly string[];
  /** Keys of the VMA records ('mm#1/[vvar]'), in address order. */
  readonly _vmas: readonly string[];
  /** Start of the vDSO text: the vDSO finds its data page at a fixed distance below it. */
  readonly _vdsoText: number;
  readonly _vdsoDistance: number;
  /** Where each mapping name starts (moves with mremap), for 'page N of [vvar]' addressing. */
  readonly _bases: Readonly<Record<string, number>>;
  readonly _moves: number;
  /** Last zap event of this mm, for causality to the next fault. */
  readonly _lastZap: number;
}

export interface VmaRec extends VmaState {
  readonly name: MappingName;
  readonly _pfnmap: boolean;
}

export type NsproxyRec = NsproxyState;
/** An open file as stored: the public FdState plus the access mode it was opened with. */
export interface FdRec extends FdState {
  readonly _mode: 'r' | 'w' | 'rw';
}
export type PageRec = PhysPageState;
export type { FdState, HostClocks, PteState };

export function kindOfKey(key: string): 'host' | 'counters' | 'ns' | 'user' | 'nsproxy' | 'mm' | 'vma' | 'page' | 'task' {
  // The prefixes start with different characters: one switch on the first finds the only candidate (this runs on
  // every recorded change).
  switch (key.charCodeAt(0)) {
    case 0x68: if (key === HOST_KEY) return 'host'; break;
    case 0x23: if (key === COUNTERS_KEY) return 'counters'; break;
    case 0x6e:
      if (key.startsWith('ns#')) return 'ns';
      if (key.startsWith('nsproxy#')) return 'nsproxy';
      break;
    case 0x75: if (key.startsWith('user#')) return 'user'; break;
    case 0x6d: if (key.startsWith('mm#')) return key.includes('/') ? 'vma' : 'mm'; break;
    case 0x70: if (key.startsWith('page#')) return 'page'; break;
  }
  return 'task';
}

// Shallow copies for Recorder.set, one object literal per kind with the keys in the order the kernel creates them
// (the order shows in state() and in the changes a view prints; test/unit/sim/records.test.ts pins it). V8 copies
// records of this size through `{ ...o }` by a generic path several times slower than a literal.
function copyTask(t: TaskRec): TaskRec {
  return {
    id: t.id, pid: t.pid, tgid: t.tgid, leader: t.leader, parent: t.parent, uid: t.uid, euid: t.euid, userNs: t.userNs,
    fullCaps: t.fullCaps, dumpable: t.dumpable, nsproxy: t.nsproxy, mm: t.mm, state: t.state, exitSignal: t.exitSignal,
    startBoottime: t.startBoottime, fds: t.fds, lastResult: t.lastResult, _vforkParent: t._vforkParent,
  };
}
function copyNs(n: NsRec): NsRec {
  return {
    id: n.id, inum: n.inum, userNs: n.userNs, ucountUid: n.ucountUid, offsets: n.offsets, frozen_offsets: n.frozen_offsets,
    vvar_page: n.vvar_page, refs: n.refs, alive: n.alive, createdBy: n.createdBy, _count: n._count,
  };
}
function copyNsproxy(p: NsproxyRec): NsproxyRec {
  return { id: p.id, count: p.count, time_ns: p.time_ns, time_ns_for_children: p.time_ns_for_children };
}
function copyVma(v: VmaRec): VmaRec {
  return { name: v.name, start: v.start, pages: v.pages, pgoff: v.pgoff, prot: v.prot, flags: v.flags, ptes: v.ptes, sigbus: v.sigbus, _pfnmap: v._pfnmap };
}
function copyMm(m: MmRec): MmRec {
  return { id: m.id, users: m.users, _vmas: m._vmas, _vdsoText: m._vdsoText, _vdsoDistance: m._vdsoDistance, _bases: m._bases, _moves: m._moves, _lastZap: m._lastZap };
}
function copyUser(u: UserRec): UserRec {
  return { id: u.id, parent: u.parent, ownerUid: u.ownerUid, maxTimeNamespaces: u.maxTimeNamespaces, timeNamespaceCounts: u.timeNamespaceCounts, _level: u._level, _inum: u._inum };
}
function copyPage(p: PageRec): PageRec {
  return { id: p.id, kind: p.kind, ns: p.ns, blockOffset: p.blockOffset, blocks: p.blocks };
}
function copyCounters(c: Counters): Counters {
  return { ns: c.ns, user: c.user, nsproxy: c.nsproxy, mm: c.mm, pid: c.pid, inum: c.inum };
}

/** A shallow, writable copy of the record stored under `key`. */
export function cloneRec(key: string, o: Rec): Record<string, unknown> {
  let c: object;
  switch (kindOfKey(key)) {
    case 'task': c = copyTask(o as TaskRec); break;
    case 'ns': c = copyNs(o as NsRec); break;
    case 'nsproxy': c = copyNsproxy(o as NsproxyRec); break;
    case 'vma': c = copyVma(o as VmaRec); break;
    case 'mm': c = copyMm(o as MmRec); break;
    case 'user': c = copyUser(o as UserRec); break;
    case 'page': c = copyPage(o as PageRec); break;
    case 'counters': c = copyCounters(o as Counters); break;
    default: c = { ...o }; break;
  }
  return c as Record<string, unknown>;
}

function publicFds(fds: Readonly<Record<string, FdState>>): Readonly<Record<string, FdState>> {
  const out: Record<string, FdState> = {};
  for (const [k, f] of Object.entries(fds)) {
    out[k] = { path: f.path, kind: f.kind, ns: f.ns, task: f.task, pos: f.pos, openerUserNs: f.openerUserNs, openerFullCaps: f.openerFullCaps, openerEuid: f.openerEuid };
  }
  return out;
}

function vmaState(v: VmaRec): VmaState {
  return once(v, (): VmaState => ({ name: v.name, start: v.start, pages: v.pages, pgoff: v.pgoff, prot: v.prot, flags: v.flags, ptes: v.ptes, sigbus: v.sigbus }));
}

// Records are never mutated, so the public object built from one can be reused for as long as it lives.
const built = new WeakMap<object, object>();
function once<T>(rec: object, make: () => T): T {
  let v = built.get(rec) as T | undefined;
  if (v === undefined) {
    v = make();
    built.set(rec, v as object);
  }
  return v;
}

/** Build the public, immutable read model from the store. */
export function buildState(objs: { get(key: string): Rec | undefined; forEach(cb: (value: Rec, key: string) => void): void }): KernelState {
  const tasks: Record<string, TaskState> = {};
  const nsproxies: Record<string, NsproxyState> = {};
  const timeNamespaces: Record<string, TimeNamespaceState> = {};
  const userNamespaces: Record<string, UserNamespaceState> = {};
  const mms: Record<string, MmState> = {};
  const pages: Record<string, PhysPageState> = {};
  objs.forEach((o, key) => {
    switch (kindOfKey(key)) {
      case 'task': {
        const t = o as unknown as TaskRec;
        tasks[key] = once(t, (): TaskState => ({
          id: t.id, pid: t.pid, tgid: t.tgid, leader: t.leader, parent: t.parent, uid: t.uid, euid: t.euid,
          userNs: t.userNs, fullCaps: t.fullCaps, dumpable: t.dumpable, nsproxy: t.nsproxy, mm: t.mm, state: t.state,
          exitSignal: t.exitSignal, startBoottime: t.startBoottime, fds: publicFds(t.fds), lastResult: t.lastResult,
        }));
        break;
      }
      case 'nsproxy':
        nsproxies[key] = o as unknown as NsproxyState;
        break;
      case 'ns': {
        const n = o as unknown as NsRec;
        timeNamespaces[key] = once(n, (): TimeNamespaceState => ({
          id: n.id, inum: n.inum, userNs: n.userNs, ucountUid: n.ucountUid, offsets: n.offsets,
          frozen_offsets: n.frozen_offsets, vvar_page: n.vvar_page, refs: n.refs, alive: n.alive, createdBy: n.createdBy,
        }));
        break;
      }
      case 'user': {
        const u = o as unknown as UserRec;
        userNamespaces[key] = once(u, (): UserNamespaceState => ({ id: u.id, parent: u.parent, ownerUid: u.ownerUid, maxTimeNamespaces: u.maxTimeNamespaces, timeNamespaceCounts: u.timeNamespaceCounts }));
        break;
      }
      case 'mm': {
        const m = o as unknown as MmRec;
        const vmas = m._vmas.map((k) => vmaState(objs.get(k) as unknown as VmaRec));
        mms[key] = { id: m.id, users: m.users, vmas, vdsoDataAddr: m._vdsoText - m._vdsoDistance };
        break;
      }
      case 'page':
        pages[key] = o as unknown as PhysPageState;
        break;
      default:
        break;
    }
  });
  const clocks = objs.get(HOST_KEY) as unknown as HostClocks | undefined;
  if (!clocks) throw new Error('internal: no host clocks in the store');
  return { host: clocks, tasks, nsproxies, timeNamespaces, userNamespaces, mms, pages };
}
