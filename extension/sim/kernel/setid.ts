// The set*id calls (kernel/sys.c __sys_setuid, __sys_setgid, __sys_setresuid, __sys_setresgid) with the
// capability fix-up they trigger (security/commoncap.c cap_emulate_setxuid) and commit_creds' dumpable reset.

import type { OpResult } from '../api';
import type { TaskRec } from '../store/records';
import { mm, task, user, type KernelContext } from './context';
import { capCheck, makeKid, setMmDumpable } from './cred';
import { killGroup } from './exit';
import { segv } from './mm/fault';
import { vdsoTextAt } from './mm/vma';

type Which = 'uid' | 'gid';
/** A task's real, effective and saved ids of one kind (kernel ids). */
interface Ids { readonly r: number; readonly e: number; readonly s: number }
/** (uid_t)-1: leave this id as it is. */
export const KEEP = 0xffffffff;
/** The id as the call receives it: a uid_t or gid_t (u32), to which C converts the value mod 2^32, as verify's
 *  helper's cast does (so -1 and 4294967295 are both (uid_t)-1, and -2 is 4294967294). */
export const asIdT = (id: number): number => ((id % 2 ** 32) + 2 ** 32) % 2 ** 32;

function idsOf(t: TaskRec, which: Which): Ids {
  return which === 'uid' ? { r: t.uid, e: t.euid, s: t._suid } : { r: t._gid, e: t._egid, s: t._sgid };
}

/** make_kuid / make_kgid in the caller's user namespace; EINVAL when the id has no mapping there. */
function kid(k: KernelContext, me: TaskRec, which: Which, given: number): number {
  const id = asIdT(given);
  if (id === KEEP) k.fail('EINVAL', `${which} ${given} is (${which}_t)-1, which is no id`);
  const v = makeKid(user(k, me.userNs), which, id);
  if (v === null) k.fail('EINVAL', `${which} ${id} has no mapping in ${me.userNs}: !${which}_valid(k${which})`);
  return v;
}

/**
 * commit_creds (kernel/cred.c) for every thread (glibc's set*id applies to all, as the helper's libc does):
 * the new ids, cap_emulate_setxuid for uid changes, and `set_dumpable(mm, suid_dumpable)` (0 here) when the
 * euid/egid (and so fsuid/fsgid) changed or capabilities were gained.
 */
function commitIds(k: KernelContext, t: string, which: Which, next: Ids): void {
  const me = task(k, t);
  const old = idsOf(me, which);
  let eff = me.fullCaps;
  let perm = me._permCaps;
  if (which === 'uid') {
    // security/commoncap.c cap_emulate_setxuid: kuid_t root_uid = make_kuid(old->user_ns, 0);
    const root = makeKid(user(k, me.userNs), 'uid', 0);
    const wasRoot = old.r === root || old.e === root || old.s === root;
    const isRoot = next.r === root || next.e === root || next.s === root;
    if (wasRoot && !isRoot) { perm = false; eff = false; }                 // every root uid gone: cap_clear(permitted, effective)
    if (old.e === root && next.e !== root) eff = false;                    // euid leaves root: cap_clear(effective)
    if (old.e !== root && next.e === root) eff = perm;                     // euid becomes root: effective = permitted
  }
  // (no set*id call gains permitted capabilities, so only the euid/egid comparison can fire here)
  const dumpReset = old.e !== next.e;
  k.fn('commit_creds', () => {
    for (const g of k.memo.threadsOf(t)) {
      if (which === 'uid') {
        k.r.set(k.tasks, g, 'uid', next.r);
        k.r.set(k.tasks, g, 'euid', next.e);
        k.r.set(k.tasks, g, '_suid', next.s);
      } else {
        k.r.set(k.tasks, g, '_gid', next.r);
        k.r.set(k.tasks, g, '_egid', next.e);
        k.r.set(k.tasks, g, '_sgid', next.s);
      }
      k.r.set(k.tasks, g, 'fullCaps', eff);
      k.r.set(k.tasks, g, '_permCaps', perm);
    }
    if (dumpReset) setMmDumpable(k, t, false);
    const caps = eff === me.fullCaps && perm === me._permCaps ? '' : `, capabilities: effective ${eff ? 'all' : 'none'}, permitted ${perm ? 'all' : 'none'}`;
    k.state(k.txt`${t}: ${which} ${next.r}, e${which} ${next.e}, s${which} ${next.s} (kernel ids)${caps}${dumpReset ? ', not dumpable (fs.suid_dumpable = 0)' : ''}`);
  });
}

