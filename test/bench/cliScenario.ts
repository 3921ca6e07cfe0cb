// The generated scenario of the CLI benchmarks and the scaling test: blocks of unshare, offsets, fork, clock
// reads through the vDSO and the system call, expectations, a vvar fault, setns there and back, exit and a
// sleep, repeated (about 19.4 events a line). Each block's child exits, so few tasks are alive at a time.

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
