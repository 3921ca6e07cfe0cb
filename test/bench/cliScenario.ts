// The generated scenarios of the CLI benchmarks. The run scenario (and the scaling test): blocks of unshare,
// offsets, fork, clock reads through the vDSO and the system call, expectations, a vvar fault, setns there and
// back, exit and a sleep, repeated (about 19.4 events a line); each block's child exits, so few tasks are alive at
// a time. The crowd scenario: children that stay alive, each doing what may look at every task or table.

/** The scenario's lines, one at a time (a file of 10^7 lines is written without holding it). */
export function* runScenarioLines(lines: number): Generator<string> {
  const head = ['arch x86_64', 'kernel 6.18', 'P1: open("/proc/self/ns/time") = root'];
  let n = 0;
  for (const l of head) { if (n++ >= lines) return; yield l; }
  for (let k = 0; ; k++) {
    const c = `C${k}`;
    const block = [
      'P1: unshare(CLONE_NEWTIME)',
      `P1: write("/proc/self/timens_offsets", "monotonic ${k} 0\\nboottime ${2 * k} 0\\n")`,
      'expect ok',
      `P1: fork() = ${c}`,
      `${c}: clock_gettime(CLOCK_MONOTONIC)`,
      `expect ${c} CLOCK_MONOTONIC == host + ${k}s`,
      `${c}: clock_gettime(CLOCK_BOOTTIME)`,
      `${c}: clock_gettime(CLOCK_MONOTONIC, syscall)`,
      `${c}: touch([vvar], 3)`,
      `P1: setns("/proc/${c}/ns/time", 0)`,
      'P1: clock_gettime(CLOCK_BOOTTIME)',
      'P1: read("/proc/uptime")',
      'P1: setns(root, CLONE_NEWTIME)',
      'P1: clock_gettime(CLOCK_REALTIME)',
      `${c}: exit(0)`,
      'sleep 1ms',
    ];
    for (const l of block) { if (n++ >= lines) return; yield l; }
  }
}

export function generatedRunScenario(lines: number): string {
  return [...runScenarioLines(lines)].join('\n') + '\n';
}

/**
 * `children` children of P1 that all stay alive, each reading an fd it shares with all the others (fork's copy of
 * P1's table), opening and reading /proc files, unsharing its mount namespace (fs->users), reading its CPU clock by
 * pid, entering a time namespace of its own through /proc, reading P1's namespace link, and ending in a thread's
 * exec (de_thread's pid swap). An operation whose cost grows with the tasks or tables alive shows here.
 */
export function* crowdScenarioLines(children: number): Generator<string> {
  yield* ['arch x86_64', 'kernel 6.18', 'P1: open("/proc/uptime") = up'];
  for (let k = 0; k < children; k++) {
    const c = `C${k}`;
    const t = `T${k}`;
    yield* [
      `P1: fork() = ${c}`,
      `${c}: lseek(up, 0)`,
      `${c}: read(up)`,
      `${c}: open("/proc/self/stat") = s`,
      `${c}: read(s)`,
      `${c}: unshare(CLONE_NEWNS)`,
      `${c}: clock_gettime(cpuclock(${c}))`,
      `${c}: unshare(CLONE_NEWTIME)`,
      `${c}: write("/proc/self/timens_offsets", "monotonic ${k % 100} 0")`,
      `${c}: pidfd_open(P1) = pf`,
      `${c}: setns("/proc/${c}/ns/time_for_children", CLONE_NEWTIME)`,
      `${c}: readlink("/proc/P1/ns/time")`,
      `${c}: clock_gettime(CLOCK_MONOTONIC)`,
      `${c}: touch([vvar], 1)`,
      `P1: read("/proc/${c}/timens_offsets")`,
      `${c}: pthread_create() = ${t}`,
      `${t}: execve("/proc/self/exe")`,
      `${t}: clock_gettime(CLOCK_BOOTTIME)`,
    ];
  }
}

/** `children` forks that stay alive, each opening and reading its own file, while another task's table grows (a fork
 *  copies its parent's table, as dup_fd does: the parent's stays small): what `run --json --events` shows of each
 *  grew with the tasks and files before it until it showed a collection's entries. */
export function* forkOpenLines(children: number): Generator<string> {
  yield* ['arch x86_64', 'kernel 6.18', 'P1: unshare(CLONE_NEWTIME)', 'P1: fork() = Q'];
  for (let k = 0; k < children; k++) {
    const c = `C${k}`;
    yield* [`P1: fork() = ${c}`, `${c}: open("/proc/self/stat") = s`, `${c}: read(s)`, `Q: open("/proc/uptime") = u${k}`, `Q: read(u${k})`];
  }
}
