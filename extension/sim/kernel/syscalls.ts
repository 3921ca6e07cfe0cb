// The entry of every scenario step: host actions, or a task's system call (or vDSO call, or user access) with its
// enter/exit span, its arguments as the summary, and the call dispatched to the file that implements it.

import type { OpResult } from '../api';
import { quoteData, type FileRef, type Step, type TaskOperation, type TimeExpr } from '../ops';
import { CLONE_FLAGS as CF, clockName, fmtTs } from '../types';
import { setLastResult, task, type KernelContext } from './context';
import { credRead, prctlSetDumpable } from './cred';
import { doSysinfo } from './sys';
import { libcSetxid, setresxid, setxid } from './setid';
import { nsIoctl } from './nsfs';
import { pidfdOpen } from './pidfd';
import { execve } from './exec';
import { exit, killGroup } from './exit';
import { clone3, kernelClone, PTHREAD_FLAGS, unshare } from './fork';
import { hostOp } from './host';
import { flagNames } from './memo';
import { userTouch } from './mm/access';
import { mprotect, mremap, munmap } from './mm/mmap';
import { setns } from './nsproxy';
import { close, lseek, openat } from './proc/fd';
import { read, readlink, write } from './proc/files';
import { clockNanosleep, timerfdSettime } from './time/sleep';
import { sysClockGettime } from './time/posix-timers';
import { KErr, KRefused } from './trace';
import { vdsoClockGettime } from './vdso/gettime';
import { vsyscallCall } from './vdso/vsyscall';
import { isClockOperation, type ClockTaskOperation } from '../opsClock';
import { clockTaskOp } from './clockOps';
import { resolveCpuClock } from './time/posix-cpu-timers';
import { changeClocksource } from './time/clocksource';
import { refuse, sysGettimeofday } from './time/timekeeping';
import { deviceTimestamp } from './time/device';
import { ADJ_MODES } from '../types';

/** adjtimex modes as names (the two old adjtime() spellings first, as they include ADJ_OFFSET's bit). */
function adjModeNames(modes: number): string {
  if (modes === 0) return '0';
  const names: string[] = [];
  let left = modes;
  for (const [name, v] of Object.entries(ADJ_MODES).sort((a, b) => b[1] - a[1])) {
    if ((left & v) === v) { names.push(name); left &= ~v; }
  }
  if (left) names.push(`0x${left.toString(16)}`);
  return names.join('|');
}

