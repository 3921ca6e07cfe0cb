// The record shapes the store keeps (the public read model plus a few hidden '_' fields), one table kind per
// kernel object with its copy on write and the way events show its records.

import type {
  FdState, HostClocks, MmState, NsproxyState, PhysPageState, PteState, TaskState, TimeNamespaceState,
  UserNamespaceState, VmaState,
} from '../api';
import type { NsOwners } from '../kernel/nsOwners';
import type { CompatMappingName, MappingName } from '../ops';
import type { Timespec } from '../types';
import { fdsEntries, type FdTable } from './fdtable';
import { FDS, fileChanges, showFd, showFds } from './fileView';
import { EMPTY_REFS, refsEntries, refsItems, type RefList } from './reflist';
import type { EntryChange, TableKind, TableName } from './table';

/** Ids of the two single-record tables. */
export const HOST_ID = 'host#clocks';
export const COUNTERS_ID = '#counters';

export interface Counters {
  readonly ns: number;
  readonly user: number;
  readonly nsproxy: number;
  readonly mm: number;
  readonly pid: number;
  readonly inum: number;
}

export interface TaskRec extends Omit<TaskState, 'fds'> {
  readonly _vforkParent: string | null;
  /** The effective gid (a kernel gid, like uid and euid): create_user_ns needs it mapped. */
  readonly _egid: number;
  /** The saved uid, real gid and saved gid (kernel ids; fsuid and fsgid follow euid and egid in the model). */
  readonly _suid: number;
  readonly _gid: number;
  readonly _sgid: number;
  /** The permitted set is full (fullCaps is the effective set): an euid leaving 0 clears only the effective. */
  readonly _permCaps: boolean;
  /** The owners of its mount, UTS, IPC, cgroup and network namespaces where not the initial user namespace (nsOwners.ts). */
  readonly _nsOwners?: NsOwners;
  /** The fs_struct it uses where not its own (fsStruct.ts: a CLONE_FS child shares its creator's). */
  readonly _fs?: string;
  /** The sighand_struct it uses where not its own (sighand.ts: a CLONE_SIGHAND child shares its creator's). */
  readonly _sighand?: string;
}

/** The fs_struct a task uses, named after the task it was made for (a record without `_fs` uses its own). */
export function fsOf(t: TaskRec): string {
  return t._fs ?? t.id;
}

/** The sighand_struct a task uses, named the same way. */
export function sighandOf(t: TaskRec): string {
  return t._sighand ?? t.id;
}

/** One extent of a uid_map or gid_map: ids first..first+count-1 of the namespace are kernel ids lower.. */
export interface IdExtent {
  readonly first: number;
  readonly lower: number;
  readonly count: number;
}

/** Who holds a reference to a time namespace, as lists that share their past (see RefList). */
export interface NsRefs {
  readonly time_ns: RefList;
  readonly time_ns_for_children: RefList;
  readonly files: RefList;
}

export interface NsRec extends Omit<TimeNamespaceState, 'refs'> {
  readonly refs: NsRefs;
  /** The kernel refcount this model tracks: nsproxy references (time_ns and tfc counted apart) plus files. */
  readonly _count: number;
  /** Designs that were never merged (sim/designs): the namespace's REALTIME offset (clone-time, per-ns-timekeeper). */
  readonly _realtime?: Timespec;
  /** monotonic-sync, on ns#0 only: the one global CLOCK_MONOTONIC_SYNC offset, and whether it was set or used. */
  readonly _sync?: { readonly offset: Timespec; readonly set: boolean; readonly used: boolean };
}

export interface UserRec extends Omit<UserNamespaceState, 'inum'> {
  readonly _level: number;
  readonly _inum: number;
  /** The creator's egid (ns->group). */
  readonly _group: number;
  /** uid_map and gid_map, lower ids as kernel ids; empty until written (written once). */
  readonly _uidMap: readonly IdExtent[];
  readonly _gidMap: readonly IdExtent[];
  /** /proc/PID/setgroups says "deny". */
  readonly _setgroupsDeny: boolean;
  /** The creator had CAP_SETFCAP over the parent (verify_root_map, 5.12+). */
  readonly _parentCouldSetfcap: boolean;
}

