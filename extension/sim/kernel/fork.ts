// Creating tasks and unsharing (kernel/fork.c): the task record, thread groups, clone3's argument checks,
// kernel_clone/_do_fork → copy_process (creds, mm, namespaces with timens_on_fork, files), and ksys_unshare.

import type { OpResult } from '../api';
import type { TaskRec } from '../store/records';
import { CLONE_FLAGS as CF } from '../types';
import { counter, hostClocks, np, task, type KernelContext } from './context';
import { capable, capCheck, commitNewUser, createUserNs, createUserNsChecks, dropUserNs } from './cred';
import { addMmUser, dupMm } from './mm/mm';
import { addNsRefs, newNsproxy, NS_FLAGS, switchTaskNamespaces } from './nsproxy';
import { ownNewNamespaces } from './nsOwners';
import { copyFiles, newEmptyFiles, unshareFiles } from './files';
import { fsForChild, unshareFs } from './fsStruct';
import { exitSignalRefused, sighandForChild, sighandUsers } from './sighand';
import { cloneTimeNs, timensOnFork, ucountLimitReached } from './time/namespace';

const UNSHARE_ALLOWED = CF.CLONE_THREAD | CF.CLONE_FS | CF.CLONE_NEWNS | CF.CLONE_SIGHAND | CF.CLONE_VM | CF.CLONE_FILES |
  CF.CLONE_SYSVSEM | CF.CLONE_NEWUTS | CF.CLONE_NEWIPC | CF.CLONE_NEWNET | CF.CLONE_NEWUSER | CF.CLONE_NEWPID |
  CF.CLONE_NEWCGROUP | CF.CLONE_NEWTIME;
const CLONE_PARENT_SETTID = 0x00100000;
const CLONE_CHILD_CLEARTID = 0x00200000;
const CLONE_DETACHED = 0x00400000;
const CLONE_CLEAR_SIGHAND = 0x100000000;
const CLONE_INTO_CGROUP = 0x200000000;
const CLONE_LEGACY_FLAGS = 0xffffffff;
/** The flags glibc's pthread_create passes to clone3. */
export const PTHREAD_FLAGS = CF.CLONE_VM | CF.CLONE_FS | CF.CLONE_FILES | CF.CLONE_SIGHAND | CF.CLONE_THREAD | CF.CLONE_SYSVSEM |
  CF.CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;

/** A new task record, live, listed in its namespaces' refs and its mm's users. */
export function newTask(k: KernelContext, id: string, parent: string | null, uid: number, userNs: string, fullCaps: boolean, nsproxy: string,
  mmId: string, exitSignal: number, leader?: string, copyFrom?: TaskRec, fs?: string, sighand?: string): TaskRec {
  const pid = counter(k, 'pid');
  const lead = leader ?? id;
  const tgid = leader ? task(k, leader).tgid : pid;
  const t: TaskRec = {
    id, pid, tgid, leader: lead, parent, uid, euid: copyFrom ? copyFrom.euid : uid, userNs, fullCaps,
    dumpable: copyFrom ? copyFrom.dumpable : true, nsproxy, mm: mmId, state: 'running', exitSignal,
    startBoottime: hostClocks(k).boottime, files: null, lastResult: null, _vforkParent: null,
    // spawn sets the gid with the uid (setresgid, then setresuid); a child copies its parent's
    _egid: copyFrom ? copyFrom._egid : uid,
    _suid: copyFrom ? copyFrom._suid : uid, _gid: copyFrom ? copyFrom._gid : uid, _sgid: copyFrom ? copyFrom._sgid : uid,
    // a child in a new user namespace gets every capability there; otherwise it copies its parent's sets
    _permCaps: fullCaps || (copyFrom?._permCaps ?? false),
    ...(copyFrom?._nsOwners ? { _nsOwners: copyFrom._nsOwners } : {}),
    ...(fs ? { _fs: fs } : {}),
    ...(sighand ? { _sighand: sighand } : {}),
  };
  k.r.create(k.tasks, id, t);
  k.memo.taskCreated(t);
  addNsRefs(k, id, nsproxy);
  addMmUser(k, id, mmId);
  // a forked task gets its table from copy_files; a spawned one (and P1 at boot) starts with an empty one
  if (!copyFrom) newEmptyFiles(k, id);
  return k.tasks.get(id)!;
}

