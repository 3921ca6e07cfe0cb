// Who may open a /proc inode for writing: its owner (task_dump_owner for /proc/PID files, root for the rest) and
// generic_permission's mode bits, with CAP_DAC_OVERRIDE as capable_wrt_inode_uidgid grants it (fs/namei.c).

import type { TaskRec } from '../../store/records';
import { mm, task, user, type KernelContext } from '../context';
import { hasMapping, makeKid } from '../cred';

export interface ProcInode {
  readonly uid: number;
  readonly gid: number;
  /** The permission bits (0644, 0444). */
  readonly mode: number;
}

/** task_dump_owner (fs/proc/base.c): the euid and egid, or for a non-dumpable task root of its mm's user
 *  namespace (`uid = make_kuid(mm->user_ns, 0); if (!uid_valid(uid)) uid = GLOBAL_ROOT_UID;`, the same for gid). */
export function taskInode(k: KernelContext, target: TaskRec, mode: number): ProcInode {
  if (target.dumpable || !target.mm) return { uid: target.euid, gid: target._egid, mode };
  const owner = user(k, mm(k, target.mm)._userNs);
  return { uid: makeKid(owner, 'uid', 0) ?? 0, gid: makeKid(owner, 'gid', 0) ?? 0, mode };
}

/** A procfs entry that is not per task (/proc/uptime, /proc/stat): GLOBAL_ROOT_UID and GLOBAL_ROOT_GID. */
export const rootInode = (mode: number): ProcInode => ({ uid: 0, gid: 0, mode });

/**
 * generic_permission for MAY_WRITE (the model's fsuid is its euid, fsgid its egid; supplementary groups are not
 * modelled): the owner's, the group's or the others' write bit, else capable_wrt_inode_uidgid(CAP_DAC_OVERRIDE):
 * the capability in the caller's own user namespace (ns_capable(current_user_ns(), …)) and the inode's uid and
 * gid both mapped there (privileged_wrt_inode_uidgid). So root of a child user namespace whose maps cover the
 * owner may write a file it does not own, and one whose maps do not may not.
 */
export function mayWrite(k: KernelContext, t: string, inode: ProcInode): boolean {
  const me = task(k, t);
  const bits = me.euid === inode.uid ? inode.mode >> 6 : me._egid === inode.gid ? inode.mode >> 3 : inode.mode;
  if (bits & 2) return true;
  const u = user(k, me.userNs);
  return me.fullCaps && hasMapping(u, 'uid', inode.uid) && hasMapping(u, 'gid', inode.gid);
}
