// Setting the wall clock and the timer tick as the merged kernel does them (kernel/time/time.c, timekeeping.c,
// posix-timers.c, security/commoncap.c): only CLOCK_REALTIME can be set, only with CAP_SYS_TIME in the initial user
// namespace, and a time namespace changes nothing of it (its offsets are MONOTONIC and BOOTTIME only).

import type { OpResult } from '../../api';
import type { TimeExpr } from '../../ops';
import { HOST_ID, type HostClocks } from '../../store/records';
import { ADJ_MODES as ADJ, HZ, TIME_ERROR, TIME_SETTOD_SEC_MAX, clockName, type Timespec } from '../../types';
import { hostClocks, setLastResult, task, type KernelContext } from '../context';
import { capCheck } from '../cred';
import { hostPage } from '../host';
import { tsAdd, tsCmp, tsSub } from '../util';
import { nsClock } from './posix-timers';
import { negativeClock } from '../../cpuclock';
import { cpuClockSet } from './posix-cpu-timers';

const OK: OpResult = { ret: 0, errno: null, signal: null };
/** USER_HZ (include/asm-generic/param.h): ADJ_TICK takes microseconds per USER_HZ tick. */
const USER_HZ = 100;
/** The adjtimex modes the model runs to the end: reads, the ADJ_SETOFFSET step and the unit flags. The NTP state
 *  (frequency, PLL offset, status, error estimates, time constant, TAI offset, tick length) is not modelled: a
 *  privileged call that sets it passes the kernel's checks and is then refused by the model (our choice: the
 *  model has no clock rate to change, and inventing one would be a guess). */
const RUN_MODES = ADJ.ADJ_SETOFFSET | ADJ.ADJ_NANO | ADJ.ADJ_MICRO;

/** The time a set call names: `now` is the caller's CLOCK_REALTIME, `host` the host's. */
export function realtimeOf(k: KernelContext, t: string, v: TimeExpr): Timespec {
  if (v.base === 'abs') return v.delta;
  const host = hostClocks(k).realtime;
  return tsAdd(v.base === 'host' ? host : nsClock(k, t, 0, host), v.delta);
}

/** A refusal by the model (an operation it does not run): an error event without an errno; the task goes on.
 *  `taskId`: the task whose last result it becomes (set before the event, which carries the change). */
export function refuse(k: KernelContext, why: string, taskId?: string): OpResult {
  const res: OpResult = { ret: null, errno: null, signal: null, refused: why };
  if (taskId) setLastResult(k, taskId, res);
  k.ev('error', k.txt`not run: ${why}`);
  return res;
}

/** timekeeping_update(tk, TK_UPDATE_ALL) → update_vsyscall: the host's vDSO data page gets the new clocks. */
export function timekeepingUpdate(k: KernelContext, next: HostClocks, why: string): void {
  k.fn('timekeeping_update', () => {
    k.r.create(k.host, HOST_ID, next);
    k.fn('update_vsyscall', () => {
      k.r.set(k.pages, 'page#host', 'blocks', hostPage(k, next).blocks);
      k.state(k.txt`page#host rewritten (${why}): realtime ${next.realtime}, monotonic ${next.monotonic}, boottime ${next.boottime}`);
    });
  });
  k.hostIdx = k.r.hostIndex(next.monotonic);
}

/** do_settimeofday64 (kernel/time/timekeeping.c): xtime jumps, wall_to_monotonic moves the other way, so
 *  MONOTONIC and BOOTTIME stay; then clock_was_set(CLOCK_SET_WALL). */
export function doSettimeofday64(k: KernelContext, ts: Timespec): void {
  k.fn('do_settimeofday64', () => {
    const h = hostClocks(k);
    const delta = tsSub(ts, h.realtime);
    // timekeeping.c: if (timespec64_compare(&tk->wall_to_monotonic, &ts_delta) > 0) { ret = -EINVAL; goto out; }
    // (wall_to_monotonic is MONOTONIC − REALTIME, so this refuses a REALTIME below the current MONOTONIC)
    if (tsCmp(ts, h.monotonic) < 0) k.fail('EINVAL', `${ts.sec} s is before the current CLOCK_MONOTONIC (${h.monotonic.sec} s): wall_to_monotonic would become positive`);
    timekeepingUpdate(k, { ...h, realtime: ts }, 'settimeofday');
    k.state(k.txt`CLOCK_REALTIME ${h.realtime} → ${ts} (step ${delta}); tk_set_wall_to_mono keeps CLOCK_MONOTONIC and CLOCK_BOOTTIME; CLOCK_TAI follows REALTIME; every time namespace's offsets (monotonic, boottime) are unchanged`);
    clockWasSet(k);
  });
}

/** clock_was_set(CLOCK_SET_WALL): absolute REALTIME hrtimers are re-evaluated and TFD_TIMER_CANCEL_ON_SET timerfds
 *  cancelled. The model's sleeps and timers resolve when they are armed, so none is pending here. */
