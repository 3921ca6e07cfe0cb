// The /proc files the model has (fs/proc/base.c, namespaces.c, uptime.c, stat.c; kernel/time/namespace.c for
// timens_offsets): /proc/PID/ns/time{,_for_children}, /proc/PID/timens_offsets (read and written), /proc/uptime,
// /proc/stat's btime, /proc/PID/stat's starttime (array.ts), pidfds from /proc/PID, and readlink of the namespace links.
// Any other path gets the kernel's ENOENT or ENOTDIR where names.ts can tell, else the line is refused.

import type { OpResult } from '../../api';
import { dataBytes, type FileRef } from '../../ops';
import { formatOffsets, parseOffsetsWrite } from '../../offsets';
import { btimeLoops, btimeText, KTIME_SEC_MAX, normaliseLoops, offsetFromParsed, offsetRange, offsetText } from '../../offset64';
import type { OpenFile } from '../../store/records';
import { fmtTs } from '../../types';
import { hostClocks, np, ns, task, type KernelContext } from '../context';
import { capCheck, ptraceMayAccess } from '../cred';
import { nsClock } from '../time/posix-timers';
import { refuse } from '../time/timekeeping';
import { ts, tsSub } from '../util';
import { updateFd, withFile } from './fd';
import { ID_FILES, idFileOpen, idFileRead, idFileWrite } from './idmap';
import { mayWrite, rootInode, taskInode, type ProcInode } from './inode';
import { isMapsFile, mapsOpen, mapsText } from './maps';
import { isTaskStatFile, taskStatText } from './array';
import { lookupVerdict, shownPath, taskPath, type PathVerdict, type PidDir } from './names';
import { nsfsWriteRefused, openUserNsFile, userNsLink } from '../nsfs';
import { isSysctlFile, isSysctlPath, sysctlExists, sysctlOpen, sysctlRead, sysctlWrite } from './sysctl';
import { seqReadIter, seqReadRecords } from './seq_file';

/** A task's directory opened with open(2): /proc/PID, /proc/thread-self or a thread's /proc/PID/task/TID. */
export function isProcDir(fd: OpenFile): boolean {
  return fd.kind === 'other' && fd.task !== null && taskPath(fd.path)?.rest === '';
}

export function isIdFile(fd: OpenFile): boolean {
  return fd.kind === 'other' && fd.task !== null && ID_FILES.includes(fd.path.slice(fd.path.lastIndexOf('/') + 1));
}

const utf8 = new TextEncoder();

/** The task a scenario's name or a number names (a pid or a thread's tid), if any. proc_pid_lookup and
 *  proc_task_lookup take a number through name_to_int (fs/proc/util.c), which refuses a leading '0' ("if (len > 1 &&
 *  *name == '0') goto out;"): /proc/01001 is no directory, ENOENT. */
function taskNamed(k: KernelContext, name: string): string | undefined {
  if (k.tasks.has(name)) return name;
  return /^(0|[1-9]\d*)$/.test(name) ? k.memo.taskByPid(Number(name)) : undefined;
}

/** Resolve '/proc/<who>/<rest>' and '/proc/<who>/task/<tid>/<rest>' to the task they name ('' when there is none),
 *  or null for other paths. */
function procTask(k: KernelContext, t: string, path: string): { task: string; rest: string; dir: PidDir } | null {
  const p = taskPath(path);
  if (!p) return null;
  const found = p.who === 'self' ? task(k, t).leader : p.who === 'thread-self' ? t : taskNamed(k, p.who);
  if (p.thread === undefined) return { task: found ?? '', rest: p.rest, dir: p.dir };
  // proc_task_lookup (fs/proc/base.c): the tid's task, when it is of the directory's thread group
  // ("if (!same_thread_group(leader, task)) goto out_drop_task"); self is no tid there (name_to_int fails)
  const thread = taskNamed(k, p.thread);
  const same = found !== undefined && thread !== undefined && task(k, thread).leader === task(k, found).leader;
  return { task: same ? thread : '', rest: p.rest, dir: p.dir };
}

