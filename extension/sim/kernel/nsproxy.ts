// Namespace proxies (kernel/nsproxy.c): create_new_namespaces' copy, switch_task_namespaces with the references
// each task's nsproxy holds on its time namespaces, free_nsproxy, setns (prepare_nsset, validate, commit_nsset)
// and exec_task_namespaces.

import type { OpResult } from '../api';
import type { NsTarget } from '../ops';
import { refsWith, type NsproxyRec } from '../store/records';
import { refsAdd, refsRemove } from '../store/reflist';
import { CLONE_FLAGS as CF } from '../types';
import { counter, np, ns, task, type KernelContext } from './context';
import { capCheck, commitNewUser, ptraceMayAccess } from './cred';
import { flagNames } from './memo';
import { installOtherNamespaces, type NsOwners } from './nsOwners';
import { pidfdOpenChecks } from './pidfd';
import { ownFd } from './files';
import { fsUsers } from './fsStruct';
import { openFile } from './proc/files';
import type { OpenFile } from '../store/records';
import { getTimeNs, putTimeNs, timensCommit, timensInstall, timensOnFork } from './time/namespace';
import { KErr } from './trace';

export const NS_FLAGS = CF.CLONE_NEWNS | CF.CLONE_NEWUTS | CF.CLONE_NEWIPC | CF.CLONE_NEWPID | CF.CLONE_NEWNET | CF.CLONE_NEWCGROUP | CF.CLONE_NEWTIME;

/** The task is listed in the refs of its nsproxy's time_ns and time_ns_for_children. */
export function addNsRefs(k: KernelContext, t: string, npId: string): void {
  const p = np(k, npId);
  const a = ns(k, p.time_ns);
  k.r.set(k.timeNamespaces, p.time_ns, 'refs', refsWith(a.refs, 'time_ns', refsAdd(a.refs.time_ns, t)));
  const b = ns(k, p.time_ns_for_children);
  k.r.set(k.timeNamespaces, p.time_ns_for_children, 'refs', refsWith(b.refs, 'time_ns_for_children', refsAdd(b.refs.time_ns_for_children, t)));
}
function dropNsRefs(k: KernelContext, t: string, npId: string): void {
  const p = np(k, npId);
  const a = ns(k, p.time_ns);
  k.r.set(k.timeNamespaces, p.time_ns, 'refs', refsWith(a.refs, 'time_ns', refsRemove(a.refs.time_ns, t)));
  const b = ns(k, p.time_ns_for_children);
  k.r.set(k.timeNamespaces, p.time_ns_for_children, 'refs', refsWith(b.refs, 'time_ns_for_children', refsRemove(b.refs.time_ns_for_children, t)));
}

/** A new nsproxy (create_new_namespaces): takes one reference on each of its time namespaces. */
export function newNsproxy(k: KernelContext, timeNs: string, tfc: string): string {
  const id = `nsproxy#${counter(k, 'nsproxy')}`;
  k.r.create(k.nsproxies, id, { id, count: 0, time_ns: timeNs, time_ns_for_children: tfc } satisfies NsproxyRec);
  getTimeNs(k, timeNs);
  getTimeNs(k, tfc);
  return id;
}

/** switch_task_namespaces: point a task at another nsproxy (or none, at exit), dropping the old one's reference. */
export function switchTaskNamespaces(k: KernelContext, t: string, newNp: string | null): void {
  const old = task(k, t).nsproxy;
  k.fn('switch_task_namespaces', () => {
    dropNsRefs(k, t, old);
    if (newNp) {
      k.r.set(k.nsproxies, newNp, 'count', np(k, newNp).count + 1);
      k.r.set(k.tasks, t, 'nsproxy', newNp);
      addNsRefs(k, t, newNp);
    }
    k.state(newNp ? k.txt`${t}: nsproxy ${old} → ${newNp}` : k.txt`${t}: nsproxy ${old} dropped`);
    putNsproxy(k, old);
  });
}

function putNsproxy(k: KernelContext, id: string): void {
  const p = np(k, id);
  if (p.count - 1 > 0) {
    k.r.set(k.nsproxies, id, 'count', p.count - 1);
    return;
  }
  freeNsproxy(k, id);
}

function freeNsproxy(k: KernelContext, id: string): void {
  const p = np(k, id);
  k.fn('free_nsproxy', () => {
    k.r.set(k.nsproxies, id, 'count', 0);
    k.r.remove(k.nsproxies, id);
    k.state(k.txt`${id} freed`);
    k.fn('put_time_ns', () => putTimeNs(k, p.time_ns), undefined, k.txt`put_time_ns(${p.time_ns})`);
    k.fn('put_time_ns', () => putTimeNs(k, p.time_ns_for_children), undefined, k.txt`put_time_ns(${p.time_ns_for_children})`);
  });
}

