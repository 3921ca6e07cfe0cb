// Sleeps and timers against a clock (kernel/time/hrtimer.c, alarmtimer.c, fs/timerfd.c): an absolute deadline in
// namespace time is turned into host time (timens_ktime_to_host) before the timer is armed.

import type { OpResult } from '../../api';
import type { TimeExpr } from '../../ops';
import { TFD_SETTIME_FLAGS, TIMER_ABSTIME } from '../../opsClock';
import { CLOCK_NAMES, CLOCKS as C, clockName, fmtTs, type Timespec } from '../../types';
import { np, ns, task, type KernelContext } from '../context';
import { advance } from '../host';
import { KTIME_MAX, KTIME_SEC_MAX, offsetKtime } from '../../offset64';
import { tsAdd, tsCmp, tsSub, ZERO } from '../util';
import { hostClock, nsClock, offsetKind } from './posix-timers';
import { cpuClockGet, cpuNsleep, cpuOrFdClock } from './posix-cpu-timers';

const NSEC = 1000000000n;
const KTIME_MAX_TS: Timespec = { sec: Number(KTIME_MAX / NSEC), nsec: Number(KTIME_MAX % NSEC) };

export function evalTime(k: KernelContext, t: string, clock: number, v: TimeExpr): Timespec {
  if (v.base === 'abs') return v.delta;
  // now + … on a CPU or fd clock is the task's own clock_gettime of it first, which fails as clock_gettime does
  const cpu = v.base === 'now' ? cpuOrFdClock(clock) : null;
  if (cpu) return tsAdd(cpuClockGet(k, t, cpu), v.delta);
  const host = hostClock(k, clock);
  return tsAdd(v.base === 'now' ? nsClock(k, t, clock, host) : host, v.delta);
}

/** timespec64_to_ktime = ktime_set: a value of KTIME_SEC_MAX seconds or more is KTIME_MAX. */
export function ktimeSet(tm: Timespec): Timespec {
  return tm.sec >= KTIME_SEC_MAX ? KTIME_MAX_TS : tm;
}

/** The time left of an hrtimer whose expiry, computed exactly, is `exp`: in the kernel a sum past KTIME_MAX wraps
 *  to a negative s64 (do_timens_ktime_to_host's `tim - offset` with a negative offset, whose `tim > KTIME_MAX`
 *  test cannot hold), and ktime_add_safe turns it into KTIME_MAX: in __hrtimer_start_range_ns for a relative
 *  timer (`tim = ktime_add_safe(tim, now)`) and in hrtimer_set_expires_range_ns for every one (`node.expires =
 *  ktime_add_safe(time, delta)`, `res < 0` → ktime_set(KTIME_SEC_MAX, 0) = KTIME_MAX), kernel/time/hrtimer.c. So
 *  such a timer never fires (measured on 6.18: timerfd_gettime gives KTIME_MAX less now). */
export function hrtimerLeft(exp: Timespec, now: Timespec): Timespec {
  const hard = tsCmp(exp, KTIME_MAX_TS) > 0 ? KTIME_MAX_TS : exp;
  return tsCmp(hard, now) > 0 ? tsSub(hard, now) : ZERO;
}

/** The time left of a relative hrtimer: the expiry is ktime_add_safe(value, now) on the timer's base, and
 *  __hrtimer_init runs a relative CLOCK_REALTIME timer on CLOCK_MONOTONIC (kernel/time/hrtimer.c), which shows only
 *  where the sum saturates. */
export function relativeLeft(k: KernelContext, clock: number, tm: Timespec): Timespec {
  const base = hostClock(k, clock === 0 ? 1 : clock);
  return hrtimerLeft(tsAdd(base, ktimeSet(tm)), base);
}

/** timens_ktime_to_host: subtract the caller's offset as a ktime (ktime_set saturates at KTIME_SEC_MAX seconds,
 *  the deadline's and the offset's); a deadline before the offset becomes 0. The difference is exact here: one
 *  past KTIME_MAX (a negative s64 in the kernel) is what hrtimerLeft makes KTIME_MAX. */
export function toHost(k: KernelContext, t: string, clock: number, tm: Timespec): Timespec {
  return k.fn('timens_ktime_to_host', () => {
    const byDesign = k.modules.design.toHost?.(k, t, clock, tm);
    if (byDesign) return tsCmp(byDesign, ZERO) < 0 ? ZERO : byDesign;
    const kind = offsetKind(clock);
    const n = ns(k, np(k, task(k, t).nsproxy).time_ns);
    if (!kind || clock === 4 || clock === 6 || n.id === 'ns#0') return ktimeSet(tm);
    const off = kind === 'mono' ? n.offsets.monotonic : n.offsets.boottime;
    const offset = offsetKtime(off);
    const tim = tm.sec >= KTIME_SEC_MAX ? KTIME_MAX : BigInt(tm.sec) * NSEC + BigInt(tm.nsec);
    if (tim < offset) return ZERO;
    const d = tim - offset;
    return { sec: Number(d / NSEC), nsec: Number(d % NSEC) };
  }, (v) => k.txt`deadline ${tm} in ${clockName(clock)} namespace time → host ${v}`);
}