export interface MmRec {
  readonly id: string;
  /** Tasks using the mm (threads, vfork and CLONE_VM children share one), as a list that shares its past. */
  readonly users: RefList;
  /** Ids of the VMA records ('mm#1/[vvar]'), in address order. */
  readonly _vmas: readonly string[];
  /** Start of the vDSO text: the vDSO finds its data page at a fixed distance below it. */
  readonly _vdsoText: number;
  readonly _vdsoDistance: number;
  /** Where each mapping name starts (moves with mremap), for 'page N of [vvar]' addressing. */
  readonly _bases: Readonly<Record<string, number>>;
  readonly _moves: number;
  /** mm->user_ns: the user namespace of its creator at exec (copied at fork); task_still_dumpable asks for
   *  CAP_SYS_PTRACE over it. */
  readonly _userNs: string;
  /** Last zap event of this mm, for causality to the next fault. */
  readonly _lastZap: number;
  /** The image is AArch32 (arm64 compat: TIF_32BIT, set by SET_PERSONALITY at exec and copied at fork). The
   *  model keeps it with the mm, which every thread of the image shares (our choice). */
  readonly _compat?: boolean;
}

/** A struct files_struct (include/linux/fdtable.h): the fd table the tasks in `users` point to (threads and
 *  CLONE_FILES children share one; kernel/fork.c copy_files). Its id is the task it was made for ('P1', or
 *  'P1@7' when P1 made a second one on line 7), so a namespace file's holder reads 'P1:fd1'. */
export interface FilesRec {
  readonly id: string;
  /** The open files, as a table that shares its past (see FdTable). */
  readonly fds: FdTable<FdRec>;
  /** The tasks using it, as a list that shares its past; `count` is their number (files->count). */
  readonly users: RefList;
  readonly count: number;
}

export interface VmaRec extends VmaState {
  readonly name: MappingName | CompatMappingName;
  readonly _pfnmap: boolean;
}

export type NsproxyRec = NsproxyState;
/** What an open makes, the contents of a struct file (include/linux/fs.h): its path and kind, f_mode, f_cred
 *  (the opener's credentials), f_pos and, for a /proc seq_file, the seq_file in private_data. */
export interface OpenFile extends FdState {
  readonly _mode: 'r' | 'w' | 'rw';
  /** The seq_file behind a /proc file (fs/seq_file.c struct seq_file), once a read or lseek used it. */
  readonly _seq?: SeqFile;
  /** /proc/PID/maps: the mm its open took (proc_maps_open → proc_mem_open, mmgrab), which reads show. */
  readonly _mm?: string;
}
/** A struct file as the store keeps it: one record per open file description, which every fd pointing at it
 *  shares (fs/file.c dup_fd copies the table's pointers, so a fork child's fd and its parent's are one struct
 *  file, with one f_pos and one seq_file). Its id is the opener, the fd and the line ('P1:f@3'). */
export interface FileRec extends OpenFile {
  readonly id: string;
  /** The fd tables pointing at it, in the order they took it (a list that shares its past); f_count is `_count`. */
  readonly _holders: RefList;
  readonly _count: number;
}
/** An fd: a slot of an fd table (fdt->fd[nr]) pointing at a struct file, with its close-on-exec bit
 *  (fdt->close_on_exec, per fd: dup_fd copies it with the slot). */
export interface FdRec {
  /** The id of the struct file (FileRec). */
  readonly file: string;
  /** Its number in the table (fd_install's fd). */
  readonly _nr?: number;
  /** O_CLOEXEC: exec closes it (pidfds, and the fds open_related_ns makes). */
  readonly _cloexec?: true;
}
/** What a seq_file keeps between reads: the text of the pass (`buf`), what of it is still to be copied
 *  (`from`, `count`), the record index (single_open has one record) and where the last read ended. */
export interface SeqFile {
  readonly readPos: number;
  readonly index: number;
  readonly buf: string;
  readonly from: number;
  readonly count: number;
}
export type PageRec = PhysPageState;
export type { FdState, HostClocks, PteState };

export const NO_REFS: NsRefs = { time_ns: EMPTY_REFS, time_ns_for_children: EMPTY_REFS, files: EMPTY_REFS };

/** `r` with one of its lists replaced (keys in the order the namespace record was created with). */
export function refsWith(r: NsRefs, field: keyof NsRefs, list: RefList): NsRefs {
  return {
    time_ns: field === 'time_ns' ? list : r.time_ns,
    time_ns_for_children: field === 'time_ns_for_children' ? list : r.time_ns_for_children,
    files: field === 'files' ? list : r.files,
  };
}

/** The refs as the read model has them: plain arrays. */
export function showRefs(r: NsRefs): TimeNamespaceState['refs'] {
  return { time_ns: refsItems(r.time_ns), time_ns_for_children: refsItems(r.time_ns_for_children), files: refsItems(r.files) };
}

