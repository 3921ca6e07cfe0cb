// Credentials and user namespaces (kernel/capability.c, cred.c, user_namespace.c, sys.c, ptrace.c): ns_capable
// over the user-namespace tree, create_user_ns, commit_creds, PR_SET_DUMPABLE and ptrace access checks (the
// set*id calls are in setid.ts).

import type { OpResult } from '../api';
import type { IdExtent, TaskRec, UserRec } from '../store/records';
import { counter, mm, task, user, type KernelContext } from './context';

export const INT_MAX = 2147483647;
export const INIT_USER_INUM = 4026531837;

export interface Cred {
  readonly userNs: string;
  readonly fullCaps: boolean;
  readonly euid: number;
}

/** ns_capable: does `cred` hold the (full) capability set over user namespace `target`? */
export function capable(k: KernelContext, cred: Cred, target: string): boolean {
  let nsId = target;
  const credLevel = user(k, cred.userNs)._level;
  for (;;) {
    if (nsId === cred.userNs) return cred.fullCaps;
    const u = user(k, nsId);
    if (u._level <= credLevel || u.parent === null) return false;
    if (u.parent === cred.userNs && u.ownerUid === cred.euid) return true;
    nsId = u.parent;
  }
}

/** The overflow id an unmapped id reads as (kernel.overflowuid, DEFAULT_OVERFLOWUID). */
export const OVERFLOW_ID = 65534;

/** kuid_has_mapping / kgid_has_mapping: every id is mapped in the initial user namespace. */
export function hasMapping(u: UserRec, which: 'uid' | 'gid', kid: number): boolean {
  return fromKid(u, which, kid) !== null;
}

/** from_kuid: the id a kernel id has inside `u`, null when unmapped (the initial user ns maps every id to itself). */
export function fromKid(u: UserRec, which: 'uid' | 'gid', kid: number): number | null {
  if (u.parent === null) return kid;
  const map: readonly IdExtent[] = which === 'uid' ? u._uidMap : u._gidMap;
  for (const e of map) if (kid >= e.lower && kid < e.lower + e.count) return e.first + (kid - e.lower);
  return null;
}

/** make_kuid over a range: the kernel id of ids id..id+count-1 of `ns` when one extent maps them all, else null. */
export function makeKid(ns: UserRec, which: 'uid' | 'gid', id: number, count = 1): number | null {
  if (ns.parent === null) return id;
  for (const e of which === 'uid' ? ns._uidMap : ns._gidMap) {
    if (id >= e.first && id + count <= e.first + e.count) return e.lower + (id - e.first);
  }
  return null;
}

/** A capability check as a kernel function span (`fn` is ns_capable, file_ns_capable, …). */
export function capCheck(k: KernelContext, fn: string, cred: Cred, target: string, cap: string): boolean {
  const ok = capable(k, cred, target);
  k.fn(fn, () => ok, (v) => k.txt`${fn}(${target}, ${cap}) = ${v}`);
  return ok;
}

/** create_user_ns's refusals, before it makes anything (kernel/user_namespace.c): ret = -EPERM;
 *  if (!kuid_has_mapping(parent_ns, owner) || !kgid_has_mapping(parent_ns, group)) goto fail_dec; */
export function createUserNsChecks(k: KernelContext, parent: string, creator: TaskRec): void {
  const p = user(k, parent);
  // "ret = -ENOSPC; if (parent_ns->level > 32) goto fail;" comes first (then inc_user_namespaces, whose
  // max_user_namespaces the model does not have), before the EPERM of an unmapped creator (kernel/user_namespace.c)
  if (p._level > MAX_USER_NS_LEVEL) k.fail('ENOSPC', `${parent} is ${p._level} levels below the initial user namespace: create_user_ns allows ${MAX_USER_NS_LEVEL + 1} at most`);
  if (!hasMapping(p, 'uid', creator.euid)) k.fail('EPERM', `euid ${creator.euid} has no mapping in ${parent} (its uid_map ${p._uidMap.length ? 'does not cover it' : 'was never written'})`);
  if (!hasMapping(p, 'gid', creator._egid)) k.fail('EPERM', `egid ${creator._egid} has no mapping in ${parent} (its gid_map ${p._gidMap.length ? 'does not cover it' : 'was never written'})`);
}

/** create_user_ns's nesting limit (kernel/user_namespace.c, 4.9+ with ENOSPC): a parent deeper than this is refused. */
export const MAX_USER_NS_LEVEL = 32;

/** create_user_ns: a child user namespace owned by the creator's euid; the creator gets full caps in it. */
export function createUserNs(k: KernelContext, parent: string, creator: TaskRec): string {
  return k.fn('create_user_ns', () => {
    const p = user(k, parent);
    const euid = creator.euid;
    createUserNsChecks(k, parent, creator);
    const id = `user#${counter(k, 'user')}`;
    const u: UserRec = {
      id, parent, ownerUid: euid, maxTimeNamespaces: INT_MAX, timeNamespaceCounts: {}, _level: p._level + 1, _inum: counter(k, 'inum'),
      _group: creator._egid, _uidMap: [], _gidMap: [], _setgroupsDeny: false, _parentCouldSetfcap: capable(k, creator, parent),
    };
    k.r.create(k.userNamespaces, id, u);
    k.state(k.txt`${id} created (parent ${parent}, owner uid ${euid}); user.max_time_namespaces starts at ${INT_MAX}`);
    return id;
  }, (v) => k.txt`create_user_ns returns ${v}`);
}

/** kernel/cred.c cred_cap_issubset for creds moving to another user namespace: the new caps are within the old
 *  only when the old namespace is the parent of the new one or of one of its ancestors, owned by the old euid. */
