// The timekeeping operations of issue 13 "mechanisms" (kept apart from ops.ts so their vocabulary stays in one
// block): the vDSO's time and clock_getres entries, POSIX timers, futex waits, a host clocksource change.

import type { TimeExpr } from './ops';
import type { CpuClockOf } from './cpuclock';

/** A host update (update_vsyscall on another CPU) racing a vDSO clock read: it begins after the read took seq
 *  (`during`: vdso_read_retry sends the reader back once) or before it (`before`: the reader spins on the odd seq). */
export type VdsoRace = 'during' | 'before';
export const VDSO_RACES: readonly VdsoRace[] = ['during', 'before'];

/** How a clock call is made: through the vDSO entry (libc's path) or the system call. */
export type ClockVia = 'vdso' | 'syscall';
/** time() and gettimeofday() have a third way in on x86_64: the legacy vsyscall page (kernel/vdso/vsyscall.ts). */
export type CallVia = ClockVia | 'vsyscall';

/** TIMER_ABSTIME (= TFD_TIMER_ABSTIME): the one bit of the flags that clock_nanosleep, timer_settime and
 *  timerfd_settime read as "absolute" (`flags & TIMER_ABSTIME`); clock_nanosleep and timer_settime ignore the others. */
export const TIMER_ABSTIME = 1;
/** TFD_TIMER_CANCEL_ON_SET: with TFD_TIMER_ABSTIME on a REALTIME timerfd, a clock set cancels it; the other
 *  flag bit do_timerfd_settime accepts (`flags & ~TFD_SETTIME_FLAGS`: EINVAL, fs/timerfd.c). */
export const TFD_TIMER_CANCEL_ON_SET = 2;
export const TFD_SETTIME_FLAGS = TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET;
/** A timer's or sleep's flags as the operation keeps them: absolute or not, and the value as passed when it holds
 *  other bits (the helper passes it on; a timerfd refuses unknown bits). */
export function timerFlagFields(flags: number): { readonly abs: boolean; readonly flags?: number } {
  return { abs: (flags & TIMER_ABSTIME) !== 0, ...(flags & ~TIMER_ABSTIME ? { flags } : {}) };
}
/** The flags value an operation was given. */
export const timerFlagsValue = (op: { readonly abs: boolean; readonly flags?: number }): number => op.flags ?? (op.abs ? TIMER_ABSTIME : 0);

export type ClockTaskOperation =
  /** time(2): whole seconds of CLOCK_REALTIME (x86_64 __vdso_time; arm64 has neither a vDSO entry nor the syscall). */
  | { readonly op: 'time'; readonly via: CallVia }
  /** clock_getres(2): the resolution of a clock (__vdso_clock_getres / __kernel_clock_getres, or the syscall). */
  | { readonly op: 'clock_getres'; readonly clock: number; readonly clockOf?: CpuClockOf; readonly via: ClockVia }
  /** timer_create(clock, SIGEV_SIGNAL) then timer_settime(flags, it_value): a POSIX timer, converted like a timerfd. */
  | { readonly op: 'timer_settime'; readonly clock: number; readonly clockOf?: CpuClockOf; readonly abs: boolean; readonly flags?: number; readonly value: TimeExpr }
  /** futex(2) on a word nobody wakes (and for the PI locks, held by the task's parent), with a timeout: `futexOp`
   *  is the command and its flags (FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME). */
  | { readonly op: 'futex_wait'; readonly futexOp: number; readonly value: TimeExpr }
  /** The futex2 waits on one word nobody wakes: futex_waitv(2) with one waiter (5.16) or futex_wait(2) (6.7), an
   *  absolute timeout on `clock` (the kernel takes CLOCK_REALTIME or CLOCK_MONOTONIC) and FUTEX2_* `flags` (the
   *  waiter's for futex_waitv, the call's for futex_wait). */
  | { readonly op: 'futex2_wait'; readonly call: Futex2Call; readonly clock: number; readonly clockOf?: CpuClockOf; readonly value: TimeExpr; readonly flags: number };

/** The two futex2 system calls that wait with a timeout (kernel/futex/syscalls.c). */
export type Futex2Call = 'futex_waitv' | 'futex_wait';

/** The host's clocksource changes (an unstable TSC, or root writing current_clocksource): update_vsyscall follows. */
export type ClockHostOperation = { readonly op: 'clocksource'; readonly name: string };

export type ClockOperationName = ClockTaskOperation['op'] | ClockHostOperation['op'];
const CLOCK_OPERATION_NAMES: ReadonlySet<string> = new Set<ClockOperationName>(['time', 'clock_getres', 'timer_settime', 'futex_wait', 'futex2_wait']);
/** Is this one of the operations above (the kernel model runs them in kernel/clockOps.ts)? */
export function isClockOperation(op: { readonly op: string }): op is ClockTaskOperation {
  return CLOCK_OPERATION_NAMES.has(op.op);
}

/** futex(2) commands and flags (include/uapi/linux/futex.h) that take a timeout. */
export const FUTEX_OPS = {
  FUTEX_WAIT: 0, FUTEX_LOCK_PI: 6, FUTEX_WAIT_BITSET: 9, FUTEX_WAIT_REQUEUE_PI: 11, FUTEX_LOCK_PI2: 13,
  FUTEX_PRIVATE_FLAG: 128, FUTEX_CLOCK_REALTIME: 256,
} as const;
export const FUTEX_CMD_MASK = ~(FUTEX_OPS.FUTEX_PRIVATE_FLAG | FUTEX_OPS.FUTEX_CLOCK_REALTIME);

/** futex2 flags (include/uapi/linux/futex.h, 6.7; FUTEX2_MPOL 6.16): the size of the word, NUMA, private. 5.16-6.6
 *  spelled the two that existed FUTEX_32 and FUTEX_PRIVATE_FLAG, with the same values. */
export const FUTEX2_FLAGS = {
  FUTEX2_SIZE_U8: 0x00, FUTEX2_SIZE_U16: 0x01, FUTEX2_SIZE_U32: 0x02, FUTEX2_SIZE_U64: 0x03,
  FUTEX2_NUMA: 0x04, FUTEX2_MPOL: 0x08, FUTEX2_PRIVATE: 0x80,
} as const;
export const FUTEX2_SIZE_MASK = 0x03;
