// sysinfo(2) (kernel/sys.c do_sysinfo): the uptime, the one field a time namespace changes; the memory, load and
// process counts are not modelled.

import type { OpResult } from '../api';
import { hostClocks, mm, task, type KernelContext } from './context';
import { nsClock } from './time/posix-timers';

/** ktime_get_boottime_ts64, timens_add_boottime (5.6, "sys/sysinfo: Respect boottime inside time namespace": the
 *  reader's offset, timespec64_add), then `tp.tv_sec + (tp.tv_nsec ? 1 : 0)`: rounded up, unlike /proc/uptime.
 *  A 32-bit task (ia32, AArch32) gets it through COMPAT_SYSCALL_DEFINE1(sysinfo) (kernel/sys.c), whose
 *  `s_32.uptime = s.uptime;` stores it in struct compat_sysinfo's s32: an uptime past 2^31 - 1 s (a boottime offset of
 *  68 years) wraps, with no EOVERFLOW (found by verify on Linux 6.18 x86_64: an ia32 task with a boottime offset of
 *  3000000000 s read the host's uptime less 1294967296). */
export function doSysinfo(k: KernelContext, t: string): OpResult {
  const me = task(k, t);
  const compat = !!me.mm && !!mm(k, me.mm)._compat;
  return k.fn('do_sysinfo', () => {
    const host = hostClocks(k).boottime;
    const boot = k.fn('timens_add_boottime', () => nsClock(k, t, 7, host), (v) => k.txt`CLOCK_BOOTTIME ${host} + ${t}'s offset = ${v}`);
    const up = boot.sec + (boot.nsec ? 1 : 0);
    const shown = compat ? Number(BigInt.asIntN(32, BigInt(up))) : up;
    if (shown !== up) k.state(k.txt`compat_sys_sysinfo: s_32.uptime = ${up} stored in an s32 (struct compat_sysinfo): ${shown}`);
    return { ret: 0, errno: null, signal: null, text: `uptime=${shown}` };
  }, (r) => k.txt`info->uptime = ${(r.text ?? '').slice('uptime='.length)} s (rounded up)`);
}
