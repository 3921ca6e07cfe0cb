// A task ends (kernel/exit.c): exit of one thread, exit_group of the whole group, and do_exit, which drops the mm,
// the files and the namespaces; the task is reaped at once (its parent is taken to be waiting).

import type { OpResult } from '../api';
import { SIGNALS } from '../types';
import { task, type KernelContext } from './context';
import { endsProcessByDefault } from './sighand';
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
  const leader = task(k, t).leader;
  k.fn('do_group_exit', () => {
    for (const v of k.memo.threadsOf(t).filter((x) => x !== t)) doExit(k, v, others);
    doExit(k, t, self);
  }, undefined, summary);
  notifyParent(k, leader);
}

/**
 * exit_notify → do_notify_parent (kernel/exit.c, kernel/signal.c, alike from 5.6 to 7.3): a thread-group leader whose
 * group is dead sends its exit_signal to its parent's thread group (PIDTYPE_TGID). A signal other than SIGCHLD whose
 * default action ends a process ends the parent's group, as for a program that does not handle it. 0, an invalid
 * signal (valid_signal: a legacy clone's 0x80|SIGCHLD is 145) and the ones ignored by default do nothing. The
 * parent is the creating thread, or another live thread of its group after it exited (forget_original_parent
 * keeps exit_signal for a reparent inside the group); once the whole group is gone the child's reaper gets SIGCHLD
 * (reparent_leader). A parent that exec'd after the child was made gets SIGCHLD (parent_exec_id), which the model
 * folds into the child's exit signal at that exec (exec.ts execResetsChildren).
 */
function notifyParent(k: KernelContext, leader: string): void {
  const me = task(k, leader);
  const sig = me.exitSignal;
  if (!endsProcessByDefault(sig) || !me.parent || !k.tasks.has(me.parent)) return;
  const group = k.memo.threadsOf(me.parent);
  if (!group.length) return;
  k.fn('do_notify_parent', () => {
    // a SIGBUS or SIGSEGV is no fault here: the programs' fault handler (docs/model-tasks.md#signals) passes it on to
    // the default action, as verify's helper does (on_fault raises it again outside a touch)
    const name = Object.entries(SIGNALS).find(([, n]) => n === sig)?.[0] ?? `signal ${sig}`;
    k.state(k.txt`${leader}'s exit signal ${name} is delivered to ${group[0]!}'s thread group: its default action ends the process`);
    doGroupExit(k, group[0]!, `killed by ${name}`, `killed by ${name}`, k.txt`get_signal: ${name} is fatal, ${group[0]!}'s thread group exits`);
  });
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
