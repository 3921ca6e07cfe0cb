// The words of the .timens language: operations with their argument shapes, flag/clock/errno/signal
// tables, and the "did you mean" search used by diagnostics and completion.

import { ADJ_MODES, clockName, CLOCKS, DESIGN_CLOCKS, CLONE_FLAGS, ERRNOS, MREMAP, PROT, SIGNALS, VSYSCALL_MODES, PAGE_SIZES, type Machine, type PageSize } from '../sim/types';
import { TIMEKEEPING_SPECS } from './vocabularyTime';
import { PIDFD_FLAGS, SEEK, type OperationName } from '../sim/ops';
import { CLOCK_OPERATION_SPECS, RACE_ARG } from './vocabularyClock';
import { FUTEX2_FLAGS, FUTEX_OPS, TFD_TIMER_CANCEL_ON_SET, TIMER_ABSTIME } from '../sim/opsClock';

/** What one argument of an operation may hold. */
export type ArgKind =
  | 'cloneFlags' | 'nstype' | 'protFlags' | 'mremapFlags' | 'timerFlags'
  | 'clock' | 'string' | 'fd' | 'file' | 'nsTarget' | 'int' | 'time' | 'mapping' | 'via' | 'callVia'
  | 'signal' | 'openMode' | 'prctlOption' | 'whence' | 'task' | 'futexOp' | 'futex2Flags' | 'nsIoctl' | 'adjModes' | 'device' | 'race' | 'setnsRace' | 'pidfdFlags' | 'abi';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  readonly optional?: boolean;
  readonly doc: string;
}

export interface OperationSpec {
  /** The word written in a scenario (e.g. `prctl` for `prctl_set_dumpable`). */
  readonly word: string;
  readonly op: OperationName;
  readonly host: boolean;
  readonly args: readonly ArgSpec[];
  /** `= NAME` after the call: 'task' for fork-like calls, 'fd' for open, none otherwise. */
  readonly result?: 'task' | 'fd';
  /** The `= NAME` may be left out (ioctl: only some requests return a new fd). */
  readonly resultOptional?: true;
  readonly summary: string;
  readonly example: string;
  /** A VS Code snippet for completion. */
  readonly snippet: string;
}

const FILE_DOC = 'a file: a path in quotes ("/proc/self/timens_offsets", task names allowed as in "/proc/P2/…") or an fd name from open';

