// The timekeeping operations of issue 13 "mechanisms" (sim/opsClock.ts): each builds its own span (vDSO entry or
// system call), so the model runs them here rather than through the generic system-call span of syscalls.ts.

import type { OpResult } from '../api';
import type { ClockTaskOperation } from '../opsClock';
import type { KernelContext } from './context';
import { clockGetres, time } from './vdso/entries';

export function clockTaskOp(k: KernelContext, t: string, op: ClockTaskOperation): OpResult {
  switch (op.op) {
    case 'time': return time(k, t, op.via);
    case 'clock_getres': return clockGetres(k, t, op.clock, op.via);
  }
}

/** The functions these operations record (sim/index.ts KERNEL_FUNCTIONS): vDSO entries, libc's time on arm64, the
 *  kernel side of the system calls and their fallbacks. */
export const CLOCK_KERNEL_FUNCTIONS: readonly string[] = [
  '__vdso_time', '__vdso_clock_getres', '__kernel_clock_getres', 'time', 'sys_ni_syscall', '__arch_get_timens_vdso_data',
  '__x64_sys_time', '__x64_sys_clock_getres', '__arm64_sys_clock_getres', 'ktime_get_real_seconds', 'clock_getres_fallback',
  'posix_get_hrtimer_res', 'posix_get_coarse_res', 'posix_cpu_clock_getres', 'alarm_clock_getres',
];