const same = <T>(r: T): T => r;
const sameField = (_field: string, v: unknown): unknown => v;
const noOwner = (): null => null;

function kind<R extends object>(name: TableName, copy: (r: R) => R, extra?: Partial<TableKind<R>>): TableKind<R> {
  return { name, copy, hidden: false, show: same, showField: sameField, owner: noOwner, readsStore: false, ...extra };
}

// Copies with the keys in the order the kernel creates them (the order shows in state() and in the changes a
// view prints; test/unit/sim/records.test.ts pins it).
export const TASKS = kind<TaskRec>('tasks', (t) => {
  const c: { -readonly [K in keyof TaskRec]: TaskRec[K] } = {
    id: t.id, pid: t.pid, tgid: t.tgid, leader: t.leader, parent: t.parent, uid: t.uid, euid: t.euid, userNs: t.userNs,
    fullCaps: t.fullCaps, dumpable: t.dumpable, nsproxy: t.nsproxy, mm: t.mm, state: t.state, exitSignal: t.exitSignal,
    startBoottime: t.startBoottime, files: t.files, lastResult: t.lastResult, _vforkParent: t._vforkParent, _egid: t._egid,
    _suid: t._suid, _gid: t._gid, _sgid: t._sgid, _permCaps: t._permCaps,
  };
  // The optional fields only when set, in this order, added rather than spread: a spread of `cond ? {…} : {}` made
  // a throwaway object per field at every copy (a task is copied at each change of one of its fields).
  if (t._nsOwners) c._nsOwners = t._nsOwners;
  if (t._fs) c._fs = t._fs;
  if (t._sighand) c._sighand = t._sighand;
  return c;
}, {
  show: (t) => ({
    id: t.id, pid: t.pid, tgid: t.tgid, leader: t.leader, parent: t.parent, uid: t.uid, euid: t.euid, userNs: t.userNs,
    fullCaps: t.fullCaps, dumpable: t.dumpable, nsproxy: t.nsproxy, mm: t.mm, state: t.state, exitSignal: t.exitSignal,
    startBoottime: t.startBoottime, files: t.files, lastResult: t.lastResult, _vforkParent: t._vforkParent,
  }),
});

function showNs(n: NsRec): object {
  return withDesignFields({
    id: n.id, inum: n.inum, userNs: n.userNs, ucountUid: n.ucountUid, offsets: n.offsets, frozen_offsets: n.frozen_offsets,
    vvar_page: n.vvar_page, refs: showRefs(n.refs), alive: n.alive, createdBy: n.createdBy, _count: n._count,
  }, n);
}
/** `c` with the fields only a design that was never merged sets (absent in the merged kernel, so its records are
 *  unchanged), added last and only when set: a spread of a throwaway object was a fifth of a recording's garbage. */
function withDesignFields<C extends object>(c: C & { _realtime?: NsRec['_realtime']; _sync?: NsRec['_sync'] }, n: NsRec): C {
  if (n._realtime) c._realtime = n._realtime;
  if (n._sync) c._sync = n._sync;
  return c;
}
export const TIME_NAMESPACES = kind<NsRec>('timeNamespaces', (n) => withDesignFields<NsRec>({
  id: n.id, inum: n.inum, userNs: n.userNs, ucountUid: n.ucountUid, offsets: n.offsets, frozen_offsets: n.frozen_offsets,
  vvar_page: n.vvar_page, refs: n.refs, alive: n.alive, createdBy: n.createdBy, _count: n._count,
}, n), {
  show: showNs,
  entries: (field, b, a) => (field === 'refs' ? refsChanges(b as NsRefs, a as NsRefs) : null),
  lists: ['refs.time_ns', 'refs.time_ns_for_children', 'refs.files'],
  listOf: (field, b, a) => (field === 'refs' ? refsListOf(b as NsRefs, a as NsRefs)?.[1] ?? field : field),
});

const REF_LISTS = (['time_ns', 'time_ns_for_children', 'files'] as const).map((l) => [l, `refs.${l}`] as const);
/** The list a change of a namespace's refs is to (refsWith changes one at a time), and its path. */
function refsListOf(b: NsRefs, a: NsRefs): (typeof REF_LISTS)[number] | undefined {
  for (const l of REF_LISTS) if (b[l[0]] !== a[l[0]]) return l;
  return undefined;
}
/** A change of a namespace's refs as the holders its list gained or lost ('refs.time_ns' 'P3'). */
function refsChanges(b: NsRefs, a: NsRefs): EntryChange[] {
  const list = refsListOf(b, a);
  return list === undefined ? [] : refsEntries(list[1], b[list[0]], a[list[0]]);
}