export const OPERATION_SPECS: readonly OperationSpec[] = [
  { word: 'unshare', op: 'unshare', host: false, args: [{ name: 'flags', kind: 'cloneFlags', doc: 'CLONE_* flags joined with |, or a number' }],
    summary: 'Detach from namespaces. With CLONE_NEWTIME only time_for_children becomes a new namespace; the caller stays where it is.',
    example: 'P1: unshare(CLONE_NEWTIME)', snippet: 'unshare(${1:CLONE_NEWTIME})' },
  { word: 'setns', op: 'setns', host: false, args: [
    { name: 'fd', kind: 'nsTarget', doc: 'an fd name from open, a namespace file path ("/proc/P2/ns/time"), or pidfd(P2)' },
    { name: 'nstype', kind: 'nstype', optional: true, doc: 'CLONE_NEWTIME, 0, or another CLONE_NEW* flag (default 0)' },
    { name: 'race', kind: 'setnsRace', optional: true, doc: 'race=sigkill: another task is reading /proc/PID/maps of the caller (show_map holds its mmap lock for reading) and SIGKILL arrives while setns waits for that lock. x86_64 5.6-5.8 take it killable for writing (down_write_killable, mmap_write_lock_killable): vdso_join_timens returns -EINTR with the namespace frozen but not entered; 5.9+ and arm64 take it for reading, which the reader does not block: setns completes. The caller dies of SIGKILL either way, before user space sees a return value.' }],
    summary: 'Join a namespace: both time and time_for_children become the target, which freezes it; the caller\'s [vvar] is zapped.',
    example: 'P1: setns("/proc/P2/ns/time", CLONE_NEWTIME)', snippet: 'setns(${1:fd1}, ${2:CLONE_NEWTIME})' },
  { word: 'fork', op: 'fork', host: false, args: [], result: 'task',
    summary: 'Create a child process. If the parent\'s time_for_children differs from its time namespace, the child enters time_for_children (which freezes it).',
    example: 'P1: fork() = P2', snippet: 'fork() = ${1:P2}' },
  { word: 'vfork', op: 'vfork', host: false, args: [], result: 'task',
    summary: 'vfork: a CLONE_VM|CLONE_VFORK child sharing the parent\'s mm. After unshare: EINVAL on 5.6–6.1; from 6.2 the child stays in the parent\'s namespace until exec.',
    example: 'P1: vfork() = P2', snippet: 'vfork() = ${1:P2}' },
  { word: 'clone', op: 'clone', host: false, args: [{ name: 'flags', kind: 'cloneFlags', doc: 'flags of legacy clone(2); the low byte is the exit signal, so CLONE_NEWTIME (0x80) never reaches the kernel' }], result: 'task',
    summary: 'Legacy clone(2). Its low byte is the exit signal, so CLONE_NEWTIME cannot be requested through it.',
    example: 'P1: clone(CLONE_NEWTIME|SIGCHLD) = P2', snippet: 'clone(${1:SIGCHLD}) = ${2:P2}' },
  { word: 'clone3', op: 'clone3', host: false, args: [
    { name: 'flags', kind: 'cloneFlags', doc: 'clone_args.flags' },
    { name: 'exit_signal', kind: 'signal', optional: true, doc: 'clone_args.exit_signal (default SIGCHLD)' }], result: 'task',
    summary: 'clone3(2): CLONE_NEWTIME creates the child in a brand-new time namespace (6.3+, backported to 6.1.20; EINVAL before).',
    example: 'P1: clone3(CLONE_NEWTIME) = P2', snippet: 'clone3(${1:CLONE_NEWTIME}) = ${2:P2}' },
  { word: 'pthread_create', op: 'pthread_create', host: false, args: [], result: 'task',
    summary: 'Create a thread (CLONE_VM|CLONE_THREAD|…). After unshare: EINVAL on 5.6–6.1; from 6.2 the thread shares the nsproxy.',
    example: 'P1: pthread_create() = T2', snippet: 'pthread_create() = ${1:T2}' },
  { word: 'execve', op: 'execve', host: false, args: [{ name: 'path', kind: 'string', optional: true, doc: 'the program (default "/proc/self/exe")' },
    { name: 'abi', kind: 'abi', optional: true, doc: 'native (default) or compat: a 32-bit image. On arm64 an AArch32 one, whose special mappings are aarch32_setup_additional_pages\' ([vectors], the compat [vvar] and [vdso], [sigpage]); on x86_64 an ia32 one, whose map_vdso(&vdso_image_32) maps the same [vvar] (and [vvar_vclock]) as a 64-bit task below the 2-page vdso32 text, and no [vsyscall] (ENOEXEC with machine ia32_emulation=no). Its vDSO is the 32-bit one, read through __vdso_clock_gettime64' }],
    summary: 'Replace the image: a fresh mm with an empty [vvar]. From 6.2 a task whose time_for_children differs moves into it. With compat the image is 32-bit (arm64 AArch32, x86_64 ia32): its vDSO reads the time-namespace offsets like a native one (same [vvar], same vvar_fault, zapped by vdso_join_timens); an arm64 kernel without CONFIG_COMPAT_VDSO has none, and libc makes the compat system calls (same values, path syscall).',
    example: 'P2: execve("/proc/self/exe")', snippet: 'execve(${1:"/proc/self/exe"})' },
  { word: 'exit', op: 'exit', host: false, args: [{ name: 'code', kind: 'int', optional: true, doc: 'exit status (default 0)' }],
    summary: 'The task exits and is reaped; its references to namespaces are dropped.',
    example: 'T2: exit(0)', snippet: 'exit(${1:0})' },
  { word: 'setuid', op: 'setuid', host: false, args: [{ name: 'uid', kind: 'int', doc: 'the new uid (drops capabilities unless 0)' }],
    summary: 'setuid(2): with CAP_SETUID over its user namespace the task sets its real, effective and saved uid (leaving root drops its capabilities); without, only the effective uid, to its real or saved uid (else EPERM). A uid its user namespace does not map: EINVAL.',
    example: 'P2: setuid(65534)', snippet: 'setuid(${1:65534})' },
  { word: 'setgid', op: 'setgid', host: false, args: [{ name: 'gid', kind: 'int', doc: 'the new gid, in the caller\'s user namespace' }],
    summary: 'setgid(2): with CAP_SETGID over its user namespace the task sets its real, effective and saved gid; without, only the effective gid, to its real or saved gid (else EPERM). A gid its user namespace does not map: EINVAL. A changed egid makes the task non-dumpable (fs.suid_dumpable 0).',
    example: 'P2: setgid(1000)', snippet: 'setgid(${1:1000})' },
  { word: 'setresuid', op: 'setresuid', host: false, args: [
    { name: 'ruid', kind: 'int', doc: 'the real uid, or -1 to leave it' },
    { name: 'euid', kind: 'int', doc: 'the effective uid, or -1 to leave it' },
    { name: 'suid', kind: 'int', doc: 'the saved uid, or -1 to leave it' }],
    summary: 'setresuid(2): an id given must map in the task\'s user namespace (EINVAL); one that is none of its current real, effective and saved uids needs CAP_SETUID (EPERM). Leaving root (of its user namespace) in all three drops every capability; an effective uid leaving 0 drops the effective set, one returning to 0 gets the permitted set back. A changed euid makes the task non-dumpable.',
    example: 'P2: setresuid(-1, 1000, -1)', snippet: 'setresuid(${1:-1}, ${2:1000}, ${3:-1})' },
  { word: 'setresgid', op: 'setresgid', host: false, args: [
    { name: 'rgid', kind: 'int', doc: 'the real gid, or -1 to leave it' },
    { name: 'egid', kind: 'int', doc: 'the effective gid, or -1 to leave it' },
    { name: 'sgid', kind: 'int', doc: 'the saved gid, or -1 to leave it' }],
    summary: 'setresgid(2): as setresuid with gids and CAP_SETGID; capabilities do not change.',
    example: 'P2: setresgid(1000, 1000, 1000)', snippet: 'setresgid(${1:1000}, ${2:1000}, ${3:1000})' },
  { word: 'pidfd_open', op: 'pidfd_open', host: false, args: [
    { name: 'task', kind: 'task', doc: 'the task (its pid)' },
    { name: 'flags', kind: 'pidfdFlags', optional: true, doc: '0 (default), PIDFD_THREAD (6.9+) or PIDFD_NONBLOCK' }], result: 'fd',
    summary: 'pidfd_open(2): a pidfd of the task, for setns(fd, …). A thread that is not its group\'s leader needs PIDFD_THREAD (6.9+; ENOENT without it from 6.16, EINVAL before); PIDFD_THREAD before 6.9 is an unknown flag: EINVAL. A reaped task: ESRCH.',
    example: 'P1: pidfd_open(T2, PIDFD_THREAD) = pfd', snippet: 'pidfd_open(${1:P2}) = ${2:pfd}' },
  { word: 'ioctl', op: 'ioctl', host: false, args: [
    { name: 'fd', kind: 'fd', doc: 'a namespace fd: from open("/proc/PID/ns/time"), "…/ns/user", or an earlier NS_GET_USERNS/NS_GET_PARENT' },
    { name: 'request', kind: 'nsIoctl', doc: 'NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE or NS_GET_OWNER_UID' }], result: 'fd', resultOptional: true,
    summary: 'The namespace ioctls (fs/nsfs.c ns_ioctl). NS_GET_USERNS: a new fd of the owning user namespace (a user namespace\'s owner is its parent); NS_GET_PARENT: a user namespace\'s parent (a time namespace has none: EINVAL); both EPERM when that namespace is not the caller\'s or below it. NS_GET_NSTYPE returns 128 (CLONE_NEWTIME) or 268435456 (CLONE_NEWUSER); NS_GET_OWNER_UID reads the owner\'s uid in the caller\'s user namespace (EINVAL on a time namespace). Not a namespace fd: ENOTTY.',
    example: 'P1: ioctl(fd1, NS_GET_USERNS) = fd2', snippet: 'ioctl(${1:fd1}, ${2|NS_GET_USERNS,NS_GET_PARENT,NS_GET_NSTYPE,NS_GET_OWNER_UID|})' },
  { word: 'id', op: 'id', host: false, args: [],
    summary: 'The task\'s ids as it sees them (getresuid, getresgid: an id its user namespace does not map reads 65534, the overflowuid) and whether it holds every capability of its bounding set: "uid=0 euid=0 gid=0 egid=0 caps=all".',
    example: 'P1: id()', snippet: 'id()' },
  { word: 'sysinfo', op: 'sysinfo', host: false, args: [],
    summary: 'sysinfo(2): the uptime as the task sees it, "uptime=N": host boottime plus the task\'s boottime offset (every version with time namespaces: kernel/sys.c do_sysinfo, timens_add_boottime), rounded up to whole seconds (/proc/uptime prints it to the hundredth, rounded down). Memory, load and process counts are not modelled.',
    example: 'P2: sysinfo()', snippet: 'sysinfo()' },
  { word: 'prctl', op: 'prctl_set_dumpable', host: false, args: [
    { name: 'option', kind: 'prctlOption', doc: 'PR_SET_DUMPABLE' },
    { name: 'dumpable', kind: 'int', doc: '0 or 1 (another value: EINVAL)' }],
    summary: 'prctl(PR_SET_DUMPABLE, 0|1): a non-dumpable task\'s /proc files belong to root; another value is EINVAL (kernel/sys.c: only SUID_DUMP_DISABLE and SUID_DUMP_USER).',
    example: 'P2: prctl(PR_SET_DUMPABLE, 0)', snippet: 'prctl(PR_SET_DUMPABLE, ${1:0})' },
  { word: 'open', op: 'open', host: false, args: [
    { name: 'path', kind: 'string', doc: 'the path; /proc/self, /proc/thread-self and /proc/<task name> are understood' },
    { name: 'flags', kind: 'openMode', optional: true, doc: 'O_RDONLY (default), O_WRONLY or O_RDWR' }], result: 'fd',
    summary: 'Open a file and name the fd. Namespace files hold a reference to their namespace.',
    example: 'P1: open("/proc/self/ns/time_for_children") = fd1', snippet: 'open(${1:"/proc/self/ns/time_for_children"}) = ${2:fd1}' },
  { word: 'close', op: 'close', host: false, args: [{ name: 'fd', kind: 'fd', doc: 'an fd name' }],
    summary: 'Close an fd, dropping its reference.', example: 'P1: close(fd1)', snippet: 'close(${1:fd1})' },
  { word: 'read', op: 'read', host: false, args: [
    { name: 'file', kind: 'file', doc: FILE_DOC },
    { name: 'count', kind: 'int', optional: true, doc: 'how many bytes at most (default: the whole rest of the file)' }],
    summary: 'Read a file at its position: /proc/PID/timens_offsets shows PID\'s time_for_children offsets; /proc/uptime follows the boottime offset; /proc/PID/stat shows field 22, starttime, in clock ticks (USER_HZ 100) shifted by the reader\'s boottime offset from 5.11; /proc/PID/maps lists the special mappings ([vvar], [vvar_vclock], [vdso], [vsyscall]) at the model\'s addresses. These are seq_files: a read on an fd continues where the last stopped, from the text of the same pass.',
    example: 'P1: read(fd1, 5)', snippet: 'read(${1:"/proc/self/timens_offsets"})' },
  { word: 'write', op: 'write', host: false, args: [
    { name: 'file', kind: 'file', doc: FILE_DOC },
    { name: 'data', kind: 'string', doc: 'the bytes written, with C escapes (\\n, \\t, \\\\, \\", \\xNN: one byte); a typed character is its UTF-8 bytes' }],
    summary: 'Write a file. For /proc/PID/timens_offsets: set offsets of PID\'s time_for_children (EACCES once frozen).',
    example: 'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")', snippet: 'write(${1:"/proc/self/timens_offsets"}, ${2:"monotonic 86400 0"})' },
  { word: 'pwrite', op: 'pwrite', host: false, args: [
    { name: 'file', kind: 'file', doc: FILE_DOC },
    { name: 'data', kind: 'string', doc: 'the bytes written' },
    { name: 'offset', kind: 'int', doc: 'file offset' }],
    summary: 'pwrite(2): timens_offsets has no pwrite, so it gives ESPIPE.',
    example: 'P1: pwrite(fd1, "monotonic 1 0", 0)', snippet: 'pwrite(${1:fd1}, ${2:"monotonic 1 0"}, ${3:0})' },
  { word: 'lseek', op: 'lseek', host: false, args: [
    { name: 'fd', kind: 'fd', doc: 'an fd name' },
    { name: 'offset', kind: 'int', doc: 'new position, or a move from the current one with SEEK_CUR' },
    { name: 'whence', kind: 'whence', optional: true, doc: 'SEEK_SET (default) or SEEK_CUR; /proc seq_files give EINVAL for SEEK_END' }],
    summary: 'Move the file position; a timens_offsets write at a non-zero position gives EINVAL, and a read continues from it.',
    example: 'P1: lseek(fd1, 1)', snippet: 'lseek(${1:fd1}, ${2:0})' },
  { word: 'readlink', op: 'readlink', host: false, args: [{ name: 'path', kind: 'string', doc: 'e.g. "/proc/self/ns/time"' }],
    summary: 'Read a namespace link: time:[inode].', example: 'P1: readlink("/proc/self/ns/time_for_children")',
    snippet: 'readlink(${1:"/proc/self/ns/time"})' },
  { word: 'clock_gettime', op: 'clock_gettime', host: false, args: [
    { name: 'clock', kind: 'clock', doc: 'CLOCK_* name or number' },
    { name: 'via', kind: 'via', optional: true, doc: 'vdso (default; what libc does) or syscall' },
    RACE_ARG],
    summary: 'Read a clock, through the vDSO (libc\'s path) or the system call.',
    example: 'P2: clock_gettime(CLOCK_MONOTONIC)', snippet: 'clock_gettime(${1:CLOCK_MONOTONIC})' },
  { word: 'clock_nanosleep', op: 'clock_nanosleep', host: false, args: [
    { name: 'clock', kind: 'clock', doc: 'CLOCK_* name or number' },
    { name: 'flags', kind: 'timerFlags', doc: 'TIMER_ABSTIME or 0' },
    { name: 'time', kind: 'time', doc: 'a duration (1s), or a deadline: now + 1s (namespace time), host + 1s, or an absolute value' }],
    summary: 'Sleep; an absolute deadline is in the caller\'s namespace time and is converted to host time.',
    example: 'P2: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, now + 1s)', snippet: 'clock_nanosleep(${1:CLOCK_MONOTONIC}, ${2:TIMER_ABSTIME}, ${3:now + 1s})' },
  { word: 'timerfd_settime', op: 'timerfd_settime', host: false, args: [
    { name: 'clock', kind: 'clock', doc: 'the timerfd\'s clock' },
    { name: 'flags', kind: 'timerFlags', doc: 'TFD_TIMER_ABSTIME or 0' },
    { name: 'time', kind: 'time', doc: 'expiry: a duration, now + …, host + … or an absolute value' }],
    summary: 'Arm a timerfd; an absolute expiry is in namespace time.',
    example: 'P2: timerfd_settime(CLOCK_BOOTTIME, TFD_TIMER_ABSTIME, now + 1s)', snippet: 'timerfd_settime(${1:CLOCK_MONOTONIC}, ${2:TFD_TIMER_ABSTIME}, ${3:now + 1s})' },
  { word: 'touch', op: 'touch', host: false, args: [
    { name: 'mapping', kind: 'mapping', doc: '[vvar], [vvar_vclock] (x86_64 6.13+) or [vdso]' },
    { name: 'page', kind: 'int', doc: 'page index inside the mapping' }],
    summary: 'Read one byte of a page of a special mapping: a fault fills the PTE or raises SIGBUS.',
    example: 'P2: touch([vvar], 1)', snippet: 'touch(${1:[vvar]}, ${2:0})' },
  { word: 'mprotect', op: 'mprotect', host: false, args: [
    { name: 'mapping', kind: 'mapping', doc: 'the special mapping' },
    { name: 'prot', kind: 'protFlags', doc: 'PROT_* flags' },
    { name: 'page', kind: 'int', optional: true, doc: 'first page (default: the whole mapping)' },
    { name: 'pages', kind: 'int', optional: true, doc: 'number of pages (default: to the end)' }],
    summary: 'Change protection: [vvar] only has VM_MAYREAD, so PROT_WRITE/PROT_EXEC give EACCES; a part gives EINVAL from 5.11.',
    example: 'P1: mprotect([vvar], PROT_NONE)', snippet: 'mprotect(${1:[vvar]}, ${2:PROT_NONE})' },
  { word: 'munmap', op: 'munmap', host: false, args: [
    { name: 'mapping', kind: 'mapping', doc: 'the special mapping' },
    { name: 'page', kind: 'int', optional: true, doc: 'first page (default: the whole mapping)' },
    { name: 'pages', kind: 'int', optional: true, doc: 'number of pages (default 1 when page is given)' }],
    summary: 'Unmap a special mapping or a part of it (a part gives EINVAL from 5.11: special mappings cannot be split).',
    example: 'P1: munmap([vvar], 1)', snippet: 'munmap(${1:[vvar]})' },
  { word: 'mremap', op: 'mremap', host: false, args: [
    { name: 'mapping', kind: 'mapping', doc: 'the special mapping' },
    { name: 'new_pages', kind: 'int', doc: 'new size in pages' },
    { name: 'flags', kind: 'mremapFlags', optional: true, doc: 'MREMAP_MAYMOVE|MREMAP_FIXED|MREMAP_DONTUNMAP or 0' },
    { name: 'page', kind: 'int', optional: true, doc: 'first page of the part moved (default 0)' },
    { name: 'pages', kind: 'int', optional: true, doc: 'pages of the part moved (default: all)' }],
    summary: 'Resize or move a special mapping: growing gives EFAULT, shrinking EINVAL (5.11+), a move of the whole is allowed.',
    example: 'P1: mremap([vvar], 4, MREMAP_MAYMOVE|MREMAP_FIXED)', snippet: 'mremap(${1:[vvar]}, ${2:4}, ${3:MREMAP_MAYMOVE|MREMAP_FIXED})' },
  { word: 'sleep', op: 'sleep', host: true, args: [{ name: 'duration', kind: 'time', doc: 'how long host time passes (10s, 1h, …)' }],
    summary: 'Host time passes: every clock advances.', example: 'sleep 10s', snippet: 'sleep ${1:10s}' },
  { word: 'suspend', op: 'suspend', host: true, args: [{ name: 'duration', kind: 'time', doc: 'how long the machine is suspended' }],
    summary: 'The machine is suspended: REALTIME, TAI and BOOTTIME advance, MONOTONIC does not.', example: 'suspend 1h', snippet: 'suspend ${1:1h}' },
  { word: 'sysctl', op: 'sysctl', host: true, args: [{ name: 'setting', kind: 'int', doc: 'user.max_time_namespaces=N [userns=user#N]' }],
    summary: 'Set user.max_time_namespaces (as root of the initial user namespace, or of userns=user#N).',
    example: 'sysctl user.max_time_namespaces=3', snippet: 'sysctl user.max_time_namespaces=${1:3}' },
  { word: 'spawn', op: 'spawn', host: true, args: [{ name: 'task', kind: 'task', doc: 'the new task name, then uid=N (default 0)' }],
    summary: 'A new process started from outside in the initial namespaces (as a login shell would be).',
    example: 'spawn P5 uid=65534', snippet: 'spawn ${1:P5} uid=${2:65534}' },
  ...CLOCK_OPERATION_SPECS,
  ...TIMEKEEPING_SPECS,
];

