// Issue 13 item 2: timens_offsets values are exact 64-bit integers from the parse to every reader (offset64.ts),
// pinned to what Linux 6.18 gave in a probe program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, C, shift, OFFSETS } from './helpers';
import { btimeLoops, btimeText, offsetFromParsed, offsetKtime, offsetRange, rawOffset, vdsoAddOffset, KTIME_MAX } from '../../../extension/sim/offset64';
import { formatOffset } from '../../../extension/scenario/editor/format';

const LONG_MIN = -(1n << 63n);

test('a %lu of 2^63 is stored as LONG_MIN and read back with "%10lld %9ld", not as a rounded double', () => {
  const h = harness();
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 9223372036 9223372036854775808')).ret, 40);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic  9223372036 -9223372036854775808\nboottime            0         0\n');
  assert.deepEqual(rawOffset(h.sim.state().timeNamespaces['ns#1'].offsets.monotonic), { sec: 9223372036n, nsec: LONG_MIN });
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 1 18446744073709551615')).ret, 32);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic           1        -1\nboottime            0         0\n');
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 5 18446744072709551616')).ret, 32);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic           5 -1000000000\nboottime            0         0\n');
});

test('the range check is exact: LONG_MIN nanoseconds carry -9223372037 s into the sum', () => {
  const h = harness();
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 0 9223372036854775808')).errno, 'ERANGE');
  // H = 1000 s: 1000 + 9223372036 - 9223372037 = 999 is in range
  assert.equal(offsetRange({ sec: 1000, nsec: 0 }, 9223372036n, LONG_MIN).sum, 999n);
  // host nanoseconds >= 854775808 carry one second less
  assert.equal(offsetRange({ sec: 0, nsec: 854775808 }, 0n, LONG_MIN).sum, -9223372036n);
  assert.equal(offsetRange({ sec: 0, nsec: 854775807 }, 0n, LONG_MIN).sum, -9223372037n);
  assert.equal(offsetRange({ sec: 0, nsec: 0 }, 4611686018n, 999999999n).ok, true);
  assert.equal(offsetRange({ sec: 1, nsec: 0 }, 4611686018n, 0n).ok, false);
  assert.equal(offsetRange({ sec: 1e9, nsec: 0 }, 9223372037n, 0n).secOk, false);
});

test('syscalls add the offset normalised, the vDSO as a u64 with a u32 quotient', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 5 18446744072709551616'));
  h.run('P1', op.fork('P2'));
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 4);
  const v = h.run('P2', op.gettime(C.CLOCK_MONOTONIC));
  assert.equal(v.clock!.value.sec - v.clock!.host.sec, 1266874893);
  assert.equal(v.clock!.path, 'vdso-timens');
  // the probe's own numbers: host 10064.02 s gives 1266884957.72 s
  assert.deepEqual(vdsoAddOffset({ sec: 10064, nsec: 18230433 }, offsetFromParsed(5n, -1000000000n)), { sec: 1266884957, nsec: 727782049 });
  // and the probe's vDSO read of 9856819530.077429708 s (host 10049.222653900 s; the quotient 9223372037 as a u32)
  assert.deepEqual(vdsoAddOffset({ sec: 10049, nsec: 222653900 }, offsetFromParsed(9223372036n, LONG_MIN)), { sec: 9856819530, nsec: 77429708 });
  // a read between a second boundary and the tick's update_vsyscall: the vDSO's ns is host nsec + 1e9, the u64 sum
  // does not wrap, and the answer is the normalised +4 s (fidelity-i2-offsets-64bit.timens once gave it)
  assert.deepEqual(vdsoAddOffset({ sec: 10064, nsec: 18230433 }, offsetFromParsed(5n, -1000000000n), true), { sec: 10068, nsec: 18230433 });
  assert.deepEqual(v.clock!.carried && v.clock!.carried.sec - v.clock!.host.sec, 4);
  assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC_COARSE)).clock!.carried, undefined, 'do_coarse_timens reads the base nanoseconds');
});

test('timens_ktime_to_host converts with ktime_set: KTIME_SEC_MAX seconds saturate, every deadline has passed', () => {
  assert.equal(offsetKtime(offsetFromParsed(9223372036n, LONG_MIN)), KTIME_MAX);
  assert.equal(offsetKtime(offsetFromParsed(5n, -1000000000n)), 4000000000n);
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 9223372036 9223372036854775808'));
  h.run('P1', op.fork('P2'));
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), -0.854775808);
  const r = h.run('P2', { op: 'timerfd_settime', clock: C.CLOCK_MONOTONIC, abs: true, value: { base: 'now', delta: { sec: 100, nsec: 0 } } });
  assert.deepEqual(r.waited, { sec: 0, nsec: 0 });
});

test('/proc/stat btime: timespec64_sub overflows the s64 nanoseconds, and the seconds print unsigned', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'boottime 9223372036 9223372036854775808'));
  h.run('P1', op.fork('P2'));
  const wall = 1767225600 - 1000;
  // W - 9223372036 + floor((0 - LONG_MIN wrapped to LONG_MIN) / 1e9) = W - 18446744073, as a u64
  const first = h.sim.eventCount;
  assert.equal(h.run('P2', op.read('/proc/stat')).text, `btime ${(1n << 64n) + BigInt(wall) - 18446744073n}\n`);
  // the normalisation loop runs once per second it carries: the read costs seconds of CPU, which the event says
  const states = Array.from({ length: h.sim.eventCount - first }, (_, k) => h.sim.event(first + k)).filter((e) => e.kind === 'state');
  assert.deepEqual(states.map((e) => e.summary), ['timespec64_sub: set_normalized_timespec64 runs 9223372037 iterations to carry the overflowed nanoseconds into seconds']);
  assert.equal(btimeLoops({ sec: wall, nsec: 0 }, offsetFromParsed(3600n, 5n)), 1n, 'an ordinary offset carries one second at most');
  assert.equal(btimeText({ sec: wall, nsec: 0 }, offsetFromParsed(4000000000n, 0n)), String((1n << 64n) + BigInt(wall) - 4000000000n), 'a negative btime prints unsigned');
  assert.equal(btimeText({ sec: wall, nsec: 0 }, offsetFromParsed(3600n, 0n)), String(wall - 3600));
});

test('ordinary offsets keep their plain shape; the views show a stored pair where one was written', () => {
  assert.deepEqual(offsetFromParsed(-1n, 5n), { sec: -1, nsec: 5 });
  assert.equal(formatOffset(offsetFromParsed(3600n, 0n)), '+3600s');
  assert.equal(formatOffset(offsetFromParsed(9223372036n, LONG_MIN)), '{9223372036 s, -9223372036854775808 ns} = -0.854775808s');
});

test('timens_offsets is a file of /proc/PID only: /proc/thread-self has none (ENOENT)', () => {
  // fs/proc/base.c lists timens_offsets in tgid_base_stuff, not tid_base_stuff; verify on 6.18 found it
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.thread('T1'));
  assert.equal(h.run('T1', op.write('/proc/thread-self/timens_offsets', 'boottime 66 0')).errno, 'ENOENT');
  assert.equal(h.run('T1', op.read('/proc/thread-self/timens_offsets')).errno, 'ENOENT');
  assert.equal(h.run('T1', op.write('/proc/self/timens_offsets', 'boottime 66 0')).errno, null);
});