export const NSPROXIES = kind<NsproxyRec>('nsproxies', (p) => ({ id: p.id, count: p.count, time_ns: p.time_ns, time_ns_for_children: p.time_ns_for_children }));

export const USER_NAMESPACES = kind<UserRec>('userNamespaces', (u) => ({
  id: u.id, parent: u.parent, ownerUid: u.ownerUid, maxTimeNamespaces: u.maxTimeNamespaces, timeNamespaceCounts: u.timeNamespaceCounts,
  _level: u._level, _inum: u._inum, _group: u._group, _uidMap: u._uidMap, _gidMap: u._gidMap, _setgroupsDeny: u._setgroupsDeny,
  _parentCouldSetfcap: u._parentCouldSetfcap,
}), {
  // A new namespace's maps are empty and its group is its creator's: the record shows what it showed before them.
  show: (u) => ({ id: u.id, parent: u.parent, ownerUid: u.ownerUid, maxTimeNamespaces: u.maxTimeNamespaces, timeNamespaceCounts: u.timeNamespaceCounts, _level: u._level, _inum: u._inum }),
});

export const MMS = kind<MmRec>('mms', (m) => ({
  id: m.id, users: m.users, _vmas: m._vmas, _vdsoText: m._vdsoText, _vdsoDistance: m._vdsoDistance, _bases: m._bases, _moves: m._moves,
  _userNs: m._userNs, _lastZap: m._lastZap, ...(m._compat ? { _compat: true } : {}),
}), {
  show: (m) => ({
    id: m.id, users: refsItems(m.users), _vmas: m._vmas, _vdsoText: m._vdsoText, _vdsoDistance: m._vdsoDistance, _bases: m._bases,
    _moves: m._moves, _lastZap: m._lastZap, ...(m._compat ? { _compat: true } : {}),
  }),
  entries: (field, b, a) => (field === 'users' ? refsEntries(field, b as RefList, a as RefList) : null),
  lists: ['users'],
  listOf: (field) => field,
});

/** A VMA's id is its mm's id, a slash and its name ('mm#1/[vvar]', 'mm#1/[vvar]@2' for a split piece): events
 *  show its changes as fields of the mm ('[vvar].ptes'). */
export const VMAS = kind<VmaRec>('vmas', (v) => ({
  name: v.name, start: v.start, pages: v.pages, pgoff: v.pgoff, prot: v.prot, flags: v.flags, ptes: v.ptes, sigbus: v.sigbus, _pfnmap: v._pfnmap,
}), {
  owner: (id) => {
    const slash = id.indexOf('/');
    return slash < 0 ? null : { obj: id.slice(0, slash), part: id.slice(slash + 1) };
  },
});

export const FILES = kind<FilesRec>('files', (f) => ({ id: f.id, fds: f.fds, users: f.users, count: f.count }), {
  show: (f, at) => ({ id: f.id, fds: showFds(f.fds, at), users: refsItems(f.users), count: f.count }),
  entries: (field, b, a) => (field === FDS ? fdsEntries(FDS, b as FdTable<FdRec>, a as FdTable<FdRec>) : field === 'users' ? refsEntries(field, b as RefList, a as RefList) : null),
  showEntry: (list, v, at) => (list === FDS ? showFd(v as FdRec, at) : v),
  lists: [FDS, 'users'],
  listOf: (field) => field,
  readsStore: true,
});

/** Struct files: events show a change of one as the change of every fd table pointing at it (fileView.ts). */
// Every field of a struct file is copied: a list of them here once lost one (the maps fd's mm) in a merge.
export const OPEN_FILES = kind<FileRec>('openFiles', (f) => ({ ...f }), { readsStore: true, expand: fileChanges, expandsAs: FDS });

export const PAGES = kind<PageRec>('pages', (p) => ({ id: p.id, kind: p.kind, ns: p.ns, blockOffset: p.blockOffset, blocks: p.blocks }));

// Host clocks are replaced whole (advance), never copied field by field; the spread keeps whatever key order they have.
export const HOST = kind<HostClocks>('host', (h) => ({ ...h }));

export const COUNTERS = kind<Counters>('counters', (c) => ({ ns: c.ns, user: c.user, nsproxy: c.nsproxy, mm: c.mm, pid: c.pid, inum: c.inum }), { hidden: true });

export type { MmState };