/** current_is_single_threaded: one live thread and no other task on the mm. */
export function singleThreaded(k: KernelContext, t: string): boolean {
  const me = task(k, t);
  if (k.memo.threadCount(t) > 1) return false;
  if (!me.mm) return true;
  for (const u of k.memo.usersOf(me.mm)) if (u !== t) return false;
  return true;
}

export function unshare(k: KernelContext, t: string, flagsIn: number): OpResult {
  const enter = k.r.n - 1;
  let flags = flagsIn;
  return k.fn('ksys_unshare', () => {
    if (flags & CF.CLONE_NEWUSER) flags |= CF.CLONE_THREAD | CF.CLONE_FS;
    if (flags & CF.CLONE_VM) flags |= CF.CLONE_SIGHAND;
    if (flags & CF.CLONE_SIGHAND) flags |= CF.CLONE_THREAD;
    if (flags & CF.CLONE_NEWNS) flags |= CF.CLONE_FS;
    k.fn('check_unshare_flags', () => {
      if (flags & ~UNSHARE_ALLOWED) k.fail('EINVAL', `unknown unshare flags 0x${(flags & ~UNSHARE_ALLOWED).toString(16)}`);
      if (flags & (CF.CLONE_THREAD | CF.CLONE_SIGHAND | CF.CLONE_VM)) {
        if (k.memo.threadCount(t) > 1) k.fail('EINVAL', `${flagsIn & CF.CLONE_NEWUSER ? 'CLONE_NEWUSER implies CLONE_THREAD: ' : ''}the thread group has other threads`);
      }
      // "refcount_read(&current->sighand->count) > 1": a process made by clone(CLONE_VM|CLONE_SIGHAND), or its
      // creator, may not unshare CLONE_SIGHAND (CLONE_VM implies it) while the other lives (all versions)
      if (flags & (CF.CLONE_SIGHAND | CF.CLONE_VM) && sighandUsers(k, t) > 1) {
        k.fail('EINVAL', `${flagsIn & CF.CLONE_VM ? 'CLONE_VM implies CLONE_SIGHAND: ' : ''}${t}'s sighand_struct is shared with ${sighandUsers(k, t) - 1} other process(es)`);
      }
      if (flags & CF.CLONE_VM && !singleThreaded(k, t)) k.fail('EINVAL', 'the mm is shared');
    });
    const me = task(k, t);
    let newUser: string | null = null;
    if (flags & CF.CLONE_NEWUSER) newUser = k.fn('unshare_userns', () => createUserNs(k, me.userNs, me));
    // unshare_fs and unshare_fd made the copies up front; they are swapped in with the namespaces, before commit_creds
    const swapFiles = (): void => {
      unshareFs(k, t, flags);
      if (flags & CF.CLONE_FILES) unshareFiles(k, t, 'unshare_fd');
    };
    if (!(flags & NS_FLAGS)) {
      swapFiles();
      if (newUser) commitNewUser(k, t, newUser);
      return { ret: 0, errno: null, signal: null };
    }
    const p = np(k, me.nsproxy);
    let newNp: string | null = null;
    try {
      k.fn('unshare_nsproxy_namespaces', () => {
        const userNs = newUser ?? me.userNs;
        const cred = newUser ? { userNs: newUser, fullCaps: true, euid: me.euid } : me;
        if (!capCheck(k, 'ns_capable', cred, userNs, 'CAP_SYS_ADMIN')) k.fail('EPERM', `${t} lacks CAP_SYS_ADMIN in ${userNs}`);
        k.fn('create_new_namespaces', () => {
          if (!(flags & CF.CLONE_NEWTIME)) return;
          if (!k.sw.timeNamespaces) k.fn('copy_time_ns', () => k.fail('EINVAL', 'CONFIG_TIME_NS is not available on this kernel (stub copy_time_ns)'));
          const created = cloneTimeNs(k, userNs, me.euid, p.time_ns_for_children, t);
          newNp = newNsproxy(k, p.time_ns, created);
          k.state(k.txt`${newNp}: time_ns ${p.time_ns} (unchanged), time_ns_for_children ${created}; no zap, the caller's clocks are untouched`, { causes: [enter] });
        });
      });
    } catch (e) {
      if (newUser) dropUserNs(k, newUser);
      throw e;
    }
    if (newNp) switchTaskNamespaces(k, t, newNp);
    ownNewNamespaces(k, t, flags, newUser ?? me.userNs);
    swapFiles();
    if (newUser) commitNewUser(k, t, newUser);
    return { ret: 0, errno: null, signal: null };
  });
}