/** The first number in an operation that is not a safe integer (or a nanosecond field out of range). */
function badNumber(v: unknown, path: string): string | null {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? null : `${path} = ${v}`;
  if (v === null || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  for (const key in o) {
    const x = o[key];
    // Child paths are built only for what is reported or descended into: this runs for every operation.
    if (typeof x === 'number') {
      if (!Number.isSafeInteger(x) || (key === 'nsec' && (x < 0 || x >= 1e9))) return `${path}.${key} = ${x}`;
    } else if (x !== null && typeof x === 'object') {
      const b = badNumber(x, `${path}.${key}`);
      if (b) return b;
    }
  }
  return null;
}

export function execStep(k: KernelContext, step: Step): OpResult {
  k.at(step.line, step.task);
  const op = step.operation;
  const bad = badNumber(op, 'operation');
  if (bad) {
    k.ev('error', k.txt`EINVAL: ${bad}: the simulator takes only whole numbers, and nanoseconds in [0, 1e9)`, { errno: 'EINVAL' });
    k.sp = 0;
    return { ret: -1, errno: 'EINVAL', signal: null };
  }
  try {
    switch (op.op) {
      case 'sleep': case 'suspend': case 'sysctl': case 'spawn': case 'tick': {
        const undef = k.modules.design.undefinedOp(k, null, op);
        return undef ? refuse(k, undef) : hostOp(k, op);
      }
      case 'clocksource':
        return changeClocksource(k, op.name);
      default:
        return taskOp(k, step.task, op);
    }
  } finally {
    k.sp = 0;
  }
}

/** Record an internal failure of the model as an error event (it carries any changes left pending). */
export function internalError(k: KernelContext, step: Step, message: string): OpResult {
  k.at(step.line, step.task);
  k.ev('error', k.txt`internal simulator error on line ${step.line + 1} (${step.operation.op}): ${message}; please report it`);
  return { ret: null, errno: null, signal: null, internal: message };
}

export function recordExpectation(k: KernelContext, line: number, taskId: string | null, passed: boolean, summary: string): void {
  k.at(line, taskId);
  k.ev('expect', k.r.unique(summary), { passed });
}

function taskOp(k: KernelContext, taskId: string | null, given: TaskOperation): OpResult {
  // cpuclock(TASK): the clock id of that task's model pid (posix-cpu-timers.ts)
  const op: TaskOperation = 'clockOf' in given && given.clockOf && taskId !== null && k.tasks.has(taskId)
    ? { ...given, clock: resolveCpuClock(k, given.clockOf) } : given;
  if (taskId === null || !k.tasks.has(taskId)) {
    k.ev('error', k.txt`no task ${taskId ?? '(none)'}: the operation did not run`, { errno: 'ESRCH' });
    return { ret: null, errno: 'ESRCH', signal: null };
  }
  const t = task(k, taskId);
  if (t.state === 'exited') {
    k.ev('error', k.txt`${taskId} has exited: the operation did not run`, { errno: 'ESRCH' });
    return { ret: null, errno: 'ESRCH', signal: null };
  }
  if (t.state === 'vfork-parent-waiting') {
    k.ev('error', k.txt`${taskId} is suspended in vfork() until its child execs or exits: the operation did not run`);
    return { ret: null, errno: null, signal: null };
  }
  const undef = k.modules.design.undefinedOp(k, taskId, op);
  if (undef) return refuse(k, undef, taskId);
  if (op.op === 'clock_gettime' && op.via === 'vdso') return vdsoClockGettime(k, taskId, op.clock, false, op.race);
  if (op.op === 'gettimeofday' && op.via === 'vdso') return vdsoClockGettime(k, taskId, 0, true);
  if (op.op === 'gettimeofday' && op.via === 'vsyscall') return vsyscallCall(k, taskId, 'gettimeofday', () => sysGettimeofday(k, taskId));
  if (op.op === 'touch') return userTouch(k, taskId, op.mapping, op.page);
  if (isClockOperation(op)) return clockTaskOp(k, taskId, op);
  const name = op.op === 'exit' && t.leader !== taskId ? 'exit' : syscallName(op);
  const enter = k.enter('syscall-enter', k.syscallPrefix + name, describe(k, op));
  let res: OpResult;
  try {
    res = dispatch(k, taskId, op);
  } catch (e) {
    if (e instanceof KRefused) res = refuse(k, e.why);
    else if (!(e instanceof KErr)) throw e;
    else res = { ret: -1, errno: e.errno, signal: null };
  }
  setLastResult(k, taskId, res);
  k.exit('syscall-exit', enter, k.txt`${name} = ${res.errno ? `-1 ${res.errno}` : res.ret}`, res);
  // The SIGKILL of setns's race=sigkill is acted on at the return to user space: the group dies, and user
  // space never sees the return value (the kernel's, EINTR or 0, stays in the result for the trace and expect).
  if (op.op === 'setns' && op.race === 'sigkill') {
    res = killGroup(k, taskId, 'SIGKILL', res);
    setLastResult(k, taskId, res);
  }
  if (op.op === 'setuid' || op.op === 'setgid' || op.op === 'setresuid' || op.op === 'setresgid') {
    res = libcSetxid(k, taskId, res);
    setLastResult(k, taskId, res);
  }
  return res;
}

type SpanOperation = Exclude<TaskOperation, ClockTaskOperation>;

function syscallName(op: SpanOperation): string {
  switch (op.op) {
    case 'pthread_create': return 'clone3';
    case 'exit': return 'exit_group';
    case 'prctl_set_dumpable': return 'prctl';
    case 'id': return 'getresuid';
    case 'open': return 'openat';
    case 'readlink': return 'readlinkat';
    case 'device_timestamp': return 'read';
    case 'pwrite': return 'pwrite64';
    default: return op.op;
  }
}

function timeExprText(v: TimeExpr): string {
  const d = fmtTs(v.delta);
  return v.base === 'abs' ? d : `${v.base} + ${d}`;
}
function fileName(f: FileRef): string {
  return 'fd' in f ? f.fd : `"${f.path}"`;
}

/** The call as strace would show it: the summary of its syscall-enter event. */
function describe(k: KernelContext, op: SpanOperation): number {
  const txt = k.txt;
  switch (op.op) {
    case 'unshare': return txt`unshare(${flagNames(op.flags)})`;
    case 'setns': return txt`setns(${'fd' in op.target ? op.target.fd : 'path' in op.target ? op.target.path : `pidfd ${op.target.pidfd}`}, ${op.nstype ? flagNames(op.nstype) : '0'})`;
    case 'fork': return txt`fork() → ${op.child}`;
    case 'vfork': return txt`vfork() → ${op.child}`;
    case 'clone': return txt`clone(${flagNames(op.flags & ~0xff)}, exit signal ${op.flags & 0xff}) → ${op.child}`;
    case 'clone3': return txt`clone3(flags=${flagNames(op.flags)}, exit_signal=${op.exitSignal}) → ${op.child}`;
    case 'pthread_create': return txt`pthread_create() → ${op.child}`;
    case 'execve': return op.abi === 'compat' ? txt`execve("${op.path}") (AArch32)` : txt`execve("${op.path}")`;
    case 'exit': return txt`exit(${op.code})`;
    case 'setuid': return txt`setuid(${op.uid})`;
    case 'setgid': return txt`setgid(${op.gid})`;
    case 'pidfd_open': return txt`pidfd_open(${op.task}, ${op.flags}) as ${op.fd}`;
    case 'ioctl': return txt`ioctl(${op.fd}, ${op.request})${op.newFd ? ` as ${op.newFd}` : ''}`;
    case 'setresuid': return txt`setresuid(${op.r}, ${op.e}, ${op.s})`;
    case 'setresgid': return txt`setresgid(${op.r}, ${op.e}, ${op.s})`;
    case 'id': return txt`getresuid(), getresgid()`;
    case 'sysinfo': return txt`sysinfo(&info)`;
    case 'prctl_set_dumpable': return txt`prctl(PR_SET_DUMPABLE, ${op.value ?? (op.dumpable ? 1 : 0)})`;
    case 'open': return txt`open("${op.path}", ${op.mode}) as ${op.fd}`;
    case 'close': return txt`close(${op.fd})`;
    case 'read': return op.count === undefined ? txt`read(${fileName(op.file)})` : txt`read(${fileName(op.file)}, ${op.count})`;
    case 'write': return txt`write(${fileName(op.file)}, ${quoteData(op.data)})`;
    case 'pwrite': return txt`pwrite(${fileName(op.file)}, ${quoteData(op.data)}, ${op.offset})`;
    case 'lseek': return txt`lseek(${op.fd}, ${op.offset}, ${op.whence ?? 'SEEK_SET'})`;
    case 'readlink': return txt`readlink("${op.path}")`;
    case 'clock_gettime': return txt`clock_gettime(${clockName(op.clock)})`;
    case 'clock_nanosleep': return txt`clock_nanosleep(${clockName(op.clock)}, ${op.abs ? 'TIMER_ABSTIME' : '0'}, ${timeExprText(op.value)})`;
    case 'timerfd_settime': return txt`timerfd_settime(${clockName(op.clock)}, ${op.abs ? 'TFD_TIMER_ABSTIME' : '0'}, ${timeExprText(op.value)})`;
    case 'mprotect': return txt`mprotect(${op.mapping}${op.page !== undefined ? ` page ${op.page}` : ''}${op.pages !== undefined ? ` ×${op.pages}` : ''}, ${op.prot})`;
    case 'munmap': return txt`munmap(${op.mapping}${op.page !== undefined ? ` page ${op.page}` : ''}${op.pages !== undefined ? ` ×${op.pages}` : ''})`;
    case 'mremap': return txt`mremap(${op.mapping}${op.page !== undefined ? ` page ${op.page}` : ''}, new ${op.newPages} pages, flags ${op.flags})`;
    case 'touch': return txt`touch ${op.mapping} page ${op.page}`;
    case 'settimeofday': return txt`settimeofday(${timeExprText(op.value)}, NULL)`;
    case 'clock_settime': return txt`clock_settime(${clockName(op.clock)}, ${timeExprText(op.value)})`;
    case 'adjtimex': return txt`adjtimex(modes=${adjModeNames(op.modes)}${op.offset ? `, time=${fmtTs(op.offset)}` : ''}${op.tick !== undefined ? `, tick=${op.tick}` : ''})`;
    case 'gettimeofday': return txt`gettimeofday(&tv, NULL)`;
    case 'device_timestamp': return txt`read(${op.source} device): an event with its timestamp`;
  }
}

function dispatch(k: KernelContext, t: string, op: SpanOperation): OpResult {
  switch (op.op) {
    case 'unshare': { const res = unshare(k, t, op.flags); return k.modules.design.afterUnshare?.(k, t, res) ?? res; }
    case 'setns': return setns(k, t, op.target, op.nstype, op.race === 'sigkill');
    case 'fork': return kernelClone(k, t, 0, 17, op.child);
    case 'vfork': return kernelClone(k, t, CF.CLONE_VM | CF.CLONE_VFORK, 17, op.child);
    case 'clone': return kernelClone(k, t, op.flags & ~CF.CSIGNAL, op.flags & 0xff, op.child);
    case 'clone3': return clone3(k, t, op.flags, op.exitSignal, op.child);
    case 'pthread_create': return clone3(k, t, PTHREAD_FLAGS, 0, op.child);
    case 'execve': return execve(k, t, op.path, op.abi === 'compat');
    case 'exit': return exit(k, t, op.code);
    case 'setuid': return setxid(k, t, 'uid', op.uid);
    case 'setgid': return setxid(k, t, 'gid', op.gid);
    case 'pidfd_open': return pidfdOpen(k, t, op.task, op.flags, op.fd);
    case 'ioctl': return nsIoctl(k, t, op.fd, op.request, op.newFd);
    case 'setresuid': return setresxid(k, t, 'uid', op.r, op.e, op.s);
    case 'setresgid': return setresxid(k, t, 'gid', op.r, op.e, op.s);
    case 'id': return credRead(k, t);
    case 'sysinfo': return doSysinfo(k, t);
    case 'prctl_set_dumpable': return prctlSetDumpable(k, t, op.dumpable, op.value);
    case 'open': return openat(k, t, op.path, op.mode, op.fd);
    case 'close': return close(k, t, op.fd);
    case 'read': return read(k, t, op.file, op.count);
    case 'write': return write(k, t, op.file, op.data, null);
    case 'pwrite': return write(k, t, op.file, op.data, op.offset);
    case 'lseek': return lseek(k, t, op.fd, op.offset, op.whence);
    case 'readlink': return readlink(k, t, op.path);
    case 'clock_gettime': return sysClockGettime(k, t, op.clock, 'syscall');
    case 'clock_nanosleep': return clockNanosleep(k, t, op.clock, op.abs, op.value, op.flags);
    case 'timerfd_settime': return timerfdSettime(k, t, op.clock, op.abs, op.value, op.flags);
    case 'mprotect': return mprotect(k, t, op.mapping, op.prot, op.page, op.pages);
    case 'munmap': return munmap(k, t, op.mapping, op.page, op.pages);
    case 'mremap': return mremap(k, t, op.mapping, op.newPages, op.flags, op.page, op.pages);
    case 'touch': return userTouch(k, t, op.mapping, op.page);
    case 'settimeofday': return k.modules.timekeeping.settimeofday(k, t, op.value);
    case 'clock_settime': return k.modules.timekeeping.clockSettime(k, t, op.clock, op.value);
    case 'adjtimex': return k.modules.timekeeping.adjtimex(k, t, op.modes, op.offset, op.tick);
    case 'gettimeofday': return sysGettimeofday(k, t);
    case 'device_timestamp': return deviceTimestamp(k, t, op.source);
  }
}