/** setuid(2) and setgid(2): with CAP_SETUID/CAP_SETGID over the caller's user namespace all ids change, else
 *  only the effective (and fs) id, and only to the real or saved id. */
export function setxid(k: KernelContext, t: string, which: Which, id: number): OpResult {
  return k.fn(which === 'uid' ? '__sys_setuid' : '__sys_setgid', () => {
    const me = task(k, t);
    const v = kid(k, me, which, id);
    const old = idsOf(me, which);
    // kernel/sys.c: if (ns_capable_setid(old->user_ns, CAP_SETUID)) { new->suid = new->uid = kuid; … }
    //   else if (!uid_eq(kuid, old->uid) && !uid_eq(kuid, new->suid)) goto error;   new->fsuid = new->euid = kuid;
    const privileged = capCheck(k, 'ns_capable_setid', me, me.userNs, which === 'uid' ? 'CAP_SETUID' : 'CAP_SETGID');
    if (!privileged && v !== old.r && v !== old.s) k.fail('EPERM', `${t} lacks CAP_SET${which.toUpperCase()} and ${id} is neither its real nor its saved ${which}`);
    commitIds(k, t, which, privileged ? { r: v, e: v, s: v } : { ...old, e: v });
    return { ret: 0, errno: null, signal: null };
  });
}

/** setresuid(2) and setresgid(2): -1 leaves an id; each id given must map (EINVAL), and one that is none of
 *  the current real, effective and saved ids needs CAP_SETUID/CAP_SETGID over the caller's user namespace. */
export function setresxid(k: KernelContext, t: string, which: Which, r: number, e: number, s: number): OpResult {
  return k.fn(which === 'uid' ? '__sys_setresuid' : '__sys_setresgid', () => {
    const me = task(k, t);
    const old = idsOf(me, which);
    // kernel/sys.c: if ((ruid != (uid_t) -1) && !uid_valid(kruid)) return -EINVAL;  (and euid, suid)
    const keep = (x: number): boolean => asIdT(x) === KEEP;
    const next = { r: keep(r) ? old.r : kid(k, me, which, r), e: keep(e) ? old.e : kid(k, me, which, e), s: keep(s) ? old.s : kid(k, me, which, s) };
    // ruid_new = ruid != (uid_t) -1 && !uid_eq(kruid, old->uid) && !uid_eq(kruid, old->euid) && !uid_eq(kruid, old->suid);
    const isNew = (given: number, v: number) => !keep(given) && v !== old.r && v !== old.e && v !== old.s;
    if (isNew(r, next.r) || isNew(e, next.e) || isNew(s, next.s)) {
      const cap = which === 'uid' ? 'CAP_SETUID' : 'CAP_SETGID';
      if (!capCheck(k, 'ns_capable_setid', me, me.userNs, cap)) k.fail('EPERM', `${t} lacks ${cap} and an id given is none of its real, effective and saved ${which}s`);
    }
    // the no-op check: nothing to commit (kernel/sys.c, "check for no-op")
    if (next.r === old.r && next.e === old.e && next.s === old.s) return { ret: 0, errno: null, signal: null };
    commitIds(k, t, which, next);
    return { ret: 0, errno: null, signal: null };
  });
}

