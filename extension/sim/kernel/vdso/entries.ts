// The vDSO's time() and clock_getres() entries and their system calls (lib/vdso/gettimeofday.c __cvdso_time_data,
// __cvdso_clock_getres_common; kernel/time/time.c sys_time; kernel/time/posix-timers.c sys_clock_getres). Neither
// takes a time-namespace offset; in a namespace both follow the TIMENS clock_mode to the real data page, and
// neither loops on the seqcount (time reads one word, getres constants of the last update).

import type { OpResult } from '../../api';
import type { CallVia, ClockVia } from '../../opsClock';
import { clockName, CLOCKS, type Timespec } from '../../types';
import { hostClocks, mm, setLastResult, task, type KernelContext } from '../context';
import { segv } from '../mm/fault';
import { userRead } from '../mm/access';
import { vdsoTextAt } from '../mm/vma';
import { KErr } from '../trace';
import { vdsoClockGettime } from './gettime';
import { vsyscallCall } from './vsyscall';
import { cpuClockGetres, cpuOrFdClock } from '../time/posix-cpu-timers';

/** hrtimer_resolution with high-resolution timers (kernel/time/hrtimer.c): what the data page's hrtimer_res holds. */
const HRTIMER_RES: Timespec = { sec: 0, nsec: 1 };
/** LOW_RES_NSEC = TICK_NSEC at HZ=250 (4 ms): the HZ of Debian's and the arm64 defconfig kernels (our choice of HZ;
 *  probed on the 6.18 x86_64 machine: clock_getres(CLOCK_REALTIME_COARSE) = 0.004000000). */
export const LOW_RES: Timespec = { sec: 0, nsec: 4_000_000 };

/** Clock ids by how the vDSO and the kernel give their resolution (include/vdso/datapage.h VDSO_HRES, VDSO_COARSE, VDSO_RAW). */
const HRES = new Set<number>([CLOCKS.CLOCK_REALTIME, CLOCKS.CLOCK_MONOTONIC, CLOCKS.CLOCK_BOOTTIME, CLOCKS.CLOCK_TAI, CLOCKS.CLOCK_MONOTONIC_RAW]);
const COARSE = new Set<number>([CLOCKS.CLOCK_REALTIME_COARSE, CLOCKS.CLOCK_MONOTONIC_COARSE]);
/** CLOCK_AUX .. CLOCK_AUX_LAST (include/uapi/linux/time.h, 6.17). */
const AUX_FIRST = 16;
const AUX_LAST = 23;

type Path = NonNullable<OpResult['clock']>['path'];

function done(k: KernelContext, t: string, res: OpResult): OpResult {
  setLastResult(k, t, res);
  return res;
}

/** The task's vDSO text, or null after a SIGSEGV on the call (no executable [vdso] there). */
function vdsoText(k: KernelContext, t: string, enter: number): { mmId: string; dataAddr: number } | null {
  const me = task(k, t);
  const m = me.mm ? mm(k, me.mm) : null;
  if (!m || !vdsoTextAt(k, me.mm!, m._vdsoText)) {
    segv(k, t, m ? m._vdsoText : 0, 'the [vdso] text is not mapped executable there', enter);
    return null;
  }
  return { mmId: me.mm!, dataAddr: m._vdsoText - m._vdsoDistance + k.layout.dataSlot * k.sw.pageSize };
}

/**
 * The data page a vDSO entry reads its constants from: page 0, or in a time namespace (clock_mode TIMENS on page 0)
 * the real page at the timens slot (`if (IS_ENABLED(CONFIG_TIME_NS) && vd->clock_mode == VDSO_CLOCKMODE_TIMENS)
 * vd = __arch_get_timens_vdso_data(vd);`). Returns the page and path, or null after a signal.
 */