const NSLEEP: Readonly<Record<number, string>> = {
  0: 'common_nsleep', 11: 'common_nsleep', 1: 'common_nsleep_timens', 7: 'common_nsleep_timens', 8: 'alarm_timer_nsleep',
  9: 'alarm_timer_nsleep',
};

export function needWakeAlarm(k: KernelContext, t: string): void {
  const me = task(k, t);
  if (!(me.fullCaps && me.userNs === 'user#0')) k.fail('EPERM', 'CAP_WAKE_ALARM is needed');
}

/** `flags`: the flags as passed, when they hold bits other than TIMER_ABSTIME (timerFlagFields). */
export function clockNanosleep(k: KernelContext, t: string, clock: number, abs: boolean, value: TimeExpr, flags?: number): OpResult {
  const cpu = cpuOrFdClock(clock);
  if (!(clock in CLOCK_NAMES) && !cpu) k.fail('EINVAL', `clock id ${clock} is not valid`);
  // clock_thread and clock_posix_dynamic have no nsleep: "if (!kc->nsleep) return -EOPNOTSUPP;"
  const nsleep = cpu ? (cpu.kind === 'cpu' && clock !== C.CLOCK_THREAD_CPUTIME_ID ? 'posix_cpu_nsleep' : undefined) : NSLEEP[clock];
  if (!nsleep) k.fail('EOPNOTSUPP', `${clockName(clock)} has no nsleep`);
  const tm = evalTime(k, t, clock, value);
  if (tm.sec < 0) k.fail('EINVAL', 'negative time value');
  if (cpu?.kind === 'cpu') {
    if (cpuNsleep(k, t, cpu, tm, abs)) return { ret: 0, errno: null, signal: null, waited: ZERO };
    // Our choice: the model does not block the task for ever; it records a wait that never ends (KTIME_MAX) and
    // moves no clock, as if a signal had ended the sleep (what verify's helper does at its cap).
    return { ret: 0, errno: null, signal: null, waited: KTIME_MAX_TS };
  }
  return k.fn(nsleep, () => {
    if (clock === 8 || clock === 9) {
      if (!k.sw.rtcPresent) k.fail('EOPNOTSUPP', 'no RTC device');
      // alarm_timer_nsleep, alone among the nsleeps (common_nsleep tests only the TIMER_ABSTIME bit): "if (flags &
      // ~TIMER_ABSTIME) return -EINVAL;" after the RTC and before CAP_WAKE_ALARM (kernel/time/alarmtimer.c)
      if (flags !== undefined && flags & ~TIMER_ABSTIME) k.fail('EINVAL', `alarm_timer_nsleep takes no flag but TIMER_ABSTIME (flags 0x${flags.toString(16)})`);
      needWakeAlarm(k, t);
    }
    let waited: Timespec;
    const now = hostClock(k, clock);
    if (abs) {
      const hostDeadline = (clock === 0 || clock === 11 || clock === 8) && !k.modules.design.toHost ? ktimeSet(tm) : toHost(k, t, clock, tm);
      waited = hrtimerLeft(hostDeadline, now);
    } else {
      waited = relativeLeft(k, clock, tm);
    }
    if (waited.sec > 0 || waited.nsec > 0) advance(k, waited, false, `${t} sleeps ${fmtTs(waited)} s (host)`);
    return { ret: 0, errno: null, signal: null, waited };
  });
}

export function timerfdSettime(k: KernelContext, t: string, clock: number, abs: boolean, value: TimeExpr, flags = 0): OpResult {
  if (![0, 1, 7, 8, 9].includes(clock)) k.fail('EINVAL', `timerfd_create does not accept ${clockName(clock)}`);
  if (clock === 8 || clock === 9) needWakeAlarm(k, t);
  // do_timerfd_settime: "if ((flags & ~TFD_SETTIME_FLAGS) || !itimerspec64_valid(new)) return -EINVAL;"
  if (flags & ~TFD_SETTIME_FLAGS) k.fail('EINVAL', `timerfd_settime flags 0x${flags.toString(16)}: only TFD_TIMER_ABSTIME and TFD_TIMER_CANCEL_ON_SET`);
  const tm = evalTime(k, t, clock, value);
  if (tm.sec < 0) k.fail('EINVAL', 'negative time value');
  return k.fn('do_timerfd_settime', () => {
    // timerfd_setup: the zero test is on the value as passed, before timens_ktime_to_host: 0 starts no timer,
    // relative or absolute, whatever the namespace offset would make of it.
    if (tm.sec === 0 && tm.nsec === 0) {
      k.state(k.txt`timer disarmed: it_value is 0, so timerfd_setup starts no hrtimer (timerfd_gettime reports 0; it never expires)`);
      return { ret: 0, errno: null, signal: null, waited: ZERO, timer: 'disarmed' };
    }
    let remaining: Timespec;
    const now = hostClock(k, clock);
    if (abs) {
      const hostDeadline = (clock === 0 || clock === 8) && !k.modules.design.toHost ? ktimeSet(tm) : toHost(k, t, clock, tm);
      remaining = hrtimerLeft(hostDeadline, now);
    } else {
      remaining = relativeLeft(k, clock, tm);
    }
    k.state(k.txt`timer armed: expires in ${remaining} s of host time (timerfd_gettime would report this)`);
    return { ret: 0, errno: null, signal: null, waited: remaining };
  });
}
