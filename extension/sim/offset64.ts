// A time namespace offset as the kernel stores it (struct timespec64 from a timens_offsets write, kept as parsed,
// not normalised) and the exact 64-bit arithmetic each reader does with it: syscalls, the vDSO, timer conversion.

import { fmtTs, type Timespec } from './types';

/**
 * A stored offset, exact as a pair of numbers. `sec`/`nsec` is the normalised timespec64 (what timespec64_add
 * makes of it for every syscall reader, nsec in [0, 1e9)); `carry` is the whole seconds that normalising moved
 * out of a stored nanoseconds field below 0 (a `%lu` of 2^63 or more is a negative long; absent when 0). The
 * stored value is tv_sec = sec - carry, tv_nsec = nsec + carry * 1e9; both parts are exact in a number
 * (|tv_sec| <= KTIME_SEC_MAX, carry >= -9223372037).
 */
export interface TimensOffset extends Timespec {
  readonly carry?: number;
}

export const KTIME_SEC_MAX = 9223372036;
export const KTIME_MAX = (1n << 63n) - 1n;
const NSEC = 1000000000n;
const U64 = 1n << 64n;
const U32 = 1n << 32n;

/** Floor division of bigints (BigInt division truncates toward zero). */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** The offset a write stores: tv_sec and the s64 tv_nsec as parsed. */
export function offsetFromParsed(sec: bigint, nsec: bigint): TimensOffset {
  const carry = floorDiv(nsec, NSEC);
  const o = { sec: Number(sec + carry), nsec: Number(nsec - carry * NSEC) };
  return carry === 0n ? o : { ...o, carry: Number(carry) };
}

/** The stored timespec64, exactly: what /proc/PID/timens_offsets prints and timespec64_to_ktime reads. */
export function rawOffset(o: TimensOffset): { readonly sec: bigint; readonly nsec: bigint } {
  const c = BigInt(o.carry ?? 0);
  return { sec: BigInt(o.sec) - c, nsec: BigInt(o.nsec) + c * NSEC };
}

/** An offset for a summary: the Timespec itself when it is stored normalised, else the stored pair and what a
 *  syscall reader adds. */
export function offsetText(o: TimensOffset): string {
  if (!o.carry) return fmtTs(o);
  const r = rawOffset(o);
  return `{${r.sec} s, ${r.nsec} ns} (syscalls add ${fmtTs(o)})`;
}

/**
 * proc_timens_set_offset's range check, exact: |tv_sec| <= KTIME_SEC_MAX, then the host clock plus the offset,
 * normalised by timespec64_add, must have 0 <= tv_sec <= KTIME_SEC_MAX / 2. `sum` is that tv_sec.
 */
export function offsetRange(host: Timespec, sec: bigint, nsec: bigint): { readonly ok: boolean; readonly secOk: boolean; readonly sum: bigint } {
  const secOk = sec <= BigInt(KTIME_SEC_MAX) && sec >= -BigInt(KTIME_SEC_MAX);
  const sum = BigInt(host.sec) + sec + floorDiv(BigInt(host.nsec) + nsec, NSEC);
  return { ok: secOk && sum >= 0n && sum <= BigInt(Math.floor(KTIME_SEC_MAX / 2)), secOk, sum };
}

/** The iterations set_normalized_timespec64 runs for this write (one per second carried), when there are any. */
export function normaliseLoops(host: Timespec, nsec: bigint): bigint {
  const q = floorDiv(BigInt(host.nsec) + nsec, NSEC);
  return q < 0n ? -q : 0n;
}

/** show_stat's btime: timens_sub_boottime is timespec64_sub, whose nanoseconds difference is an s64 that a
 *  stored LONG_MIN overflows, normalised by the loop; the seconds are printed as an unsigned long long. */
export function btimeText(boot: Timespec, o: TimensOffset): string {
  const r = rawOffset(o);
  const sec = BigInt(boot.sec) - r.sec + floorDiv(btimeNsecDiff(boot, o), NSEC);
  return String(BigInt.asUintN(64, sec));
}

/** The iterations set_normalized_timespec64 runs for show_stat's timespec64_sub (one per second it carries). */
export function btimeLoops(boot: Timespec, o: TimensOffset): bigint {
  const q = floorDiv(btimeNsecDiff(boot, o), NSEC);
  return q < 0n ? -q : q;
}

/** timespec64_sub's nanoseconds: an s64 difference, which a stored LONG_MIN overflows. */
function btimeNsecDiff(boot: Timespec, o: TimensOffset): bigint {
  return BigInt.asIntN(64, BigInt(boot.nsec) - rawOffset(o).nsec);
}

/** timespec64_to_ktime(offset) = ktime_set(tv_sec, tv_nsec): KTIME_MAX from KTIME_SEC_MAX seconds on, else the
 *  s64 sum (timens_ktime_to_host uses this). */
export function offsetKtime(o: TimensOffset): bigint {
  const r = rawOffset(o);
  if (r.sec >= BigInt(KTIME_SEC_MAX)) return KTIME_MAX;
  return BigInt.asIntN(64, r.sec * NSEC + r.nsec);
}

/**
 * do_hres_timens / do_coarse_timens: `sec += offs->sec; ns += offs->nsec` with ns a u64, then
 * __iter_div_u64_rem, whose quotient is a u32. For an offset stored normalised this is the plain sum.
 */
export function vdsoAddOffset(host: Timespec, o: TimensOffset, carried = false): Timespec {
  const r = rawOffset(o);
  // `carried`: the vDSO's own (sec, ns) before the division is (host.sec - 1, host.nsec + 1e9) when the read falls
  // between a second boundary and the next update_vsyscall (vdso_calc_ns adds the cycles since cycle_last to the
  // base nanoseconds, which that update normalises below NSEC_PER_SEC): a tick of every second, one read in HZ.
  const base = carried ? BigInt(host.nsec) + NSEC : BigInt(host.nsec);
  const ns = (base + BigInt.asUintN(64, r.nsec)) % U64;
  const q = (ns / NSEC) % U32;
  return { sec: Number(BigInt(host.sec) - (carried ? 1n : 0n) + r.sec + q), nsec: Number(ns % NSEC) };
}

/** When a vDSO read gives its second answer (OpResult clock.carried, vdsoAddOffset's `carried`). */
export const CARRIED_WHEN = 'when the read falls between a second boundary and the tick that updates the vDSO data';

/** The words every view puts after a vDSO read's value for its second answer, `or V' when …`; `carried` is that
 *  answer as the view shows its values. */
export function orCarried(carried: string): string {
  return `or ${carried} ${CARRIED_WHEN}`;
}
