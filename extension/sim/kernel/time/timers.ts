// POSIX timers and futex timeouts against a time namespace (kernel/time/posix-timers.c common_timer_set,
// kernel/futex/syscalls.c futex_init_timeout): an absolute deadline in namespace time is turned into host time
// (timens_ktime_to_host) where the kernel does so, and only there.

import type { OpResult } from '../../api';
import type { TimeExpr } from '../../ops';
import { FUTEX_CMD_MASK, FUTEX_OPS as FO } from '../../opsClock';
import { CLOCKS as C, clockName, type Timespec } from '../../types';
import { hostClocks, type KernelContext } from '../context';
import { advance } from '../host';
import { tsAdd, tsCmp, tsSub, ZERO } from '../util';
import { hostClock } from './posix-timers';
import { cpuOrFdClock, cpuTimerCreate, MODEL_CPU_TIME } from './posix-cpu-timers';
import { evalTime, hrtimerLeft, ktimeSet, needWakeAlarm, relativeLeft, toHost } from './sleep';

/** Clocks with a kclock that can create a timer (clock_posix_* .timer_create): not RAW or the COARSE clocks. */
const TIMER_CLOCKS = new Set<number>([C.CLOCK_REALTIME, C.CLOCK_MONOTONIC, C.CLOCK_BOOTTIME, C.CLOCK_TAI,
  C.CLOCK_REALTIME_ALARM, C.CLOCK_BOOTTIME_ALARM, C.CLOCK_PROCESS_CPUTIME_ID, C.CLOCK_THREAD_CPUTIME_ID]);
const KNOWN_CLOCKS = new Set<number>(Object.values(C));


/** timer_create(clock, SIGEV_THREAD_ID with a signal the thread blocks) + timer_settime(flags, { it_value }) +
 *  timer_gettime + timer_delete: nothing is delivered (our choice, as verify's helper does; with SIGEV_SIGNAL's
 *  default SIGALRM an expired timer would end the process, kernel/signal.c). */
export function timerSettime(k: KernelContext, t: string, clock: number, abs: boolean, value: TimeExpr): OpResult {
  const cpuClock = cpuOrFdClock(clock);
  k.fn('do_timer_create', () => {
    if (cpuClock) return cpuTimerCreate(k, t, cpuClock);
    if (!KNOWN_CLOCKS.has(clock)) k.fail('EINVAL', `clock id ${clock} is not valid (clockid_to_kclock)`);
    if (!TIMER_CLOCKS.has(clock)) k.fail('EOPNOTSUPP', `${clockName(clock)} has no timer_create ("if (!kc->timer_create) return -EOPNOTSUPP;")`);
    if (clock === C.CLOCK_REALTIME_ALARM || clock === C.CLOCK_BOOTTIME_ALARM) {
      k.fn('alarm_timer_create', () => {
        if (!k.sw.rtcPresent) k.fail('EOPNOTSUPP', 'no RTC device (alarmtimer_get_rtcdev)');
        needWakeAlarm(k, t);
      });
    }
  });
  const tm = evalTime(k, t, clock, value);
  // do_timer_settime: "if (!timespec64_valid(&new_spec64->it_interval) || !timespec64_valid(&new_spec64->it_value)) return -EINVAL;"
  if (tm.sec < 0) k.fail('EINVAL', 'negative it_value');
  const cpu = cpuClock !== null;
  return k.fn(cpu ? 'posix_cpu_timer_set' : 'common_timer_set', () => {
    // common_timer_set: "Switch off the timer when it_value is zero" comes before the conversion.
    if (tm.sec === 0 && tm.nsec === 0) {
      k.state(k.txt`timer disarmed: it_value is 0 (timer_gettime reports 0; it never fires)`);
      return { ret: 0, errno: null, signal: null, waited: ZERO, timer: 'disarmed' };
    }
    let remaining: Timespec;
    if (cpu) {
      // posix_cpu_timer_set: "Use the to_ktime conversion because that clamps the maximum value to KTIME_MAX"; a
      // relative value is added to the clock's sample (a u64 that does not wrap there), an absolute one is compared
      // with it: at or below it the timer fires at once. No namespace offset applies.
      const exp = ktimeSet(tm);
      remaining = abs ? (tsCmp(exp, MODEL_CPU_TIME) > 0 ? tsSub(exp, MODEL_CPU_TIME) : ZERO) : exp;
    } else if (!abs) {
      // common_hrtimer_arm: "if (!absolute) expires = ktime_add_safe(expires, timer->base->get_time());"
      remaining = relativeLeft(k, clock, tm);
    } else {
      // "if (flags & TIMER_ABSTIME) expires = timens_ktime_to_host(timr->it_clock, expires);": MONOTONIC,
      // BOOTTIME and BOOTTIME_ALARM are moved, the others returned as they are.
      remaining = hrtimerLeft(toHost(k, t, clock, ktimeSet(tm)), hostClock(k, clock));
    }
    k.state(k.txt`timer armed: expires in ${remaining} s of host time (timer_gettime would report this)`);
    return { ret: 0, errno: null, signal: null, waited: remaining };
  });
}

const FUTEX_NAMES: Readonly<Record<number, string>> = {
  [FO.FUTEX_WAIT]: 'FUTEX_WAIT', [FO.FUTEX_LOCK_PI]: 'FUTEX_LOCK_PI', [FO.FUTEX_WAIT_BITSET]: 'FUTEX_WAIT_BITSET',
  [FO.FUTEX_WAIT_REQUEUE_PI]: 'FUTEX_WAIT_REQUEUE_PI', [FO.FUTEX_LOCK_PI2]: 'FUTEX_LOCK_PI2',
};