/** validate_nsset's first steps for a pidfd: the target task, ptrace access (REALCREDS: EPERM), its namespaces. */
function pidfdTarget(k: KernelContext, t: string, who: string, nstype: number): { time: string; user: string } {
  const allowed = NS_FLAGS | CF.CLONE_NEWUSER;
  if (!nstype || nstype & ~allowed) k.fail('EINVAL', `check_setns_flags: flags ${nstype ? flagNames(nstype) : '0'} invalid for a pidfd`);
  if (nstype & CF.CLONE_NEWTIME && (!k.sw.pidfdSetnsTime || !k.sw.timeNamespaces)) k.fail('EINVAL', 'setns(pidfd, CLONE_NEWTIME) is not supported by this kernel');
  const target = task(k, who);
  if (target.state === 'exited') k.fail('ESRCH', `${who} has exited`);
  if (!ptraceMayAccess(k, task(k, t), target, 'real')) k.fail('EPERM', `${t} has no ptrace read access to ${who}`);
  return { time: np(k, target.nsproxy).time_ns, user: target.userNs };
}

/** pidfd(TASK) is pidfd_open(TASK, 0) first (pidfd.ts): a thread that is not its group's leader has no pidfd
 *  without PIDFD_THREAD, so the setns never happens. No span of its own: in the kernel this is an earlier
 *  system call, whose failure is this line's result. */
function pidfdOpen(k: KernelContext, who: string): void {
  pidfdOpenChecks(k, who, 0);
}

/** Before 5.8 setns starts with proc_ns_fget: a file that is not a namespace file, a pidfd too, is EINVAL. */
function noPidfdSetns(k: KernelContext, name: string): never {
  return k.fn('proc_ns_fget', () => k.fail('EINVAL', `${name} is a pidfd, not a namespace file: setns takes pidfds from 5.8`));
}

/** userns_install (kernel/user_namespace.c), on the nsset: its checks; the creds change at commit_nsset. */
function usernsInstall(k: KernelContext, t: string, userNs: string): void {
  k.fn('userns_install', () => {
    const me = task(k, t);
    if (userNs === me.userNs) k.fail('EINVAL', `${userNs} is already ${t}'s user namespace: user_ns == current_user_ns()`);
    if (k.memo.threadCount(t) > 1) k.fail('EINVAL', `${t} has other threads: !thread_group_empty(current)`);
    const users = fsUsers(k, t);
    if (users > 1) k.fail('EINVAL', `${t} shares its fs_struct with ${users - 1} other task(s): current->fs->users != 1`);
    if (!capCheck(k, 'ns_capable', me, userNs, 'CAP_SYS_ADMIN')) k.fail('EPERM', `${t} lacks CAP_SYS_ADMIN over ${userNs}`);
    k.state(k.txt`nsset cred: user namespace ${userNs}, every capability in it (set_cred_user_ns)`);
  });
}

/** setns on a file that is no pidfd (kernel/nsproxy.c setns: `if (proc_ns_file(f))`, the type against nstype): a
 *  user namespace file takes CLONE_NEWUSER or 0 and leaves the time namespaces as they are (the nsset's nsproxy is a
 *  copy of the caller's); a time namespace file's type is checked by the caller; any other file is EINVAL (neither
 *  proc_ns_file nor pidfd_pid: a /proc/PID directory, whose f_op is not pidfd_fops, or another /proc file). */
function nsFileTarget(k: KernelContext, t: string, f: OpenFile, name: string, nstype: number): { nsId: string; joinUser: string | null } {
  if (f.kind === 'ns' && f.user) {
    if (nstype !== 0 && nstype !== CF.CLONE_NEWUSER) k.fail('EINVAL', `nstype ${flagNames(nstype)} does not match a user namespace file`);
    return { nsId: np(k, task(k, t).nsproxy).time_ns, joinUser: f.user };
  }
  if (f.kind === 'ns') return { nsId: f.ns!, joinUser: null };
  return k.fail('EINVAL', `${name} (${f.path}) is neither a namespace file nor a pidfd`);
}