export const OPERATION_BY_WORD: ReadonlyMap<string, OperationSpec> = new Map(OPERATION_SPECS.map((s) => [s.word, s]));

/**
 * Operations by how often they are used, most used first: completion offers them in this order (so `cl` gives
 * clock_gettime before clone). A fixed order, counted over what kernel developers write about time namespaces
 * here: the shipped examples, the conformance scenarios (from the kernel selftests and real-kernel probes) and
 * the tours. Counts when fixed: clock_gettime 238, write 145, unshare 110, fork 95, setns 65, touch 57, open 24,
 * clone3 24, spawn 23, execve 22, mremap 21, read 20, clock_nanosleep 18, pthread_create 14, mprotect 14,
 * clone 13, munmap 10, timerfd_settime 9, exit 9, vfork 8, sysctl 6, readlink 6, prctl 3, setuid 2, pwrite 2,
 * lseek 2, close 2, suspend 1, sleep 0. The timekeeping operations of issue 13 came later and go last.
 */
export const OPERATION_RANK: readonly string[] = [
  'clock_gettime', 'write', 'unshare', 'fork', 'setns', 'touch', 'open', 'clone3', 'spawn', 'execve', 'mremap', 'read',
  'clock_nanosleep', 'pthread_create', 'mprotect', 'clone', 'munmap', 'timerfd_settime', 'exit', 'vfork', 'sysctl',
  'readlink', 'prctl', 'setuid', 'pwrite', 'lseek', 'close', 'suspend', 'sleep', 'id',
  'clock_getres', 'time', 'timer_settime', 'futex', 'clocksource', 'futex_waitv', 'futex_wait',
  // issue 13's language items (not counted: new)
  'setgid', 'setresuid', 'setresgid', 'ioctl', 'pidfd_open',
  // Issue 15 (not counted: they are new): the wall clock and the tick.
  'settimeofday', 'clock_settime', 'adjtimex', 'gettimeofday', 'tick', 'device_timestamp',
  // the boot-time readers (not counted: new)
  'sysinfo',
];
/** Other spellings accepted for an operation word. */
export const OPERATION_ALIASES: Readonly<Record<string, string>> = { exec: 'execve', execv: 'execve', prctl_set_dumpable: 'prctl' };

