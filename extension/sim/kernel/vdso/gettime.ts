// The vDSO's clock_gettime (lib/vdso/gettimeofday.c): do_hres/do_coarse read the data page; an odd seq with
// clock_mode TIMENS sends a task in a time namespace to do_*_timens, which reads the real data page at the timens
// slot and adds the namespace's offset; clocks the vDSO does not handle fall back to the system call.
// This is the hot path of long runs: runs of equal reads share their summaries and result objects (memo.ts).

import type { OpResult } from '../../api';
import type { PageRec } from '../../store/records';
import type { Layout } from '../../profile';
import { clockName, fmtTs, type Timespec } from '../../types';
import { mm, setLastResult, task, type KernelContext } from '../context';
import { segv } from '../mm/fault';
import { userRead } from '../mm/access';
import { vdsoTextAt } from '../mm/vma';
import { hostClock, sysClockGettime } from '../time/posix-timers';
import { KErr } from '../trace';
import { isModeNone } from '../time/clocksource';
import type { VdsoRace } from '../../opsClock';
import { raceSeqcount } from './seqcount';
import { tsAdd, ZERO } from '../util';
import { offsetText, orCarried, vdsoAddOffset, type TimensOffset } from '../../offset64';
import { usec } from '../time/timekeeping';

type VdsoReading = NonNullable<OpResult['clock']>;
type OffsetSum = NonNullable<KernelContext['memo']['lastSum']>;

/** `gtod`: the vDSO's gettimeofday entry (__cvdso_gettimeofday: do_hres(CLOCK_REALTIME), cut to microseconds). */
export function vdsoClockGettime(k: KernelContext, t: string, clock: number, gtod = false, race?: VdsoRace): OpResult {
  const me = task(k, t);
  const own = me.mm ? mm(k, me.mm) : null;
  if (own?._compat && !own._vdsoText) return compatSyscall(k, t, clock, gtod);
  // Both architectures name the two entries alike (__vdso_/__kernel_ + clock_gettime or gettimeofday); the 32-bit
  // vDSOs' are __vdso_clock_gettime64 (what a time64 libc calls: our choice for the language's clock_gettime, see
  // docs/model-vdso.md) and __vdso_gettimeofday (arm64 vdso32/vdso.lds.S, x86 vdso32/vdso32.lds.S).
  const native = own?._compat ? '__vdso_clock_gettime64' : k.sw.vdsoClockGettime;
  const sym = gtod ? native.replace(/clock_gettime(64)?/, 'gettimeofday') : native;
  const memo = k.memo;
  const enterKey = gtod ? -1000 : -1 - clock;
  let enterSid = memo.summaryIds.get(enterKey);
  if (enterSid === undefined) memo.summaryIds.set(enterKey, (enterSid = k.r.intern(gtod ? `${sym}(&tv, NULL)` : `${sym}(${clockName(clock)})`)));
  const enter = k.enter('vdso-enter', sym, enterSid);
  let res: OpResult;
  const hres = clock === 0 || clock === 1 || clock === 7 || clock === 11 || clock === 4;
  const coarse = clock === 5 || clock === 6;
  if (!me.mm || !vdsoTextAt(k, me.mm, mm(k, me.mm)._vdsoText)) {
    // The call jumps into the vDSO text; without it the task faults on the instruction fetch.
    segv(k, t, me.mm ? mm(k, me.mm)._vdsoText : 0, 'the [vdso] text is not mapped executable there', enter);
    res = { ret: null, errno: null, signal: 'SIGSEGV' };
  } else if (!hres && !coarse) {
    // ALARM, CPU and unknown clocks are not handled in the vDSO: the fallback makes the real system call.
    res = fallback(k, t, clock, k.txt`${clockName(clock)} is not handled by the vDSO: syscall fallback`);
  } else {
    const mmId = me.mm!;
    const m = mm(k, mmId);
    const dataAddr = m._vdsoText - m._vdsoDistance + k.layout.dataSlot * k.sw.pageSize;
    const reader = coarse ? 'do_coarse' : 'do_hres';
    const key = dataAddr * 2 + (coarse ? 1 : 0);
    let sid = memo.summaryIds.get(key);
    if (sid === undefined) memo.summaryIds.set(key, (sid = k.r.intern(`${reader}: read seq and clock_mode of the data page at 0x${dataAddr.toString(16)}`)));
    const c = k.call(reader, sid);
    const r = vdsoRead(k, t, mmId, clock, dataAddr, enter, coarse, race);
    // The stack top is `reader`, so the interned default return summary is the same text, built once.
    k.ret(c, undefined);
    // do_hres returned false (the clocksource cannot be read from user space): __cvdso_clock_gettime falls back.
    res = r === FALLBACK ? fallback(k, t, clock, k.txt`${reader} failed (the clock_mode cannot be read from user space): syscall fallback`) : r;
  }
  if (gtod && res.clock) res = { ...res, clock: { ...res.clock, value: usec(res.clock.value), host: usec(res.clock.host) } };
  setLastResult(k, t, res);
  const sum = res.signal !== null && res.signal !== undefined ? k.txt`${sym} = ${res.signal}` : res.errno ? k.txt`${sym} = -1 ${res.errno}`
    : res.stuck ? k.txt`${sym} never returns (stuck in the seqcount loop)`
    : res.retries !== undefined ? k.txt`${sym} = ${res.clock!.value} (${res.clock!.path}, ${res.retries} seqcount retries)${res.clock!.carried ? `, ${carriedText(k, res.clock!.carried)}` : ''}` : exitSummary(k, sym, res.clock!);
  k.exit('vdso-exit', enter, sum, res);
  return res;
}