/**
 * What glibc's set*id does around the call in a process with other threads (nptl/nptl_setxid.c): each other thread
 * gets SIGSETXID, makes the same call in the handler, and returns from it. On arm64 glibc installs the handler
 * without SA_RESTORER, so setup_return (arch/arm64/kernel/signal.c) points the return at
 * VDSO_SYMBOL(current->mm->context.vdso, sigtramp), __kernel_rt_sigreturn in the vDSO text. With no executable
 * [vdso] there (unmapped, or mprotect'ed; a moved one is followed, vdso_mremap) that return faults: SIGSEGV, and
 * the process dies before the caller's call returns (the caller makes its own after the others'). Found by
 * tools/fuzz-verify.mjs seed 95032 on Debian's arm64 6.1, the same on 6.12. An AArch32 glibc passes SA_RESTORER
 * (compat_setup_return then never looks at the vDSO; our reading of glibc's arm sigaction), and so does x86_64's.
 * x86's ia32 glibc does not while it has a vDSO (i386 libc_sigaction.c SET_SA_RESTORER), and ia32_setup_rt_frame
 * (arch/x86/kernel/signal_32.c) returns to current->mm->context.vdso + vdso_image_32.sym___kernel_rt_sigreturn:
 * the same death (fuzz seed 700340 on x86_64 6.18, an ia32 process whose [vdso] an mprotect left PROT_READ).
 */
export function libcSetxid(k: KernelContext, t: string, res: OpResult): OpResult {
  const me = task(k, t);
  if (!me.mm) return res;
  const m = mm(k, me.mm);
  if (!(m._compat ? k.sw.arch.compatSigreturnInVdso : k.sw.arch.sigreturnInVdso)) return res;
  const others = k.memo.threadsOf(t).filter((x) => x !== t);
  if (!others.length || vdsoTextAt(k, me.mm, m._vdsoText)) return res;
  k.fn('__nptl_setxid', () => {
    k.state(k.txt`glibc: SIGSETXID to ${others.join(', ')}; each thread makes the call in the handler and returns from it`);
    k.fn(m._compat ? 'ia32_setup_rt_frame' : 'setup_rt_frame', () => k.state(k.txt`${others[0]}'s handler returns to __kernel_rt_sigreturn in the vDSO text at mm->context.vdso (0x${m._vdsoText.toString(16)}): no SA_RESTORER`));
    segv(k, others[0], m._vdsoText, 'the return from the signal handler jumps into the [vdso] text, which is not mapped executable there', -1);
  });
  return killGroup(k, t, 'SIGSEGV', res);
}

/**
 * The credentials of an exec of a file with no set-id bits and no file capabilities (security/commoncap.c
 * cap_bprm_creds_from_file): the saved ids become the effective ones (`new->suid = new->fsuid = new->euid`);
 * handle_privileged_root gives the permitted set (the bounding set) when the real or effective uid is root of
 * the user namespace, the effective set only when the effective uid is; anyone else keeps no capability (the
 * ambient set is empty). Then begin_new_exec: dumpable unless the euid or egid differs from the real one.
 */
export function execCreds(k: KernelContext, t: string): void {
  const me = task(k, t);
  const root = makeKid(user(k, me.userNs), 'uid', 0);
  const perm = me.uid === root || me.euid === root;
  const eff = perm && me.euid === root;
  const dumpable = me.euid === me.uid && me._egid === me._gid;
  k.fn('commit_creds', () => {
    k.r.set(k.tasks, t, '_suid', me.euid);
    k.r.set(k.tasks, t, '_sgid', me._egid);
    k.r.set(k.tasks, t, '_permCaps', perm);
    k.r.set(k.tasks, t, 'fullCaps', eff);
    const caps = perm === me._permCaps && eff === me.fullCaps ? '' : `; capabilities: effective ${eff ? 'all' : 'none'}, permitted ${perm ? 'all' : 'none'}${root === null ? ` (uid 0 of ${me.userNs} is unmapped: no root there)` : ''}`;
    k.state(k.txt`${t}: suid ${me.euid}, sgid ${me._egid} (cap_bprm_creds_from_file)${caps}`);
  });
  k.r.set(k.tasks, t, 'dumpable', dumpable);
  k.state(k.txt`${t} is ${dumpable ? 'dumpable' : 'not dumpable (euid or egid differs from the real one: fs.suid_dumpable 0)'} after exec`);
}
