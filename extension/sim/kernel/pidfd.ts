// pidfd_open(2) (kernel/pid.c; pidfd_prepare in kernel/fork.c): a pidfd names a task, and setns takes one to
// join that task's namespaces. PIDFD_THREAD (6.9) opens one for a thread that is not its group's leader.

import type { OpResult } from '../api';
import { PIDFD_FLAGS } from '../ops';
import { task, type KernelContext } from './context';
import { fdInstall } from './files';

/** The checks of pidfd_open on the task (find_get_pid, pidfd_prepare); a failure is the call's errno. */
export function pidfdOpenChecks(k: KernelContext, who: string, flags: number): void {
  const known = PIDFD_FLAGS.PIDFD_NONBLOCK | (k.sw.pidfdThread ? PIDFD_FLAGS.PIDFD_THREAD : 0);
  // if (flags & ~(PIDFD_NONBLOCK | PIDFD_THREAD)) return -EINVAL;   (PIDFD_THREAD only from 6.9)
  if (flags & ~known) k.fail('EINVAL', `pidfd_open: flags 0x${flags.toString(16)} unknown to this kernel${flags & PIDFD_FLAGS.PIDFD_THREAD && !k.sw.pidfdThread ? ' (PIDFD_THREAD is 6.9+)' : ''}`);
  const target = k.tasks.get(who);
  // p = find_get_pid(pid); if (!p) return -ESRCH;   (a name whose creating line failed has no pid: no task has it)
  if (!target) k.fail('ESRCH', `pidfd_open: ${who} is no task (its creating line failed or never ran), find_get_pid finds nothing`);
  if (target.state === 'exited') k.fail('ESRCH', `pidfd_open: ${who} has exited and been reaped, find_get_pid finds nothing`);
  if (target.leader !== target.id && !(flags & PIDFD_FLAGS.PIDFD_THREAD)) {
    k.fail(k.sw.pidfdNonLeader, k.sw.pidfdNonLeader === 'ENOENT'
      ? `pidfd_open: ${who} is not a thread-group leader, !pid_has_task(pid, PIDTYPE_TGID) without PIDFD_THREAD (6.16+)`
      : `pidfd_open: ${who} is not a thread-group leader, pidfd_prepare refuses it (EINVAL before 6.16)`);
  }
}

/** pidfd_open(TASK, flags) = fdName (pidfd_create: always O_CLOEXEC). */
export function pidfdOpen(k: KernelContext, t: string, who: string, flags: number, fdName: string): OpResult {
  return k.fn('pidfd_open', () => {
    pidfdOpenChecks(k, who, flags);
    const me = task(k, t);
    const n = fdInstall(k, t, fdName, { path: `pidfd:${who}`, kind: 'pidfd', ns: null, task: who, pos: 0, openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: 'rw' }, true);
    k.state(k.txt`${t}:${fdName} = pidfd of ${who}${flags & PIDFD_FLAGS.PIDFD_THREAD ? ' (PIDFD_THREAD)' : ''}`);
    return { ret: n, errno: null, signal: null };
  });
}
