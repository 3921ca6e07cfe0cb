// Which tasks share a struct sighand_struct: kernel/fork.c copy_sighand shares the creator's with CLONE_SIGHAND (every
// thread, and a legacy clone(CLONE_VM|CLONE_SIGHAND) process), exec gives a sharer one of its own (fs/exec.c
// unshare_sighand), and check_unshare_flags refuses CLONE_SIGHAND or CLONE_VM while sighand->count > 1. And what a
// signal does to a task with no handler for it (kernel/signal.c), for the exit signal a child sends its parent.

import { sighandOf, type TaskRec } from '../store/records';
import { CLONE_FLAGS as CF, SIGNALS } from '../types';
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

/** The default action of each signal a child's exit can send (kernel/signal.c SIG_KERNEL_IGNORE_MASK and
 *  SIG_KERNEL_STOP_MASK; every other one ends the process, with a core dump or without). */
const IGNORED_BY_DEFAULT: ReadonlySet<number> = new Set([SIGNALS.SIGCHLD, 18 /* SIGCONT */, 23 /* SIGURG */, 28 /* SIGWINCH */]);
const STOPPING: ReadonlySet<number> = new Set([19 /* SIGSTOP */, 20 /* SIGTSTP */, 21 /* SIGTTIN */, 22 /* SIGTTOU */]);

/** Whether the model makes a child whose exit signal is `sig`: not one that would stop its parent (the model has no
 *  stopped tasks) nor glibc's own SIGCANCEL and SIGSETXID (32, 33), whose handlers a program has or not depending on
 *  what it did (our choice); the reason, or null. */
export function exitSignalRefused(sig: number): string | null {
  if (STOPPING.has(sig)) return `exit signal ${sig} would stop the parent when the child exits, and the model has no stopped tasks (our choice)`;
  if (sig === 32 || sig === 33) return `exit signal ${sig} is one of glibc's own (SIGCANCEL, SIGSETXID), whose handler a program has or not depending on what it did (our choice)`;
  return null;
}

/** Whether signal `sig`, sent to a task that has no handler for it, ends its process (0 and an invalid signal, such
 *  as a legacy clone's 0x80|SIGCHLD = 145, are not sent at all: valid_signal). */
export function endsProcessByDefault(sig: number): boolean {
  return sig > 0 && sig <= 64 && !IGNORED_BY_DEFAULT.has(sig) && !STOPPING.has(sig);
}
