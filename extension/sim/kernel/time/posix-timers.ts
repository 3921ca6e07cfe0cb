// Clocks as the kernel reads them (kernel/time/posix-timers.c, alarmtimer.c, posix-cpu-timers.c): the host value
// of each clock id, and the caller's time namespace offset added where the clock takes one (timens_add_monotonic,
// timens_add_boottime).

import type { OpResult } from '../../api';
import { clockName, type Timespec } from '../../types';
import { hostClocks, np, ns, task, type KernelContext } from '../context';
import { tsAdd, ZERO } from '../util';
import { cpuClockGet, cpuOrFdClock, MODEL_CPU_TIME } from './posix-cpu-timers';

/** Which namespace offset a clock takes: 'mono', 'boot' or none. */
export function offsetKind(clock: number): 'mono' | 'boot' | null {
  if (clock === 1 || clock === 4 || clock === 6) return 'mono';
  if (clock === 7 || clock === 9) return 'boot';
  return null;
}

export function hostClock(k: KernelContext, clock: number): Timespec {
  const h = hostClocks(k);
  const extra = k.modules.design.extraClocks?.[clock];
  if (extra) clock = extra.base;
  switch (clock) {
    case 0: case 5: case 8: return h.realtime;
    case 1: case 6: return h.monotonic;
    case 4: return h.monotonicRaw;
    case 7: case 9: return h.boottime;
    case 11: return tsAdd(h.realtime, { sec: h.taiOffset, nsec: 0 });
    default: return ZERO;
  }
}

/** A host value seen through the task's time_ns (what the kernel side adds). */
export function nsClock(k: KernelContext, t: string, clock: number, host: Timespec): Timespec {
  const view = k.modules.design.clockView;
  const kind = offsetKind(clock);
  if (!kind) return view ? view(k, t, clock, host) : host;
  const n = ns(k, np(k, task(k, t).nsproxy).time_ns);
  const merged = tsAdd(host, kind === 'mono' ? n.offsets.monotonic : n.offsets.boottime);
  return view ? view(k, t, clock, merged) : merged;
}

const GETTER: Readonly<Record<number, string>> = {
  0: 'posix_get_realtime_timespec', 1: 'posix_get_monotonic_timespec', 4: 'posix_get_monotonic_raw',
  5: 'posix_get_realtime_coarse', 6: 'posix_get_monotonic_coarse', 7: 'posix_get_boottime_timespec',
  8: 'alarm_clock_get_timespec', 9: 'alarm_clock_get_timespec', 11: 'posix_get_tai_timespec',
};

/** clock_gettime(2), also as the vDSO's fallback. */
export function sysClockGettime(k: KernelContext, t: string, clock: number, path: 'syscall' | 'vdso-fallback-syscall'): OpResult {
  const design = k.modules.design;
  const cpu = cpuOrFdClock(clock);
  if (cpu) return { ret: 0, errno: null, signal: null, clock: { clock, value: cpuClockGet(k, t, cpu), host: MODEL_CPU_TIME, path } };
  const getter = GETTER[clock] ?? design.extraClocks?.[clock]?.getter;
  if (!getter) k.fail('EINVAL', `clock id ${clock} is not valid`);
  return k.fn(getter, () => {
    if ((clock === 8 || clock === 9) && !k.sw.rtcPresent) k.fail('EINVAL', 'no RTC device: alarm clocks are unavailable');
    const host = hostClock(k, clock);
    const kind = offsetKind(clock);
    let value = host;
    if (kind) {
      value = k.fn(kind === 'mono' ? 'timens_add_monotonic' : 'timens_add_boottime', () => nsClock(k, t, clock, host),
        (v) => k.txt`${clockName(clock)} ${host} + offset = ${v}`);
    } else if (design.clockView) {
      value = nsClock(k, t, clock, host);
    }
    if (design.clockView && value !== host) k.state(k.txt`design ${design.name}: ${t} reads ${clockName(clock)} ${value} (host ${host})`);
    return { ret: 0, errno: null, signal: null, clock: { clock, value, host, path } };
  });
}
