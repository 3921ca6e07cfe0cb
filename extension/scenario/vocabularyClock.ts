// The words of the timekeeping operations (issue 13 "mechanisms"; sim/opsClock.ts): their argument shapes, docs,
// examples and snippets, joined to OPERATION_SPECS by vocabulary.ts, and how pass 1 builds their operations.

import type { Operation, TimeExpr } from '../sim/ops';
import type { CallVia, ClockVia, Futex2Call } from '../sim/opsClock';
import type { OperationSpec } from './vocabulary';
import { makeCpuClock, PID_MAX_LIMIT, type CpuClockOf } from '../sim/cpuclock';
import { FUTEX2_FLAGS, timerFlagFields } from '../sim/opsClock';

const VIA = { name: 'via', kind: 'via', optional: true, doc: 'vdso (default; what libc does) or syscall' } as const;
/** time() and gettimeofday() also have an entry in x86_64's legacy vsyscall page. */
export const CALL_VIA = { name: 'via', kind: 'callVia', optional: true,
  doc: "vdso (default; what libc does), syscall, or vsyscall: x86_64's legacy page at 0xffffffffff600000, whose call faults and emulate_vsyscall makes the system call (SIGSEGV with vsyscall=none and on arm64)" } as const;
/** clock_gettime's race= argument (a vDSO read against a host update_vsyscall). */
export const RACE_ARG = { name: 'race', kind: 'race', optional: true,
  doc: 'a host update_vsyscall on another CPU racing this vDSO read: during (it begins after the read took seq: vdso_read_retry sends the read back once; expect retries == 1) or before (the read finds seq odd and spins until it is even; expect retries == 0)' } as const;

/** The clock and the timeout of futex_waitv and futex_wait (futex2_setup_timeout). */
const FUTEX2_TIMEOUT = [
  { name: 'clock', kind: 'clock', doc: 'the timeout\'s clock: CLOCK_MONOTONIC or CLOCK_REALTIME (any other: EINVAL)' },
  { name: 'timeout', kind: 'time', doc: 'an absolute deadline: now + … (namespace time of the clock) or an absolute value' },
] as const;