/** Open a /proc/PID/ns/time{,_for_children} file: the namespace it stands for. */
export function resolveNsPath(k: KernelContext, t: string, path: string): string {
  return k.fn('proc_ns_get_link', () => {
    const p = procTask(k, t, path);
    if (!p || !p.task || !/^ns\/time(_for_children)?$/.test(p.rest)) k.fail('ENOENT', `${path} is not a time namespace file`);
    const target = task(k, p.task);
    if (target.state === 'exited') k.fail('ENOENT', `${p.task} has exited`);
    if (!k.sw.timeNamespaces) k.fail('ENOENT', 'no /proc/PID/ns/time* without CONFIG_TIME_NS');
    if (!ptraceMayAccess(k, task(k, t), target)) k.fail('EACCES', `${t} has no ptrace read access to ${p.task}`);
    const tp = np(k, target.nsproxy);
    return p.rest === 'ns/time' ? tp.time_ns : tp.time_ns_for_children;
  }, (v) => k.txt`→ ${v}`);
}

function ownedText(path: string, inode: ProcInode, t: string, euid: number, why: string): string {
  return `${path} is owned by uid ${inode.uid} gid ${inode.gid}${why}, mode 0644; ${t} (euid ${euid}) may not open it for writing: no CAP_DAC_OVERRIDE in its user namespace over that owner`;
}

export function openFile(k: KernelContext, t: string, path: string, mode: 'r' | 'w' | 'rw'): OpenFile {
  const me = task(k, t);
  const opener = { openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: mode };
  if (path === '/proc/uptime' || path === '/proc/stat') {
    if (mode !== 'r' && !mayWrite(k, t, rootInode(0o444))) k.fail('EACCES', `${path} is read-only (0444) and ${t} lacks CAP_DAC_OVERRIDE over its owner root`);
    return { path, kind: 'proc', ns: null, task: null, pos: 0, ...opener };
  }
  const found = lookup(k, t, path);
  if (found.answer !== 'model') answer(k, path, found);
  if (isSysctlPath(path)) return sysctlOpen(k, t, path, mode);
  const p = procTask(k, t, path)!;
  const target = task(k, p.task);
  if (p.rest === 'ns/user') return openUserNsFile(k, t, p.task, path, mode);
  if (p.rest === 'ns/time' || p.rest === 'ns/time_for_children') {
    const nsId = resolveNsPath(k, t, path);
    if (mode !== 'r') nsfsWriteRefused(k, path);
    return { path, kind: 'ns', ns: nsId, task: p.task, pos: 0, ...opener };
  }
  if (p.rest === 'timens_offsets') {
    if (!k.sw.timeNamespaces) k.fail('ENOENT', 'no timens_offsets without CONFIG_TIME_NS');
    if (mode !== 'r') {
      k.fn('generic_permission', () => {
        const inode = taskInode(k, target, 0o644);
        if (!mayWrite(k, t, inode)) k.fail('EACCES', ownedText(path, inode, t, me.euid, target.dumpable ? '' : ` (root of its mm's user namespace: ${p.task} is not dumpable)`));
      });
    }
    return { path, kind: 'timens_offsets', ns: null, task: p.task, pos: 0, ...opener };
  }
  if (p.rest === 'maps') {
    mapsOpen(k, t, p.task, mode);
    return { path, kind: 'proc', ns: null, task: p.task, pos: 0, ...opener, ...(target.mm ? { _mm: target.mm } : {}) };
  }
  if (p.rest === 'stat') {
    // REG("stat", S_IRUGO, proc_tgid_stat) (ONE in the task/ directory): no ptrace check at open, anyone reads it;
    // a write open needs CAP_DAC_OVERRIDE over the owner and gets an fd without a write handler (EINVAL on write)
    if (mode !== 'r' && !mayWrite(k, t, taskInode(k, target, 0o444))) k.fail('EACCES', `${path} is read-only (0444) and ${t} lacks CAP_DAC_OVERRIDE over its owner`);
    return { path, kind: 'proc', ns: null, task: p.task, pos: 0, ...opener };
  }
  if (ID_FILES.includes(p.rest)) {
    if (mode !== 'r') {
      k.fn('generic_permission', () => {
        const inode = taskInode(k, target, 0o644);
        if (!mayWrite(k, t, inode)) k.fail('EACCES', ownedText(path, inode, t, me.euid, ''));
      });
    }
    idFileOpen(k, t, p.rest, p.task, mode);
    // proc_id_map_open and proc_setgroups_open take the task's user namespace now (get_user_ns): the fd's
    // reads and writes go to it, whichever namespace the task is in later
    return { path, kind: 'other', ns: null, user: target.userNs, task: p.task, pos: 0, ...opener };
  }
  // A /proc/PID directory: a procfs directory file, not a pidfd (its f_op is not pidfd_fops), so setns refuses
  // it (kernel/nsproxy.c setns: neither proc_ns_file nor pidfd_pid → -EINVAL) and read gives EISDIR.
  if (p.rest === '' && mode !== 'r') k.fail('EISDIR', `${path} is a directory: do_open refuses write access (fs/namei.c)`);
  if (p.rest === '') return { path, kind: 'other', ns: null, task: p.task, pos: 0, ...opener };
  // names.ts lists a file here that no branch above opens: refused rather than a made-up errno
  k.refuse(`${path}: names.ts lists it as a file the model has, yet openFile has no branch for it`);
}