function dataPage(k: KernelContext, t: string, mmId: string, dataAddr: number, enter: number): { page: string; path: Path } | null {
  const first = userRead(k, t, mmId, dataAddr, enter);
  if (first === null) return null;
  const block = k.pages.get(first)?.blocks[0];
  if (!block || block.clock_mode !== k.timensMode || k.layout.timensSlot === null || !k.sw.timeNamespaces) return { page: first, path: 'vdso-fast' };
  const c = k.call('__arch_get_timens_vdso_data', k.txt`clock_mode of ${first} is ${k.timensMode}: the real data page is at the timens slot`);
  const real = userRead(k, t, mmId, dataAddr - k.layout.dataSlot * k.sw.pageSize + k.layout.timensSlot * k.sw.pageSize, c);
  k.ret(c, real === null ? k.txt`${k.readSignal}` : k.txt`reads ${real}`);
  return real === null ? null : { page: real, path: 'vdso-timens' };
}

function syscallSpan(k: KernelContext, t: string, name: string, args: string, body: () => OpResult): OpResult {
  k.sp = k.r.pushStack(k.sp, k.syscallPrefix + name);
  const e = k.ev('syscall-enter', k.txt`${name}(${args})`);
  let out: OpResult;
  try {
    out = body();
  } catch (err) {
    if (!(err instanceof KErr)) throw err;
    out = { ret: -1, errno: err.errno, signal: null };
  }
  const x = k.evResult('syscall-exit', k.txt`${name} = ${out.errno ? `-1 ${out.errno}` : out.ret}`, out);
  k.r.setMatch(e, x);
  k.sp = k.r.stackParentOf(k.sp);
  return out;
}

// ---------------------------------------------------------------------------------------------
// time()
// ---------------------------------------------------------------------------------------------

function timeResult(sec: number, host: number, path: Path): OpResult {
  return { ret: sec, errno: null, signal: null, clock: { clock: CLOCKS.CLOCK_REALTIME, value: { sec, nsec: 0 }, host: { sec: host, nsec: 0 }, path } };
}

/** sys_time: ktime_get_real_seconds(), which no namespace offsets (REALTIME has none). */
function sysTime(k: KernelContext, path: Path): OpResult {
  const host = hostClocks(k).realtime.sec;
  return k.fn('ktime_get_real_seconds', () => timeResult(host, host, path), () => k.txt`${host} (CLOCK_REALTIME has no namespace offset)`);
}