export const HEADER_WORDS = ['arch', 'kernel', 'patch', 'build', 'machine', 'config', 'design'] as const;

/** The words of a `machine` line: KEY=VALUE, with the values each key takes (a clocksource is any name). */
export const MACHINE_KEYS: Readonly<Record<string, {
  readonly field: keyof Machine; readonly values: readonly string[] | null; readonly doc: string;
  /** The value a word stands for, and the word of a value, where they differ from the word itself (yes/no: a boolean). */
  readonly value?: (word: string) => Machine[keyof Machine]; readonly word?: (value: Machine[keyof Machine]) => string;
}>> = {
  cap_sys_resource: { field: 'capSysResource', values: ['yes', 'no'],
    doc: "CAP_SYS_RESOURCE in root's bounding set (default yes). 'no' is a container's root: user.max_time_namespaces of the initial user namespace is read-only (EACCES; set_permissions, kernel/ucount.c)" },
  rtc: { field: 'rtc', values: ['yes', 'no'],
    doc: 'An RTC device (default yes). Without one the ALARM clocks give EINVAL, alarm sleeps EOPNOTSUPP (alarmtimer_get_rtcdev, kernel/time/alarmtimer.c)' },
  clocksource: { field: 'clocksource', values: null,
    doc: "The clocksource in use (default kvm-clock on x86_64, arch_sys_counter on arm64): its vdso_clock_mode is the data page's clock_mode. The x86 pvclock page maps only once kvm-clock was used (see kvmclock_used, which follows this unless said)" },
  kvmclock_used: { field: 'kvmclockUsed', values: ['yes', 'no'],
    doc: "x86_64: kvm-clock was the clocksource at some time since boot (default: whether the clocksource is kvm-clock). kvm_cs_enable sets vclocks_used's VDSO_CLOCKMODE_PVCLOCK bit, and vvar_fault (page 1 of [vvar] up to 6.12, page 0 of [vvar_vclock] from 6.13) maps the pvclock page only when \"pvti && vclock_was_used(VDSO_CLOCKMODE_PVCLOCK)\" (arch/x86/entry/vdso/vma.c); otherwise a touch of it gets SIGBUS. A KVM guest with a stable TSC boots on kvm-clock and moves to tsc a moment later (dmesg: 'Switched to clocksource kvm-clock', then '… tsc'): write clocksource=tsc kvmclock_used=yes" },
  vsyscall: { field: 'vsyscall', values: VSYSCALL_MODES,
    doc: "x86_64's vsyscall mode (default xonly, CONFIG_LEGACY_VSYSCALL_XONLY since 5.3): the [vsyscall] line of /proc/PID/maps is --xp with xonly, r-xp with emulate, and absent with none (Debian's kernels, CONFIG_LEGACY_VSYSCALL_NONE; get_gate_vma, arch/x86/entry/vsyscall/vsyscall_64.c)" },
  erratum_1418040: { field: 'erratum1418040', values: ['yes', 'no'],
    doc: "arm64: the CPU has ARM64_ERRATUM_1418040 (Cortex-A76/A77, Neoverse-N1; default no): AArch32 reads of the virtual counter may be wrong, so the arch timer's workaround (disable_compat_vdso, drivers/clocksource/arm_arch_timer.c) gives arch_sys_counter VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT. Native tasks keep reading it in the vDSO; the AArch32 vDSO's vdso_clocksource_ok (clock_mode == VDSO_CLOCKMODE_ARCHTIMER, arch/arm64/include/asm/vdso/compat_gettimeofday.h) fails, so compat high-resolution reads take the syscall fallback" },
  ia32_emulation: { field: 'ia32Emulation', values: ['yes', 'no'],
    doc: "x86_64: ia32 (32-bit) programs run (default yes). 'no' is a kernel built without CONFIG_IA32_EMULATION, booted with ia32_emulation=false (6.7+, \"x86: Make IA32_EMULATION boot time configurable\"), or a guest whose hypervisor disables it: compat_elf_check_arch (arch/x86/include/asm/elf.h) refuses the EM_386 image, so execve(…, compat) fails with ENOEXEC and the task keeps its image" },
  page_size: { field: 'pageSize', values: PAGE_SIZES.map((b) => `${b / 1024}k`),
    value: (w) => Number.parseInt(w, 10) * 1024 as PageSize, word: (v) => `${Number(v) / 1024}k`,
    doc: "arm64: the kernel's page size (default 4k; CONFIG_ARM64_16K_PAGES, as Debian's arm64-16k kernels for Apple-silicon machines, or _64K_PAGES). The special mappings keep their size in pages ([vvar] is VVAR_NR_PAGES or VDSO_NR_PAGES pages), but the vDSO text is its image rounded up to whole pages (1 page from 16k), so page N of [vvar] past its end lands elsewhere; timens_offsets and uid_map writes take up to PAGE_SIZE - 1 bytes; /proc/PID/maps addresses step by the page. x86_64 has 4k pages only" },
};