/** A path the model has no file for: the kernel's errno where names.ts can tell it, else the line is refused. */
function answer(k: KernelContext, path: string, v: Exclude<PathVerdict, { answer: 'model' }>): never {
  if (v.answer === 'refuse') k.refuse(`${shownPath(path)}: ${v.why}`);
  k.fail(v.answer, `${shownPath(path)}: ${v.why}`);
}

/** The text a seq_file /proc file shows now (its ->show), or EINVAL for a file that has no read. */
export function showText(k: KernelContext, t: string, fd: OpenFile): string {
  if (fd.kind === 'timens_offsets') {
    return k.fn('timens_offsets_show', () => {
      const target = task(k, fd.task!);
      if (target.state === 'exited') k.fail('ESRCH', `${fd.task} has gone`);
      return k.fn('proc_timens_show_offsets', () => {
        const n = ns(k, np(k, target.nsproxy).time_ns_for_children);
        return formatOffsets(n.offsets.monotonic, n.offsets.boottime, k.sw.offsetsClockNames);
      });
    });
  }
  if (fd.path === '/proc/uptime') {
    return k.fn('uptime_proc_show', () => {
      const h = hostClocks(k);
      const up = nsClock(k, t, 7, h.boottime);
      const idle = ts(h.monotonic.sec * 2, 0);
      return `${up.sec}.${String(Math.floor(up.nsec / 1e7)).padStart(2, '0')} ${idle.sec}.00\n`;
    });
  }
  if (fd.path === '/proc/stat') {
    return k.fn('show_stat', () => {
      const h = hostClocks(k);
      const bootWall = tsSub(h.realtime, h.boottime);
      let btime = String(bootWall.sec);
      if (k.sw.procStatBtime) {
        const boot = ns(k, np(k, task(k, t).nsproxy).time_ns).offsets.boottime;
        btime = btimeText(bootWall, boot);
        // one iteration per second carried: an offset stored with LONG_MIN nanoseconds costs ~9.2e9 (seconds of CPU)
        const loops = btimeLoops(bootWall, boot);
        if (loops > 1n) k.state(k.txt`timespec64_sub: set_normalized_timespec64 runs ${String(loops)} iterations to carry the overflowed nanoseconds into seconds`);
      }
      return `btime ${btime}\n`;
    });
  }
  if (isIdFile(fd)) return idFileRead(k, fd);
  if (isMapsFile(fd)) return mapsText(k, fd);
  if (isTaskStatFile(fd)) return taskStatText(k, t, fd);
  k.fail('EINVAL', `${fd.path} cannot be read`);
}

