// The owners of a task's other namespaces (mount, UTS, IPC, cgroup, network): the model has none of their
// contents, only the user namespace each belongs to, which decides whether setns through a pidfd may join them.

import type { TaskRec } from '../store/records';
import { CLONE_FLAGS as CF } from '../types';
import { task, type KernelContext } from './context';
import { capCheck } from './cred';
import { fsUsers } from './fsStruct';

export type OtherNs = 'mnt' | 'uts' | 'ipc' | 'cgroup' | 'net';
export type NsOwners = Readonly<Partial<Record<OtherNs, string>>>;

/** In validate_nsset's order (kernel/nsproxy.c: user, mnt, uts, ipc, pid, cgroup, net, time), each with the
 *  install function that checks it. The pid namespace is left out: the model has only the initial one. */
const OTHER_NS: readonly (readonly [number, OtherNs, string])[] = [
  [CF.CLONE_NEWNS, 'mnt', 'mntns_install'],
  [CF.CLONE_NEWUTS, 'uts', 'utsns_install'],
  [CF.CLONE_NEWIPC, 'ipc', 'ipcns_install'],
  [CF.CLONE_NEWCGROUP, 'cgroup', 'cgroupns_install'],
  [CF.CLONE_NEWNET, 'net', 'netns_install'],
];

/** The user namespace that owns t's namespace of this type: the initial one until t (or an ancestor) made its own. */
export function nsOwner(t: TaskRec, type: OtherNs): string {
  return t._nsOwners?.[type] ?? 'user#0';
}

/** create_new_namespaces with these CLONE_NEW* flags: each new namespace is owned by `userNs`, the creds' user
 *  namespace (after a CLONE_NEWUSER in the same call, the new one). Sets the task's owners; nothing when no flag. */
export function ownNewNamespaces(k: KernelContext, t: string, flags: number, userNs: string): void {
  const made = OTHER_NS.filter(([flag]) => flags & flag);
  if (!made.length) return;
  const owners: Partial<Record<OtherNs, string>> = { ...task(k, t)._nsOwners };
  for (const [, type] of made) owners[type] = userNs;
  k.r.set(k.tasks, t, '_nsOwners', owners);
}

/** validate_nsset for the other types of a pidfd setns: utsns_install, ipcns_install, cgroupns_install,
 *  netns_install and mntns_install each want CAP_SYS_ADMIN over the owner of the namespace joined and over the
 *  nsset's user namespace (mntns_install CAP_SYS_CHROOT there too), with the caller's current creds (ns_capable).
 *  mntns_install then refuses a shared fs_struct, `if (fs->users != 1) return -EINVAL;` (fs/namespace.c), and the
 *  nsset's fs is the caller's own only for flags == CLONE_NEWNS; with other flags it is a copy (prepare_nsset,
 *  kernel/nsproxy.c), whose one user passes. From 7.3 the test is `current->fs->users`, the caller's own whatever
 *  the flags (profile.ts mntnsInstallCallerFs). pidns_install (kernel/pid_namespace.c) wants CAP_SYS_ADMIN over the
 *  owner of the pid namespace (the model has only the initial one, user#0's) and in the nsset's user namespace; it
 *  changes only pid_ns_for_children, which the model does not have. Returns the owners to commit. */
export function installOtherNamespaces(k: KernelContext, t: string, target: string, nstype: number, credUserNs: string): NsOwners | null {
  const joined = OTHER_NS.filter(([flag]) => nstype & flag);
  if (!joined.length && !(nstype & CF.CLONE_NEWPID)) return null;
  const me = task(k, t);
  const from = task(k, target);
  const owners: Partial<Record<OtherNs, string>> = { ...me._nsOwners };
  const install = (fn: string, owner: string, what: string): void => k.fn(fn, () => {
    if (!capCheck(k, 'ns_capable', me, owner, 'CAP_SYS_ADMIN')) k.fail('EPERM', `${t} lacks CAP_SYS_ADMIN over ${owner}, the owner of ${what}`);
    if (!capCheck(k, 'ns_capable', me, credUserNs, 'CAP_SYS_ADMIN')) k.fail('EPERM', `${t} lacks CAP_SYS_ADMIN in ${credUserNs}`);
    // the tasks made with CLONE_FS share it (pthread_create's threads; a clone3 CLONE_THREAD without it does not)
    if (fn === 'mntns_install' && (nstype === CF.CLONE_NEWNS || k.sw.mntnsInstallCallerFs)) {
      const users = fsUsers(k, t);
      if (users > 1) k.fail('EINVAL', `${t} shares its fs_struct with ${users - 1} other task(s): "if (${k.sw.mntnsInstallCallerFs ? 'current->fs' : 'fs'}->users != 1) return -EINVAL;"`);
    }
  });
  let pidDone = !(nstype & CF.CLONE_NEWPID);
  for (const [flag, type, fn] of joined) {
    // validate_nsset's order: pid comes after ipc, before cgroup and net
    if (!pidDone && (flag === CF.CLONE_NEWCGROUP || flag === CF.CLONE_NEWNET)) { install('pidns_install', 'user#0', 'the initial pid namespace'); pidDone = true; }
    const owner = nsOwner(from, type);
    install(fn, owner, `${target}'s ${type} namespace`);
    owners[type] = owner;
  }
  if (!pidDone) install('pidns_install', 'user#0', 'the initial pid namespace');
  return owners;
}
