// The timekeeping operations of issue 13 "mechanisms" (kept apart from ops.ts so their vocabulary stays in one
// block): the vDSO's time and clock_getres entries, POSIX timers, futex waits, a host clocksource change.

/** How a clock call is made: through the vDSO entry (libc's path) or the system call. */
export type ClockVia = 'vdso' | 'syscall';

export type ClockTaskOperation =
  /** time(2): whole seconds of CLOCK_REALTIME (x86_64 __vdso_time; arm64 has neither a vDSO entry nor the syscall). */
  | { readonly op: 'time'; readonly via: ClockVia }
  /** clock_getres(2): the resolution of a clock (__vdso_clock_getres / __kernel_clock_getres, or the syscall). */
  | { readonly op: 'clock_getres'; readonly clock: number; readonly via: ClockVia };

export type ClockOperationName = ClockTaskOperation['op'];
const CLOCK_OPERATION_NAMES: ReadonlySet<string> = new Set<ClockOperationName>(['time', 'clock_getres']);
/** Is this one of the operations above (the kernel model runs them in kernel/clockOps.ts)? */
export function isClockOperation(op: { readonly op: string }): op is ClockTaskOperation {
  return CLOCK_OPERATION_NAMES.has(op.op);
}