export function clockWasSet(k: KernelContext): void {
  k.fn('clock_was_set', () => {
    k.state(k.txt`clock_was_set(CLOCK_SET_WALL): absolute CLOCK_REALTIME timers would be re-evaluated; none is pending in the model (its sleeps and timers resolve when armed)`);
  });
}

/** do_sys_settimeofday64 (kernel/time/time.c) after the syscall's own copy-in. */
function doSysSettimeofday64(k: KernelContext, t: string, ts: Timespec): OpResult {
  return k.fn('do_sys_settimeofday64', () => {
    // time.c: if (tv && !timespec64_valid_settod(tv)) return -EINVAL;
    if (ts.sec < 0) k.fail('EINVAL', `tv_sec ${ts.sec} is negative (timespec64_valid_settod)`);
    if (ts.sec >= TIME_SETTOD_SEC_MAX) k.fail('EINVAL', `tv_sec ${ts.sec} is not below TIME_SETTOD_SEC_MAX ${TIME_SETTOD_SEC_MAX} (timespec64_valid_settod)`);
    // security_settime64 → cap_settime (security/commoncap.c): if (!capable(CAP_SYS_TIME)) return -EPERM;
    // capable() asks for the capability in the initial user namespace, whatever time namespace the caller is in.
    if (!capCheck(k, 'capable', task(k, t), 'user#0', 'CAP_SYS_TIME')) {
      k.fail('EPERM', `${t} lacks CAP_SYS_TIME in the initial user namespace (cap_settime uses capable(), not ns_capable: a time namespace cannot set any clock)`);
    }
    doSettimeofday64(k, ts);
    return OK;
  });
}

/** settimeofday(2): the timeval's microseconds are checked, then made nanoseconds (kernel/time/time.c). */
export function settimeofday(k: KernelContext, t: string, v: TimeExpr): OpResult {
  const want = realtimeOf(k, t, v);
  // A timeval holds microseconds: the scenario's value is cut to them, as a C program's conversion would.
  const ts: Timespec = { sec: want.sec, nsec: Math.floor(want.nsec / 1000) * 1000 };
  return doSysSettimeofday64(k, t, ts);
}

/** clock_settime(2) (kernel/time/posix-timers.c): if (!kc || !kc->clock_set) return -EINVAL; only
 *  clock_realtime has a clock_set among the ids a scenario names (posix_clock_realtime_set). */
export function clockSettime(k: KernelContext, t: string, clock: number, v: TimeExpr): OpResult {
  // clockid_to_kclock gives an id below 0 clock_posix_cpu or clock_posix_dynamic, which have a clock_set
  const neg = negativeClock(clock);
  if (neg) return cpuClockSet(k, t, neg);
  if (clock !== 0) k.fail('EINVAL', `${clockName(clock)} has no clock_set (only CLOCK_REALTIME can be set; the check comes before any privilege test)`);
  return k.fn('posix_clock_realtime_set', () => doSysSettimeofday64(k, t, realtimeOf(k, t, v)));
}