/** clone3: copy_clone_args_from_user and clone3_args_valid, then kernel_clone. */
export function clone3(k: KernelContext, t: string, flags: number, exitSignal: number, child: string): OpResult {
  k.fn('copy_clone_args_from_user', () => {
    if (exitSignal & ~0xff || exitSignal > 64 || exitSignal < 0) k.fail('EINVAL', `exit_signal ${exitSignal} is not a valid signal`);
  });
  k.fn('clone3_args_valid', () => {
    if (flags & ~(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP)) k.fail('EINVAL', 'unknown clone3 flags');
    const csignalMask = k.sw.clone3NewTime ? CF.CSIGNAL & ~CF.CLONE_NEWTIME : CF.CSIGNAL;
    if (flags & (CLONE_DETACHED | csignalMask)) {
      k.fail('EINVAL', (flags & CF.CLONE_NEWTIME) && !k.sw.clone3NewTime
        ? 'clone3 rejects every CSIGNAL bit, CLONE_NEWTIME included, before 6.3'
        : `clone3 flags contain exit-signal bits 0x${(flags & csignalMask).toString(16)}`);
    }
    if (flags & (CF.CLONE_THREAD | CF.CLONE_PARENT) && exitSignal) k.fail('EINVAL', 'CLONE_THREAD/CLONE_PARENT with an exit signal');
  });
  return kernelClone(k, t, flags, exitSignal, child);
}

/** kernel_clone (_do_fork before 5.10): copy_process, and a vfork parent waits for its child. */
export function kernelClone(k: KernelContext, t: string, flags: number, exitSignal: number, child: string): OpResult {
  const enter = k.r.n - 1;
  return k.fn(k.sw.forkFn, () => {
    if (k.tasks.get(child)) k.fail('EINVAL', `a task named ${child} already exists (scenario error)`);
    // valid_signal: sig <= _NSIG (64); a legacy clone()'s exit signal is its flags' low byte.
    if (k.sw.cloneExitSignalChecked && exitSignal > 64) k.fail('EINVAL', `exit signal ${exitSignal} is not a valid signal (valid_signal)`);
    const res = copyProcess(k, t, flags, exitSignal, child, enter);
    if (flags & CF.CLONE_VFORK) {
      k.r.set(k.tasks, t, 'state', 'vfork-parent-waiting');
      k.r.set(k.tasks, child, '_vforkParent', t);
      k.state(k.txt`${t} waits in vfork until ${child} execs or exits`);
    }
    return res;
  });
}