/** setns(2); `sigkill`: SIGKILL arrives while vdso_join_timens waits for the mmap lock (the caller dies after). */
export function setns(k: KernelContext, t: string, target: NsTarget, nstype: number, sigkill = false): OpResult {
  const enter = k.r.n - 1;
  let nsId: string;
  let viaPidfd = false;
  let joinUser: string | null = null;
  let pidfdTask: string | null = null;
  if ('path' in target) {
    // a program opens the path for the call (O_RDONLY) and closes it after: open's errors (ENOENT, the namespace
    // link's ptrace check), then setns on that file as on an fd (a user namespace file, or EINVAL for a file that is
    // no namespace file)
    ({ nsId, joinUser } = nsFileTarget(k, t, openFile(k, t, target.path, 'r'), target.path, nstype));
  } else if ('fd' in target) {
    const fd = ownFd(k, t, target.fd);
    if (!fd) k.fail('EBADF', `${target.fd} is not an open file of ${t}`);
    if (fd.kind === 'pidfd') {
      if (!k.sw.pidfdSetns) noPidfdSetns(k, target.fd);
      viaPidfd = true;
      pidfdTask = fd.task!;
      const to = pidfdTarget(k, t, fd.task!, nstype);
      nsId = to.time;
      if (nstype & CF.CLONE_NEWUSER) joinUser = to.user;
    } else {
      ({ nsId, joinUser } = nsFileTarget(k, t, fd, target.fd, nstype));
    }
  } else {
    viaPidfd = true;
    const fd = ownFd(k, t, target.pidfd);
    const who = fd && fd.kind === 'pidfd' ? fd.task! : target.pidfd;
    // an fd that is no pidfd is a bad one; a name that is neither an fd nor a task is a task whose creating line
    // failed: pidfd_open finds no pid for it (ESRCH), as for pidfd_open(TASK) itself
    if (fd && !k.tasks.has(who)) k.fail('EBADF', `${target.pidfd} is no pidfd`);
    if (who === target.pidfd) pidfdOpen(k, who);
    if (!k.sw.pidfdSetns) noPidfdSetns(k, target.pidfd);
    pidfdTask = who;
    const to = pidfdTarget(k, t, who, nstype);
    nsId = to.time;
    if (nstype & CF.CLONE_NEWUSER) joinUser = to.user;
  }
  const userFile = !viaPidfd && joinUser !== null;
  if (!viaPidfd && !userFile && nstype !== 0 && nstype !== CF.CLONE_NEWTIME) k.fail('EINVAL', `nstype ${flagNames(nstype)} does not match a time namespace file`);
  const me = task(k, t);
  const old = np(k, me.nsproxy);
  // prepare_nsset: a private copy of the caller's nsproxy, which timens_install then points at the target.
  const newNp = k.fn('prepare_nsset', () => k.fn('create_new_namespaces', () => {
    const id = newNsproxy(k, old.time_ns, old.time_ns_for_children);
    k.state(k.txt`${id}: private copy of ${me.nsproxy} for the nsset`);
    return id;
  }, (v) => k.txt`create_new_namespaces returns ${v}`));
  // A pidfd with CLONE_NEWUSER|CLONE_NEWTIME: the user namespace is validated first, then the time namespace,
  // each against the caller's current creds; nothing changes unless both pass (validate_nsset, commit_nsset).
  const joinTime = viaPidfd ? (nstype & CF.CLONE_NEWTIME) !== 0 : !userFile;
  let owners: NsOwners | null = null;
  try {
    k.fn(viaPidfd ? 'validate_nsset' : 'validate_ns', () => {
      if (joinUser) usernsInstall(k, t, joinUser);
      if (pidfdTask) owners = installOtherNamespaces(k, t, pidfdTask, nstype, joinUser ?? me.userNs);
      if (joinTime) k.fn('timens_install', () => timensInstall(k, t, me, nsId, newNp, old, enter, joinUser ?? me.userNs, sigkill));
    });
  } catch (e) {
    if (e instanceof KErr) k.fn('put_nsset', () => freeNsproxy(k, newNp));
    throw e;
  }
  k.fn('commit_nsset', () => {
    if (joinUser) commitNewUser(k, t, joinUser);
    if (joinTime && k.sw.commitNsset) timensCommit(k, t, nsId, enter, undefined, sigkill);
    if (owners) k.r.set(k.tasks, t, '_nsOwners', owners);
    switchTaskNamespaces(k, t, newNp);
  });
  return { ret: 0, errno: null, signal: null };
}

/** exec_task_namespaces (6.2+): an exec'ing task moves into its time_ns_for_children. */
export function execTaskNamespaces(k: KernelContext, t: string, cause: number): void {
  k.fn('exec_task_namespaces', () => {
    const p = np(k, task(k, t).nsproxy);
    if (p.time_ns === p.time_ns_for_children) {
      k.state(k.txt`time_ns == time_ns_for_children: nothing to switch`);
      return;
    }
    const newNp = k.fn('create_new_namespaces', () => newNsproxy(k, p.time_ns, p.time_ns_for_children), (v) => k.txt`create_new_namespaces returns ${v}`);
    timensOnFork(k, t, newNp, cause, true);
    switchTaskNamespaces(k, t, newNp);
  });
}