/** read(2) of `count` bytes (all by default) at the file's position: the seq_file rules of seq_file.ts. */
export function read(k: KernelContext, t: string, f: FileRef, count?: number): OpResult {
  return withFile(k, t, f, 'r', (fd, fdName) => {
    // vfs_read: FMODE_READ (EBADF), FMODE_CAN_READ (EINVAL: a file without a read, such as a namespace file or a
    // pidfd), access_ok (EFAULT), and only then the file's read: a directory's generic_read_dir (EISDIR), a sysctl's
    // proc_sys_call_handler
    if (fd._mode === 'w') k.fail('EBADF', `${fdName} was opened write-only`);
    const dir = isProcDir(fd);
    const sysctl = isSysctlFile(fd);
    if (!dir && !sysctl && fd.kind !== 'timens_offsets' && fd.kind !== 'proc' && !isIdFile(fd)) showText(k, t, fd);
    // access_ok(buf, count) fails for a size_t that large (a negative count) before anything else looks at it.
    if (count !== undefined && count < 0) k.fail('EFAULT', `a buffer of ${count} bytes (as size_t) is not accessible`);
    // a count that alone reaches past the user address space fails whatever the buffer's address; a smaller one is
    // taken to fit (our choice: the model has no buffer address, and verify compares no count of 2^32 or more)
    const limit = k.sw.userAddressLimit;
    if (count !== undefined && limit !== null && count >= limit) k.fail('EFAULT', `a buffer of ${count} bytes reaches past the user address space (access_ok: ${limit})`);
    if (dir) k.fail('EISDIR', `${fd.path} is a directory`);
    if (sysctl) {
      const text = sysctlRead(k, fd, count ?? Infinity);
      if (fdName) updateFd(k, t, fdName, { ...fd, pos: fd.pos + text.length });
      return { ret: utf8.encode(text).length, errno: null, signal: null, text };
    }
    // uid_map, gid_map and maps are seq_open files of one record per line (an extent, a VMA); the others single_open
    const lines = isIdFile(fd) && !fd.path.endsWith('/setgroups') || isMapsFile(fd);
    const pass = () => lines
      ? seqReadRecords(fd._seq, fd.pos, count ?? Infinity, k.sw.pageSize, () => showText(k, t, fd).match(/[^\n]*\n|[^\n]+$/g) ?? [])
      : seqReadIter(fd._seq, fd.pos, count ?? Infinity, () => showText(k, t, fd));
    // uptime and stat reads go through seq_read too; their traces keep showing only the show function.
    const { text, m } = fd.kind === 'timens_offsets' ? k.fn('seq_read', pass) : pass();
    if (fdName) updateFd(k, t, fdName, { ...fd, pos: fd.pos + text.length, _seq: m });
    return { ret: utf8.encode(text).length, errno: null, signal: null, text };
  });
}

/**
 * FMODE_PWRITE: do_dentry_open sets it and seq_open clears it (every seq_file /proc file: timens_offsets, uptime,
 * stat, maps, the id maps, setgroups); the /proc/sys files, namespace files and /proc/PID directories keep it; a
 * pidfd has it from pidfs (6.9), not as an anonymous inode.
 */
function hasPwrite(k: KernelContext, fd: OpenFile): boolean {
  if (fd.kind === 'pidfd') return k.sw.pidfs;
  return fd.kind === 'ns' || isSysctlFile(fd) || isProcDir(fd);
}