/** adjtimex(2) → do_adjtimex (kernel/time/timekeeping.c): timekeeping_validate_timex, then ADJ_SETOFFSET's step. */
export function adjtimex(k: KernelContext, t: string, modes: number, offset: Timespec | undefined, tick: number | undefined): OpResult {
  return k.fn('do_adjtimex', () => {
    const me = task(k, t);
    const cap = (): boolean => capCheck(k, 'capable', me, 'user#0', 'CAP_SYS_TIME');
    k.fn('timekeeping_validate_timex', () => {
      if (modes & 0x8000) {
        // ADJ_ADJTIME: if (!(txc->modes & ADJ_OFFSET_SINGLESHOT)) return -EINVAL; a read (ADJ_OFFSET_READONLY) needs nothing
        if ((modes & ADJ.ADJ_OFFSET_SINGLESHOT) !== ADJ.ADJ_OFFSET_SINGLESHOT) k.fail('EINVAL', 'ADJ_ADJTIME must come with ADJ_OFFSET_SINGLESHOT');
        if (!(modes & 0x2000) && !cap()) k.fail('EPERM', `${t} lacks CAP_SYS_TIME in the initial user namespace`);
      } else {
        // if (txc->modes && !capable(CAP_SYS_TIME)) return -EPERM;
        if (modes && !cap()) k.fail('EPERM', `${t} lacks CAP_SYS_TIME in the initial user namespace: only modes 0 (a read) is allowed`);
        // if (txc->modes & ADJ_TICK && (txc->tick < 900000/USER_HZ || txc->tick > 1100000/USER_HZ)) return -EINVAL;
        if (modes & ADJ.ADJ_TICK && (tick === undefined || tick < 900000 / USER_HZ || tick > 1100000 / USER_HZ)) k.fail('EINVAL', `tick ${tick ?? 0} is outside [${900000 / USER_HZ}, ${1100000 / USER_HZ}] µs`);
      }
      if (modes & ADJ.ADJ_SETOFFSET && !(modes & 0x8000) && !cap()) k.fail('EPERM', 'ADJ_SETOFFSET needs CAP_SYS_TIME');
    });
    const readOnly = modes === 0 || modes === ADJ.ADJ_OFFSET_SS_READ;
    if (!readOnly && (modes & 0x8000 || modes & ~RUN_MODES)) {
      return refuse(k, 'the model keeps no NTP state (frequency, PLL offset, status, tick length): only adjtimex reads and ADJ_SETOFFSET run (our choice)');
    }
    if (modes & ADJ.ADJ_SETOFFSET) {
      const d = offset ?? { sec: 0, nsec: 0 };
      // Without ADJ_NANO the field is microseconds: the step is cut to them.
      const step: Timespec = modes & ADJ.ADJ_NANO ? d : { sec: d.sec, nsec: Math.floor(d.nsec / 1000) * 1000 };
      k.fn('timekeeping_inject_offset', () => {
        const h = hostClocks(k);
        const next = tsAdd(h.realtime, step);
        // if (timespec64_compare(&tk->wall_to_monotonic, ts) > 0 || !timespec64_valid_settod(&tmp)) return -EINVAL;
        if (tsCmp(next, h.monotonic) < 0 || next.sec >= TIME_SETTOD_SEC_MAX) k.fail('EINVAL', `REALTIME + ${step.sec} s would be before MONOTONIC or past TIME_SETTOD_SEC_MAX`);
        timekeepingUpdate(k, { ...h, realtime: next }, 'ADJ_SETOFFSET');
        k.state(k.txt`CLOCK_REALTIME stepped by ${step} to ${next}; MONOTONIC, BOOTTIME and every namespace offset unchanged`);
      });
      clockWasSet(k);
    }
    // __do_adjtimex: result = time_state; is_error_status(STA_UNSYNC) → TIME_ERROR (no NTP daemon ever synced it).
    k.state(k.txt`time_status has STA_UNSYNC: adjtimex returns TIME_ERROR (${TIME_ERROR}); txc.time = host CLOCK_REALTIME ${hostClocks(k).realtime} (no namespace offset applies)`);
    return { ret: TIME_ERROR, errno: null, signal: null };
  });
}

/** sys_gettimeofday (kernel/time/time.c): ktime_get_real_ts64, cut to microseconds; REALTIME takes no offset. */
export function sysGettimeofday(k: KernelContext, t: string): OpResult {
  return k.fn('ktime_get_real_ts64', () => {
    const host = hostClocks(k).realtime;
    const value = usec(nsClock(k, t, 0, host));
    return { ret: 0, errno: null, signal: null, clock: { clock: 0, value, host: usec(host), path: 'syscall' } };
  });
}

/** A timespec cut to a timeval's microseconds. */
export function usec(v: Timespec): Timespec {
  return v.nsec % 1000 === 0 ? v : { sec: v.sec, nsec: Math.floor(v.nsec / 1000) * 1000 };
}

/** The timer tick: tick_sched_timer → tick_sched_do_timer → timekeeping_advance → timekeeping_update →
 *  update_vsyscall, once per tick (the trace in seed 001: "timekeeping_update() is called HZ times per-second"). */
export function tick(k: KernelContext, count: number): OpResult {
  tickHost(k, count);
  k.state(k.txt`${count} tick(s): one update_vsyscall each, of the one host data page; a time namespace's vvar page holds only its offsets and is not rewritten`);
  return OK;
}

/** The host timekeeper's part of `count` ticks (a design with more timekeepers adds theirs). */
export function tickHost(k: KernelContext, count: number): void {
  const step: Timespec = { sec: 0, nsec: 1e9 / HZ };
  for (let i = 0; i < count; i++) {
    k.fn('tick_sched_do_timer', () => k.fn('timekeeping_advance', () => {
      const h = hostClocks(k);
      timekeepingUpdate(k, {
        realtime: tsAdd(h.realtime, step), monotonic: tsAdd(h.monotonic, step), boottime: tsAdd(h.boottime, step),
        monotonicRaw: tsAdd(h.monotonicRaw, step), taiOffset: h.taiOffset,
      }, `tick ${i + 1} of ${count}, 1/HZ = ${step.nsec} ns`);
    }));
  }
}

/** What a design replaces of timekeeping (sim/designs): the set calls and the tick. */
export interface Timekeeping {
  settimeofday(k: KernelContext, t: string, v: TimeExpr): OpResult;
  clockSettime(k: KernelContext, t: string, clock: number, v: TimeExpr): OpResult;
  adjtimex(k: KernelContext, t: string, modes: number, offset: Timespec | undefined, tick: number | undefined): OpResult;
  tick(k: KernelContext, count: number): OpResult;
}

export const MERGED_TIMEKEEPING: Timekeeping = {
  settimeofday, clockSettime, adjtimex, tick,
};
