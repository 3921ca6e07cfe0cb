// The kernel's encoding of negative clock ids (include/linux/posix-timers_types.h): CPU clocks of a pid or tid and
// dynamic (fd) clocks, and which of them the model can answer. Shared by the model, the language and verify.

/** The three CPU clock kinds, CPUCLOCK_WHICH: 3 (CPUCLOCK_MAX) is no clock, and with the thread bit clear it is CLOCKFD. */
export const CPUCLOCK_KINDS = ['CPUCLOCK_PROF', 'CPUCLOCK_VIRT', 'CPUCLOCK_SCHED'] as const;
export const CPUCLOCK_SCHED = 2;
/** PID_MAX_LIMIT on 64-bit kernels (include/linux/threads.h, 4 * 1024 * 1024): no pid lies above it. */
export const PID_MAX_LIMIT = 4194304;

/** A clock id below 0, decoded as clockid_to_kclock (kernel/time/posix-timers.c) and the CPUCLOCK_* macros do. */
export type NegativeClock =
  | { readonly kind: 'cpu'; readonly pid: number; readonly thread: boolean; readonly which: number }
  | { readonly kind: 'fd'; readonly fd: number };

/** clockid_to_kclock: "(id & CLOCKFD_MASK) == CLOCKFD ? &clock_posix_dynamic : &clock_posix_cpu"; CPUCLOCK_PID is
 *  ~(clock >> 3), CPUCLOCK_PERTHREAD bit 2, CPUCLOCK_WHICH bits 0-1. Null for an id of 0 or more. */
export function negativeClock(id: number): NegativeClock | null {
  if (!Number.isInteger(id) || id >= 0) return null;
  const low = id & 7;
  // CLOCKFD_MASK is CPUCLOCK_PERTHREAD_MASK|CPUCLOCK_CLOCK_MASK (7), CLOCKFD is CPUCLOCK_MAX (3)
  if (low === 3) return { kind: 'fd', fd: ~(id >> 3) >>> 0 };
  return { kind: 'cpu', pid: ~(id >> 3), thread: (low & 4) !== 0, which: low & 3 };
}

/** The name the kernel's macros give an id below 0: MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_SCHED), FD_TO_CLOCKID(5). */
export function negativeClockName(id: number): string | null {
  const c = negativeClock(id);
  if (!c) return null;
  if (c.kind === 'fd') return `FD_TO_CLOCKID(${c.fd})`;
  return `MAKE_${c.thread ? 'THREAD' : 'PROCESS'}_CPUCLOCK(${c.pid}, ${CPUCLOCK_KINDS[c.which] ?? 'CPUCLOCK_MAX'})`;
}

/** The CPU clock of a scenario task, `cpuclock(TASK)` (its process's, as clock_getcpuclockid makes it) or
 *  `cpuclock(TASK, thread)` (its thread's, as pthread_getcpuclockid): CPUCLOCK_SCHED of the task's pid, which each
 *  side encodes with its own pid for the task (the model's numbers are not a machine's). */
export interface CpuClockOf {
  readonly task: string;
  readonly thread: boolean;
}

/** The low bits of a task's CPU clock id: CPUCLOCK_PERTHREAD_MASK (4) for a thread's, and CPUCLOCK_SCHED. */
export function cpuClockLowBits(thread: boolean): number {
  return (thread ? 4 : 0) | CPUCLOCK_SCHED;
}

/** MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED) or MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED), as a C int. */
export function makeCpuClock(pid: number, thread: boolean): number {
  return ((~pid) << 3) | cpuClockLowBits(thread);
}

/** A CPU clock id that names a pid other than 0 within the pids a machine can have: on a real kernel that pid may be
 *  any process of the pid namespace (verify cannot mean the same pid on both sides). */
export function machinePidClock(id: number): boolean {
  const c = negativeClock(id);
  return c !== null && c.kind === 'cpu' && c.pid > 0 && c.pid <= PID_MAX_LIMIT;
}
