// The timekeeping operations of issue 13 "mechanisms" (sim/opsClock.ts): each builds its own span (vDSO entry or
// system call), so the model runs them here rather than through the generic system-call span of syscalls.ts.

import type { OpResult } from '../api';
import type { TimeExpr } from '../ops';
import type { ClockTaskOperation } from '../opsClock';
import { clockName, fmtTs } from '../types';
import { setLastResult, type KernelContext } from './context';
import { futex2Exists, futex2FlagsName, futex2Wait } from './time/futex2';
import { futexOpName, futexWait, timerSettime } from './time/timers';
import { KErr } from './trace';
import { clockGetres, time } from './vdso/entries';

export function clockTaskOp(k: KernelContext, t: string, op: ClockTaskOperation): OpResult {
  switch (op.op) {
    case 'time': return time(k, t, op.via);
    case 'clock_getres': return clockGetres(k, t, op.clock, op.via);
    case 'timer_settime':
      return syscall(k, t, 'timer_settime', k.txt`timer_create(${clockName(op.clock)}) + timer_settime(${op.abs ? 'TIMER_ABSTIME' : '0'}, ${timeText(op.value)})`,
        () => timerSettime(k, t, op.clock, op.abs, op.value));
    case 'futex_wait':
      return syscall(k, t, 'futex', k.txt`futex(uaddr, ${futexOpName(op.futexOp)}, val, ${timeText(op.value)})`, () => futexWait(k, t, op.futexOp, op.value));
    case 'futex2_wait': {
      const args = op.call === 'futex_waitv'
        ? k.txt`futex_waitv([{ val, uaddr, ${futex2FlagsName(op.flags)} }], 1, 0, ${timeText(op.value)}, ${clockName(op.clock)})`
        : k.txt`futex_wait(uaddr, val, FUTEX_BITSET_MATCH_ANY, ${futex2FlagsName(op.flags)}, ${timeText(op.value)}, ${clockName(op.clock)})`;
      // A kernel without the call has sys_ni_syscall at its number.
      return syscall(k, t, op.call, args, () => futex2Wait(k, t, op.call, op.clock, op.value, op.flags), !futex2Exists(k, op.call));
    }
  }
}

function timeText(v: TimeExpr): string {
  return v.base === 'abs' ? fmtTs(v.delta) : `${v.base} + ${fmtTs(v.delta)}`;
}

/** A system call's span, as syscalls.ts records the others: enter with the arguments, the body, exit with the result. */
function syscall(k: KernelContext, t: string, name: string, summary: number, body: () => OpResult, ni = false): OpResult {
  const enter = k.enter('syscall-enter', ni ? 'sys_ni_syscall' : k.syscallPrefix + name, summary);
  let res: OpResult;
  try {
    res = body();
  } catch (e) {
    if (!(e instanceof KErr)) throw e;
    res = { ret: -1, errno: e.errno, signal: null };
  }
  setLastResult(k, t, res);
  k.exit('syscall-exit', enter, k.txt`${name} = ${res.errno ? `-1 ${res.errno}` : res.ret}`, res);
  return res;
}

/** The functions these operations record (sim/index.ts KERNEL_FUNCTIONS): vDSO entries, libc's time on arm64, the
 *  kernel side of the system calls and their fallbacks. */
export const CLOCK_KERNEL_FUNCTIONS: readonly string[] = [
  '__vdso_time', '__vdso_clock_getres', '__kernel_clock_getres', 'time', 'sys_ni_syscall', '__arch_get_timens_vdso_data',
  '__x64_sys_time', '__x64_sys_clock_getres', '__arm64_sys_clock_getres', 'ktime_get_real_seconds', 'clock_getres_fallback',
  'posix_get_hrtimer_res', 'posix_get_coarse_res', 'posix_cpu_clock_getres', 'alarm_clock_getres',
  '__x64_sys_timer_settime', '__arm64_sys_timer_settime', 'do_timer_create', 'alarm_timer_create', 'common_timer_set',
  'posix_cpu_timer_set', '__x64_sys_futex', '__arm64_sys_futex', 'futex_init_timeout', 'futex_wait', 'futex_lock_pi',
  'futex_wait_requeue_pi', '__x64_sys_futex_waitv', '__arm64_sys_futex_waitv', '__x64_sys_futex_wait', '__arm64_sys_futex_wait',
  'futex2_setup_timeout', 'futex_parse_waitv', 'futex_wait_multiple', '__futex_wait', 'timekeeping_update', 'update_vsyscall',
  'down_write_killable', 'up_write', 'mmap_write_lock_killable', 'mmap_write_unlock', 'mmap_read_lock', 'mmap_read_unlock',
];
