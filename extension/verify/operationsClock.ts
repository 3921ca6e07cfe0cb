// The helper's side of the timekeeping operations (sim/opsClock.ts), as operations.ts describes the others: the
// protocol signature helper/ops_clock.c parses, and which result fields are compared.

import type { Operation, TimeExpr } from '../sim/ops';
import { KTIME_SEC_MAX } from '../sim/offset64';
import { CLOCKS, clockName } from '../sim/types';
import { cpuClockLowBits, machinePidClock, negativeClock, type CpuClockOf } from '../sim/cpuclock';
import { FUTEX_CMD_MASK, FUTEX_OPS, timerFlagsValue, type CallVia, type ClockOperationName } from '../sim/opsClock';
import { OPF_CLOCK0, OPF_HOST } from './opFlags';
import type { Encoded, NotRun, OpSpec } from './operations';
import { isReadingTimer } from './compareTimer';

/** The helper's encoding of a call path: 0 the vDSO, 1 the system call, 2 x86_64's vsyscall page. */
export const via = (v: CallVia): string => (v === 'syscall' ? '1' : v === 'vsyscall' ? '2' : '0');
/** A scenario time as the helper's token: base:sec:nsec (the helper resolves now and host on its own clocks). */
export const timeToken = (v: TimeExpr): string => `${v.base}:${v.delta.sec}:${v.delta.nsec}`;

/** timerfd_settime and timer_settime: clock, TIMER_ABSTIME and the time, unless the two sides cannot mean it alike
 *  (a relative now + … on REALTIME, MONOTONIC or BOOTTIME is run: compareTimer.ts compares it from the hosts). */
export const timerTokens = (op: Extract<Operation, { op: 'timerfd_settime' | 'timer_settime' }>): Encoded =>
  (isReadingTimer(op) ? null : clockPointUnchecked(op.clock, op.abs, op.value)) ?? [clockToken(op), String(timerFlagsValue(op)), timeToken(op.value)];

const WALL_CLOCKS = new Set<number>([CLOCKS.CLOCK_REALTIME, CLOCKS.CLOCK_REALTIME_ALARM, CLOCKS.CLOCK_TAI]);

/** A time the two sides cannot mean alike: a clock reading (now/host + …) given to a relative timer or sleep is used
 *  as a duration, and the machine's clocks run on while the helper works through the lines (the model's move only
 *  with the scenario); an absolute wall-clock (REALTIME, REALTIME_ALARM, TAI) deadline given as a number is a
 *  point of a clock that starts at 2026-01-01 in the model, not at the machine's time (the sandbox aligns MONOTONIC
 *  and BOOTTIME only). A deadline of now + … is relative to each side's own clock and is run, and so are 0 and a
 *  negative one. */
export function clockPointUnchecked(clock: number, abs: boolean, v: TimeExpr): NotRun | null {
  if (!abs && v.base !== 'abs') return { notRun: 'a clock reading used as a duration (a relative time of now + …): the machine\'s clock has moved on by the time the helper runs the line', noChange: true };
  // A negative one means the same on both sides: every call refuses it before it reads a clock (timespec64_valid:
  // timerfd_settime, do_timer_settime, clock_nanosleep, futex_init_timeout, which futex2_setup_timeout calls too).
  if (abs && v.base === 'abs' && WALL_CLOCKS.has(clock) && v.delta.sec >= 0 && (v.delta.sec !== 0 || v.delta.nsec !== 0)) {
    return { notRun: 'an absolute wall-clock deadline: the model\'s wall clock starts at 2026-01-01, not at this machine\'s', noChange: true };
  }
  // An absolute CPU-clock deadline given as a number: the machine's CPU clock holds the time the task has run, the
  // model's 1 ms (our choice), so whether it is already past differs (0 disarms on both sides and is run)
  if (abs && v.base === 'abs' && isCpuClock(clock) && (v.delta.sec !== 0 || v.delta.nsec !== 0) && v.delta.sec >= 0) {
    return { notRun: 'an absolute CPU-clock deadline: the machine\'s CPU clock holds the time the task has run, the model\'s 1 ms', noChange: true };
  }
  // A relative value that a wall clock carries past KTIME_MAX: ktime_add_safe saturates the expiry at KTIME_MAX, so
  // the time left is KTIME_MAX less each side's own wall clock. REALTIME_ALARM (alarm_start_relative) and TAI run
  // relative timers on their own base; a relative REALTIME hrtimer runs on MONOTONIC (__hrtimer_init).
  if (!abs && v.base === 'abs' && RELATIVE_ON_WALL.has(clock) && v.delta.sec >= KTIME_SEC_MAX - WALL_CLOCK_BOUND) {
    return { notRun: 'a relative time that the wall clock carries past KTIME_MAX, where the timer saturates: the model\'s wall clock starts at 2026-01-01, not at this machine\'s', noChange: true };
  }
  return null;
}
/** A clock argument as the helper's token: the id, or for cpuclock(TASK) `cpu@TASK:BITS`, which the supervisor turns
 *  into MAKE_PROCESS_CPUCLOCK / MAKE_THREAD_CPUCLOCK of the task's tid (the low bits: 2 process, 6 thread). */
export const clockToken = (op: { readonly clock: number; readonly clockOf?: CpuClockOf }): string =>
  op.clockOf ? `cpu@${op.clockOf.task}:${cpuClockLowBits(op.clockOf.thread)}` : String(op.clock);