export const CLOCK_READ_PATHS = ['vdso-fast', 'vdso-timens', 'syscall', 'vdso-fallback-syscall', 'vdso-stuck'] as const;

/** `CLOCK_MONOTONIC` for 1; `clock 10` for an id no clock has (the simulator's one definition). */
export { clockName };

export const SIGNAL_NAMES = Object.keys(SIGNALS);
export const ERRNO_NAMES = Object.keys(ERRNOS);
/** Clock names for completion and suggestions: the kernel's, then the one a design invents (CLOCK_MONOTONIC_SYNC). */
export const CLOCK_NAMES = [...Object.keys(CLOCKS), ...Object.keys(DESIGN_CLOCKS)];
export const CLONE_FLAG_NAMES = Object.keys(CLONE_FLAGS);

/** Flag words per flag argument kind, with their values. Clone flags also accept signal names (the exit-signal byte). */
export const FLAG_TABLES: Readonly<Record<'cloneFlags' | 'nstype' | 'protFlags' | 'mremapFlags' | 'timerFlags' | 'openMode' | 'prctlOption' | 'whence' | 'futexOp' | 'futex2Flags' | 'nsIoctl' | 'adjModes' | 'pidfdFlags', Readonly<Record<string, number>>>> = {
  adjModes: ADJ_MODES,
  cloneFlags: { ...CLONE_FLAGS, ...SIGNALS },
  nstype: CLONE_FLAGS,
  protFlags: PROT,
  mremapFlags: MREMAP,
  timerFlags: { TIMER_ABSTIME, TFD_TIMER_ABSTIME: TIMER_ABSTIME, TFD_TIMER_CANCEL_ON_SET },
  openMode: { O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2 },
  prctlOption: { PR_SET_DUMPABLE: 4 },
  whence: SEEK,
  futexOp: FUTEX_OPS,
  futex2Flags: FUTEX2_FLAGS,
  // include/uapi/linux/nsfs.h: NSIO 0xb7, _IO(NSIO, 1..4)
  pidfdFlags: PIDFD_FLAGS,
  nsIoctl: { NS_GET_USERNS: 0xb701, NS_GET_PARENT: 0xb702, NS_GET_NSTYPE: 0xb703, NS_GET_OWNER_UID: 0xb704 },
};

