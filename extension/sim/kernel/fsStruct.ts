// Which tasks share a struct fs_struct (fs/fs_struct.c): kernel/fork.c copy_fs shares the creator's with CLONE_FS
// (glibc's pthread_create passes it; a clone3 CLONE_THREAD without it gets a copy) and unshare_fs gives the caller
// a copy. The model keeps no root or cwd, only who shares: mntns_install and userns_install refuse fs->users != 1.

import { fsOf, type TaskRec } from '../store/records';
import { CLONE_FLAGS as CF } from '../types';
import { task, type KernelContext } from './context';

/** copy_fs for a new task: with CLONE_FS the creator's fs_struct (fs->users + 1), else a copy of its own. */
export function fsForChild(parent: TaskRec, flags: number): string | undefined {
  return flags & CF.CLONE_FS ? fsOf(parent) : undefined;
}

/** fs->users: the live tasks on t's fs_struct (exit_fs in do_exit drops a task's, before it is a zombie). */
export function fsUsers(k: KernelContext, t: string): number {
  return k.memo.fsUserCount(fsOf(task(k, t)));
}

/** unshare_fs and its commit in ksys_unshare: with CLONE_FS (which CLONE_NEWNS and CLONE_NEWUSER imply) a caller
 *  whose fs_struct has other users gets a copy of its own; one with none keeps it ("fs->users == 1"). */
export function unshareFs(k: KernelContext, t: string, flags: number): void {
  if (!(flags & CF.CLONE_FS) || fsUsers(k, t) === 1) return;
  // a name no task has: the event that made it
  const copy = `${t}@${k.r.n}`;
  k.memo.fsChanged(fsOf(task(k, t)), copy);
  k.r.set(k.tasks, t, '_fs', copy);
  k.state(k.txt`unshare_fs: ${t} shared its fs_struct, it now has a copy of its own (copy_fs_struct)`);
}
