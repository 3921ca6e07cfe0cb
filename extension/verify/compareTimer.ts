// Timers compared against each side's own host clock: relative timers armed with a clock reading
// (`timerfd_settime(CLOCK_REALTIME, 0, now + 5s)`), compared as an offset from that side's host clock, and timers
// whose expiry saturated at KTIME_MAX, compared by their expiry.

import { CLOCKS } from '../sim/types';
import type { HostClocks } from '../sim/api';
import type { Operation } from '../sim/ops';
import { KTIME_MAX } from '../sim/offset64';
import type { PlannedLine } from './plan';
import { fmtS, seconds, tsSecs } from './protocol';
import type { Diff } from './report';

/** The clocks whose host reading both sides have: the model's HostClocks field, the helper's hostclock(id). */
const HOST_OF: Readonly<Record<number, keyof HostClocks>> = {
  [CLOCKS.CLOCK_REALTIME]: 'realtime', [CLOCKS.CLOCK_MONOTONIC]: 'monotonic', [CLOCKS.CLOCK_BOOTTIME]: 'boottime',
};

/** Whether an operation is a relative timer armed with a clock reading that verify runs (operationsClock.ts). */
export function isReadingTimer(op: Operation): boolean {
  return (op.op === 'timerfd_settime' || op.op === 'timer_settime') && !op.abs && op.value.base === 'now' && op.clock in HOST_OF;
}

export interface ReadingTimer {
  /** Why the line is not checkable: the value lands at or below 0 on one side only because the hosts differ. */
  readonly unchecked: string | null;
  /** The value's offsets from the host clock, when both sides armed the timer. */
  readonly diff: Diff | null;
  readonly model: string;
  readonly kernel: string;
}

/**
 * The value is the task's namespace clock plus the delta: its offset from the host clock of the same id (the
 * namespace's offset plus the delta) is what the model decides, as for clock reads. The hosts themselves differ:
 * the model's REALTIME starts at 2026-01-01, its MONOTONIC and BOOTTIME are aligned with the machine's at the
 * start and then move only with the scenario, while the machine runs on. The helper's host bracket [h1, h2] holds
 * the clock read (h1 <= read <= set), and the time left is read after the set (set <= get <= h2), so the
 * kernel's offset, time left minus the bracket's middle, is off by at most half the bracket one way and one and a
 * half the other: the tolerance is the clock tolerance plus 1.5 brackets. The outcome (EINVAL for a negative
 * value, timespec64_valid in timerfd_settime / common_timer_set's caller) is compared unless one side's value,
 * moved to the other side's host, lands within that tolerance of 0 or below it: then the hosts decide it.
 */
export function readingTimer(pl: PlannedLine, f: Readonly<Record<string, string>>, clockSec: number, mo: string, ko: string): ReadingTimer | null {
  const op = pl.step.operation;
  if ((op.op !== 'timerfd_settime' && op.op !== 'timer_settime') || !isReadingTimer(op)) return null;
  const h1 = seconds(f.h1), h2 = seconds(f.h2);
  const none = { diff: null, model: mo, kernel: ko };
  if (!Number.isFinite(h1) || !Number.isFinite(h2) || h2 < h1) return { ...none, unchecked: 'the helper gave no host clock reading around the line' };
  const hk = (h1 + h2) / 2;
  const hm = tsSecs(pl.model.before.host[HOST_OF[op.clock]!] as { sec: number; nsec: number });
  const margin = clockSec + 1.5 * (h2 - h1);
  const mv = mo === 'ok' && pl.model.result.waited ? tsSecs(pl.model.result.waited) : null;
  const kv = ko === 'ok' ? seconds(f.w) : null;
  // each side's value as it would be on the other side's host
  const atKernel = mv === null ? null : mv - hm + hk;
  const atModel = kv === null || !Number.isFinite(kv) ? null : kv - hk + hm;
  if ((atKernel !== null && atKernel <= margin) || (atModel !== null && atModel <= margin)) {
    return { ...none, unchecked: `a clock reading used as a duration: the value, ${fmtS(mv ?? kv!)} on the ${mv !== null ? 'model' : 'kernel'}'s clock, is within ${fmtS(margin)} of 0 or below it on the other side's host (${fmtS(hk - hm)} apart), where the hosts decide whether it is valid` };
  }
  if (mv === null || kv === null || atModel === null) return { ...none, unchecked: null };
  const mOff = mv - hm, kOff = kv - hk;
  const model = `${mo} value ${fmtS(mOff)} from the host`, kernel = `${ko} value ${fmtS(kOff)} from the host`;
  const diff = Math.abs(kOff - mOff) <= margin ? null
    : { field: 'value offset', kernel: fmtS(kOff), model: fmtS(mOff), why: `a clock reading used as a duration is compared as an offset from each side's host clock, within ${clockSec} s plus 1.5 host brackets` };
  return { unchecked: null, diff, model, kernel };
}