/** The futex op as strace shows it. */
export function futexOpName(futexOp: number): string {
  const cmd = futexOp & FUTEX_CMD_MASK;
  return [FUTEX_NAMES[cmd] ?? String(cmd), ...(futexOp & FO.FUTEX_PRIVATE_FLAG ? ['FUTEX_PRIVATE_FLAG'] : []),
    ...(futexOp & FO.FUTEX_CLOCK_REALTIME ? ['FUTEX_CLOCK_REALTIME'] : [])].join('|');
}

/**
 * futex(uaddr, op, val, timeout) that waits until the timeout: the word holds `val` and nobody wakes it (for the PI
 * locks, the task's parent owns it). ETIMEDOUT after the time the kernel's hrtimer gives, in host time.
 */
export function futexWait(k: KernelContext, t: string, futexOp: number, value: TimeExpr): OpResult {
  const cmd = futexOp & FUTEX_CMD_MASK;
  const clockRt = (futexOp & FO.FUTEX_CLOCK_REALTIME) !== 0;
  if (!(cmd in FUTEX_NAMES) || (cmd === FO.FUTEX_LOCK_PI2 && !k.sw.futexLockPi2)) k.fail('ENOSYS', `futex command ${cmd} does not exist on this kernel`);
  // The clock the kernel's hrtimer runs on: FUTEX_LOCK_PI always CLOCK_REALTIME ("flags |= FLAGS_CLOCKRT"), the
  // others CLOCK_MONOTONIC unless FUTEX_CLOCK_REALTIME.
  const clock = cmd === FO.FUTEX_LOCK_PI || clockRt ? C.CLOCK_REALTIME : C.CLOCK_MONOTONIC;
  const host = futexInitTimeout(k, t, cmd, futexOp, evalTime(k, t, clock, value));
  if (clockRt && cmd !== FO.FUTEX_WAIT_BITSET && cmd !== FO.FUTEX_WAIT_REQUEUE_PI && cmd !== FO.FUTEX_LOCK_PI2) {
    k.fail('ENOSYS', 'FUTEX_CLOCK_REALTIME with a command other than FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI or FUTEX_LOCK_PI2');
  }
  const fn = cmd === FO.FUTEX_LOCK_PI || cmd === FO.FUTEX_LOCK_PI2 ? 'futex_lock_pi' : cmd === FO.FUTEX_WAIT_REQUEUE_PI ? 'futex_wait_requeue_pi' : 'futex_wait';
  return k.fn(fn, () => futexTimesOut(k, t, host, clock));
}

/**
 * futex_init_timeout(cmd, op, ts, t): the host deadline of the hrtimer, from the timeout `tm` the caller gave (namespace
 * time for an absolute CLOCK_MONOTONIC one). futex_waitv and futex_wait (futex2) call it as FUTEX_WAIT_BITSET.
 */
export function futexInitTimeout(k: KernelContext, t: string, cmd: number, futexOp: number, tm: Timespec): Timespec {
  const clockRt = (futexOp & FO.FUTEX_CLOCK_REALTIME) !== 0;
  const clock = cmd === FO.FUTEX_LOCK_PI || clockRt ? C.CLOCK_REALTIME : C.CLOCK_MONOTONIC;
  return k.fn('futex_init_timeout', () => {
    if (tm.sec < 0) k.fail('EINVAL', 'negative timeout ("if (!timespec64_valid(ts)) return -EINVAL;")');
    // "if (cmd == FUTEX_WAIT) *t = ktime_add_safe(ktime_get(), *t);": relative, from host MONOTONIC.
    if (cmd === FO.FUTEX_WAIT) return tsAdd(hostClocks(k).monotonic, ktimeSet(tm));
    const mode = k.sw.futexTimens;
    // 5.13+: "else if (cmd != FUTEX_LOCK_PI && !(op & FUTEX_CLOCK_REALTIME)) *t = timens_ktime_to_host(CLOCK_MONOTONIC, *t);"
    // 5.10-5.12: "else if (!(op & FUTEX_CLOCK_REALTIME))": a FUTEX_LOCK_PI deadline (REALTIME) moved by the MONOTONIC offset.
    const convert = mode !== 'none' && !clockRt && (cmd !== FO.FUTEX_LOCK_PI || mode === 'lock-pi-too');
    if (!convert) {
      k.state(k.txt`${clockName(clock)} deadline ${tm} is not converted${mode === 'none' ? ' (no time namespace adjustment of futex timeouts before 5.10)' : ''}`);
      return tm;
    }
    return toHost(k, t, C.CLOCK_MONOTONIC, tm);
  }, (v) => k.txt`hrtimer on ${clockName(clock)} expires at host ${v}`);
}

/** The wait on a word nobody wakes, inside the kernel's wait function: the hrtimer on `clock` fires at the host
 *  deadline and the call gives ETIMEDOUT, having waited what was left of it. */
export function futexTimesOut(k: KernelContext, t: string, host: Timespec, clock: number): OpResult {
  const waited = hrtimerLeft(host, hostClock(k, clock));
  if (waited.sec > 0 || waited.nsec > 0) advance(k, waited, false, `${t} waits ${waited.sec}.${String(waited.nsec).padStart(9, '0')} s (host) on the futex`);
  k.state(k.txt`the hrtimer fires: ETIMEDOUT`);
  k.ev('error', k.txt`ETIMEDOUT: the timeout passed before a wake-up`, { errno: 'ETIMEDOUT' });
  return { ret: -1, errno: 'ETIMEDOUT', signal: null, waited };
}