export function time(k: KernelContext, t: string, via: CallVia): OpResult {
  if (via === 'vsyscall') return vsyscallCall(k, t, 'time', () => sysTime(k, 'syscall'));
  if (k.profile.arch === 'arm64') {
    if (via === 'syscall') {
      const enter = k.enter('syscall-enter', 'sys_ni_syscall', k.txt`time()`);
      k.ev('error', k.txt`ENOSYS: arm64 has no time system call (include/uapi/asm-generic/unistd.h defines __NR_time only with __ARCH_WANT_SYS_TIME, which arm64 does not set)`, { errno: 'ENOSYS' });
      const res: OpResult = { ret: -1, errno: 'ENOSYS', signal: null };
      k.exit('syscall-exit', enter, k.txt`time = -1 ENOSYS`, done(k, t, res));
      return res;
    }
    // No __kernel_time (arch/arm64/kernel/vdso/vdso.lds.S; no VDSO_HAS_TIME): glibc's time() is
    // clock_gettime(CLOCK_REALTIME_COARSE) (time/time.c with TIME_CLOCK_GETTIME_CLOCKID; our reading of glibc).
    const compat = task(k, t).mm ? mm(k, task(k, t).mm!)._compat === true : false;
    const enter = k.enter('call', 'time', compat
      ? k.txt`time(): the AArch32 vDSO has no time entry either; libc calls clock_gettime64(CLOCK_REALTIME_COARSE)`
      : k.txt`time(): the arm64 vDSO has no time entry; libc calls __kernel_clock_gettime(CLOCK_REALTIME_COARSE)`);
    const sp = k.sp;
    const r = vdsoClockGettime(k, t, CLOCKS.CLOCK_REALTIME_COARSE);
    k.sp = sp; // the vDSO call's span ends on an empty stack; libc's time() returns from its own
    const res = r.clock ? timeResult(r.clock.value.sec, r.clock.host.sec, r.clock.path) : r;
    k.exit('return', enter, res.clock ? k.txt`time = ${res.ret}` : k.txt`time: ${res.signal ?? res.errno ?? 'no value'}`, done(k, t, res));
    return res;
  }
  if (via === 'syscall') {
    const enter = k.enter('syscall-enter', k.syscallPrefix + 'time', k.txt`time()`);
    const res = sysTime(k, 'syscall');
    k.exit('syscall-exit', enter, k.txt`time = ${res.ret}`, done(k, t, res));
    return res;
  }
  const enter = k.enter('vdso-enter', '__vdso_time', k.txt`__vdso_time()`);
  let res: OpResult;
  const text = vdsoText(k, t, enter);
  const data = text && dataPage(k, t, text.mmId, text.dataAddr, enter);
  if (!data) {
    res = { ret: null, errno: null, signal: text ? k.readSignal : 'SIGSEGV' };
  } else {
    // __cvdso_time_data: "t = READ_ONCE(vd[CS_HRES_COARSE].basetime[CLOCK_REALTIME].sec);" with no seq loop. A
    // namespace page at the real slot (a stale PTE) has no basetime: 0 there.
    const host = hostClocks(k).realtime.sec;
    const real = k.pages.get(data.page)?.kind === 'host-data';
    const sec = real ? host : 0;
    k.state(real ? k.txt`basetime[CLOCK_REALTIME].sec of ${data.page} = ${sec} (no offset, no seqcount loop)`
      : k.txt`${data.page} is not the host data page: its basetime is 0, so time() returns 0`);
    res = timeResult(sec, host, data.path);
  }
  k.exit('vdso-exit', enter, res.signal ? k.txt`__vdso_time = ${res.signal}` : k.txt`__vdso_time = ${res.ret} (${res.clock!.path})`, done(k, t, res));
  return res;
}

// ---------------------------------------------------------------------------------------------
// clock_getres()
// ---------------------------------------------------------------------------------------------

function getresResult(clock: number, res: Timespec, path: Path): OpResult {
  return { ret: 0, errno: null, signal: null, clock: { clock, value: res, host: res, path } };
}

/** sys_clock_getres: the kclock's clock_getres (kernel/time/posix-timers.c, posix-cpu-timers.c, alarmtimer.c). */
function sysClockGetres(k: KernelContext, t: string, clock: number, path: Path): OpResult {
  if (HRES.has(clock)) return k.fn('posix_get_hrtimer_res', () => getresResult(clock, HRTIMER_RES, path), () => k.txt`hrtimer_resolution = 1 ns`);
  if (COARSE.has(clock)) return k.fn('posix_get_coarse_res', () => getresResult(clock, LOW_RES, path), () => k.txt`LOW_RES_NSEC = ${LOW_RES.nsec} ns`);
  const cpu = cpuOrFdClock(clock);
  if (cpu) return getresResult(clock, cpuClockGetres(k, t, cpu), path);
  if (clock === CLOCKS.CLOCK_REALTIME_ALARM || clock === CLOCKS.CLOCK_BOOTTIME_ALARM) {
    return k.fn('alarm_clock_getres', () => {
      if (!k.sw.rtcPresent) k.fail('EINVAL', 'no RTC device: "if (!alarmtimer_get_rtcdev()) return -EINVAL;"');
      return getresResult(clock, HRTIMER_RES, path);
    });
  }
  // clockid_to_kclock: no kclock (10, 12-15, the auxiliary clocks 16-23 while not enabled, anything else)
  return k.fail('EINVAL', `clock ${clock} has no kclock${clock >= AUX_FIRST && clock <= AUX_LAST ? ' (an auxiliary clock that is not enabled: /sys/kernel/time/aux_clocks/N/aux_clock_enable)' : ''}`);
}

