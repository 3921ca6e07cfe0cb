// execve (fs/exec.c, fs/binfmt_elf.c): de_thread, exec_mmap with a fresh mm, exec_task_namespaces (6.2+), the
// close-on-exec fds, the credentials and dumpable flag of the new image, and the vDSO's special mappings set up
// again by the ELF loader.

import type { OpResult } from '../api';
import { SIGNALS } from '../types';
import { mm, task, type KernelContext } from './context';
import { doExit } from './exit';
import { releaseVfork } from './fork';
import { addMmUser, dropMm, installCompatMappings, installSpecialMappings, newMm } from './mm/mm';
import { execTaskNamespaces } from './nsproxy';
import { execCreds } from './setid';
import { execUnshareSighand } from './sighand';
import { fdsDelete, fdsItems } from '../store/fdtable';
import { fdsOf, fput, setFds, unshareFiles } from './files';

/** `compat`: a 32-bit image (compat_binfmt_elf's load_elf_binary: compat_elf_check_arch, COMPAT_SET_PERSONALITY), the
 *  ABI of k.modules.compat: arm64's AArch32 or x86_64's ia32. */
export function execve(k: KernelContext, t: string, path: string, compat = false): OpResult {
  const enter = k.r.n - 1;
  if (!path) k.fail('ENOENT', 'empty path');
  const abi = k.modules.compat;
  if (compat && !k.sw.compatTasks) {
    // the parser refuses it with the same words; a run on another profile (CLI, a comparison) still gets here
    k.ev('error', k.txt`an AArch32 (compat) image is modelled only on arm64 from 5.9; ${k.profile.arch} ${k.profile.kernel} is not: the exec did not run`);
    return { ret: null, errno: null, signal: null };
  }
  return k.fn('do_execveat_common', () => k.fn('bprm_execve', () => k.fn('load_elf_binary', () => {
    // search_binary_handler: every binfmt's check fails before the point of no return, so the old image stays
    const refused = compat ? abi.refused(k) : null;
    if (refused) k.fail('ENOEXEC', refused);
    k.fn('begin_new_exec', () => {
      k.fn('de_thread', () => deThread(k, t));
      // "Ensure the files table is not shared": a CLONE_FILES sibling keeps the old table, and with it the O_CLOEXEC
      // fds. Here since "exec: Move unshare_files to fix posix file locking during exec" (5.11 by our reading; before,
      // do_execveat_common unshared it before de_thread, which leaves the same fds: one model for all versions)
      unshareFiles(k, t, 'unshare_files');
      k.fn('exec_mmap', () => {
        const me = task(k, t);
        // bprm_mm_init → mm_alloc: mm->user_ns = current_user_ns()
        const fresh = newMm(k, false, me.userNs);
        addMmUser(k, t, fresh);
        k.r.set(k.tasks, t, 'mm', fresh);
        k.state(k.txt`${t} gets the new, still empty ${fresh}; [vvar] and [vdso] are mapped later by the ELF loader`);
        if (me.mm) {
          releaseVfork(k, t);
          dropMm(k, t, me.mm);
        }
      });
      execUnshareSighand(k, t);
      if (k.sw.execSwitchesToTfc) execTaskNamespaces(k, t, enter);
      // do_close_on_exec: pidfds and the fds NS_GET_USERNS/NS_GET_PARENT open are O_CLOEXEC
      const fds = fdsItems(fdsOf(k, t));
      const cloexec = Object.keys(fds).filter((n) => fds[n]._cloexec);
      if (cloexec.length) {
        k.fn('do_close_on_exec', () => {
          let table = fdsOf(k, t);
          for (const n of cloexec) table = fdsDelete(table, n);
          setFds(k, t, table);
          for (const n of cloexec) fput(k, fds[n].file, task(k, t).files!);
          k.state(k.txt`${t}: ${cloexec.join(', ')} closed (O_CLOEXEC)`);
        });
      }
      execCreds(k, t);
    });
    if (compat) {
      k.state(k.txt`${t}: the image is ${abi.name}: ${abi.personality}`);
      const setup = (i: number): void => {
        if (i < abi.setupPath.length) { k.fn(abi.setupPath[i], () => setup(i + 1)); return; }
        installCompatMappings(k, task(k, t).mm!);
        const m = mm(k, task(k, t).mm!);
        k.state(k.txt`${m.id}: ${m._vmas.map((id) => id.slice(id.indexOf('/') + 1)).join(', ')} installed (_install_special_mapping), PTEs empty`);
      };
      setup(0);
    } else {
      k.fn('arch_setup_additional_pages', () => {
        installSpecialMappings(k, task(k, t).mm!);
        const m = mm(k, task(k, t).mm!);
        k.state(k.txt`${m.id}: ${k.layout.vmas.map((v) => `${v.name} ${v.pages} page${v.pages > 1 ? 's' : ''}`).join(', ')} installed (_install_special_mapping), PTEs empty`);
      });
    }
    return { ret: 0, errno: null, signal: null };
  })));
}

