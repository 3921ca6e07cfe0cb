// Timers whose expiry passes KTIME_MAX: ktime_set saturates the value, and ktime_add_safe in hrtimer_set_expires_range_ns
// makes a sum past KTIME_MAX (a wrapped, negative s64) KTIME_MAX, so the timer never fires (kernel/time/hrtimer.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../../extension/sim/ops';
import { harness, op, C, OFFSETS } from './helpers';

const abs = (sec: number, nsec = 0) => ({ base: 'abs', delta: { sec, nsec } } as const);
const timerfd = (clock: number, isAbs: boolean, sec: number, nsec = 0): Operation => ({ op: 'timerfd_settime', clock, abs: isAbs, value: abs(sec, nsec) });
const timer = (clock: number, isAbs: boolean, sec: number, nsec = 0): Operation => ({ op: 'timer_settime', clock, abs: isAbs, value: abs(sec, nsec) });
/** KTIME_MAX less the host clock of that id, in whole ns, as a string (exact). */
function leftOfKtimeMax(h: ReturnType<typeof harness>, clock: 'monotonic' | 'boottime', less = 0n): string {
  const c = h.sim.state().host[clock];
  return String((1n << 63n) - 1n - less - (BigInt(c.sec) * 1000000000n + BigInt(c.nsec)));
}
const ns = (t: { sec: number; nsec: number } | undefined) => String(BigInt(t!.sec) * 1000000000n + BigInt(t!.nsec));

test('a negative offset: a deadline whose host value passes KTIME_MAX stays armed until KTIME_MAX (measured on 6.18)', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic -500 0\nboottime 500 0'));
  h.run('P1', op.fork('P2'));
  for (const o of [timerfd(C.CLOCK_MONOTONIC, true, 9223372000), timer(C.CLOCK_MONOTONIC, true, 9223372000)]) {
    const r = h.run('P2', o);
    assert.notEqual(r.timer, 'expired');
    assert.equal(ns(r.waited), leftOfKtimeMax(h, 'monotonic'));
  }
  // ktime_set saturates 9223372036 s and more at KTIME_MAX before the positive boottime offset is taken off
  assert.equal(ns(h.run('P2', timerfd(C.CLOCK_BOOTTIME, true, 9223372036)).waited), leftOfKtimeMax(h, 'boottime', 500000000000n));
  assert.equal(ns(h.run('P2', timer(C.CLOCK_BOOTTIME, true, 99999999999)).waited), leftOfKtimeMax(h, 'boottime', 500000000000n));
});

test('relative values: saturated, and added to now with ktime_add_safe; a relative REALTIME timer runs on MONOTONIC', () => {
  const h = harness();
  assert.equal(ns(h.run('P1', timerfd(C.CLOCK_MONOTONIC, false, 9223372036, 500000000)).waited), leftOfKtimeMax(h, 'monotonic'));
  assert.equal(ns(h.run('P1', timer(C.CLOCK_BOOTTIME, false, 9223372000)).waited), leftOfKtimeMax(h, 'boottime'));
  assert.equal(ns(h.run('P1', timer(C.CLOCK_REALTIME, false, 9223372000)).waited), leftOfKtimeMax(h, 'monotonic'));
  assert.equal(ns(h.run('P1', timerfd(C.CLOCK_MONOTONIC, true, 9223372036, 500000000)).waited), leftOfKtimeMax(h, 'monotonic'));
  assert.deepEqual(h.run('P1', timerfd(C.CLOCK_MONOTONIC, false, 5)).waited, { sec: 5, nsec: 0 }, 'an ordinary value is untouched');
});

test('host time stops short of KTIME_MAX: a sleep or suspend that would take a clock there is refused, and the clocks stay exact (our choice)', () => {
  const h = harness();
  const before = h.sim.state().host;
  const sleep = (sec: number): Operation => ({ op: 'sleep', delta: { sec, nsec: 0 } });
  // three sleeps of 2^53 - 1 s had made the clocks inexact doubles, and a later 1 s clock_nanosleep waited 0 s
  for (const o of [sleep(9007199254740991), { op: 'suspend', delta: { sec: 9223372036, nsec: 0 } } as Operation, sleep(9223372036 - before.realtime.sec - 37)]) {
    const r = h.run(null, o);
    assert.equal(r.errno, 'EINVAL', JSON.stringify(o));
    assert.deepEqual(h.sim.state().host, before, 'no clock moved');
  }
  assert.match(h.sim.event(h.sim.eventCount - 1).summary, /^EINVAL: CLOCK_TAI would pass KTIME_MAX \(9223372036 s, 2\^63 - 1 ns\)/);
  assert.equal(h.run(null, sleep(9223372036 - before.realtime.sec - 38)).errno, null, 'up to a second before it');
  const r = h.run('P1', { op: 'clock_nanosleep', clock: C.CLOCK_BOOTTIME, abs: false, value: { base: 'abs', delta: { sec: 1, nsec: 0 } } });
  assert.deepEqual(r.waited, { sec: 1, nsec: 0 });
});
