// The life of a time namespace (kernel/time/namespace.c): copy_time_ns/clone_time_ns with the ucount charge
// (inc_time_namespaces/dec_time_namespaces, walking up the user namespaces), references (get/put_time_ns),
// timens_set_vvar_page (freeze), timens_on_fork, timens_install, timens_commit, and free_time_ns.

import type { NsRec, NsproxyRec, PageRec, TaskRec } from '../../store/records';
import { NO_REFS } from '../../store/records';
import { counter, ns, task, user, type KernelContext } from '../context';
import { capCheck } from '../cred';
import { singleThreaded } from '../fork';
import { vdsoJoinTimens } from '../vdso/vvar';
import { ZERO_VALUES } from '../util';

export const INIT_TIME_INUM = 4026531834;

// ------------------------------------------------------------------ ucounts (kernel/ucount.c)

/** The first user namespace up the chain from (userNs, uid) whose user.max_time_namespaces is reached, as text. */
export function ucountLimitReached(k: KernelContext, userNs: string, uid: number): string | null {
  let nsId = userNs;
  let u = uid;
  for (;;) {
    const rec = user(k, nsId);
    const count = rec.timeNamespaceCounts[String(u)] ?? 0;
    if (count >= rec.maxTimeNamespaces) return `${nsId} uid ${u}: ${count} of max ${rec.maxTimeNamespaces}`;
    if (!rec.parent) return null;
    u = rec.ownerUid;
    nsId = rec.parent;
  }
}

function changeUcount(k: KernelContext, userNs: string, uid: number, delta: number): void {
  let nsId = userNs;
  let u = uid;
  for (;;) {
    const rec = user(k, nsId);
    const counts = { ...rec.timeNamespaceCounts };
    const v = (counts[String(u)] ?? 0) + delta;
    if (v === 0) delete counts[String(u)];
    else counts[String(u)] = v;
    k.r.set(k.userNamespaces, nsId, 'timeNamespaceCounts', counts);
    if (!rec.parent) return;
    u = rec.ownerUid;
    nsId = rec.parent;
  }
}

// ------------------------------------------------------------------ creation, references, freeing

/** copy_time_ns → clone_time_ns: a new namespace copying the offsets of `from` (the creator's tfc). */
export function cloneTimeNs(k: KernelContext, userNs: string, euid: number, from: string, creator: string): string {
  return k.fn('copy_time_ns', () => k.fn('clone_time_ns', () => {
    k.fn('inc_time_namespaces', () => {
      const full = ucountLimitReached(k, userNs, euid);
      if (full) k.fail('ENOSPC', `user.max_time_namespaces reached (${full})`);
      changeUcount(k, userNs, euid, 1);
      k.state(k.txt`ucount (${userNs}, uid ${euid}) charged, walking up the user namespace chain`);
    });
    const n = counter(k, 'ns');
    const id = `ns#${n}`;
    const page = `page#${id}`;
    const src = ns(k, from);
    const none = `${k.sw.clockModePrefix}_NONE`;
    k.r.create(k.pages, page, {
      id: page, kind: 'timens', ns: id, blockOffset: k.layout.blockOffset,
      blocks: [{ seq: 0, clock_mode: none, values: ZERO_VALUES }, { seq: 0, clock_mode: none, values: ZERO_VALUES }],
    } satisfies PageRec);
    const rec: NsRec = {
      id, inum: counter(k, 'inum'), userNs, ucountUid: euid, offsets: src.offsets, frozen_offsets: false,
      vvar_page: page, refs: NO_REFS, alive: true, createdBy: creator, _count: 0,
    };
    k.r.create(k.timeNamespaces, id, rec);
    k.state(k.txt`${id} created (inum ${rec.inum}, owner ${userNs}), offsets copied from ${from}: monotonic ${src.offsets.monotonic}, boottime ${src.offsets.boottime}; zeroed vvar_page ${page}`);
    return id;
  }, (v) => k.txt`clone_time_ns returns ${v}`), (v) => k.txt`copy_time_ns returns ${v}`);
}

export function getTimeNs(k: KernelContext, id: string): void {
  k.r.set(k.timeNamespaces, id, '_count', ns(k, id)._count + 1);
}

export function putTimeNs(k: KernelContext, id: string): void {
  const n = ns(k, id);
  k.r.set(k.timeNamespaces, id, '_count', n._count - 1);
  if (n._count - 1 === 0) freeTimeNs(k, id);
}

function freeTimeNs(k: KernelContext, id: string): void {
  if (id === 'ns#0') return;
  const n = ns(k, id);
  k.fn('free_time_ns', () => {
    k.fn('dec_time_namespaces', () => changeUcount(k, n.userNs, n.ucountUid, -1));
    k.r.set(k.timeNamespaces, id, 'alive', false);
    if (n.vvar_page && k.pages.get(n.vvar_page)) {
      const mapped = k.memo.mmMapping(n.vvar_page);
      if (mapped) {
        k.state(k.txt`${id} freed; ${n.vvar_page} is still mapped by a stale PTE of ${mapped} (use after free: vdso_join_timens did not zap)`);
      } else {
        k.r.remove(k.pages, n.vvar_page);
        k.state(k.txt`${id} freed with its vvar_page ${n.vvar_page}, ucount of (${n.userNs}, uid ${n.ucountUid}) released`);
      }
    } else {
      k.state(k.txt`${id} freed`);
    }
  }, undefined, k.txt`free_time_ns(${id})`);
}