export const CLOCK_OPERATION_SPECS: readonly OperationSpec[] = [
  { word: 'time', op: 'time', host: false, args: [CALL_VIA],
    summary: 'time(2): whole seconds of CLOCK_REALTIME, never shifted by a time namespace. x86_64: __vdso_time reads basetime[CLOCK_REALTIME].sec of the data page (in a namespace: the real page at the timens slot), with no seqcount loop; the syscall reads ktime_get_real_seconds(); via vsyscall (x86_64) the call into the legacy page at 0xffffffffff600400 faults and emulate_vsyscall makes that syscall. arm64 has no time entry in its vDSO and no time syscall (ENOSYS): libc computes time() from clock_gettime(CLOCK_REALTIME_COARSE) through the vDSO.',
    example: 'P2: time()', snippet: 'time()' },
  { word: 'clock_getres', op: 'clock_getres', host: false, args: [
    { name: 'clock', kind: 'clock', doc: 'CLOCK_* name, number (negative: a CPU or fd clock) or cpuclock(TASK[, thread])' }, VIA],
    summary: 'clock_getres(2): a clock\'s resolution, the same in every time namespace. Through the vDSO: 1 ns (hrtimer_res of the data page, read from the real page in a namespace) for REALTIME, MONOTONIC, BOOTTIME, TAI and MONOTONIC_RAW; 4 ms (LOW_RES_NSEC at HZ=250) for the COARSE clocks; the other clocks fall back to the syscall (ALARM clocks EINVAL without an RTC). 6.17+: the auxiliary clocks 16-23 give 1 ns through the vDSO even when not enabled, EINVAL through the syscall.',
    example: 'P2: clock_getres(CLOCK_MONOTONIC_COARSE)', snippet: 'clock_getres(${1:CLOCK_MONOTONIC})' },
  { word: 'timer_settime', op: 'timer_settime', host: false, args: [
    { name: 'clock', kind: 'clock', doc: 'the timer\'s clock (timer_create): REALTIME, MONOTONIC, BOOTTIME, TAI, the ALARM and CPU clocks' },
    { name: 'flags', kind: 'timerFlags', doc: 'TIMER_ABSTIME or 0' },
    { name: 'time', kind: 'time', doc: 'it_value: a duration, now + … (namespace time), host + … or an absolute value' }],
    summary: 'A POSIX timer: timer_create then timer_settime. An absolute it_value on MONOTONIC, BOOTTIME or BOOTTIME_ALARM is namespace time, converted by timens_ktime_to_host (common_timer_set) after the zero test: an it_value of 0 disarms. RAW and COARSE clocks have no timers (EOPNOTSUPP).',
    example: 'P2: timer_settime(CLOCK_MONOTONIC, TIMER_ABSTIME, now + 1s)', snippet: 'timer_settime(${1:CLOCK_MONOTONIC}, ${2:TIMER_ABSTIME}, ${3:now + 1s})' },
  { word: 'futex', op: 'futex_wait', host: false, args: [
    { name: 'op', kind: 'futexOp', doc: 'FUTEX_WAIT (relative), FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI (absolute REALTIME), FUTEX_LOCK_PI2, with |FUTEX_CLOCK_REALTIME or |FUTEX_PRIVATE_FLAG' },
    { name: 'timeout', kind: 'time', doc: 'FUTEX_WAIT: a duration; the others: a deadline, now + … (namespace time of the timeout\'s clock) or an absolute value' }],
    summary: 'Wait on a futex nobody wakes until the timeout (ETIMEDOUT). futex_init_timeout converts an absolute CLOCK_MONOTONIC deadline (FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI, FUTEX_LOCK_PI2 without FUTEX_CLOCK_REALTIME) from namespace time (5.10+); FUTEX_WAIT is relative and FUTEX_LOCK_PI is CLOCK_REALTIME, never converted, except that 5.10-5.12 moved FUTEX_LOCK_PI\'s deadline by the monotonic offset too.',
    example: 'P2: futex(FUTEX_WAIT_BITSET, now + 1s)', snippet: 'futex(${1:FUTEX_WAIT_BITSET}, ${2:now + 1s})' },
  { word: 'futex_waitv', op: 'futex2_wait', host: false, args: [...FUTEX2_TIMEOUT,
    { name: 'flags', kind: 'futex2Flags', optional: true, doc: 'the waiter\'s FUTEX2_* flags (default FUTEX2_SIZE_U32): a size other than U32, or a bit the kernel does not know, is EINVAL' }],
    summary: 'futex_waitv(2) (5.16) on one waiter nobody wakes, until the timeout (ETIMEDOUT). The timeout is absolute; sys_futex_waitv sets it up as futex_init_timeout(FUTEX_WAIT_BITSET, …), so a CLOCK_MONOTONIC deadline is namespace time converted by timens_ktime_to_host and a CLOCK_REALTIME one is not. ENOSYS before 5.16.',
    example: 'P2: futex_waitv(CLOCK_MONOTONIC, now + 1s)', snippet: 'futex_waitv(${1:CLOCK_MONOTONIC}, ${2:now + 1s})' },
  { word: 'futex_wait', op: 'futex2_wait', host: false, args: [...FUTEX2_TIMEOUT,
    { name: 'flags', kind: 'futex2Flags', optional: true, doc: 'FUTEX2_* flags (default FUTEX2_SIZE_U32): a size other than U32, or a bit the kernel does not know, is EINVAL (checked before the clock)' }],
    summary: 'futex_wait(2), the futex2 call (6.7), on a word nobody wakes until the timeout (ETIMEDOUT): FUTEX_WAIT_BITSET with FUTEX2_* flags and a clock id. Its absolute timeout goes through futex2_setup_timeout, as futex_waitv\'s does: CLOCK_MONOTONIC converted from namespace time, CLOCK_REALTIME not. ENOSYS before 6.7.',
    example: 'P2: futex_wait(CLOCK_MONOTONIC, now + 1s)', snippet: 'futex_wait(${1:CLOCK_MONOTONIC}, ${2:now + 1s})' },
  { word: 'clocksource', op: 'clocksource', host: true, args: [{ name: 'name', kind: 'string', doc: 'tsc, kvm-clock, hpet, acpi_pm, hyperv_clocksource_tsc_page, jiffies (x86_64); arch_sys_counter, jiffies (arm64)' }],
    summary: 'The host switches its clocksource (the watchdog found the TSC unstable, or root wrote current_clocksource): timekeeping_update → update_vsyscall writes the new clocksource\'s vdso_clock_mode into the data page. With VDSO_CLOCKMODE_NONE (hpet, acpi_pm, jiffies) the vDSO\'s high-resolution reads fall back to the system call, in a time namespace too (the values stay right, only the path changes); the COARSE clocks, time() and clock_getres keep reading the page.',
    example: 'clocksource hpet', snippet: 'clocksource ${1|hpet,tsc,kvm-clock,acpi_pm,arch_sys_counter|}' },
];

/** The operations of these words from their bound arguments, or null for any other word. */
export function buildClockOperation(spec: OperationSpec, get: (name: string) => unknown): Operation | null {
  const via = (get('via') as ClockVia | undefined) ?? 'vdso';
  switch (spec.op) {
    case 'time': return { op: 'time', via: (get('via') as CallVia | undefined) ?? 'vdso' };
    case 'clock_getres': return { op: 'clock_getres', ...clockArg(get('clock')), via };
    case 'timer_settime': return { op: 'timer_settime', ...clockArg(get('clock')), ...timerFlagFields((get('flags') as number | undefined) ?? 0), value: get('time') as TimeExpr };
    case 'futex_wait': return { op: 'futex_wait', futexOp: (get('op') as number | undefined) ?? 0, value: get('timeout') as TimeExpr };
    case 'futex2_wait': return { op: 'futex2_wait', call: spec.word as Futex2Call, ...clockArg(get('clock')), value: get('timeout') as TimeExpr,
      flags: (get('flags') as number | undefined) ?? FUTEX2_FLAGS.FUTEX2_SIZE_U32 };
    default: return null;
  }
}

/** A clock argument: an id, or cpuclock(TASK) with a placeholder id that names no task (the model resolves the
 *  task's own pid when it runs the line; verify lets the helper encode the machine's). */
export function clockArg(x: unknown): { readonly clock: number; readonly clockOf?: CpuClockOf } {
  if (x !== null && typeof x === 'object' && 'task' in x) return { clock: makeCpuClock(PID_MAX_LIMIT + 1, (x as CpuClockOf).thread), clockOf: x as CpuClockOf };
  return { clock: (x as number | undefined) ?? 0 };
}
