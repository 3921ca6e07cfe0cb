// User namespace files and the namespace ioctls (fs/nsfs.c ns_ioctl, open_related_ns, ns_get_owner;
// kernel/user_namespace.c userns_owner, userns_get_parent; kernel/time/namespace.c timens_owner): /proc/PID/ns/user,
// NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE and NS_GET_OWNER_UID on the namespace fds the model has.

import type { OpResult } from '../api';
import type { NsIoctl } from '../ops';
import { fdsLowestFree } from '../store/fdtable';
import type { OpenFile } from '../store/records';
import { CLONE_FLAGS as CF } from '../types';
import { mm, ns, task, user, type KernelContext } from './context';
import { fromKid, OVERFLOW_ID, ptraceMayAccess } from './cred';
import { fdInstall, fdsOf, ownFd } from './files';

/** The link text of a user namespace file: `user:[inum]` (ns_common.inum; the initial one is 4026531837). */
export function userNsLink(k: KernelContext, userNs: string): string {
  return `user:[${user(k, userNs)._inum}]`;
}

/** The link resolves first (proc_ns_get_link: EACCES without ptrace access); then may_open → inode_permission refuses
 *  any write access to the nsfs inode, S_IMMUTABLE since __ns_get_path made it (fs/nsfs.c "inode->i_flags |=
 *  S_IMMUTABLE"; fs/namei.c inode_permission: "Nobody gets write access to an immutable file." → -EPERM), even
 *  to CAP_DAC_OVERRIDE. */
export function nsfsWriteRefused(k: KernelContext, path: string): never {
  return k.fn('inode_permission', () => k.fail('EPERM', `${path}: the nsfs inode is S_IMMUTABLE, so nobody may open it for writing`));
}

/** proc_ns_get_link for ns/user: ptrace read access to the task (PTRACE_MODE_READ_FSCREDS), else EACCES. */
export function openUserNsFile(k: KernelContext, t: string, target: string, path: string, mode: 'r' | 'w' | 'rw'): OpenFile {
  const me = task(k, t);
  const userNs = k.fn('proc_ns_get_link', () => {
    if (!ptraceMayAccess(k, me, task(k, target))) k.fail('EACCES', `${t} has no ptrace read access to ${target}`);
    return task(k, target).userNs;
  }, (v) => k.txt`→ ${v}`);
  if (mode !== 'r') nsfsWriteRefused(k, path);
  return { path, kind: 'ns', ns: null, user: userNs, task: target, pos: 0, openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: mode };
}

/** ns_get_owner: the owner must be the caller's user namespace or one of its descendants, else EPERM. */
function nsGetOwner(k: KernelContext, t: string, owner: string | null, what: string): string {
  const mine = task(k, t).userNs;
  for (let p = owner; ; p = user(k, p).parent) {
    if (p === null) k.fail('EPERM', `${what}${owner ? `, ${owner},` : ' (none: the initial user namespace has no parent)'} is not ${mine} nor below it: ns_get_owner refuses it`);
    if (p === mine) return owner!;
  }
}

/**
 * pidfd_ioctl of 6.11-6.12 (kernel/pid.c, then fs/pidfs.c) checks before it looks at the command: "if (arg) return
 * -EINVAL;" (NS_GET_OWNER_UID passes a pointer), the task and its nsproxy (-ESRCH), and "if
 * (!ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS)) return -EACCES;"; an unknown command (every NS_GET_*)
 * then falls to -ENOIOCTLCMD (ENOTTY). From 8ce352818820 (6.14, 6.13 stable) the command is checked first.
 */
function pidfdIoctlPrologue(k: KernelContext, t: string, fd: OpenFile, request: NsIoctl): void {
  if (request === 'NS_GET_OWNER_UID') k.fail('EINVAL', 'pidfd_ioctl refuses any argument ("if (arg) return -EINVAL;"), and NS_GET_OWNER_UID passes a pointer');
  const target = fd.task ? task(k, fd.task) : undefined;
  if (!target || target.state === 'exited') k.fail('ESRCH', `${fd.task ?? 'the task'} has exited: get_pid_task finds no task, or it has no nsproxy`);
  if (!ptraceMayAccess(k, task(k, t), target)) k.fail('EACCES', `${t} has no ptrace read access to ${fd.task} (PTRACE_MODE_READ_FSCREDS), checked before the command`);
}

