// sysinfo(2) (kernel/sys.c do_sysinfo): the uptime, the one field a time namespace changes; the memory, load and
// process counts are not modelled.

import type { OpResult } from '../api';
import { hostClocks, type KernelContext } from './context';
import { nsClock } from './time/posix-timers';

/** ktime_get_boottime_ts64, timens_add_boottime (5.6, "sys/sysinfo: Respect boottime inside time namespace": the
 *  reader's offset, timespec64_add), then `tp.tv_sec + (tp.tv_nsec ? 1 : 0)`: rounded up, unlike /proc/uptime. */
export function doSysinfo(k: KernelContext, t: string): OpResult {
  return k.fn('do_sysinfo', () => {
    const host = hostClocks(k).boottime;
    const boot = k.fn('timens_add_boottime', () => nsClock(k, t, 7, host), (v) => k.txt`CLOCK_BOOTTIME ${host} + ${t}'s offset = ${v}`);
    return { ret: 0, errno: null, signal: null, text: `uptime=${boot.sec + (boot.nsec ? 1 : 0)}` };
  }, (r) => k.txt`info->uptime = ${(r.text ?? '').slice('uptime='.length)} s (rounded up)`);
}