/** write and pwrite: only timens_offsets has a write handler (timens_offsets_write → proc_timens_set_offset). */
export function write(k: KernelContext, t: string, f: FileRef, data: string, pwriteOffset: number | null): OpResult {
  const bytes = dataBytes(data);
  // ksys_pwrite64: "if (pos < 0) return -EINVAL;" before the fd is looked up, then -ESPIPE without FMODE_PWRITE,
  // and only then vfs_write's checks (-EBADF without FMODE_WRITE, -EINVAL without a write handler).
  if (pwriteOffset !== null && pwriteOffset < 0) k.fail('EINVAL', 'negative pwrite offset');
  return withFile(k, t, f, 'w', (fd, fdName) => {
    if (pwriteOffset !== null && !hasPwrite(k, fd)) {
      k.fail('ESPIPE', `${fd.path} has no FMODE_PWRITE (${fd.kind === 'pidfd' ? 'an anonymous-inode pidfd' : 'seq_open clears it'}): pwrite gives ESPIPE whatever the offset`);
    }
    if (fd._mode === 'r') k.fail('EBADF', `${fdName} was opened read-only`);
    if (isIdFile(fd)) {
      // map_write and proc_setgroups_write (kernel/user_namespace.c) end "*ppos = count; ret = count;": the position
      // moves, so a second write through the fd is EINVAL (position not 0) and a read goes on from there
      const ret = idFileWrite(k, t, fd, bytes);
      if (fdName) updateFd(k, t, fdName, { ...fd, pos: ret });
      return { ret, errno: null, signal: null };
    }
    if (isSysctlFile(fd)) {
      // pwrite writes at its offset and leaves the file position alone.
      const { consumed, refused } = sysctlWrite(k, t, pwriteOffset === null ? fd : { ...fd, pos: pwriteOffset }, bytes);
      if (refused) return refuse(k, refused);
      // the handler moves the position by what it returns, an ignored write's whole count too
      if (fdName && pwriteOffset === null) updateFd(k, t, fdName, { ...fd, pos: fd.pos + consumed });
      return { ret: consumed, errno: null, signal: null };
    }
    // /proc/uptime and /proc/stat are proc_ops entries (fs/proc/generic.c): their file's write is proc_reg_write, whose
    // pde_write finds no proc_write and returns -EIO; /proc/PID/stat and maps have no ->write at all, so vfs_write
    // refuses the file without FMODE_CAN_WRITE: -EINVAL
    if (fd.path === '/proc/uptime' || fd.path === '/proc/stat') k.fail('EIO', `${fd.path} has no proc_write (proc_reg_write → pde_write)`);
    if (fd.kind !== 'timens_offsets') k.fail('EINVAL', `${fd.path} has no write handler`);
    return k.fn('vfs_write', () => k.fn('timens_offsets_write', () => {
      if (fd.pos !== 0 || bytes.length >= k.sw.pageSize) {
        k.fail('EINVAL', fd.pos !== 0 ? `file position is ${fd.pos}, not 0` : `count ${bytes.length} >= PAGE_SIZE (${k.sw.pageSize})`);
      }
      const parsed = k.fn('sscanf', () => parseOffsetsWrite(bytes, !k.sw.offsetsClockNames, { saturate: k.sw.scanSaturates }), (p) => (p.ok ? k.txt`${p.offsets.length} entr${p.offsets.length === 1 ? 'y' : 'ies'}` : k.txt`parse error`));
      if (!parsed.ok) k.fail('EINVAL', `line ${parsed.line + 1}: ${parsed.reason}`);
      const target = task(k, fd.task!);
      if (target.state === 'exited') k.fail('ESRCH', `${fd.task} has gone`);
      k.fn('proc_timens_set_offset', () => {
        const nsId = np(k, target.nsproxy).time_ns_for_children;
        const n = ns(k, nsId);
        const cred = { userNs: fd.openerUserNs, fullCaps: fd.openerFullCaps, euid: fd.openerEuid };
        if (!capCheck(k, 'file_ns_capable', cred, n.userNs, 'CAP_SYS_TIME')) {
          k.fail('EPERM', `the opener of the file lacks CAP_SYS_TIME over ${n.userNs}, the owner of ${nsId}`);
        }
        const h = hostClocks(k);
        for (const off of parsed.offsets) {
          if (off.clockid !== 1 && off.clockid !== 7) k.fail('EINVAL', `clock id ${off.clockid} is neither CLOCK_MONOTONIC nor CLOCK_BOOTTIME`);
          const now = off.clockid === 1 ? h.monotonic : h.boottime;
          const range = offsetRange(now, off.sec, off.nsec);
          const nsecOk = off.nsec >= 0n && off.nsec < 1_000_000_000n;
          const badNsec = `tv_nsec ${off.nsec} is outside [0, NSEC_PER_SEC)`;
          if (k.sw.offsetsNsecCheck === 'before-range' && !nsecOk) k.fail('EINVAL', badNsec);
          if (!range.secOk) k.fail('ERANGE', `${off.sec} s is beyond ±KTIME_SEC_MAX`);
          if (k.sw.offsetsNsecCheck === 'after-range' && !nsecOk) k.fail('EINVAL', badNsec);
          const loops = normaliseLoops(now, off.nsec);
          // timespec64_add normalises one second per iteration: a nanoseconds field of 2^63 or more costs seconds.
          if (loops > 0n) k.state(k.txt`set_normalized_timespec64: ${String(loops)} iterations to carry ${String(off.nsec)} ns into seconds`);
          if (!range.ok) {
            k.fail('ERANGE', `host ${off.clockid === 1 ? 'monotonic' : 'boottime'} ${fmtTs(now)} + ${off.nsec === 0n ? `${off.sec} s` : `{${off.sec} s, ${off.nsec} ns}`} = ${range.sum} s is outside [0, ${Math.floor(KTIME_SEC_MAX / 2)}]`);
          }
        }
        if (n.frozen_offsets) k.fail('EACCES', `${nsId} is frozen${nsId === 'ns#0' ? ' (the initial time namespace always is)' : ''}`);
        let mono = n.offsets.monotonic;
        let boot = n.offsets.boottime;
        for (const off of parsed.offsets) {
          const v = offsetFromParsed(off.sec, off.nsec);
          if (off.clockid === 1) mono = v;
          else boot = v;
        }
        k.r.set(k.timeNamespaces, nsId, 'offsets', { monotonic: mono, boottime: boot });
        k.state(k.txt`${nsId} offsets: monotonic ${mono.carry ? offsetText(mono) : mono}, boottime ${boot.carry ? offsetText(boot) : boot}`);
      });
      return { ret: parsed.count, errno: null, signal: null };
    }));
  });
}

/** Whether a lookup of `path` finds a file or directory the model has, with no permission check: the files
 *  openFile knows, a /proc/PID directory and its ns/ directory, of a task that has not gone. */