export function clockGetres(k: KernelContext, t: string, clock: number, via: ClockVia): OpResult {
  const me = task(k, t);
  const own = me.mm ? mm(k, me.mm) : null;
  // An AArch32 task without a vDSO (CONFIG_COMPAT_VDSO=n): libc makes the system call; with one, its own symbol.
  if (via === 'syscall' || (own?._compat && !own._vdsoText)) {
    const enter = k.enter('syscall-enter', k.syscallPrefix + 'clock_getres', k.txt`clock_getres(${clockName(clock)})`);
    let res: OpResult;
    try {
      res = sysClockGetres(k, t, clock, 'syscall');
    } catch (e) {
      if (!(e instanceof KErr)) throw e;
      res = { ret: -1, errno: e.errno, signal: null };
    }
    // The value goes to k.txt itself (a nested template would print the timespec as [object Object]).
    k.exit('syscall-exit', enter, res.errno ? k.txt`clock_getres = -1 ${res.errno}` : k.txt`clock_getres = 0 {${res.clock!.value}}`, done(k, t, res));
    return res;
  }
  const sym = k.profile.arch === 'arm64' && !own?._compat ? '__kernel_clock_getres' : '__vdso_clock_getres';
  const enter = k.enter('vdso-enter', sym, k.txt`${sym}(${clockName(clock)})`);
  let res: OpResult;
  const aux = k.sw.vdsoAuxClocks && clock >= AUX_FIRST && clock <= AUX_LAST;
  const text = vdsoText(k, t, enter);
  if (!text) {
    res = { ret: null, errno: null, signal: 'SIGSEGV' };
  } else if (clock >>> 0 >= 16 && !aux) {
    res = fallback(k, t, clock, 'vdso_clockid_valid: (u32)clock >= MAX_CLOCKS');
  } else {
    const data = dataPage(k, t, text.mmId, text.dataAddr, enter);
    if (!data) {
      res = { ret: null, errno: null, signal: k.readSignal };
    } else if (HRES.has(clock)) {
      // "ns = READ_ONCE(vd[CS_HRES_COARSE].hrtimer_res);": a namespace page at the real slot has 0 there.
      const real = k.pages.get(data.page)?.kind === 'host-data';
      k.state(k.txt`hrtimer_res of ${data.page} = ${real ? 1 : 0} ns`);
      res = getresResult(clock, real ? HRTIMER_RES : { sec: 0, nsec: 0 }, data.path);
    } else if (COARSE.has(clock)) {
      k.state(k.txt`VDSO_COARSE: LOW_RES_NSEC = ${LOW_RES.nsec} ns (a constant of the vDSO)`);
      res = getresResult(clock, LOW_RES, data.path);
    } else if (aux) {
      // 6.17 "vdso: Add support for auxiliary clocks": "else if (msk & VDSO_AUX) ns = aux_clock_resolution_ns();",
      // whether or not the clock is enabled: the vDSO never asks the kernel.
      k.state(k.txt`VDSO_AUX: aux_clock_resolution_ns() = 1 ns, enabled or not`);
      res = getresResult(clock, HRTIMER_RES, data.path);
    } else {
      res = fallback(k, t, clock, 'not a VDSO_HRES, VDSO_COARSE or VDSO_RAW clock');
    }
  }
  k.exit('vdso-exit', enter, res.signal ? k.txt`${sym} = ${res.signal}` : res.errno ? k.txt`${sym} = -1 ${res.errno}` : k.txt`${sym} = 0 {${res.clock!.value}} (${res.clock!.path})`, done(k, t, res));
  return res;
}

function fallback(k: KernelContext, t: string, clock: number, why: string): OpResult {
  return k.fn('clock_getres_fallback', () => syscallSpan(k, t, 'clock_getres', clockName(clock), () => sysClockGetres(k, t, clock, 'vdso-fallback-syscall')),
    undefined, k.txt`${why}: syscall fallback`);
}
