// What hovers and completion say about the words of a scenario besides operations (scenario/docs.ts covers
// those): per clock which offset applies and how the vDSO reads it; per flag and /proc path what it means for
// time namespaces; per kernel version what changed. Written from the kernel sources that docs/model*.md and extension/sim/profile.ts cite.

export interface ClockDoc { readonly offset: 'monotonic' | 'boottime' | 'none'; readonly vdso: string; readonly note: string }

export const CLOCK_DOCS: Readonly<Record<string, ClockDoc>> = {
  CLOCK_REALTIME: { offset: 'none', vdso: 'do_hres (HRES block)', note: 'Wall-clock time is never namespaced' },
  CLOCK_MONOTONIC: { offset: 'monotonic', vdso: 'do_hres (HRES block), do_hres_timens in a namespace', note: 'Shifted by the monotonic offset' },
  CLOCK_PROCESS_CPUTIME_ID: { offset: 'none', vdso: 'system call', note: 'CPU-time clocks are unaffected' },
  CLOCK_THREAD_CPUTIME_ID: { offset: 'none', vdso: 'system call', note: 'CPU-time clocks are unaffected' },
  CLOCK_MONOTONIC_RAW: { offset: 'monotonic', vdso: 'do_hres (RAW block)', note: 'Takes the monotonic offset' },
  CLOCK_REALTIME_COARSE: { offset: 'none', vdso: 'do_coarse', note: 'Not namespaced' },
  CLOCK_MONOTONIC_COARSE: { offset: 'monotonic', vdso: 'do_coarse, do_coarse_timens in a namespace', note: 'Shifted by the monotonic offset' },
  CLOCK_BOOTTIME: { offset: 'boottime', vdso: 'do_hres (HRES block), do_hres_timens in a namespace', note: 'Shifted by the boottime offset; also advances during suspend' },
  CLOCK_REALTIME_ALARM: { offset: 'none', vdso: 'system call (alarmtimer)', note: 'Not namespaced; EINVAL without an RTC' },
  CLOCK_BOOTTIME_ALARM: { offset: 'boottime', vdso: 'system call (alarmtimer)', note: 'Boottime offset; EINVAL without an RTC' },
  CLOCK_TAI: { offset: 'none', vdso: 'do_hres (HRES block)', note: 'Not namespaced' },
};

export const FLAG_DOCS: Readonly<Record<string, string>> = {
  CLONE_NEWTIME: 'New time namespace. unshare: for children (time_for_children); clone3: for the child (6.3+). Inside CSIGNAL, so legacy clone(2) reads it as the exit signal',
  CLONE_NEWUSER: 'New user namespace; it owns time namespaces created with it (CAP_SYS_TIME for offsets there)',
  CLONE_VM: 'Share the mm (and so the [vvar] PTEs). 5.6–6.1: EINVAL after unshare(CLONE_NEWTIME); 6.2+: the child moves at exec',
  CLONE_VFORK: 'The parent waits until the child execs or exits; the shared mm makes both "not single-threaded" for setns',
  CLONE_THREAD: 'Same thread group; nsproxy stays per thread',
  CLONE_SIGHAND: 'Share signal handlers (needs CLONE_VM)',
  CSIGNAL: 'The low byte of legacy clone flags: the exit signal',
  TIMER_ABSTIME: 'The deadline is absolute, in the caller\'s namespace time: converted to host time for MONOTONIC/BOOTTIME',
  TFD_TIMER_ABSTIME: 'The expiry is absolute, in the caller\'s namespace time',
  SEEK_SET: 'lseek to the offset itself; on a /proc seq_file, a move away from where the last read ended shows the file again',
  SEEK_CUR: 'lseek relative to the current position',
  SEEK_END: '/proc seq_files (timens_offsets, uptime, stat) have no end to seek from: EINVAL (seq_lseek)',
  PIDFD_THREAD: 'pidfd_open: a pidfd of a thread that is not its group\'s leader (6.9+; an unknown flag before: EINVAL)',
  PIDFD_NONBLOCK: 'pidfd_open: O_NONBLOCK on the pidfd (waitid does not block)',
  NS_GET_USERNS: 'A new fd of the namespace\'s owning user namespace (a user namespace\'s owner is its parent); EPERM when it is not the caller\'s user namespace or below it (ns_get_owner)',
  NS_GET_PARENT: 'A user namespace\'s parent, as NS_GET_USERNS; a time namespace has no get_parent: EINVAL',
  NS_GET_NSTYPE: 'The namespace type: 128 (CLONE_NEWTIME, also for time_for_children) or 268435456 (CLONE_NEWUSER)',
  NS_GET_OWNER_UID: 'A user namespace\'s owner uid as the caller\'s user namespace maps it (65534 when unmapped); EINVAL on a time namespace',
  PROT_NONE: 'No access: a vDSO read of [vvar] then raises SIGSEGV',
  PROT_READ: 'Read-only: the normal protection of [vvar]',
  PROT_WRITE: '[vvar] has only VM_MAYREAD: EACCES',
  PROT_EXEC: '[vvar] has only VM_MAYREAD: EACCES',
  MREMAP_MAYMOVE: 'The mapping may move',
  MREMAP_FIXED: 'Move to a given address (with MAYMOVE)',
  MREMAP_DONTUNMAP: 'Only for private anonymous memory: EINVAL on [vvar]',
  FUTEX_WAIT: 'Relative timeout from host CLOCK_MONOTONIC: never converted by a time namespace',
  FUTEX_WAIT_BITSET: 'Absolute CLOCK_MONOTONIC timeout in namespace time, converted by futex_init_timeout (5.10+); REALTIME with FUTEX_CLOCK_REALTIME',
  FUTEX_WAIT_REQUEUE_PI: 'Absolute timeout like FUTEX_WAIT_BITSET',
  FUTEX_LOCK_PI: 'Absolute CLOCK_REALTIME timeout: never converted (5.10-5.12 moved it by the monotonic offset: fixed by cdf78db40709)',
  FUTEX_LOCK_PI2: '5.14+: a PI lock whose absolute timeout is CLOCK_MONOTONIC (converted) unless FUTEX_CLOCK_REALTIME',
  FUTEX_CLOCK_REALTIME: 'The timeout is CLOCK_REALTIME (no namespace offset); only with FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2, else ENOSYS',
  FUTEX_PRIVATE_FLAG: 'A process-private futex: no effect on the timeout',
  FUTEX2_SIZE_U8: 'futex2: an 8-bit word; not implemented (futex_flags_valid: "Only 32bit futexes are implemented"): EINVAL',
  FUTEX2_SIZE_U16: 'futex2: a 16-bit word; not implemented: EINVAL',
  FUTEX2_SIZE_U32: 'futex2: a 32-bit word, the one size the kernel implements (FUTEX_32 in 5.16-6.6)',
  FUTEX2_SIZE_U64: 'futex2: a 64-bit word; not implemented: EINVAL',
  FUTEX2_NUMA: 'futex2: the word is followed by a NUMA node id (6.16+; EINVAL before): no effect on the timeout',
  FUTEX2_MPOL: 'futex2: hash the futex by the memory policy of its address (6.16+; EINVAL before): no effect on the timeout',
  FUTEX2_PRIVATE: 'futex2: a process-private futex (FUTEX_PRIVATE_FLAG\'s value): no effect on the timeout',
};