function copyProcess(k: KernelContext, t: string, flags: number, exitSignal: number, child: string, enter: number): OpResult {
  return k.fn('copy_process', () => {
    const parent = task(k, t);
    const pnp = np(k, parent.nsproxy);
    if ((flags & (CF.CLONE_NEWNS | CF.CLONE_FS)) === (CF.CLONE_NEWNS | CF.CLONE_FS)) k.fail('EINVAL', 'CLONE_NEWNS with CLONE_FS');
    if ((flags & (CF.CLONE_NEWUSER | CF.CLONE_FS)) === (CF.CLONE_NEWUSER | CF.CLONE_FS)) k.fail('EINVAL', 'CLONE_NEWUSER with CLONE_FS');
    if (flags & CF.CLONE_THREAD && !(flags & CF.CLONE_SIGHAND)) k.fail('EINVAL', 'CLONE_THREAD without CLONE_SIGHAND');
    if (flags & CF.CLONE_SIGHAND && !(flags & CF.CLONE_VM)) k.fail('EINVAL', 'CLONE_SIGHAND without CLONE_VM');
    if (flags & CF.CLONE_THREAD && flags & (CF.CLONE_NEWUSER | CF.CLONE_NEWPID)) k.fail('EINVAL', 'CLONE_THREAD with CLONE_NEWUSER/CLONE_NEWPID');
    if (k.sw.cloneVmEinvalWhilePending && flags & (CF.CLONE_THREAD | CF.CLONE_VM) && pnp.time_ns !== pnp.time_ns_for_children) {
      k.fail('EINVAL', `CLONE_VM/CLONE_THREAD while time_ns (${pnp.time_ns}) != time_ns_for_children (${pnp.time_ns_for_children}) (5.6–6.1)`);
    }
    if (!k.sw.clonePidfdThread && flags & CF.CLONE_PIDFD && flags & CF.CLONE_THREAD) k.fail('EINVAL', 'CLONE_PIDFD with CLONE_THREAD (allowed from 6.9)');
    // Pre-check what copy_namespaces would refuse, so no half-built child has to be torn down.
    const newNsFlags = (flags & NS_FLAGS) !== 0;
    const childUserNs = flags & CF.CLONE_NEWUSER ? null : parent.userNs;
    const nsCapOk = !newNsFlags || childUserNs === null || capable(k, parent, childUserNs);
    const timeOk = !(flags & CF.CLONE_NEWTIME) || !k.sw.timeNamespaces ? null : ucountLimitReached(k, childUserNs ?? parent.userNs, parent.euid);
    const willFail = !nsCapOk || timeOk !== null || (flags & CF.CLONE_NEWTIME && !k.sw.timeNamespaces) || ((flags & (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM)) === (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM));
    let userNs = parent.userNs;
    let fullCaps = parent.fullCaps;
    if (willFail) {
      // copy_creds comes first: with CLONE_NEWUSER its create_user_ns refuses an unmapped creator (EPERM) before
      // copy_namespaces is reached (the model had given that namespace's ENOSPC: found by tools/fuzz-verify.mjs)
      k.fn('copy_creds', () => {
        if (flags & CF.CLONE_NEWUSER) k.fn('create_user_ns', () => createUserNsChecks(k, parent.userNs, parent));
      }, () => k.txt`copy_creds returns 0`);
      k.fn('copy_mm', () => undefined, () => k.txt`copy_mm returns 0 (undone below)`);
      k.fn('copy_namespaces', () => {
        if (newNsFlags && !nsCapOk) k.fail('EPERM', `no CAP_SYS_ADMIN in ${childUserNs}`);
        if ((flags & (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM)) === (CF.CLONE_NEWIPC | CF.CLONE_SYSVSEM)) k.fail('EINVAL', 'CLONE_NEWIPC with CLONE_SYSVSEM');
        k.fn('create_new_namespaces', () => {
          if (!k.sw.timeNamespaces) k.fn('copy_time_ns', () => k.fail('EINVAL', 'CONFIG_TIME_NS is not available on this kernel'));
          cloneTimeNs(k, childUserNs ?? parent.userNs, parent.euid, pnp.time_ns_for_children, child);
        });
      });
      k.fail('EINVAL', 'internal: expected failure did not happen');
    }
    // CLONE_PARENT re-uses the old parent: "p->real_parent = current->real_parent; … p->exit_signal =
    // current->group_leader->exit_signal;" (a thread's exit_signal is -1); otherwise the caller and the given signal
    const thread = (flags & CF.CLONE_THREAD) !== 0;
    const reuse = thread || (flags & CF.CLONE_PARENT) !== 0;
    const childSignal = thread ? -1 : reuse ? task(k, parent.leader).exitSignal : exitSignal;
    const refused = exitSignalRefused(childSignal);
    if (refused) k.refuse(refused);
    k.fn('copy_creds', () => {
      if (flags & CF.CLONE_NEWUSER) {
        userNs = createUserNs(k, parent.userNs, parent);
        fullCaps = true;
      }
    });
    const mmId = k.fn('copy_mm', () => {
      if (flags & CF.CLONE_VM) {
        k.state(k.txt`${child} shares ${parent.mm}`);
        return parent.mm!;
      }
      return k.fn('dup_mm', () => dupMm(k, parent.mm!, child, enter), (v) => k.txt`dup_mm returns ${v}`);
    }, (v) => k.txt`copy_mm: ${v}`);
    let npId = parent.nsproxy;
    k.fn('copy_namespaces', () => {
      const pending = pnp.time_ns !== pnp.time_ns_for_children;
      if (!newNsFlags) {
        const share = k.sw.cloneVmStaysUntilExec ? (flags & CF.CLONE_VM) !== 0 || !pending : !pending;
        if (share) {
          k.state(k.txt`${child} shares ${parent.nsproxy} (time_ns ${pnp.time_ns}, time_ns_for_children ${pnp.time_ns_for_children})`);
          return;
        }
      }
      npId = k.fn('create_new_namespaces', () => {
        const tfc = flags & CF.CLONE_NEWTIME ? cloneTimeNs(k, userNs, parent.euid, pnp.time_ns_for_children, child) : pnp.time_ns_for_children;
        const id = newNsproxy(k, pnp.time_ns, tfc);
        k.state(k.txt`${id}: time_ns ${pnp.time_ns}, time_ns_for_children ${tfc}`);
        return id;
      }, (v) => k.txt`create_new_namespaces returns ${v}`);
      // timens_on_fork commits the namespace on the child before it is visible: freeze, zap the child's mm.
      if (!k.sw.cloneVmStaysUntilExec || !(flags & CF.CLONE_VM)) timensOnFork(k, child, npId, enter, false, mmId);
    });
    const created = newTask(k, child, reuse ? parent.parent : t, parent.uid, userNs, fullCaps, npId, mmId,
      childSignal, thread ? parent.leader : undefined, parent, fsForChild(parent, flags), sighandForChild(parent, flags));
    k.r.set(k.nsproxies, npId, 'count', np(k, npId).count + 1);
    ownNewNamespaces(k, child, flags, userNs);
    copyFiles(k, t, child, flags);
    k.state(k.txt`${child} (pid ${created.pid}) created by ${t}: ${npId}, ${mmId}${thread ? `, thread of ${parent.leader}` : ''}, exit signal ${thread ? 'none' : childSignal}`, { causes: [enter] });
    return { ret: created.pid, errno: null, signal: null, child };
  });
}

/** exit_mm's mm_release: a vfork child leaving the shared mm wakes its parent. */
export function releaseVfork(k: KernelContext, child: string): void {
  const p = task(k, child)._vforkParent;
  if (!p) return;
  k.r.set(k.tasks, child, '_vforkParent', null);
  if (k.tasks.has(p) && task(k, p).state === 'vfork-parent-waiting') {
    k.fn('complete_vfork_done', () => {
      k.r.set(k.tasks, p, 'state', 'running');
      k.state(k.txt`${p} resumes: its vfork child ${child} released the mm`);
    });
  }
}