export const MAPPING_NAMES = ['[vvar]', '[vvar_vclock]', '[vdso]'] as const;

export const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', ESRCH: 'No such process',
  EINTR: 'Interrupted system call', EIO: 'Input/output error', ENOEXEC: 'Exec format error', EBADF: 'Bad file descriptor', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Device or resource busy', ENOTDIR: 'Not a directory', EISDIR: 'Is a directory', EINVAL: 'Invalid argument',
  ENOTTY: 'Inappropriate ioctl for device',
  ENOSPC: 'No space left on device', ESPIPE: 'Illegal seek', ERANGE: 'Numerical result out of range',
  ENOSYS: 'Function not implemented', EUSERS: 'Too many users', EOPNOTSUPP: 'Operation not supported',
  ETIMEDOUT: 'Connection timed out',
};

/** Paths worth offering in completion. */
export const COMMON_PATHS = [
  '/proc/self/timens_offsets', '/proc/self/ns/time', '/proc/self/ns/time_for_children', '/proc/uptime',
  '/proc/self/exe', '/proc/thread-self/ns/time', '/proc/self/maps', '/proc/self/ns/user', '/proc/self/stat',
  '/proc/sys/user/max_time_namespaces', '/proc/sys/kernel/overflowuid', '/proc/sys/fs/suid_dumpable',
];