export const PATH_DOCS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(\/task\/[^/]+|^\/proc\/thread-self)\/timens_offsets$/, 'ENOENT: a thread\'s directory (tid_base_stuff, fs/proc/base.c) has no timens_offsets; /proc/PID/timens_offsets is the thread group\'s'],
  [/timens_offsets$/, 'Offsets of the task\'s **time_for_children** (not of the namespace it is in). Writable until that namespace is frozen; needs CAP_SYS_TIME in its owner user namespace (opener\'s credentials)'],
  [/\/ns\/time_for_children$/, 'The task\'s time_for_children namespace: setns into it enters (and freezes) a pending namespace'],
  [/\/ns\/time$/, 'The namespace whose clocks the task sees (nsproxy->time_ns)'],
  [/\/ns\/user$/, 'The task\'s user namespace: setns into it (CAP_SYS_ADMIN there, not the caller\'s own, single-threaded) gives every capability in it; the time namespaces stay'],
  [/^\/proc\/sys\/user\/max_time_namespaces$/, 'The reader\'s user namespace\'s limit on time namespaces (INT_MAX in a new one); writable with CAP_SYS_RESOURCE over it (kernel/ucount.c set_permissions)'],
  [/\/maps$/, 'The special mappings ([vvar], [vvar_vclock], [vdso], [vsyscall]) as fs/proc/task_mmu.c prints them, at the model\'s addresses'],
  [/^\/proc\/uptime$/, 'First field: host boottime + the reader\'s boottime offset'],
  [/^\/proc\/stat$/, 'btime: the wall-clock time of boot, less the reader\'s boottime offset from 5.11 (fs/proc/stat.c timens_sub_boottime)'],
  [/^\/proc\/[^/]+(\/task\/[^/]+)?\/stat$/, 'Field 22, starttime: when the task was made (start_boottime), in clock ticks of 1/100 s, plus the **reader\'s** boottime offset from 5.11 (fs/proc/array.c timens_add_boottime_ns); fields 3-21 are not modelled (-)'],
  [/\/exe$/, 'The program image: exec of it gives a fresh mm with an empty [vvar]'],
];

/** What changed in a kernel version, for completion and hovers. */
export function kernelDetail(v: string): string {
  const notes: Record<string, string> = {
    '5.6': 'time namespaces appear (x86_64)', '5.7': 'offset names in timens_offsets', '5.9': 'arm64 series merged; timens_commit',
    '5.11': 'special mappings cannot be split; /proc/stat btime and /proc/PID/stat starttime follow the boottime offset', '6.1': 'stable: clone3(CLONE_NEWTIME) backported', '6.2': 'exec moves into time_for_children',
    '6.3': 'clone3 accepts CLONE_NEWTIME', '6.13': 'x86 [vvar_vclock]', '6.15': 'generic vDSO datastore', '6.16': 'pidfd_open of a non-leader thread ENOENT; FUTEX2_NUMA', '6.17': 'vDSO auxiliary clocks', '6.18': 'observed on a real kernel',
    '7.0': 'the ia32 vDSO is 3 pages (Debian\'s build)', '7.1': 'legacy clone() checks its exit signal', '7.2': 'timens_offsets nanoseconds range-checked; sscanf saturates on overflow',
    '7.3': 'vDSO data pages allocated: every [vvar] page maps',
  };
  return notes[v] ?? '';
}