/**
 * Timers compared by their expiry rather than their time left, which is the expiry less the host clock: one whose
 * expiry the model put at KTIME_MAX (sim/kernel/time/sleep.ts hrtimerLeft: ktime_add_safe saturates it), and one
 * armed with an absolute deadline given as a number (still ahead on both sides). The hosts part as the scenario
 * runs: the machine's clock runs on while the helper works through the lines (seconds under qemu), the model's
 * moves only with the scenario, and more where a wait was cut at the cap. The kernel's expiry is its time left
 * plus the helper's host reading of the timer's clock around the call, compared within the duration tolerance
 * plus that bracket. A relative REALTIME timer runs on CLOCK_MONOTONIC (__hrtimer_init), which the helper does
 * not read for it: not checkable once saturated.
 */
export function expiryTimer(pl: PlannedLine, f: Readonly<Record<string, string>>, durationSec: number, mo: string, ko: string): ReadingTimer | null {
  const op = pl.step.operation;
  const w = pl.model.result.waited;
  if ((op.op !== 'timerfd_settime' && op.op !== 'timer_settime') || mo !== 'ok' || ko !== 'ok' || !w) return null;
  const base = !op.abs && op.clock === CLOCKS.CLOCK_REALTIME ? 'monotonic' : HOST_OF[op.clock];
  if (!base) return null;
  const host = pl.model.before.host[base] as { sec: number; nsec: number };
  const expiry = BigInt(w.sec + host.sec) * 1000000000n + BigInt(w.nsec + host.nsec);
  const saturated = expiry === KTIME_MAX;
  const kw = seconds(f.w);
  const ahead = op.abs && op.value.base === 'abs' && (w.sec > 0 || w.nsec > 0) && kw > 0;
  if (!saturated && !ahead) return null;
  const mExp = Number(expiry) / 1e9;
  const model = `${mo} expires at ${saturated ? 'KTIME_MAX' : `${mExp.toFixed(3)} s`}`;
  if (base !== HOST_OF[op.clock]) return { unchecked: 'a relative CLOCK_REALTIME timer that saturated at KTIME_MAX runs on CLOCK_MONOTONIC, which the helper does not read around it', diff: null, model, kernel: ko };
  const h1 = seconds(f.h1), h2 = seconds(f.h2);
  if (!Number.isFinite(h1) || !Number.isFinite(h2) || h2 < h1 || !Number.isFinite(kw)) return { unchecked: 'the helper gave no host clock reading around the line', diff: null, model, kernel: ko };
  const kExp = kw + (h1 + h2) / 2;
  const tol = durationSec + (h2 - h1);
  const agree = Math.abs(kExp - mExp) <= tol;
  const diff = agree ? null
    : { field: 'expiry', kernel: `${kExp.toFixed(3)} s`, model: saturated ? 'KTIME_MAX' : `${mExp.toFixed(3)} s`, why: `compared by its expiry (time left plus the host clock), within ${durationSec} s plus the host bracket` };
  return { unchecked: null, diff, model, kernel: agree ? model.replace(mo, ko) : `${ko} expires at ${kExp.toFixed(3)} s` };
}