/**
 * Levenshtein distance, capped: returns cap+1 as soon as the distance surely exceeds cap. Only the band of
 * cells within `cap` of the diagonal is computed (a cell outside it is more than cap already), so two long
 * names that differ by a letter cost length × cap, not length².
 */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const far = cap + 1;
  let prev = new Array<number>(b.length + 1).fill(far);
  let cur = new Array<number>(b.length + 1).fill(far);
  for (let j = 0; j <= Math.min(b.length, cap); j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - cap);
    const to = Math.min(b.length, i + cap);
    cur[from - 1] = from - 1 === 0 ? i : far;
    let rowMin = cur[from - 1];
    const ca = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      cur[j] = v > far ? far : v;
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (to < b.length) cur[to + 1] = far;
    if (rowMin > cap) return far;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] > cap ? far : prev[b.length];
}

/** The closest candidates to `word` (case-insensitive first, then edit distance), best first. */
export function closest(word: string, candidates: Iterable<string>, max = 3): string[] {
  const lower = word.toLowerCase();
  const cap = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    let d: number;
    if (cl === lower) d = 0;
    else if (cl.endsWith(lower) && lower.length >= 4) d = 1; // MONOTONIC → CLOCK_MONOTONIC
    else d = editDistance(lower, cl, cap);
    if (d <= cap) scored.push({ c, d });
  }
  scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.slice(0, max).map((s) => s.c);
}
