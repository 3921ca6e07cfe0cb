// A task ends (kernel/exit.c): exit of one thread, exit_group of the whole group, and do_exit, which drops the mm,
// the files and the namespaces; the task is reaped at once (its parent is taken to be waiting).

import type { OpResult } from '../api';
import { task, type KernelContext } from './context';
import { releaseVfork } from './fork';
import { dropMm } from './mm/mm';
import { switchTaskNamespaces } from './nsproxy';
import { exitFiles } from './files';

export function exit(k: KernelContext, t: string, code: number): OpResult {
  const me = task(k, t);
  if (me.leader !== t) {
    // pthread_exit: only this thread (sys_exit); exit_group from the leader takes the whole group.
    doExit(k, t, `exit(${code})`);
    return { ret: null, errno: null, signal: null };
  }
  doGroupExit(k, t, 'killed by exit_group', `exit_group(${code})`);
  return { ret: null, errno: null, signal: null };
}

function doGroupExit(k: KernelContext, t: string, others: string, self: string, summary?: number): void {
  k.fn('do_group_exit', () => {
    for (const v of k.memo.threadsOf(t).filter((x) => x !== t)) doExit(k, v, others);
    doExit(k, t, self);
  }, undefined, summary);
}

/** A fatal signal (SIGKILL) acted on at the return to user space: every thread of the group exits
 *  (get_signal → do_group_exit); `res` keeps the kernel's own return for the trace, with no user-visible value. */
export function killGroup(k: KernelContext, t: string, signal: string, res: OpResult): OpResult {
  doGroupExit(k, t, `killed by ${signal}`, `killed by ${signal}`, k.txt`get_signal: ${signal} is fatal, ${t}'s thread group exits`);
  return { ret: null, errno: res.errno, signal };
}

export function doExit(k: KernelContext, t: string, why: string): void {
  k.fn('do_exit', () => {
    const me = task(k, t);
    // PF_EXITING: from here on the task is no longer running; its mm and namespaces are torn down below.
    k.r.set(k.tasks, t, 'state', 'exited');
    k.memo.taskExited(me);
    k.state(k.txt`${t} is exiting (${why})`);
    k.fn('exit_mm', () => {
      if (!me.mm) return;
      releaseVfork(k, t);
      dropMm(k, t, me.mm);
      k.r.set(k.tasks, t, 'mm', null);
    });
    exitFiles(k, t);
    k.fn('exit_task_namespaces', () => switchTaskNamespaces(k, t, null));
    k.fn('release_task', () => k.state(k.txt`${t} reaped`));
  }, undefined, k.txt`do_exit(${t})`);
}