/** A CPU clock id that encodes a pid other than 0 (MAKE_PROCESS_CPUCLOCK(pid, …)): on the machine that pid may be
 *  any process of the sandbox's pid namespace, whose CPU clock anyone may read (pid_for_clock checks no
 *  credentials), while the model's pid numbers are its own. A pid above PID_MAX_LIMIT is no task on either side
 *  (EINVAL) and is run. */
export function machinePidClockUnchecked(op: Operation): NotRun | null {
  const clock = 'clock' in op && !('clockOf' in op && op.clockOf) ? op.clock : undefined;
  return typeof clock === 'number' && machinePidClock(clock)
    ? { notRun: `${clockName(clock)} names a pid of this machine, which may be any of its processes (the model's pid numbers are its own)`, noChange: true }
    : null;
}

/** CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the negative CPU clock ids. */
const isCpuClock = (clock: number): boolean => clock === CLOCKS.CLOCK_PROCESS_CPUTIME_ID || clock === CLOCKS.CLOCK_THREAD_CPUTIME_ID || negativeClock(clock)?.kind === 'cpu';

const RELATIVE_ON_WALL = new Set<number>([CLOCKS.CLOCK_REALTIME_ALARM, CLOCKS.CLOCK_TAI]);
/** More seconds than either side's wall clock holds (2106). */
const WALL_CLOCK_BOUND = 2 ** 32;

export const CLOCK_OPERATIONS: { readonly [K in ClockOperationName]: OpSpec<K> } = {
  time: { readOnly: true, sig: 'i', flags: 0, fields: ['path'], doc: 'time(2) through the vDSO\'s __vdso_time (found in the mapped image) or syscall(SYS_time); the path is compared (the value is whole seconds of CLOCK_REALTIME, which no namespace offsets). arm64 has neither: the helper then calls clock_gettime(CLOCK_REALTIME_COARSE) through the vDSO, as glibc does. Via vsyscall it calls 0xffffffffff600400 (a SIGSEGV is caught and reported).',
    encode: (op) => [via(op.via)] },
  clock_getres: { readOnly: true, sig: 'ii', flags: 0, fields: ['res', 'path'], doc: 'clock_getres(2) through the vDSO\'s own entry (__vdso_clock_getres, __kernel_clock_getres) or syscall(2): the resolution is compared exactly, and the path.',
    encode: (op) => [clockToken(op), via(op.via)] },
  timer_settime: { readOnly: true, sig: 'iiT', flags: OPF_CLOCK0, fields: ['waited', 'timer'], doc: 'timer_create(2) with SIGEV_THREAD_ID (a signal the calling thread blocks), timer_settime(2), then timer_gettime(2): the time left is compared, and the state: armed (time left), else expired or disarmed by whether the signal arrives within 100 ms.',
    encode: timerTokens },
  futex_wait: { readOnly: true, sig: 'iTi', flags: 0, fields: ['waited'], doc: 'futex(2) on a word holding the value passed (for FUTEX_LOCK_PI and FUTEX_LOCK_PI2: the parent\'s tid, an owner that never releases it) until the timeout; a timer interrupts it at the sleep cap (the PI locks restart after a signal, so only deadlines within the cap are run).',
    encode: (op, c) => {
      if (op.value.base === 'host') return { notRun: 'the supervisor resolves "host" on CLOCK_MONOTONIC only' };
      const cmd = op.futexOp & FUTEX_CMD_MASK;
      const pi = cmd === FUTEX_OPS.FUTEX_LOCK_PI || cmd === FUTEX_OPS.FUTEX_LOCK_PI2;
      if (pi && (op.value.base === 'abs' || op.value.delta.sec * 1000 + op.value.delta.nsec / 1e6 > c.mode.sleepCapMs)) {
        return { notRun: 'a PI lock restarts after the signal that ends a sleep at the cap: only deadlines of now + less than the cap are run' };
      }
      // FUTEX_WAIT's timeout is relative (futex_init_timeout adds ktime_get() to it): now + … is a clock reading
      // used as a duration, seconds long on a VM just booted, where each side's clock has moved on differently
      const relative = cmd === FUTEX_OPS.FUTEX_WAIT ? clockPointUnchecked(CLOCKS.CLOCK_MONOTONIC, false, op.value) : null;
      if (relative) return relative;
      return [String(op.futexOp), timeToken(op.value), String(c.mode.sleepCapMs)];
    } },
  futex2_wait: { readOnly: true, sig: 'iiTii', flags: 0, fields: ['waited'], doc: 'futex_waitv(2) with one waiter, or futex_wait(2) (futex2), by raw syscall number (449 and 455 on x86_64, arm64 and arm), on a word holding the value passed (8-byte aligned, followed by FUTEX_NO_NODE for FUTEX2_NUMA) until the absolute timeout; a timer interrupts it at the sleep cap (EINTR: neither call restarts without SA_RESTART).',
    encode: (op, c) => {
      if (op.value.base === 'host') return { notRun: 'the supervisor resolves "host" on CLOCK_MONOTONIC only' };
      return clockPointUnchecked(op.clock, true, op.value)
        ?? [op.call === 'futex_waitv' ? '0' : '1', clockToken(op), timeToken(op.value), String(op.flags), String(c.mode.sleepCapMs)];
    } },
  clocksource: { sig: 'x', flags: OPF_HOST, fields: [], doc: 'never run: switching the clocksource changes the host.',
    encode: () => ({ notRun: 'a clocksource change changes the host, which verify never does' }) },
};