/** ioctl(fd, NS_GET_*) (fs/nsfs.c ns_ioctl). NS_GET_USERNS and NS_GET_PARENT return a new fd, named `newFd`. */
export function nsIoctl(k: KernelContext, t: string, fdName: string, request: NsIoctl, newFd: string): OpResult {
  const fd = ownFd(k, t, fdName);
  if (!fd) k.fail('EBADF', `${fdName} is not an open file of ${t}`);
  // vfs_ioctl: a file without an unlocked_ioctl (the /proc files, a /proc/PID directory) gives -ENOTTY
  if (fd.kind === 'pidfd' && k.sw.pidfdIoctlArgEinval) pidfdIoctlPrologue(k, t, fd, request);
  if (fd.kind !== 'ns') k.fail('ENOTTY', `${fd.path} is not a namespace file: no NS_GET_* ioctl`);
  const me = task(k, t);
  if (!k.sw.nsfsCompatIoctl && me.mm && mm(k, me.mm)._compat) k.fail('ENOTTY', `${t} is an AArch32 task and namespace files have no compat_ioctl before 6.3 (compat_sys_ioctl)`);
  return k.fn('ns_ioctl', () => {
    const isUser = fd.user !== undefined;
    const nsName = isUser ? fd.user! : fd.ns!;
    switch (request) {
      case 'NS_GET_NSTYPE':
        // return ns->ops->type;
        return { ret: isUser ? CF.CLONE_NEWUSER : CF.CLONE_NEWTIME, errno: null, signal: null };
      case 'NS_GET_OWNER_UID': {
        // if (ns->ops->type != CLONE_NEWUSER) return -EINVAL; uid = from_kuid_munged(current_user_ns(), user_ns->owner);
        if (!isUser) k.fail('EINVAL', `${nsName} is not a user namespace`);
        const u = user(k, nsName);
        const uid = fromKid(user(k, task(k, t).userNs), 'uid', u.ownerUid) ?? OVERFLOW_ID;
        return { ret: 0, errno: null, signal: null, text: String(uid) };
      }
      case 'NS_GET_PARENT':
        // if (!ns->ops->get_parent) return -EINVAL;  (time_ns_operations has none; a user ns's is ns_get_owner)
        if (!isUser) k.fail('EINVAL', `${nsName} is a time namespace: time_ns_operations has no get_parent`);
        return openRelated(k, t, nsGetOwner(k, t, user(k, nsName).parent, `the parent of ${nsName}`), newFd);
      case 'NS_GET_USERNS': {
        // open_related_ns(ns, ns_get_owner): a user ns's owner is its parent (userns_owner), a time ns's its user_ns
        const owner = isUser ? user(k, nsName).parent : ns(k, nsName).userNs;
        return openRelated(k, t, nsGetOwner(k, t, owner, `the owner of ${nsName}`), newFd);
      }
    }
  });
}

/** open_related_ns: a new O_CLOEXEC fd of the related user namespace (unnamed when the line names none: not kept). */
function openRelated(k: KernelContext, t: string, userNs: string, newFd: string): OpResult {
  const me = task(k, t);
  const rec: OpenFile = { path: userNsLink(k, userNs), kind: 'ns', ns: null, user: userNs, task: null, pos: 0, openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: 'r' };
  if (!newFd) {
    k.state(k.txt`${t}: a new fd for ${userNs} (unnamed, not kept)`);
    return { ret: fdsLowestFree(fdsOf(k, t)), errno: null, signal: null, text: rec.path };
  }
  const n = fdInstall(k, t, newFd, rec, true);
  k.state(k.txt`${t}:${newFd} = ${rec.path} (${userNs})`);
  return { ret: n, errno: null, signal: null, text: rec.path };
}
