// Which tasks share a struct sighand_struct: kernel/fork.c copy_sighand shares the creator's with CLONE_SIGHAND (every
// thread, and a legacy clone(CLONE_VM|CLONE_SIGHAND) process), exec gives a sharer one of its own (fs/exec.c
// unshare_sighand), and check_unshare_flags refuses CLONE_SIGHAND or CLONE_VM while sighand->count > 1.

import { sighandOf, type TaskRec } from '../store/records';
import { CLONE_FLAGS as CF } from '../types';
import { task, type KernelContext } from './context';

/** copy_sighand for a new task: with CLONE_SIGHAND the creator's (refcount_inc), else a copy of its own. */
export function sighandForChild(parent: TaskRec, flags: number): string | undefined {
  return flags & CF.CLONE_SIGHAND ? sighandOf(parent) : undefined;
}

/** sighand->count: the live tasks on t's sighand_struct. The model reaps at exit (exit.ts), where the kernel drops
 *  a task's reference in release_task (__exit_signal → __cleanup_sighand): the same moment for a reaped task. */
export function sighandUsers(k: KernelContext, t: string): number {
  return k.memo.sighandUserCount(sighandOf(task(k, t)));
}

/** unshare_sighand in begin_new_exec (de_thread's own tail until 5.7's 021691559245 "exec: Factor unshare_sighand out
 *  of de_thread and call it separately", of the exec_update_mutex series: the same step either way), after the other
 *  threads are gone: a sighand_struct other processes still use is copied ("refcount_read(&oldsighand->count) != 1"). */
export function execUnshareSighand(k: KernelContext, t: string): void {
  if (sighandUsers(k, t) === 1) return;
  k.fn('unshare_sighand', () => {
    // a name no task has: the event that made it
    const copy = `${t}@${k.r.n}`;
    k.memo.sighandChanged(sighandOf(task(k, t)), copy);
    k.r.set(k.tasks, t, '_sighand', copy);
    k.state(k.txt`${t} shared its sighand_struct with another process: it now has a copy of its own`);
  });
}