// ------------------------------------------------------------------ entering a namespace

/** timens_set_vvar_page: freeze the offsets and write the namespace page (once). */
function timensSetVvarPage(k: KernelContext, nsId: string, cause: number): void {
  if (nsId === 'ns#0') return;
  const n = ns(k, nsId);
  k.fn('timens_set_vvar_page', () => {
    if (n.frozen_offsets) {
      k.state(k.txt`${nsId} already frozen`);
      return;
    }
    k.r.set(k.timeNamespaces, nsId, 'frozen_offsets', true);
    const v = [...ZERO_VALUES];
    v[1] = v[4] = v[6] = n.offsets.monotonic;
    v[7] = v[9] = n.offsets.boottime;
    const mode = k.timensMode;
    if (n.vvar_page) k.r.set(k.pages, n.vvar_page, 'blocks', [{ seq: 1, clock_mode: mode, values: v }, { seq: 1, clock_mode: mode, values: v }]);
    k.ev('freeze', k.txt`${nsId} frozen: offsets fixed and written into ${n.vvar_page} (seq 1, clock_mode ${mode}, monotonic ${n.offsets.monotonic}, boottime ${n.offsets.boottime})`, { causes: [cause] });
  }, undefined, k.txt`timens_set_vvar_page(${nsId})`);
}

/** timens_commit (5.9+) or the 5.6–5.8 equivalent: freeze, then zap the mm (the task's, unless given). */
export function timensCommit(k: KernelContext, t: string, nsId: string, cause: number, mmId?: string | null, sigkill = false): void {
  const body = (): void => {
    timensSetVvarPage(k, nsId, cause);
    vdsoJoinTimens(k, mmId !== undefined ? mmId : task(k, t).mm, nsId, cause, sigkill);
  };
  if (k.sw.commitNsset) k.fn('timens_commit', body, undefined, k.txt`timens_commit(${t}, ${nsId})`);
  else body();
}

/** timens_on_fork: nsproxy `npId` (not yet visible to anyone else) enters its time_ns_for_children, and the
 *  namespace is committed for task `t` (a child at fork; the task itself at exec, 6.2+). */
export function timensOnFork(k: KernelContext, t: string, npId: string, cause: number, atExec: boolean, mmId?: string | null): void {
  const p = k.nsproxies.get(npId)!;
  k.fn('timens_on_fork', () => {
    if (!atExec && p.time_ns === p.time_ns_for_children) {
      k.state(k.txt`time_ns == time_ns_for_children: nothing to do`);
      return;
    }
    getTimeNs(k, p.time_ns_for_children);
    k.r.set(k.nsproxies, npId, 'time_ns', p.time_ns_for_children);
    k.state(atExec ? k.txt`${t} moves into ${p.time_ns_for_children} at exec` : k.txt`${t} enters ${p.time_ns_for_children}: ${npId}.time_ns ${p.time_ns} → ${p.time_ns_for_children}`);
    putTimeNs(k, p.time_ns);
    // Before 6.2 at fork the child is not visible yet: its own mm is zapped, the one given.
    timensCommit(k, t, p.time_ns_for_children, cause, atExec ? undefined : mmId);
  });
}

/** timens_install: the checks of setns into `nsId`, then the private nsproxy `newNp` points at it (both). */
/** timens_install; `credUserNs` is the nsset cred's user namespace (the joined one with CLONE_NEWUSER). */
export function timensInstall(k: KernelContext, t: string, me: TaskRec, nsId: string, newNp: string, old: NsproxyRec, cause: number, credUserNs = me.userNs, sigkill = false): void {
  const target = ns(k, nsId);
  if (!singleThreaded(k, t)) k.fail('EUSERS', `${t} is not single-threaded (other threads or a shared mm)`);
  if (!capCheck(k, 'ns_capable', me, target.userNs, 'CAP_SYS_ADMIN')) k.fail('EPERM', `${t} lacks CAP_SYS_ADMIN over ${target.userNs}, the owner of ${nsId}`);
  if (!capCheck(k, 'ns_capable', me, credUserNs, 'CAP_SYS_ADMIN')) k.fail('EPERM', `${t} lacks CAP_SYS_ADMIN in ${credUserNs === me.userNs ? 'its own user namespace' : 'the user namespace it joins,'} ${credUserNs}`);
  // 5.6-5.8: an error of vdso_join_timens returns with the namespace already frozen (timens_set_vvar_page ran)
  if (!k.sw.commitNsset) timensCommit(k, t, nsId, cause, undefined, sigkill);
  getTimeNs(k, nsId);
  getTimeNs(k, nsId);
  k.r.set(k.nsproxies, newNp, 'time_ns', nsId);
  k.r.set(k.nsproxies, newNp, 'time_ns_for_children', nsId);
  k.state(k.txt`${newNp}: time_ns = time_ns_for_children = ${nsId}`);
  putTimeNs(k, old.time_ns);
  putTimeNs(k, old.time_ns_for_children);
}