/** de_thread: the other threads are killed; a thread that execs takes over the leader's pid and start time. */
function deThread(k: KernelContext, t: string): void {
  const me = task(k, t);
  for (const o of k.memo.threadsOf(t).filter((x) => x !== t)) doExit(k, o, 'killed by de_thread');
  execResetsChildren(k, t);
  if (me.leader !== t) {
    const old = task(k, me.leader);
    const oldLeader = me.leader;
    for (const member of k.memo.threadsOf(t)) {
      k.r.set(k.tasks, member, 'leader', t);
      k.memo.leaderChanged(member, oldLeader, t);
    }
    k.r.set(k.tasks, t, 'pid', old.pid);
    k.memo.pidChanged(t, me.pid, old.pid);
    k.r.set(k.tasks, t, 'leader', t);
    k.r.set(k.tasks, t, 'parent', old.parent);
    // "When we take on its identity by switching to its PID, we also take its birthdate" (fs/exec.c de_thread:
    // tsk->start_boottime = leader->start_boottime), so /proc/PID/stat's starttime stays the process's
    k.r.set(k.tasks, t, 'startBoottime', old.startBoottime);
    k.state(k.txt`${t} takes over the thread-group leader's pid ${old.pid} and start time ${old.startBoottime}`);
    swapPidHolders(k, t, oldLeader);
  }
}

/**
 * "we have changed execution domain": de_thread gives the exec'ing task (the group's leader from now on) the exit
 * signal SIGCHLD, and begin_new_exec moves its self_exec_id on, so a child it made before, whose parent_exec_id is the
 * old one, notifies it with SIGCHLD whatever its own exit_signal (do_notify_parent, kernel/signal.c). The model keeps
 * no exec ids: it gives those children SIGCHLD as their exit signal here (our choice; what a wait with __WCLONE would
 * tell apart, the model has no operation for). The threads of a process share one self_exec_id (an exec kills the
 * others, a new thread copies its creator's), so the children of every thread of the group count.
 */
function execResetsChildren(k: KernelContext, t: string): void {
  const me = task(k, t);
  const reset = (id: string): void => {
    k.r.set(k.tasks, id, 'exitSignal', SIGNALS.SIGCHLD);
    k.memo.exitSignalReset(id);
  };
  if (me.exitSignal !== SIGNALS.SIGCHLD) reset(t);
  for (const c of k.memo.oddExitSignals()) {
    const child = task(k, c);
    const parent = child.parent === null ? undefined : k.tasks.get(child.parent);
    if (child.leader !== c || parent?.tgid !== me.tgid) continue;
    reset(c);
    k.state(k.txt`${c} was made before ${t}'s exec: its exit will notify with SIGCHLD (parent_exec_id differs)`);
  }
}

/**
 * exchange_tids and transfer_pid (fs/exec.c de_thread, kernel/pid.c): the struct pid of the leader's tgid is the
 * exec'ing thread's now, and the thread's own old tid goes to the old leader, which is released. What holds a struct
 * pid follows it: a /proc/PID file (proc_inode's pid) or a pidfd opened on the leader reaches the exec'd thread,
 * one opened on the thread's tid reaches no task any more (ESRCH). Namespace files hold their namespace, not a pid.
 * Fuzz seed 8307 on arm64 6.17: an lseek of a thread's timens_offsets fd after its exec was ESRCH (the model: ok).
 */
function swapPidHolders(k: KernelContext, t: string, oldLeader: string): void {
  for (const id of k.memo.filesNamingTasks([t, oldLeader])) {
    const f = k.openFiles.get(id);
    if (!f || f.kind === 'ns' || (f.task !== t && f.task !== oldLeader)) continue;
    const moved = f.task === t ? oldLeader : t;
    k.r.set(k.openFiles, id, 'task', moved);
    k.memo.fileNamed({ ...f, task: moved });
  }
}