function procPathExists(k: KernelContext, t: string, path: string): boolean {
  if (path === '/proc/uptime' || path === '/proc/stat') return true;
  if (isSysctlPath(path)) return sysctlExists(path);
  const p = procTask(k, t, path);
  if (!p || !p.task || task(k, p.task).state === 'exited') return false;
  // timens_offsets is in tgid_base_stuff only (fs/proc/base.c), the ns links need CONFIG_TIME_NS
  if (p.rest === 'timens_offsets') return k.sw.timeNamespaces && p.dir === 'tgid';
  if (/^ns\/time(_for_children)?$/.test(p.rest)) return k.sw.timeNamespaces;
  return ['', 'ns', 'ns/user', 'maps', 'stat', ...ID_FILES].includes(p.rest);
}

/** What a lookup of `path` meets, with the tasks as they are now (names.ts for the names). */
function lookup(k: KernelContext, t: string, path: string): PathVerdict {
  const v = lookupAll(k, t, path);
  if (v.answer !== 'ENOTDIR') return v;
  // below timens_offsets or a time namespace link: ENOENT without CONFIG_TIME_NS, where they are not there; below a
  // namespace link, which the walk follows, proc_ns_get_link's ptrace check first (EACCES)
  const below = /^(timens_offsets|ns\/(time|time_for_children|user))\//.exec(procTask(k, t, path)?.rest ?? '');
  if (below && below[1] !== 'ns/user' && !k.sw.timeNamespaces) return { answer: 'ENOENT', why: `no ${below[1]} without CONFIG_TIME_NS` };
  if (below?.[2]) {
    const target = task(k, procTask(k, t, path)!.task);
    if (!ptraceMayAccess(k, task(k, t), target)) k.fn('proc_ns_get_link', () => k.fail('EACCES', `${t} has no ptrace read access to ${target.id}`));
  }
  return v;
}

function lookupAll(k: KernelContext, t: string, path: string): PathVerdict {
  const taskOf = (dir: string): string => procTask(k, t, dir)?.task ?? '';
  return lookupVerdict(path, (who) => taskOf(`/proc/${who}`) !== '', (who) => {
    const found = taskOf(`/proc/${who}`);
    if (!found) return 'no such process';
    return task(k, found).state === 'exited' ? `${found} has exited` : null;
  }, (who, thread) => {
    const found = taskOf(`/proc/${who}/task/${thread}`);
    if (!found) return `no thread ${thread} in the thread group of /proc/${who}: proc_task_lookup finds none (fs/proc/base.c)`;
    return task(k, found).state === 'exited' ? `${found} has exited` : null;
  });
}

export function readlink(k: KernelContext, t: string, path: string): OpResult {
  if (path === '/proc/self') {
    const pid = String(task(k, task(k, t).leader).pid);
    return { ret: pid.length, errno: null, signal: null, text: pid };
  }
  if (path === '/proc/thread-self') {
    // fs/proc/thread_self.c proc_thread_self_get_link: sprintf(name, "%u/task/%u", tgid, pid)
    const text = `${task(k, task(k, t).leader).pid}/task/${task(k, t).pid}`;
    return { ret: text.length, errno: null, signal: null, text };
  }
  // do_readlinkat (fs/stat.c): a file that is no symbolic link and has no ->readlink is EINVAL, before any
  // permission check (the lookup does not open it)
  if (!/\/ns\/(time|time_for_children|user)$/.test(path) && procPathExists(k, t, path)) {
    return k.fn('do_readlinkat', () => k.fail('EINVAL', `${path} is not a symbolic link`));
  }
  // a name no kernel has is ENOENT below too (resolveNsPath); a name the model lacks is refused
  const v = lookup(k, t, path);
  if (v.answer === 'refuse' || v.answer === 'ENOTDIR') answer(k, path, v);
  return k.fn('proc_ns_readlink', () => {
    const p = procTask(k, t, path);
    if (p?.task && p.rest === 'ns/user' && task(k, p.task).state !== 'exited') {
      const text = userNsLink(k, openUserNsFile(k, t, p.task, path, 'r').user!);
      return { ret: text.length, errno: null, signal: null, text };
    }
    const nsId = resolveNsPath(k, t, path);
    const n = ns(k, nsId);
    const name = path.endsWith('time_for_children') ? k.sw.tfcLinkName : 'time';
    const text = `${name}:[${n.inum}]`;
    return { ret: text.length, errno: null, signal: null, text };
  });
}
