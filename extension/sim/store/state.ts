// Assembly of the public, immutable KernelState from the store, and of one object of it at a time.

import type {
  FdState, KernelState, MmState, NsproxyState, PhysPageState, TaskState, TimeNamespaceState, UserNamespaceState, VmaState,
} from '../api';
import { fdsItems } from './fdtable';
import { refsItems } from './reflist';
import { HOST_ID, showRefs, type FileRec, type FilesRec, type MmRec, type NsRec, type TaskRec, type UserRec, type VmaRec } from './records';
import type { Store } from './store';

/** A task's fds as the read model has them: each as the struct file it points at. */
function publicFds(names: readonly string[], files: readonly (FileRec | undefined)[]): Readonly<Record<string, FdState>> {
  const out: Record<string, FdState> = {};
  names.forEach((k, i) => {
    const f = files[i];
    if (f === undefined) return;
    out[k] = { path: f.path, kind: f.kind, ns: f.ns, task: f.task, pos: f.pos, openerUserNs: f.openerUserNs, openerFullCaps: f.openerFullCaps, openerEuid: f.openerEuid, ...(f.user ? { user: f.user } : {}) };
  });
  return out;
}

// Records are never mutated, so the public object built from one can be reused for as long as it lives.
const built = new WeakMap<object, object>();
function once<T extends object>(rec: object, make: () => T): T {
  let v = built.get(rec) as T | undefined;
  if (v === undefined) {
    v = make();
    built.set(rec, v);
  }
  return v;
}

// A task's public object depends on its record, its files_struct's and the struct files its fds point at: kept
// while all of them are the same.
const taskBuilt = new WeakMap<TaskRec, { readonly files: FilesRec | undefined; readonly recs: readonly (FileRec | undefined)[]; readonly state: TaskState }>();
export function taskState(store: Store, t: TaskRec): TaskState {
  const files = t.files === null ? undefined : store.files.get(t.files);
  const slots = files ? fdsItems(files.fds) : {};
  const names = Object.keys(slots);
  const recs = names.map((n) => store.openFiles.get(slots[n].file));
  const c = taskBuilt.get(t);
  if (c !== undefined && c.files === files && c.recs.length === recs.length && c.recs.every((r, i) => r === recs[i])) return c.state;
  const state: TaskState = {
    id: t.id, pid: t.pid, tgid: t.tgid, leader: t.leader, parent: t.parent, uid: t.uid, euid: t.euid,
    userNs: t.userNs, fullCaps: t.fullCaps, dumpable: t.dumpable, nsproxy: t.nsproxy, mm: t.mm, state: t.state,
    exitSignal: t.exitSignal, startBoottime: t.startBoottime, files: t.files, fds: publicFds(names, recs),
    lastResult: t.lastResult,
  };
  taskBuilt.set(t, { files, recs, state });
  return state;
}

export function timeNamespaceState(n: NsRec): TimeNamespaceState {
  return once(n, (): TimeNamespaceState => ({
    id: n.id, inum: n.inum, userNs: n.userNs, ucountUid: n.ucountUid, offsets: n.offsets,
    frozen_offsets: n.frozen_offsets, vvar_page: n.vvar_page, refs: showRefs(n.refs), alive: n.alive, createdBy: n.createdBy,
  }));
}

export function userNamespaceState(u: UserRec): UserNamespaceState {
  return once(u, (): UserNamespaceState => ({ id: u.id, inum: u._inum, parent: u.parent, ownerUid: u.ownerUid, maxTimeNamespaces: u.maxTimeNamespaces, timeNamespaceCounts: u.timeNamespaceCounts }));
}

function vmaState(v: VmaRec): VmaState {
  return once(v, (): VmaState => ({ name: v.name, start: v.start, pages: v.pages, pgoff: v.pgoff, prot: v.prot, flags: v.flags, ptes: v.ptes, sigbus: v.sigbus }));
}

// An mm's public object depends on its record and its VMAs' records: kept while all of them are the same.
const mmBuilt = new WeakMap<MmRec, { readonly recs: readonly VmaRec[]; readonly state: MmState }>();
export function mmState(store: Store, m: MmRec): MmState {
  const c = mmBuilt.get(m);
  if (c !== undefined && c.recs.length === m._vmas.length) {
    let same = true;
    for (let i = 0; i < c.recs.length && same; i++) same = store.vmas.get(m._vmas[i]) === c.recs[i];
    if (same) return c.state;
  }
  const recs = m._vmas.map((k) => store.vmas.get(k)!);
  const state: MmState = { id: m.id, users: refsItems(m.users), vmas: recs.map(vmaState), vdsoDataAddr: m._vdsoText - m._vdsoDistance, ...(m._compat ? { compat: true } : {}) };
  mmBuilt.set(m, { recs, state });
  return state;
}

/** Build the public, immutable read model from the store. */
export function buildState(store: Store): KernelState {
  const tasks: Record<string, TaskState> = {};
  const nsproxies: Record<string, NsproxyState> = {};
  const timeNamespaces: Record<string, TimeNamespaceState> = {};
  const userNamespaces: Record<string, UserNamespaceState> = {};
  const mms: Record<string, MmState> = {};
  const pages: Record<string, PhysPageState> = {};
  store.tasks.forEach((t, id) => { tasks[id] = taskState(store, t); });
  store.nsproxies.forEach((p, id) => { nsproxies[id] = p; });
  store.timeNamespaces.forEach((n, id) => { timeNamespaces[id] = timeNamespaceState(n); });
  store.userNamespaces.forEach((u, id) => { userNamespaces[id] = userNamespaceState(u); });
  store.mms.forEach((m, id) => { mms[id] = mmState(store, m); });
  store.pages.forEach((p, id) => { pages[id] = p; });
  const clocks = store.host.get(HOST_ID);
  if (!clocks) throw new Error('internal: no host clocks in the store');
  return { host: clocks, tasks, nsproxies, timeNamespaces, userNamespaces, mms, pages };
}