// Runs of equal reads share one summary: the text depends only on the values in each cache key, and a summary
// id may be shared by any number of events.
function exitSummary(k: KernelContext, sym: string, c: VdsoReading): number {
  const memo = k.memo;
  if (memo.exitReading !== c) {
    memo.exitReading = c;
    memo.exitSid = c.carried ? k.txt`${sym} = ${c.value} (${c.path}), ${carriedText(k, c.carried)}` : k.txt`${sym} = ${c.value} (${c.path})`;
  }
  return memo.exitSid;
}
// Consecutive reads of an unchanged clock give equal readings: they share the (immutable) objects, so a long run
// of reads does not keep one copy per read in the results it retains.
function reading(k: KernelContext, clock: number, value: Timespec, host: Timespec, path: VdsoReading['path'], carried?: Timespec): VdsoReading {
  const r = k.memo.lastReading;
  if (r && r.clock === clock && r.value === value && r.host === host && r.path === path && r.carried === carried) return r;
  return (k.memo.lastReading = { clock, value, host, path, ...(carried ? { carried } : {}) });
}
/** The offset sum of a read and, where it differs, its carried alternative, with the texts the trace shows of
 *  them: made once per (host, offset), which a streaming run does not forget at each step. */
function offsetSum(k: KernelContext, a: Timespec, b: Timespec): OffsetSum {
  const m = k.memo.lastSum;
  if (m && m.a === a && m.b === b) return m;
  // An offset stored with negative nanoseconds goes through the vDSO's u64 add and u32 quotient.
  const sum = (b as TimensOffset).carry ? vdsoAddOffset(a, b) : tsAdd(a, b);
  const carried = carriedSum(a, b, sum);
  return (k.memo.lastSum = carried ? { a, b, sum, carried, offText: offsetText(b), carriedText: orCarried(fmtTs(carried)) } : { a, b, sum });
}
/** The high-resolution read's value when its nanoseconds carried a second (vdsoAddOffset), where that differs: the
 *  model's host has no tick, so which of the two a kernel gives is the host's timing (verify accepts either). */
function carriedSum(a: Timespec, b: Timespec, sum: Timespec): Timespec | undefined {
  if (!(b as TimensOffset).carry) return undefined;
  const c = vdsoAddOffset(a, b, true);
  return c.sec === sum.sec && c.nsec === sum.nsec ? undefined : c;
}
/** `or V' when …` for a read's second answer, from the sum's texts when it is that sum's. */
function carriedText(k: KernelContext, carried: Timespec): string {
  const m = k.memo.lastSum;
  return m?.carried === carried ? m.carriedText! : orCarried(fmtTs(carried));
}

