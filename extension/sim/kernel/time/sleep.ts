// Sleeps and timers against a clock (kernel/time/hrtimer.c, alarmtimer.c, fs/timerfd.c): an absolute deadline in
// namespace time is turned into host time (timens_ktime_to_host) before the timer is armed.

import type { OpResult } from '../../api';
import type { TimeExpr } from '../../ops';
import { CLOCK_NAMES, clockName, fmtTs, type Timespec } from '../../types';
import { np, ns, task, type KernelContext } from '../context';
import { advance } from '../host';
import { KTIME_MAX, KTIME_SEC_MAX, offsetKtime } from '../../offset64';
import { tsAdd, tsCmp, tsSub, ZERO } from '../util';

const NSEC = 1000000000n;
import { hostClock, nsClock, offsetKind } from './posix-timers';

export function evalTime(k: KernelContext, t: string, clock: number, v: TimeExpr): Timespec {
  if (v.base === 'abs') return v.delta;
  const host = hostClock(k, clock);
  return tsAdd(v.base === 'now' ? nsClock(k, t, clock, host) : host, v.delta);
}

/** timens_ktime_to_host: subtract the caller's offset as a ktime (ktime_set saturates at KTIME_SEC_MAX seconds);
 *  a deadline before the offset becomes 0, one past KTIME_MAX is KTIME_MAX. */
export function toHost(k: KernelContext, t: string, clock: number, tm: Timespec): Timespec {
  return k.fn('timens_ktime_to_host', () => {
    const byDesign = k.modules.design.toHost?.(k, t, clock, tm);
    if (byDesign) return tsCmp(byDesign, ZERO) < 0 ? ZERO : byDesign;
    const kind = offsetKind(clock);
    const n = ns(k, np(k, task(k, t).nsproxy).time_ns);
    if (!kind || clock === 4 || clock === 6 || n.id === 'ns#0') return tm;
    const off = kind === 'mono' ? n.offsets.monotonic : n.offsets.boottime;
    if (!off.carry) {
      if (tsCmp(tm, off) < 0) return ZERO;
      return tsSub(tm, off);
    }
    const offset = offsetKtime(off);
    const tim = tm.sec >= KTIME_SEC_MAX ? KTIME_MAX : BigInt(tm.sec) * NSEC + BigInt(tm.nsec);
    if (tim < offset) return ZERO;
    let d = tim - offset;
    if (d > KTIME_MAX) d = KTIME_MAX;
    return { sec: Number(d / NSEC), nsec: Number(d % NSEC) };
  }, (v) => k.txt`deadline ${tm} in ${clockName(clock)} namespace time → host ${v}`);
}

const NSLEEP: Readonly<Record<number, string>> = {
  0: 'common_nsleep', 11: 'common_nsleep', 1: 'common_nsleep_timens', 7: 'common_nsleep_timens', 8: 'alarm_timer_nsleep',
  9: 'alarm_timer_nsleep', 2: 'posix_cpu_nsleep', 3: 'posix_cpu_nsleep',
};

export function needWakeAlarm(k: KernelContext, t: string): void {
  const me = task(k, t);
  if (!(me.fullCaps && me.userNs === 'user#0')) k.fail('EPERM', 'CAP_WAKE_ALARM is needed');
}

export function clockNanosleep(k: KernelContext, t: string, clock: number, abs: boolean, value: TimeExpr): OpResult {
  if (!(clock in CLOCK_NAMES)) k.fail('EINVAL', `clock id ${clock} is not valid`);
  const nsleep = NSLEEP[clock];
  if (!nsleep) k.fail('EOPNOTSUPP', `${clockName(clock)} has no nsleep`);
  const tm = evalTime(k, t, clock, value);
  if (tm.sec < 0) k.fail('EINVAL', 'negative time value');
  return k.fn(nsleep, () => {
    if (clock === 8 || clock === 9) {
      if (!k.sw.rtcPresent) k.fail('EOPNOTSUPP', 'no RTC device');
      needWakeAlarm(k, t);
    }
    let waited: Timespec;
    if (abs) {
      const hostDeadline = (clock === 0 || clock === 11 || clock === 8) && !k.modules.design.toHost ? tm : toHost(k, t, clock, tm);
      const now = hostClock(k, clock);
      waited = tsCmp(hostDeadline, now) > 0 ? tsSub(hostDeadline, now) : ZERO;
    } else {
      waited = tm;
    }
    if (waited.sec > 0 || waited.nsec > 0) advance(k, waited, false, `${t} sleeps ${fmtTs(waited)} s (host)`);
    return { ret: 0, errno: null, signal: null, waited };
  });
}

export function timerfdSettime(k: KernelContext, t: string, clock: number, abs: boolean, value: TimeExpr): OpResult {
  if (![0, 1, 7, 8, 9].includes(clock)) k.fail('EINVAL', `timerfd_create does not accept ${clockName(clock)}`);
  if (clock === 8 || clock === 9) needWakeAlarm(k, t);
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
    if (abs) {
      const hostDeadline = (clock === 0 || clock === 8) && !k.modules.design.toHost ? tm : toHost(k, t, clock, tm);
      const now = hostClock(k, clock);
      remaining = tsCmp(hostDeadline, now) > 0 ? tsSub(hostDeadline, now) : ZERO;
    } else {
      remaining = tm;
    }
    k.state(k.txt`timer armed: expires in ${remaining} s of host time (timerfd_gettime would report this)`);
    return { ret: 0, errno: null, signal: null, waited: remaining };
  });
}
