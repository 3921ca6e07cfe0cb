// The random scenarios of differential testing (tools/fuzz-verify.mjs runs them on a real kernel and the model;
// test/unit/sim/fuzzModel.test.ts runs them through the model on every kernel version and design): namespaces,
// credentials, /proc files, clocks, timers, futexes, mappings, threads. A seed replays its scenario.

/** mulberry32: a small seeded generator, so a seed replays its scenarios. */
function rng(seed) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_BOOTTIME', 'CLOCK_MONOTONIC_RAW', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_REALTIME_COARSE', 'CLOCK_TAI', 'CLOCK_BOOTTIME_ALARM'];

export function fuzzScenario(seed, { arch = 'x86_64', lines: lineCount = 25, mix = 'all' } = {}) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const tasks = ['P1'];
  // fd names by files table ([table, name]); each task's table: threads and CLONE_FILES children share their
  // creator's (kernel/fork.c copy_files), a fork copies it, exec and unshare(CLONE_FILES) give the caller a copy
  const fds = [];
  const tab = new Map([['P1', 'P1']]);
  const tableOf = (t) => tab.get(t) ?? t;
  const ownFds = (t) => fds.filter(([o]) => o === tableOf(t));
  const copyTable = (from, to) => { for (const [, f] of ownFds(from)) fds.push([to, f]); tab.set(to, to); };
  const shareTable = (from, to) => tab.set(to, tableOf(from));
  /** A new task `c` made by `t`: sharing or copying its table. */
  const child = (t, c, shares) => { tasks.push(c); if (shares) shareTable(t, c); else copyTable(t, c); return c; };
  /** `t` gets a copy of its table (a fresh id: `t` may have named one before). */
  const unshareTable = (t) => { const id = `${t}@${++n}`; for (const [, f] of ownFds(t)) fds.push([id, f]); tab.set(t, id); };
  // vfork children until they exec or exit: a thread made in one (pthread_create, clone3 CLONE_THREAD) is never
  // checkable (verify's helper cannot set one up in memory the suspended parent shares) and leaves every later line
  // not checkable.
  const vforked = new Set();
  let n = 0;
  const out = [`# fuzz seed ${seed}`, `arch ${arch}`, `kernel ${arch === 'arm64' ? '6.12' : '6.18'}`];
  const gens = [
    (t) => `${t}: fork() = ${child(t, `K${++n}`, false)}`,
    (t) => (vforked.has(t) ? `${t}: id()` : `${t}: pthread_create() = ${child(t, `K${++n}`, true)}`),
    (t) => `${t}: unshare(${pick(['CLONE_NEWTIME', 'CLONE_NEWUSER', 'CLONE_NEWTIME|CLONE_NEWUSER', 'CLONE_NEWTIME|CLONE_NEWUTS', 'CLONE_NEWUSER|CLONE_NEWIPC|CLONE_NEWNET'])})`,
    (t) => `${t}: setns("/proc/${pick(tasks)}/ns/${pick(['time', 'time_for_children'])}", ${pick(['CLONE_NEWTIME', '0'])})`,
    // Other namespace types through a pidfd (validate_nsset checks each owner). CLONE_NEWNS alone tests the caller's
    // own fs_struct, with more flags a copy, except where mntns_install tests current->fs (Debian's 6.12, 7.3):
    // docs/model-namespaces.md#setns.
    (t) => `${t}: setns(pidfd(${pick(tasks)}), ${pick(['CLONE_NEWTIME', 'CLONE_NEWTIME|CLONE_NEWUSER', 'CLONE_NEWUSER', 'CLONE_NEWTIME|CLONE_NEWUTS', 'CLONE_NEWTIME|CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWCGROUP', 'CLONE_NEWUSER|CLONE_NEWUTS', 'CLONE_NEWNS', 'CLONE_NEWNS|CLONE_NEWTIME', 'CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWTIME', 'CLONE_NEWNS|CLONE_NEWUTS'])})`,
    (t) => `${t}: write("/proc/${pick([...tasks, 'self'])}/timens_offsets", "${pick(['monotonic', 'boottime', '1', '7'])} ${int(-5000, 5000)} ${pick([0, 1, 999999999])}")`,
    (t) => `${t}: read("/proc/${pick([...tasks, 'self'])}/timens_offsets")`,
    (t) => `${t}: read("${pick(['/proc/uptime', '/proc/stat', '/proc/sys/user/max_time_namespaces'])}")`,
    (t) => (r() < 0.3 ? `${t}: sysinfo()` : `${t}: read("/proc/${pick([...tasks, 'self', 'thread-self'])}/stat")`),
    (t) => `${t}: clock_gettime(${pick(CLOCKS)}${pick(['', ', syscall'])})`,
    (t) => `${t}: clock_gettime(${pick(CLOCKS)})`,
    (t) => `${t}: touch([${pick(arch === 'arm64' ? ['vvar', 'vdso'] : ['vvar', 'vvar_vclock', 'vdso'])}], ${int(0, 4)})`,
    (t) => `${t}: setuid(${pick([0, 1000])})`,
    (t) => `${t}: setresuid(-1, ${pick([0, 1000])}, -1)`,
    (t) => `${t}: prctl(PR_SET_DUMPABLE, ${pick([0, 1])})`,
    (t) => `${t}: id()`,
    (t) => `${t}: write("/proc/${pick(tasks)}/${pick(['uid_map', 'gid_map'])}", "0 ${pick([0, 1000])} 1")`,
    (t) => `${t}: write("/proc/${pick(tasks)}/setgroups", "deny")`,
    (t) => { const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: open("/proc/${pick([...tasks, 'self'])}/${pick(['ns/time', 'ns/time_for_children', 'ns/user', 'timens_offsets', 'uid_map', 'setgroups'])}"${pick(['', ', O_WRONLY', ', O_RDWR'])}) = ${f}`; },
    (t) => { const own = ownFds(t); return own.length ? `${t}: setns(${pick(own)[1]}, ${pick(['CLONE_NEWTIME', 'CLONE_NEWUSER', '0', 'CLONE_NEWNS', 'CLONE_NEWNS|CLONE_NEWTIME'])})` : `${t}: id()`; },
    (t) => `${t}: readlink("/proc/${pick(tasks)}/ns/${pick(['time', 'time_for_children', 'user'])}")`,
    (t) => { const e = pick(['execve()', 'execve("/proc/self/exe", compat)']); if (e === 'execve()') vforked.delete(t); unshareTable(t); return `${t}: ${e}`; },
    // Values near KTIME_MAX: a timer only, since a sleep that long moves the model's host with it.
    (t) => `${t}: timerfd_settime(${pick(['CLOCK_MONOTONIC', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME'])}, ${pick(['TFD_TIMER_ABSTIME', '0'])}, ${pick(['now + 5s', '0', '1s', 'now - 1s', '9223372000s', '9223372036.5s'])})`,
    (t) => `${t}: mprotect([vvar], ${pick(['PROT_READ', 'PROT_READ|PROT_WRITE', 'PROT_NONE'])})`,
    // CLONE_VM children keep their creator's time namespace with a time_for_children of their own (copy_namespaces:
    // no timens_on_fork); a thread's exit signal must be 0 (clone3's own check)
    (t) => {
      const c = `K${++n}`;
      let flags = pick(['CLONE_NEWTIME', 'CLONE_NEWTIME|CLONE_NEWUSER', 'CLONE_NEWUSER', 'CLONE_NEWTIME|CLONE_VM', 'CLONE_NEWTIME|CLONE_VM|CLONE_VFORK', 'CLONE_NEWTIME|CLONE_THREAD|CLONE_SIGHAND|CLONE_VM, exit_signal=0', 'CLONE_NEWTIME|CLONE_THREAD|CLONE_SIGHAND|CLONE_VM']);
      if (vforked.has(t) && flags.includes('CLONE_THREAD')) flags = 'CLONE_NEWTIME'; // see vforked
      if (flags.includes('CLONE_VFORK')) vforked.add(c);
      child(t, c, false); // no CLONE_FILES: a copy (CLONE_THREAD does not imply it)
      return `${t}: clone3(${flags}) = ${c}`;
    },
    (t) => { vforked.delete(t); return `${t}: exit()`; },
    (t) => { const c = child(t, `K${++n}`, false); vforked.add(c); return `${t}: vfork() = ${c}`; },
    // the range form reaches past the first mapping: a move of several VMAs at once from 6.17 (remap_move), EFAULT
    // before. From [vvar], the first special mapping, and within them (x86_64 6.18: [vvar] 4, [vvar_vclock] 2, [vdso]
    // 2 pages): a range into the helper's own memory is never run and leaves every later line not checkable.
    (t) => { const m = pick(arch === 'arm64' ? ['vvar', 'vdso'] : ['vvar', 'vdso', 'vvar_vclock']); const n = int(1, arch === 'arm64' ? 4 : 8);
      return r() < 0.7 ? `${t}: mremap([${m}], ${int(1, 4)}, ${pick(['0', 'MREMAP_MAYMOVE', 'MREMAP_MAYMOVE|MREMAP_FIXED'])})` : `${t}: mremap([vvar], ${n}, MREMAP_MAYMOVE|MREMAP_FIXED, 0, ${n})`; },
    (t) => `${t}: munmap([${pick(arch === 'arm64' ? ['vvar', 'vdso'] : ['vvar', 'vdso', 'vvar_vclock'])}], ${int(0, 3)})`,
    (t) => { const own = ownFds(t); return own.length ? `${t}: ioctl(${pick(own)[1]}, ${pick(['NS_GET_NSTYPE', 'NS_GET_OWNER_UID', 'NS_GET_PARENT', 'NS_GET_USERNS'])})` : `${t}: id()`; },
    (t) => { const own = ownFds(t); return own.length ? `${t}: read(${pick(own)[1]})` : `${t}: id()`; },
    (t) => { const own = ownFds(t); return own.length ? `${t}: lseek(${pick(own)[1]}, ${int(0, 30)})` : `${t}: id()`; },
    (t) => { const own = ownFds(t); return own.length ? `${t}: write(${pick(own)[1]}, "${pick(['monotonic 5 0', 'boottime -3 7', 'monotonic 1 0\\nboottime 2 0', 'bogus 1 2', '1 9223372036854775807 0', 'monotonic5 0', ' 7\\t3 0 tail', 'monotonic 1 0\\n\\n', '0 0 1', 'deny'])}")` : `${t}: id()`; },
    (t) => `${t}: setgid(${pick([0, 1000])})`,
    (t) => `${t}: setresgid(-1, ${pick([0, 1000])}, -1)`,
    (t) => `${t}: clock_getres(${pick(CLOCKS)}${pick(['', ', syscall'])})`,
    (t) => `${t}: ${pick(['time()', 'time(syscall)', 'gettimeofday()', 'gettimeofday(syscall)'])}`,
    (t) => { const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: pidfd_open(${pick(tasks)}${pick(['', ', PIDFD_THREAD'])}) = ${f}`; },
    (t) => `${t}: timer_settime(${pick(['CLOCK_MONOTONIC', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME'])}, ${pick(['TIMER_ABSTIME', '0'])}, ${pick(['now + 5s', '0', '2s', 'now - 1s', '9223372000s', '99999999999s'])})`,
    (t) => `${t}: write("/proc/${pick([...tasks, 'self'])}/timens_offsets", "monotonic ${int(-100, 100)} 0\\nboottime ${int(-100, 100)} ${int(0, 5)}")`,
    // Sleeps and waits: short, since verify really waits them and compares the time waited.
    // A clock reading as a relative sleep (now - 1s on CLOCK_TAI: 56 years) moves the model's host so far that
    // every later time is not checkable: clock readings go with TIMER_ABSTIME only.
    (t) => { const abs = pick(['TIMER_ABSTIME', '0']) === 'TIMER_ABSTIME'; return `${t}: clock_nanosleep(${pick(['CLOCK_MONOTONIC', 'CLOCK_BOOTTIME', 'CLOCK_REALTIME', 'CLOCK_TAI', 'CLOCK_MONOTONIC_RAW', 'CLOCK_BOOTTIME_ALARM'])}, ${abs ? 'TIMER_ABSTIME' : '0'}, ${pick(abs ? ['now + 20ms', '30ms', 'now - 1s', '0', '-1s'] : ['30ms', '0', '-1s'])})`; },
    (t) => `${t}: futex(${pick(['FUTEX_WAIT', 'FUTEX_WAIT_BITSET', 'FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME', 'FUTEX_LOCK_PI', 'FUTEX_LOCK_PI2', 'FUTEX_WAIT|FUTEX_CLOCK_REALTIME', 'FUTEX_WAIT_BITSET|FUTEX_PRIVATE_FLAG'])}, ${pick(['now + 20ms', '20ms', 'now - 1s', '-1s'])})`,
    // CLONE_VM|SIGCHLD: a sibling on the same mm, for which setns into a time namespace is EUSERS (current_is_single_threaded).
    (t) => { const c = child(t, `K${++n}`, false); return `${t}: clone(${pick(['SIGCHLD', 'CLONE_NEWTIME|SIGCHLD', 'CLONE_NEWUSER|SIGCHLD', 'CLONE_NEWUSER|CLONE_NEWTIME|SIGCHLD', 'CLONE_VM|SIGCHLD'])}) = ${c}`; },
    (t) => { const own = ownFds(t); if (!own.length) return `${t}: id()`; const fd = pick(own); fds.splice(fds.indexOf(fd), 1); return `${t}: close(${fd[1]})`; },
    (t) => { const own = ownFds(t); return own.length ? `${t}: pwrite(${pick(own)[1]}, "${pick(['monotonic 5 0', 'boottime 1 0'])}", ${pick([0, 1, 4])})` : `${t}: id()`; },
    () => { const c = `K${++n}`; tasks.push(c); tab.set(c, c); return `spawn ${c} uid=${pick([0, 1000, 65534])}`; },
    () => `sleep ${pick(['10ms', '50ms'])}`,
    // the special mappings as the kernel lists them, after the moves, unmaps and compat execs above
    (t) => `${t}: read("/proc/${pick([...tasks, 'self'])}/maps")`,
    // futex2 (futex_waitv 5.16, futex_wait 6.7): absolute deadlines only; sizes and flags the kernel refuses too.
    (t) => `${t}: ${pick(['futex_waitv', 'futex_wait'])}(${pick(['CLOCK_MONOTONIC', 'CLOCK_MONOTONIC', 'CLOCK_REALTIME', 'CLOCK_BOOTTIME'])}, ${pick(['now + 20ms', 'now + 20ms', 'now - 1s', '-1s', '0'])}${pick(['', '', ', FUTEX2_SIZE_U32|FUTEX2_PRIVATE', ', FUTEX2_SIZE_U32|FUTEX2_NUMA', ', FUTEX2_SIZE_U32|FUTEX2_MPOL', ', FUTEX2_SIZE_U64', ', FUTEX2_PRIVATE'])})`,
    // CPU and dynamic clocks (the negative ids: -2 the thread's, -6 the process's, -8 its PROF clock, -1 CPUCLOCK_MAX,
    // -5 fd 0's, -40000006 a pid above PID_MAX_LIMIT; another task's), and the alarm nsleep's own flags check (EINVAL for a flag but
    // TIMER_ABSTIME). A sleep on a CPU clock with a value never ends (the cap cuts it): rare, and short values.
    (t) => {
      const c = pick(['-2', '-6', '-8', '-1', '-5', '-40000006', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID',
        `cpuclock(${pick(tasks)})`, `cpuclock(${pick(tasks)}, thread)`]);
      return `${t}: ${pick([`clock_gettime(${c}${pick(['', ', syscall'])})`, `clock_getres(${c})`, `clock_settime(${c}, 1s)`,
        `timer_settime(${c}, ${pick(['0', 'TIMER_ABSTIME'])}, ${pick(['0', '1s', 'now + 1s'])})`,
        `clock_nanosleep(${c}, ${pick(['0', 'TIMER_ABSTIME'])}, ${pick(['0', '0', '-1s', '10ms'])})`,
        `clock_nanosleep(${pick(['CLOCK_BOOTTIME_ALARM', 'CLOCK_REALTIME_ALARM'])}, ${pick(['2', '3', '0'])}, 10ms)`])}`;
    },
    // shared files tables: CLONE_FILES processes (a vfork child's clone3 of one is a process, not a thread: see
    // vforked), and unshare(CLONE_FILES), alone or with a namespace
    (t) => { const c = child(t, `K${++n}`, true); return `${t}: ${pick(['clone(CLONE_FILES|SIGCHLD)', 'clone3(CLONE_FILES)', 'clone(CLONE_FILES|CLONE_NEWUSER|SIGCHLD)'])} = ${c}`; },
    (t) => { unshareTable(t); return `${t}: unshare(${pick(['CLONE_FILES', 'CLONE_FILES', 'CLONE_FILES|CLONE_NEWTIME', 'CLONE_FILES|CLONE_NEWUSER'])})`; },
    // real, effective and saved ids apart: ptrace access compares all three (the real ones for a pidfd's setns,
    // PTRACE_MODE_READ_REALCREDS), exec keeps caps for a root real uid, a root saved uid lets euid 0 come back
    (t) => { const id = () => pick([-1, -1, 0, 5, 1000]); return `${t}: ${pick(['setresuid', 'setresuid', 'setresgid'])}(${id()}, ${id()}, ${id()})`; },
    // maps of several ids (written from the parent user namespace with CAP_SETUID, or refused), then ids inside them
    (t) => `${t}: write("/proc/${pick(tasks)}/${pick(['uid_map', 'gid_map'])}", "${pick(['0 1000 10', '0 0 10', '5 1005 1\\n0 1000 1', '0 1000 4294967295'])}")`,
    (t) => `${t}: ${pick(['setuid', 'setgid'])}(${pick([3, 5, 9])})`,
    // user.max_time_namespaces of a user namespace the task has just made (the initial one's is the sandbox's under
    // verify, not checkable), by path or kept as an fd that later lines use from other user namespaces
    (t) => { const v = pick(['0', '1', '1', '2', '3']); if (r() < 0.5) return `${t}: unshare(CLONE_NEWUSER)\n${t}: write("/proc/sys/user/max_time_namespaces", "${v}")`;
      const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: unshare(CLONE_NEWUSER)\n${t}: open("/proc/sys/user/max_time_namespaces", O_RDWR) = ${f}\n${t}: write(${f}, "${v}")`; },
    // the boot-time readers and maps through fds that fork shares (tasks read them from their own namespaces and
    // mms), read whole and in parts
    (t) => { const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: open("${pick(['/proc/uptime', '/proc/uptime', '/proc/stat', `/proc/${pick([...tasks, 'self'])}/stat`, `/proc/${pick([...tasks, 'self'])}/maps`])}") = ${f}`; },
    (t) => { const own = ownFds(t); return own.length ? `${t}: read(${pick(own)[1]}${pick(['', '', ', 4', ', 100'])})` : `${t}: id()`; },
    // Lines no generator above made (docs/language*.md against this list): clock_settime of the clocks that have no
    // clock_set (EINVAL before any privilege test; CLOCK_REALTIME is never run by verify), the reading adjtimex
    // modes, clocks by number (an unused id, a removed one, the CLOCKFD encoding of fd 0)
    (t) => `${t}: clock_settime(${pick(['CLOCK_MONOTONIC', 'CLOCK_BOOTTIME', 'CLOCK_TAI', 'CLOCK_MONOTONIC_RAW', 'CLOCK_REALTIME_COARSE', 'CLOCK_BOOTTIME_ALARM', 'CLOCK_REALTIME_ALARM', '10', '12', '16'])}, ${pick(['1s', 'now + 1s', '-1s', '0'])})`,
    (t) => `${t}: adjtimex(${pick(['0', 'ADJ_OFFSET_SS_READ'])})`,
    (t) => `${t}: ${pick(['clock_gettime', 'clock_getres'])}(${pick(['CLOCK_REALTIME_ALARM', '10', '12', '16', '-3'])}${pick(['', ', syscall'])})`,
    // every whence, negative and large positions, on an fd of any kind (a pidfd, a namespace file, a seq_file, /proc/sys)
    (t) => { const own = ownFds(t); return own.length ? `${t}: lseek(${pick(own)[1]}, ${pick(['0', '0', '1', '-1', '5', '4096', '-100'])}, ${pick(['SEEK_SET', 'SEEK_CUR', 'SEEK_END'])})` : `${t}: id()`; },
    // the new fd of NS_GET_USERNS and NS_GET_PARENT, named, so that later lines use it (setns, ioctl, read, close)
    (t) => { const own = ownFds(t); if (!own.length) return `${t}: id()`; const f = `f${++n}`; const from = pick(own)[1]; fds.push([tableOf(t), f]); return `${t}: ioctl(${from}, ${pick(['NS_GET_USERNS', 'NS_GET_PARENT'])}) = ${f}`; },
    // the other /proc files the language opens: the other sysctls, the gid map, the /proc/PID directory itself
    (t) => { const p = pick(['/proc/sys/kernel/overflowuid', '/proc/sys/kernel/overflowgid', '/proc/sys/fs/suid_dumpable', `/proc/${pick([...tasks, 'self'])}/gid_map`, `/proc/${pick([...tasks, 'self'])}`]);
      if (r() < 0.4) return `${t}: read("${p}")`; const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: open("${p}"${p.startsWith('/proc/sys') ? '' : pick(['', ', O_WRONLY'])}) = ${f}`; },
    // parts of a mapping: a page or a run of pages of mprotect and munmap
    (t) => { const m = pick(arch === 'arm64' ? ['vvar', 'vdso'] : ['vvar', 'vdso', 'vvar_vclock']); const pg = `page=${int(0, 3)}, pages=${int(1, 2)}`;
      return r() < 0.5 ? `${t}: mprotect([${m}], ${pick(['PROT_READ', 'PROT_NONE', 'PROT_READ|PROT_WRITE', 'PROT_READ|PROT_EXEC'])}, ${pg})` : `${t}: munmap([${m}], ${pg})`; },
    // timers on the clocks above MONOTONIC/BOOTTIME/REALTIME: TAI, the alarm clocks (CAP_WAKE_ALARM), and those
    // no timer takes (RAW, COARSE)
    (t) => `${t}: ${pick(['timerfd_settime', 'timer_settime'])}(${pick(['CLOCK_TAI', 'CLOCK_BOOTTIME_ALARM', 'CLOCK_REALTIME_ALARM', 'CLOCK_MONOTONIC_RAW', 'CLOCK_MONOTONIC_COARSE'])}, ${pick(['TIMER_ABSTIME', '0'])}, ${pick(['now + 5s', '0', '1s', 'now - 1s'])})`,
    // Lines no generator above made (found against docs/language*.md): TFD_TIMER_CANCEL_ON_SET (accepted on every
    // timerfd clock, registered only for an absolute REALTIME one: timerfd_setup_cancel), the vsyscall page's entries,
    // PIDFD_NONBLOCK, clone3's other flags (CLONE_PIDFD, CLONE_PARENT, CLONE_SIGHAND with CLONE_VM, a user namespace with
    // a vfork), exit codes, and offsets lines sscanf reads in unusual ways (a sign, leading blanks, trailing words, a
    // third line, an empty middle line, hex and negative nanoseconds, a CR)
    (t) => `${t}: ${pick(['timerfd_settime', 'timer_settime'])}(${pick(['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_BOOTTIME'])}, ${pick(['TFD_TIMER_CANCEL_ON_SET', 'TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET'])}, ${pick(['now + 5s', '1s', '0', 'now - 1s'])})`,
    (t) => `${t}: ${pick(['time(vsyscall)', 'gettimeofday(vsyscall)'])}`,
    (t) => { const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: pidfd_open(${pick(tasks)}, ${pick(['PIDFD_NONBLOCK', 'PIDFD_NONBLOCK|PIDFD_THREAD'])}) = ${f}`; },
    (t) => {
      const c = `K${++n}`;
      let flags = pick(['CLONE_PIDFD', 'CLONE_PIDFD|CLONE_NEWTIME', 'CLONE_PARENT', 'CLONE_PARENT|CLONE_NEWTIME', 'CLONE_SIGHAND|CLONE_VM', 'CLONE_NEWTIME|CLONE_NEWUSER|CLONE_VM|CLONE_VFORK']);
      if (vforked.has(t) && flags.includes('CLONE_VFORK')) flags = 'CLONE_PIDFD';
      if (flags.includes('CLONE_VFORK')) vforked.add(c);
      child(t, c, false);
      return `${t}: clone3(${flags}) = ${c}`;
    },
    (t) => { vforked.delete(t); return `${t}: exit(${pick([1, 3, 255])})`; },
    (t) => `${t}: write("/proc/${pick([...tasks, 'self'])}/timens_offsets", "${pick(['monotonic +5 0', ' \\tboottime 5 0 junk', 'monotonic 5 0x10', 'monotonic 5 -1', '01 5 0', 'monotonic 1 0\\n\\nboottime 2 0', 'monotonic 1 0\\nboottime 2 0\\nbogus', 'monotonic 3 0\\nmonotonic 4 0', 'boottime -1 999999999', 'monotonic 1 18446744073709551615', 'monotonic 2 0\\r\\nboottime 5 0', 'boottime 1 1000000000'])}")`,
    // offsets that take a clock past 2^31 s, where a 32-bit task's structures (compat_sysinfo's s32 uptime) and the
    // 32-bit vDSO entries part from the 64-bit ones
    (t) => `${t}: write("/proc/${pick([...tasks, 'self'])}/timens_offsets", "${pick(['boottime 3000000000 0', 'monotonic 2200000000 0', 'boottime 2147483000 0\\nmonotonic 4300000000 5'])}")`,
    // Paths that are no time namespace link, where the model once said ENOENT (outsider7): setns on a user namespace
    // link or another file by path (opened for the call), readlink of files that are no link and of /proc/thread-self,
    // writes of /proc/uptime and /proc/stat (EIO) through a path
    (t) => `${t}: setns("${pick([`/proc/${pick([...tasks, 'self'])}/ns/user`, `/proc/${pick([...tasks, 'self'])}/ns/user`, '/proc/self/timens_offsets', '/proc/uptime', `/proc/${pick(tasks)}`, '/proc/thread-self/uid_map'])}", ${pick(['0', 'CLONE_NEWUSER', 'CLONE_NEWTIME'])})`,
    (t) => `${t}: readlink("${pick(['/proc/thread-self', '/proc/self', `/proc/${pick([...tasks, 'self', 'thread-self'])}/${pick(['timens_offsets', 'stat', 'maps', 'uid_map', 'setgroups', 'ns/user', 'ns/time'])}`, '/proc/uptime', '/proc/sys/kernel/overflowuid', `/proc/${pick(tasks)}`])}")`,
    (t) => `${t}: write("${pick(['/proc/uptime', '/proc/stat', `/proc/${pick([...tasks, 'self'])}/stat`, `/proc/${pick([...tasks, 'self'])}/maps`])}", "1")`,
    // a child's exit signal, which its exit sends to the parent's process (do_notify_parent): SIGUSR1, SIGTERM, SIGKILL
    // and a real-time signal end it, SIGCHLD, SIGURG and 0 do nothing; an exec in either resets it to SIGCHLD
    (t) => {
      const c = child(t, `K${++n}`, false);
      if (r() >= 0.5) return `${t}: clone(${pick(['SIGUSR1', 'SIGTERM', 'CLONE_NEWUSER|SIGUSR2'])}) = ${c}`;
      const flags = pick(vforked.has(t) ? ['0', 'CLONE_NEWTIME'] : ['0', 'CLONE_NEWTIME', 'CLONE_VM|CLONE_VFORK']); // see vforked
      if (flags.includes('CLONE_VFORK')) vforked.add(c);
      return `${t}: clone3(${flags}, exit_signal=${pick([10, 15, 9, 34, 17, 23, 0])}) = ${c}`;
    },
    // a thread's own directory (/proc/PID/task/TID, /proc/thread-self: tid_base_stuff) and the files under it, by
    // path, through an fd, and as setns targets: threads that unshared their own time_for_children, other groups' tids
    (t) => {
      const dir = pick([`/proc/${pick(tasks)}/task/${pick(tasks)}`, '/proc/thread-self', `/proc/self/task/${pick(tasks)}`, `/proc/${pick(tasks)}`]);
      const p = `${dir}/${pick(['ns/time', 'ns/time_for_children', 'ns/user', 'timens_offsets', 'stat', 'maps', 'uid_map', 'setgroups'])}`;
      const k = r();
      if (k < 0.25) return `${t}: read("${p}")`;
      if (k < 0.45) return `${t}: readlink("${p}")`;
      if (k < 0.6) return `${t}: setns("${p}", ${pick(['CLONE_NEWTIME', '0', 'CLONE_NEWUSER'])})`;
      if (k < 0.8) return `${t}: write("${p}", "${pick(['monotonic 7 0', 'boottime -2 0', '0 0 1', 'deny'])}")`;
      const f = `f${++n}`; fds.push([tableOf(t), f]); return `${t}: open("${p}"${pick(['', ', O_WRONLY', ', O_RDWR'])}) = ${f}`;
    },
    // (not the host action `sysctl … userns=user#N`: verify runs it only from a live task that is root in user#N, and
    // where there is none the model's change leaves every later line not checkable, 73-291 lines a batch of 30)
  ];
  // one weight per generator, in order (a generator without one is never picked)
  const weights = [6, 2, 5, 4, 3, 5, 3, 1, 4, 2, 3, 2, 2, 1, 2, 3, 1, 3, 2, 2, 1, 2, 1, 2, 1, 1, 1, 1, 2, 2, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 3, 2, 2, 1, 1, 1, 2, 3, 2, 1, 1, 2, 2, 2, 2, 2,
    2, 1, 1, 2, 1, 2, 2, 2, 2, 1, 1, 4];
  if (weights.length !== gens.length) throw new Error(`fuzz-scenario: ${gens.length} generators, ${weights.length} weights`);
  // mix 'tasks': the generators that make, end, exec and join tasks (fork, threads, vfork, clone and clone3 with their
  // exit signals and flags, exit, exec, unshare, setns, pidfds, fd tables, ids, offsets) four times as often, and the
  // clocks, timers and mappings never: deaths by signal, vfork parents and zombies meet more often (the mix found the
  // unreaped zombie of outsider12-signal-reaped). By index, as the weights above: keep the two in step.
  const TASK_GENS = new Set([0, 1, 2, 3, 4, 5, 6, 15, 19, 20, 21, 24, 25, 26, 37, 42, 49, 50, 51, 52, 68, 69, 70, 76, 77]);
  const NO_TASK_GENS = new Set([9, 10, 11, 22, 23, 27, 28, 35, 36, 38, 40, 41, 44, 46, 47, 48, 55, 56, 57, 58, 59, 60, 64, 65, 66, 67]);
  if (mix === 'tasks') weights.forEach((w, i) => { weights[i] = TASK_GENS.has(i) ? 4 * w : NO_TASK_GENS.has(i) ? 0 : w; });
  else if (mix !== 'all') throw new Error(`fuzz-scenario: mix ${mix} is neither 'all' nor 'tasks'`);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < lineCount; i++) {
    let x = r() * total;
    let g = 0;
    while ((x -= weights[g]) > 0) g++;
    out.push(gens[g](pick(tasks)));
  }
  return out.join('\n') + '\n';
}