/** clock_gettime_fallback: the real system call from inside the vDSO (the kernel side applies the offsets). */
function fallback(k: KernelContext, t: string, clock: number, summary: number): OpResult {
  return k.fn('clock_gettime_fallback', () => {
    k.sp = k.r.pushStack(k.sp, k.syscallPrefix + 'clock_gettime');
    const e2 = k.ev('syscall-enter', k.txt`clock_gettime(${clockName(clock)})`);
    const out = sysRead(k, t, clock, 'vdso-fallback-syscall');
    const x2 = k.evResult('syscall-exit', k.txt`clock_gettime = ${out.errno ? `-1 ${out.errno}` : 0}`, out);
    k.r.setMatch(e2, x2);
    k.sp = k.r.stackParentOf(k.sp);
    return out;
  }, undefined, summary);
}

/** The kernel side of clock_gettime; an errno it fails with is the call's result. */
function sysRead(k: KernelContext, t: string, clock: number, path: 'syscall' | 'vdso-fallback-syscall'): OpResult {
  try {
    return sysClockGettime(k, t, clock, path);
  } catch (e) {
    if (!(e instanceof KErr)) throw e;
    return { ret: -1, errno: e.errno, signal: null };
  }
}

/** What do_hres (or do_hres_timens) returns when the clocksource cannot be read from user space. */
const FALLBACK = 'fallback';

/**
 * The clock_mode test of the high-resolution readers: "if (unlikely(!vdso_clocksource_ok(vd))) return false;" (arm64,
 * generic) or, on x86, __arch_get_hw_counter returning U64_MAX for VDSO_CLOCKMODE_NONE and "if
 * (unlikely(!vdso_cycles_ok(cycles))) return false;" (5.6: "if (unlikely((s64)cycles < 0)) return -1;"). The COARSE
 * readers never look at clock_mode.
 */
function clocksourceUnusable(k: KernelContext, mode: string | undefined, coarse: boolean, page: string, compat: boolean): boolean {
  if (coarse || mode === undefined) return false;
  // A 32-bit vDSO with its own test (arm64's AArch32 one: arch/compat.ts AARCH32.clockModeOk)
  const own = compat ? k.modules.compat.clockModeOk : null;
  if (own) {
    if (own(mode, k.sw.clockModePrefix)) return false;
    k.state(k.txt`clock_mode of ${page} is ${mode}, not VDSO_CLOCKMODE_ARCHTIMER: the compat vdso_clocksource_ok fails, do_hres returns false`);
    return true;
  }
  if (!isModeNone(mode)) return false;
  k.state(k.txt`clock_mode of ${page} is ${mode}: the clocksource cannot be read from user space, do_hres returns false`);
  return true;
}

/**
 * x86's __arch_get_hw_counter for a paravirtual clock: "if (clock_mode == VDSO_CLOCKMODE_PVCLOCK) { barrier(); return
 * vread_pvclock(); }" reads `pvclock_page` (HVCLOCK: `hvclock_page`), whose place the vDSO image fixes relative to
 * its text. After [vvar_vclock] (5.6–6.12: [vvar] page 1 or 2) was unmapped or moved away, nothing is mapped there:
 * the read faults (SIGSEGV), as on a real kernel with kvm-clock. False when the read faulted (k.readSignal says how).
 */
function readsVclockPage(k: KernelContext, t: string, mmId: string, dataAddr: number, mode: string | undefined, cause: number): boolean {
  const role = mode?.endsWith('_PVCLOCK') ? 'pvclock' : mode?.endsWith('_HVCLOCK') ? 'hvclock' : null;
  const slot = role === null ? null : vclockSlots(k.layout)[role];
  return slot === null || userRead(k, t, mmId, dataAddr + (slot - k.layout.dataSlot) * k.sw.pageSize, cause) !== null;
}

/** The page, counted from the layout's first, of the pvclock and hvclock pages (null: none); once per layout, as
 *  this is on the path of every high-resolution read on a kvm-clock machine. */
