// The operations a scenario line can ask of the simulated kernel: what the .timens parser produces
// and what the simulator executes. One scenario line holds at most one operation.

import type { Timespec } from './types';
import type { CpuClockOf } from './cpuclock';
import type { CallVia, ClockHostOperation, ClockTaskOperation, VdsoRace } from './opsClock';

/** A file a task names: a path (with task names such as `/proc/P2/...` already kept as written) or an fd it opened. */
export type FileRef = { readonly path: string } | { readonly fd: string };

/** The bytes of a write's `data`, which holds one character per byte (0-255): the language's C string literal makes
 *  a typed character its UTF-8 bytes and `\xNN` one byte (scenario/lexer.ts cStringBytes). */
export function dataBytes(data: string): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 0xff;
  return out;
}

/** The inverse of dataBytes: the bytes as text, one character per byte, for parsers written as regular expressions. */
export function byteString(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** The text up to its first NUL: what the kernel's C string functions see of a write's buffer, and what getname
 *  (fs/namei.c: strncpy_from_user stops at the NUL) takes of a path, so "/proc/self/stat\0x" opens /proc/self/stat. */
export function cString(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** A write's `data` as a quoted literal: JSON's escapes, and `\xNN` for the bytes 0x80-0xff (JSON leaves them raw). */
export function quoteData(data: string): string {
  return JSON.stringify(data).replace(/[\x80-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** pidfd_open's flags (include/uapi/linux/pidfd.h): PIDFD_NONBLOCK is O_NONBLOCK, PIDFD_THREAD is O_EXCL (6.9). */
export const PIDFD_FLAGS = { PIDFD_NONBLOCK: 0x800, PIDFD_THREAD: 0x80 } as const;

/** The namespace ioctls (include/uapi/linux/nsfs.h). */
export const NS_IOCTLS = ['NS_GET_USERNS', 'NS_GET_PARENT', 'NS_GET_NSTYPE', 'NS_GET_OWNER_UID'] as const;
export type NsIoctl = (typeof NS_IOCTLS)[number];

/** setns's race= argument: the one interleaving that tells the killable mmap lock of 5.6-5.8 from the read lock. */
export type SetnsRace = 'sigkill';
export const SETNS_RACES: readonly SetnsRace[] = ['sigkill'];

/** What setns is given: an fd from `open`, a namespace file by path, or a pidfd of a task. */
export type NsTarget =
  | { readonly fd: string }
  | { readonly path: string }
  | { readonly pidfd: string };

/** A deadline or duration for sleeps and timers. `now`: the caller's view of the clock at the call
 *  (namespace time); `host`: the host clock (what a careless program computes); `abs`: a plain value. */
export interface TimeExpr {
  readonly base: 'now' | 'host' | 'abs';
  readonly delta: Timespec;
}

/** lseek's whence values (include/uapi/linux/fs.h). */
export const SEEK = { SEEK_SET: 0, SEEK_CUR: 1, SEEK_END: 2 } as const;
export type Whence = keyof typeof SEEK;

/** The special mappings a scenario can touch. */
export type MappingName = '[vvar]' | '[vvar_vclock]' | '[vdso]';
/** The other special mappings of an arm64 AArch32 (compat) task (arch/arm64/kernel/vdso.c aarch32_vdso_maps). */
export type CompatMappingName = '[sigpage]' | '[vectors]';
/** The image execve loads: a native one, or on arm64 an AArch32 (compat) one. */
export const EXEC_ABIS = ['native', 'compat'] as const;
export type ExecAbi = (typeof EXEC_ABIS)[number];

export type TaskOperation =
  | { readonly op: 'unshare'; readonly flags: number }
  /** `race: 'sigkill'`: a /proc/PID/maps reader holds the caller's mmap lock and SIGKILL arrives while setns waits. */
  | { readonly op: 'setns'; readonly target: NsTarget; readonly nstype: number; readonly race?: SetnsRace }
  | { readonly op: 'fork'; readonly child: string }
  | { readonly op: 'vfork'; readonly child: string }
  /** legacy clone(2): the low byte of `flags` is the exit signal, so CLONE_NEWTIME never reaches the kernel. */
  | { readonly op: 'clone'; readonly flags: number; readonly child: string }
  | { readonly op: 'clone3'; readonly flags: number; readonly exitSignal: number; readonly child: string }
  | { readonly op: 'pthread_create'; readonly child: string }
  | { readonly op: 'execve'; readonly path: string; readonly abi?: ExecAbi }
  | { readonly op: 'exit'; readonly code: number }
  | { readonly op: 'setuid'; readonly uid: number }
  | { readonly op: 'setgid'; readonly gid: number }
  /** pidfd_open(task, flags) = fd: a pidfd of the task (PIDFD_THREAD 0x80 for a thread that is not a leader). */
  | { readonly op: 'pidfd_open'; readonly task: string; readonly flags: number; readonly fd: string }
  /** ioctl(fd, NS_GET_*) on a namespace fd; NS_GET_USERNS and NS_GET_PARENT open a new fd, named `newFd` ('' for none). */
  | { readonly op: 'ioctl'; readonly fd: string; readonly request: NsIoctl; readonly newFd: string }
  /** setresuid/setresgid: -1 leaves that id unchanged. */
  | { readonly op: 'setresuid'; readonly r: number; readonly e: number; readonly s: number }
  | { readonly op: 'setresgid'; readonly r: number; readonly e: number; readonly s: number }
  /** getresuid/getresgid and the capabilities: the task's ids as it sees them (its user namespace's view). */
  | { readonly op: 'id' }
  /** sysinfo(2): the uptime the task sees (its boottime offset added, rounded up to whole seconds). */
  | { readonly op: 'sysinfo' }
  /** `value`: arg2 as given when it is neither 0 nor 1 (the kernel refuses it: EINVAL). */
  | { readonly op: 'prctl_set_dumpable'; readonly dumpable: boolean; readonly value?: number }
  | { readonly op: 'open'; readonly path: string; readonly mode: 'r' | 'w' | 'rw'; readonly fd: string }
  | { readonly op: 'close'; readonly fd: string }
  /** `count`: the size passed to read(2) (default: more than any file here holds). */
  | { readonly op: 'read'; readonly file: FileRef; readonly count?: number }
  | { readonly op: 'write'; readonly file: FileRef; /** one character per byte: dataBytes */ readonly data: string }
  | { readonly op: 'pwrite'; readonly file: FileRef; /** one character per byte: dataBytes */ readonly data: string; readonly offset: number }
  | { readonly op: 'lseek'; readonly fd: string; readonly offset: number; readonly whence?: Whence }
  | { readonly op: 'readlink'; readonly path: string }
  /** `race`: a host update_vsyscall interleaved with the vDSO's seqcount loop (opsClock.ts). */
  | { readonly op: 'clock_gettime'; readonly clock: number; readonly clockOf?: CpuClockOf; readonly via: 'vdso' | 'syscall'; readonly race?: VdsoRace }
  /** `flags`: the value as passed when it holds bits other than TIMER_ABSTIME (opsClock.ts timerFlagFields). */
  | { readonly op: 'clock_nanosleep'; readonly clock: number; readonly clockOf?: CpuClockOf; readonly abs: boolean; readonly flags?: number; readonly value: TimeExpr }
  | { readonly op: 'timerfd_settime'; readonly clock: number; readonly clockOf?: CpuClockOf; readonly abs: boolean; readonly flags?: number; readonly value: TimeExpr }
  | { readonly op: 'touch'; readonly mapping: MappingName; readonly page: number }
  | { readonly op: 'mprotect'; readonly mapping: MappingName; readonly prot: number; readonly page?: number; readonly pages?: number }
  | { readonly op: 'munmap'; readonly mapping: MappingName; readonly page?: number; readonly pages?: number }
  | { readonly op: 'mremap'; readonly mapping: MappingName; readonly newPages: number; readonly flags: number; readonly page?: number; readonly pages?: number }
  | ClockTaskOperation
  | TimekeepingOperation;

/** Setting and reading the wall clock (issue 15): the time is a deadline-like expression (`now` is the caller's
 *  CLOCK_REALTIME), `offset` the step of ADJ_SETOFFSET, `tick` the value of ADJ_TICK. */
export type TimekeepingOperation =
  | { readonly op: 'settimeofday'; readonly value: TimeExpr }
  | { readonly op: 'clock_settime'; readonly clock: number; readonly clockOf?: CpuClockOf; readonly value: TimeExpr }
  | { readonly op: 'adjtimex'; readonly modes: number; readonly offset?: Timespec; readonly tick?: number }
  | { readonly op: 'gettimeofday'; readonly via: CallVia }
  /** A driver stamps an event for the task (seed 002's point): the stamp's clock against what the task reads. */
  | { readonly op: 'device_timestamp'; readonly source: DeviceSource };

/** Where a timestamp comes from: input, sound, v4l and drm report CLOCK_MONOTONIC, sockets CLOCK_REALTIME. */
export const DEVICE_SOURCES = ['input', 'sound', 'v4l', 'drm', 'socket'] as const;
export type DeviceSource = (typeof DEVICE_SOURCES)[number];

export type HostOperation =
  /** Host time passes: every clock advances by `delta`. */
  | { readonly op: 'sleep'; readonly delta: Timespec }
  /** The machine is suspended: REALTIME, TAI and BOOTTIME advance, MONOTONIC (and RAW, COARSE) do not. */
  | { readonly op: 'suspend'; readonly delta: Timespec }
  /** `sysctl user.max_time_namespaces=N`, written by root of the initial user namespace (or of `userNs`). */
  | { readonly op: 'sysctl'; readonly name: 'user.max_time_namespaces'; readonly value: number; readonly userNs?: string }
  /** A new process started from outside (as a login shell would be), in the initial namespaces. */
  | { readonly op: 'spawn'; readonly child: string; readonly uid: number }
  | ClockHostOperation
  /** `tick N`: N timer ticks (1/HZ each): timekeeping_advance, timekeeping_update and update_vsyscall run. */
  | { readonly op: 'tick'; readonly count: number };

/** The most ticks one `tick N` line runs (our choice): each records 9 events, so 10,000 (40 s at HZ 250) is 90,000
 *  events; a count of 2^53 ran without end. Longer stretches of host time are `sleep`, which records no tick. */
export const MAX_TICKS = 10_000;

export type Operation = TaskOperation | HostOperation;
export type OperationName = Operation['op'];

/** One executable scenario line: `task` is null for host operations. `line` is 0-based. */
export interface Step {
  readonly line: number;
  readonly task: string | null;
  readonly operation: Operation;
}

export const HOST_OPERATIONS: ReadonlySet<OperationName> = new Set(['sleep', 'suspend', 'sysctl', 'spawn', 'clocksource', 'tick']);