function capsWithin(k: KernelContext, oldNs: string, euid: number, newNs: string): boolean {
  for (let p: string | null = newNs; p !== null && user(k, p).parent !== null; p = user(k, p).parent) {
    if (user(k, p).parent === oldNs && user(k, p).ownerUid === euid) return true;
  }
  return false;
}

/** commit_creds of creds in another user namespace with every capability there (unshare, setns). Gaining
 *  capabilities the old creds did not cover resets dumpable to fs.suid_dumpable (0):
 *  if (… || !cred_cap_issubset(old, new)) set_dumpable(task->mm, suid_dumpable); */
export function commitNewUser(k: KernelContext, t: string, userNs: string): void {
  k.fn('commit_creds', () => {
    const me = task(k, t);
    const within = capsWithin(k, me.userNs, me.euid, userNs);
    k.r.set(k.tasks, t, 'userNs', userNs);
    k.r.set(k.tasks, t, 'fullCaps', true);
    k.r.set(k.tasks, t, '_permCaps', true);
    if (!within) setMmDumpable(k, t, false);
    k.state(k.txt`${t} now has full capabilities in ${userNs}${within ? '' : `; not dumpable (capabilities beyond the old creds' in ${me.userNs}: fs.suid_dumpable 0)`}`);
  });
}

/** The user namespace an unshare made is released again when the unshare fails. */
export function dropUserNs(k: KernelContext, userNs: string): void {
  k.fn('put_user_ns', () => {
    k.r.remove(k.userNamespaces, userNs);
    k.state(k.txt`${userNs} freed again (the unshare failed)`);
  });
}

/**
 * __ptrace_may_access (kernel/ptrace.c) in PTRACE_MODE_READ, then the commoncap LSM's cap_ptrace_access_check
 * (security/commoncap.c). FSCREDS (opening /proc/PID/ns/*) compares the fsuid/fsgid and the effective caps,
 * REALCREDS (pidfd setns) the real uid/gid and the permitted caps; the model's fsuid is its euid (fsgid its egid).
 * Model uids are kernel uids (kuid): root of a child user ns is uid 0 here too.
 */
export function ptraceMayAccess(k: KernelContext, caller: TaskRec, target: TaskRec, creds: 'fs' | 'real' = 'fs'): boolean {
  if (caller.leader === target.leader) return true;                         // same_thread_group
  const uid = creds === 'fs' ? caller.euid : caller.uid;
  const gid = creds === 'fs' ? caller._egid : caller._gid;
  // ptrace_has_cap(tcred->user_ns, mode): CAP_SYS_PTRACE over the target's user namespace (effective caps)
  const ptraceCap = capable(k, caller, target.userNs);
  const sameIds = uid === target.euid && uid === target._suid && uid === target.uid
    && gid === target._egid && gid === target._sgid && gid === target._gid;
  if (!sameIds && !ptraceCap) return false;
  // task_still_dumpable: dumpable, or ptrace_has_cap(mm->user_ns, mode) (the mm's, not the creds' namespace)
  if (!target.dumpable && !(target.mm && capable(k, caller, mm(k, target.mm)._userNs))) return false;
  // cap_ptrace_access_check: same user ns and the target's permitted caps within the caller's (effective ones for
  // FSCREDS, permitted for REALCREDS: setresuid(-1, 1000, -1) from root keeps them permitted), or CAP_SYS_PTRACE
  const within = !target._permCaps || (creds === 'fs' ? caller.fullCaps : caller._permCaps);
  return (caller.userNs === target.userNs && within) || ptraceCap;
}

/** getresuid/getresgid (kernel/sys.c): from_kuid_munged(current_user_ns(), …), so an unmapped id reads as
 *  the overflowuid; and the capabilities (all of the bounding set, or none: the model's two states). */
export function credRead(k: KernelContext, t: string): OpResult {
  const me = task(k, t);
  const u = user(k, me.userNs);
  const view = (which: 'uid' | 'gid', kid: number) => fromKid(u, which, kid) ?? OVERFLOW_ID;
  const text = `uid=${view('uid', me.uid)} euid=${view('uid', me.euid)} gid=${view('gid', me._gid)} egid=${view('gid', me._egid)} caps=${me.fullCaps ? 'all' : 'none'}`;
  return { ret: 0, errno: null, signal: null, text };
}

/**
 * set_dumpable(mm, d): the flag lives in mm->flags, so every task using the mm sees it: the threads, and a vfork
 * child or parent (CLONE_VM) until one of them execs. The model keeps it on each of those tasks.
 */
export function setMmDumpable(k: KernelContext, t: string, d: boolean): void {
  const mmId = task(k, t).mm;
  const users = mmId ? k.memo.usersOf(mmId) : new Set(k.memo.threadsOf(t));
  for (const u of users) k.r.set(k.tasks, u, 'dumpable', d);
}

/** prctl(PR_SET_DUMPABLE, arg2) (kernel/sys.c): "if (arg2 != SUID_DUMP_DISABLE && arg2 != SUID_DUMP_USER) { error =
 *  -EINVAL; break; }" before set_dumpable; `value` is arg2 when it is neither. */
export function prctlSetDumpable(k: KernelContext, t: string, d: boolean, value?: number): OpResult {
  if (value !== undefined) k.fail('EINVAL', `arg2 ${value} is neither SUID_DUMP_DISABLE (0) nor SUID_DUMP_USER (1)`);
  return k.fn('set_dumpable', () => {
    setMmDumpable(k, t, d);
    k.state(k.txt`${t} dumpable = ${d}`);
    return { ret: 0, errno: null, signal: null };
  });
}