const VCLOCK_SLOTS = new WeakMap<Layout, Readonly<Record<'pvclock' | 'hvclock', number | null>>>();
function vclockSlots(layout: Layout): Readonly<Record<'pvclock' | 'hvclock', number | null>> {
  let slots = VCLOCK_SLOTS.get(layout);
  if (!slots) {
    const slotOf = (role: 'pvclock' | 'hvclock'): number | null => {
      let page = 0;
      for (const v of layout.vmas) {
        const at = v.roles.indexOf(role);
        if (at >= 0) return page + at;
        page += v.pages;
      }
      return null;
    };
    VCLOCK_SLOTS.set(layout, slots = { pvclock: slotOf('pvclock'), hvclock: slotOf('hvclock') });
  }
  return slots;
}

/**
 * An AArch32 task without a vDSO (CONFIG_COMPAT_VDSO=n: no AT_SYSINFO_EHDR): libc makes the system call itself,
 * clock_gettime64, which arch/arm64/include/asm/unistd32.h wires to sys_clock_gettime; the kernel adds the offsets.
 */
function compatSyscall(k: KernelContext, t: string, clock: number, gtod: boolean): OpResult {
  const e = k.enter('syscall-enter', k.syscallPrefix + 'clock_gettime', k.txt`clock_gettime64(${clockName(clock)}): the AArch32 task has no vDSO (CONFIG_COMPAT_VDSO=n), libc makes the compat system call (sys_clock_gettime)`);
  let res = sysRead(k, t, clock, 'syscall');
  if (gtod && res.clock) res = { ...res, clock: { ...res.clock, value: usec(res.clock.value), host: usec(res.clock.host) } };
  setLastResult(k, t, res);
  k.exit('syscall-exit', e, k.txt`clock_gettime64 = ${res.errno ? `-1 ${res.errno}` : 0}`, res);
  return res;
}

