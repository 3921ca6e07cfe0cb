// The helper's side of the timekeeping operations (sim/opsClock.ts), as operations.ts describes the others: the
// protocol signature helper/ops_clock.c parses, and which result fields are compared.

import type { TimeExpr } from '../sim/ops';
import { FUTEX_CMD_MASK, FUTEX_OPS, type CallVia, type ClockOperationName } from '../sim/opsClock';
import { OPF_CLOCK0, OPF_HOST } from './opFlags';
import type { OpSpec } from './operations';

/** The helper's encoding of a call path: 0 the vDSO, 1 the system call, 2 x86_64's vsyscall page. */
export const via = (v: CallVia): string => (v === 'syscall' ? '1' : v === 'vsyscall' ? '2' : '0');
const time = (v: TimeExpr): string => `${v.base}:${v.delta.sec}:${v.delta.nsec}`;

export const CLOCK_OPERATIONS: { readonly [K in ClockOperationName]: OpSpec<K> } = {
  time: { readOnly: true, sig: 'i', flags: 0, fields: ['path'], doc: 'time(2) through the vDSO\'s __vdso_time (found in the mapped image) or syscall(SYS_time); the path is compared (the value is whole seconds of CLOCK_REALTIME, which no namespace offsets). arm64 has neither: the helper then calls clock_gettime(CLOCK_REALTIME_COARSE) through the vDSO, as glibc does. Via vsyscall it calls 0xffffffffff600400 (a SIGSEGV is caught and reported).',
    encode: (op) => [via(op.via)] },
  clock_getres: { readOnly: true, sig: 'ii', flags: 0, fields: ['res', 'path'], doc: 'clock_getres(2) through the vDSO\'s own entry (__vdso_clock_getres, __kernel_clock_getres) or syscall(2): the resolution is compared exactly, and the path.',
    encode: (op) => [String(op.clock), via(op.via)] },
  timer_settime: { readOnly: true, sig: 'iiT', flags: OPF_CLOCK0, fields: ['waited', 'timer'], doc: 'timer_create(2) with SIGEV_SIGNAL (a blocked signal), timer_settime(2), then timer_gettime(2): the time left is compared, and the state: armed (time left), else expired or disarmed by whether the signal arrives within 100 ms.',
    encode: (op) => [String(op.clock), op.abs ? '1' : '0', time(op.value)] },
  futex_wait: { readOnly: true, sig: 'iTi', flags: 0, fields: ['waited'], doc: 'futex(2) on a word holding the value passed (for FUTEX_LOCK_PI and FUTEX_LOCK_PI2: the parent\'s tid, an owner that never releases it) until the timeout; a timer interrupts it at the sleep cap (the PI locks restart after a signal, so only deadlines within the cap are run).',
    encode: (op, c) => {
      if (op.value.base === 'host') return { notRun: 'the supervisor resolves "host" on CLOCK_MONOTONIC only' };
      const cmd = op.futexOp & FUTEX_CMD_MASK;
      const pi = cmd === FUTEX_OPS.FUTEX_LOCK_PI || cmd === FUTEX_OPS.FUTEX_LOCK_PI2;
      if (pi && (op.value.base === 'abs' || op.value.delta.sec * 1000 + op.value.delta.nsec / 1e6 > c.mode.sleepCapMs)) {
        return { notRun: 'a PI lock restarts after the signal that ends a sleep at the cap: only deadlines of now + less than the cap are run' };
      }
      return [String(op.futexOp), time(op.value), String(c.mode.sleepCapMs)];
    } },
  clocksource: { sig: 'x', flags: OPF_HOST, fields: [], doc: 'never run: switching the clocksource changes the host.',
    encode: () => ({ notRun: 'a clocksource change changes the host, which verify never does' }) },
};