function vdsoRead(k: KernelContext, t: string, mmId: string, clock: number, dataAddr: number, enter: number, coarse: boolean, race?: VdsoRace): OpResult | typeof FALLBACK {
  const first = userRead(k, t, mmId, dataAddr, enter);
  if (first === null) return { ret: null, errno: null, signal: k.readSignal };
  const compat = mm(k, mmId)._compat === true;
  const host = hostClock(k, clock);
  const page: PageRec | undefined = k.pages.get(first);
  const block = page?.blocks[clock === 4 ? 1 : 0];
  const timensMode = k.timensMode;
  if (!block || block.seq % 2 === 0 || block.clock_mode !== timensMode) {
    if (clocksourceUnusable(k, block?.clock_mode, coarse, first, compat)) return FALLBACK;
    if (!coarse && !readsVclockPage(k, t, mmId, dataAddr, block?.clock_mode, enter)) return { ret: null, errno: null, signal: k.readSignal };
    const view = k.modules.design.clockView;
    const clk = reading(k, clock, view ? view(k, t, clock, host) : host, host, 'vdso-fast');
    if (race && page?.kind === 'host-data') return { ret: 0, errno: null, signal: null, clock: clk, retries: raceSeqcount(k, first, race, coarse ? 'do_coarse' : 'do_hres') };
    return { ret: 0, errno: null, signal: null, clock: clk };
  }
  if (!k.sw.vdsoTimensPath || k.layout.timensSlot === null) return spin(k, t, first, block.seq, `clock_mode is ${timensMode}, but this vDSO has no timens path (patch 3 off: no __arch_get_timens_vdso_data)`);
  const memo = k.memo;
  const timensFn = coarse ? 'do_coarse_timens' : 'do_hres_timens';
  if (memo.seqSeq !== block.seq || memo.seqCoarse !== coarse || memo.seqPhys !== first) {
    memo.seqSeq = block.seq;
    memo.seqCoarse = coarse;
    memo.seqPhys = first;
    memo.seqSid = k.txt`seq ${block.seq} is odd and clock_mode is ${timensMode}: ${timensFn} via ${first}`;
  }
  const c = k.call(timensFn, memo.seqSid);
  let res: OpResult | typeof FALLBACK;
  const real = userRead(k, t, mmId, dataAddr - k.layout.dataSlot * k.sw.pageSize + k.layout.timensSlot * k.sw.pageSize, c);
  if (real === null) {
    res = { ret: null, errno: null, signal: k.readSignal };
  } else {
    const realPage = k.pages.get(real);
    const realBlock = realPage?.blocks[clock === 4 ? 1 : 0];
    if (realPage && realPage.kind !== 'host-data' && realBlock && realBlock.seq % 2 === 1) {
      // vdso_read_begin on the "real" data: another namespace's page (a stale PTE) has an odd seq for ever.
      res = spin(k, t, real, realBlock.seq, `the timens slot maps ${real}, not the host data page`);
    } else if (!realPage || realPage.kind !== 'host-data') {
      k.ev('error', k.txt`the timens slot maps ${real}, not the host data page: the vDSO would read no clock data there; modelled as SIGSEGV`);
      k.ev('signal', k.txt`SIGSEGV to ${t}`, { signal: 'SIGSEGV' });
      res = { ret: null, errno: null, signal: 'SIGSEGV' };
    } else if (clocksourceUnusable(k, realBlock?.clock_mode, coarse, real, compat)) {
      res = FALLBACK;
    } else if (!coarse && !readsVclockPage(k, t, mmId, dataAddr, realBlock?.clock_mode, c)) {
      res = { ret: null, errno: null, signal: k.readSignal };
    } else {
      const off = block.values[clock] ?? ZERO;
      const view = k.modules.design.clockView;
      const sums = offsetSum(k, host, off);
      const sum = sums.sum;
      const value = view ? view(k, t, clock, sum) : sum;
      // The second answer depends on what the text does, so it is made with it, once per (clock, host, off, page).
      if (memo.offClock !== clock || memo.offHost !== host || memo.offOff !== off || memo.offPhys !== first) {
        memo.offClock = clock;
        memo.offHost = host;
        memo.offOff = off;
        memo.offPhys = first;
        // do_coarse_timens adds the offset to the base nanoseconds, always below a second: one answer.
        const carried = coarse ? undefined : sums.carried;
        memo.offAlt = carried && view ? view(k, t, clock, carried) : carried;
        // A streaming run forgets this at each step: the usual read keeps its plain template (no text to build).
        memo.offSid = memo.offAlt ? k.txt`host ${clockName(clock)} ${host} + offset ${sums.offText} from ${first} = ${value}, ${carriedText(k, memo.offAlt)}`
          : k.txt`host ${clockName(clock)} ${host} + offset ${off} from ${first} = ${value}`;
      }
      // The loop runs on the real page; the offset is added after it (do_hres_timens).
      const retries = race ? raceSeqcount(k, real, race, timensFn) : undefined;
      k.state(memo.offSid);
      res = { ret: 0, errno: null, signal: null, clock: reading(k, clock, value, host, 'vdso-timens', memo.offAlt), ...(retries !== undefined ? { retries } : {}) };
    }
  }
  k.ret(c, undefined);
  return res;
}

/** How many turns of a seqcount loop that can never end the model runs before it stops the read (our choice). */
export const VDSO_RETRY_BOUND = 1000;
/** Retries shown one by one before the rest are summed up. */
const SHOWN_RETRIES = 3;

/**
 * The seqcount loop of do_hres/do_coarse (and vdso_read_begin) on a page whose seq is odd and never changes: a
 * namespace page is written once, at freeze, and then only read. The real task spins in user space for ever
 * (signals interrupt it; a handler returns into the loop). The model shows the first retries, stops after
 * VDSO_RETRY_BOUND so the run ends, and lets the task go on with its next line (as a handler that jumps out would).
 */
function spin(k: KernelContext, t: string, page: string, seq: number, why: string): OpResult {
  for (let i = 1; i <= SHOWN_RETRIES; i++) k.state(k.txt`vdso retry #${i}: seq ${seq} of ${page} is odd; ${why}: cpu_relax, read seq again`);
  k.ev('error', k.txt`${t} is stuck in the vDSO: seq ${seq} of ${page} never becomes even (nothing writes the page after its freeze); the model stops the read after ${VDSO_RETRY_BOUND} retries, a real task spins for ever`);
  return { ret: null, errno: null, signal: null, stuck: { page, seq, retries: VDSO_RETRY_BOUND } };
}
