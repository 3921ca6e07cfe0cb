// POSIX timers and futex timeouts in a time namespace (issue 13 "mechanisms" item 5): which deadlines are converted
// from namespace time, by version; the words timer_settime and futex.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { FUTEX_OPS as FO } from '../../../extension/sim/opsClock';
import type { Operation } from '../../../extension/sim/ops';
import { DEFAULT_PROFILE, type KernelVersion } from '../../../extension/sim/types';
import { harness, op, C, OFFSETS } from './helpers';

const now = (sec: number) => ({ base: 'now', delta: { sec, nsec: 0 } } as const);
const timer = (clock: number, abs: boolean, sec: number) => ({ op: 'timer_settime', clock, abs, value: now(sec) } as const);
const futex = (futexOp: number, sec: number): Operation => ({ op: 'futex_wait', futexOp, value: FO.FUTEX_WAIT === futexOp ? { base: 'abs', delta: { sec, nsec: 0 } } : now(sec) });

function shifted(kernel: KernelVersion = '6.18', offsets = '1 10 0\n7 20 0') {
  const h = harness(kernel);
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, offsets));
  h.run('P1', op.fork('P2'));
  return h;
}

test('timer_settime: an absolute MONOTONIC or BOOTTIME it_value is namespace time, REALTIME is not; 0 disarms first', () => {
  const h = shifted();
  assert.deepEqual(h.run('P2', timer(C.CLOCK_MONOTONIC, true, 1)).waited, { sec: 1, nsec: 0 });
  assert.deepEqual(h.run('P2', timer(C.CLOCK_BOOTTIME, true, 2)).waited, { sec: 2, nsec: 0 });
  assert.deepEqual(h.run('P2', timer(C.CLOCK_REALTIME, true, 3)).waited, { sec: 3, nsec: 0 });
  assert.equal(h.run('P2', { op: 'timer_settime', clock: C.CLOCK_MONOTONIC, abs: true, value: { base: 'host', delta: { sec: 1, nsec: 0 } } }).waited?.sec, 0,
    'a host-time deadline read as namespace time is 9 s in the past: it fires at once');
  assert.equal(h.run('P2', { op: 'timer_settime', clock: C.CLOCK_MONOTONIC, abs: true, value: { base: 'abs', delta: { sec: 0, nsec: 0 } } }).timer, 'disarmed');
  assert.equal(h.run('P2', timer(C.CLOCK_MONOTONIC_RAW, false, 1)).errno, 'EOPNOTSUPP');
  assert.equal(h.run('P2', timer(10, false, 1)).errno, 'EINVAL');
  const noRtc = harness('6.18', 'x86_64', [], { rtc: false });
  assert.equal(noRtc.run('P1', timer(C.CLOCK_BOOTTIME_ALARM, false, 1)).errno, 'EOPNOTSUPP');
  const run = runScenario('P1: timer_settime(CLOCK_MONOTONIC, TIMER_ABSTIME, 0s)\nexpect timer == disarmed\n');
  assert.ok(run.passed, 'expect timer reads a POSIX timer too');
});

test('futex timeouts: FUTEX_WAIT_BITSET converted from 5.10, FUTEX_LOCK_PI only in 5.10-5.12, FUTEX_WAIT never', () => {
  const waits = (kernel: KernelVersion, futexOp: number, sec: number) => {
    const r = shifted(kernel).run('P2', futex(futexOp, sec));
    assert.equal(r.errno, 'ETIMEDOUT', `${kernel} ${futexOp}`);
    return r.waited!.sec;
  };
  assert.equal(waits('6.18', FO.FUTEX_WAIT_BITSET, 1), 1);
  assert.equal(waits('6.18', FO.FUTEX_WAIT_BITSET | FO.FUTEX_CLOCK_REALTIME, 1), 1);
  assert.equal(waits('6.18', FO.FUTEX_WAIT, 1), 1);
  assert.equal(waits('6.18', FO.FUTEX_LOCK_PI, 1), 1);
  assert.equal(waits('6.18', FO.FUTEX_LOCK_PI2, 1), 1);
  assert.equal(waits('5.9', FO.FUTEX_WAIT_BITSET, 1), 11, 'no conversion before 5.10: 10 s more');
  assert.equal(waits('5.10', FO.FUTEX_WAIT_BITSET, 1), 1);
  assert.equal(waits('5.11', FO.FUTEX_LOCK_PI, 11), 1, 'the 5.10-5.12 bug: a REALTIME deadline moved by the monotonic offset');
  assert.equal(waits('5.15', FO.FUTEX_LOCK_PI, 11), 11);
  assert.equal(shifted('5.11').run('P2', futex(FO.FUTEX_LOCK_PI2, 1)).errno, 'ENOSYS');
  assert.equal(shifted().run('P2', futex(FO.FUTEX_WAIT | FO.FUTEX_CLOCK_REALTIME, 1)).errno, 'ENOSYS');
  assert.equal(shifted().run('P2', { op: 'futex_wait', futexOp: FO.FUTEX_WAIT_BITSET, value: { base: 'abs', delta: { sec: -1, nsec: 0 } } }).errno, 'EINVAL');
  const h = shifted();
  const before = h.sim.state().host.monotonic.sec;
  h.run('P2', futex(FO.FUTEX_WAIT_BITSET, 2));
  assert.equal(h.sim.state().host.monotonic.sec, before + 2, 'the wait lets host time pass');
  for (let i = 0; i < h.sim.eventCount; i++) for (const fn of h.sim.event(i).stack) assert.ok(KERNEL_FUNCTIONS.includes(fn), fn);
});

test('the words: futex flags parse and complete, unknown ones are diagnosed', () => {
  const p = parseScenario('arch x86_64\nkernel 6.18\nP1: futex(FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, now + 1s)\n');
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(p.steps[0].operation, { op: 'futex_wait', futexOp: 9 | 256, value: now(1) });
  assert.ok(parseScenario('P1: futex(FUTEX_WAIT_BITSE, 1s)\n').diagnostics.some((d) => d.code === 'unknown-flag'));
  const flags = completionsAt('P1: futex(', 0, 10, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(flags.includes('FUTEX_WAIT_BITSET'), flags.join());
});

test('only the TIMER_ABSTIME bit of flags means absolute: clock_nanosleep and timer_settime ignore the others (found by the outsider scenarios)', () => {
  // kernel/time/posix-timers.c: common_nsleep and common_timer_set test `flags & TIMER_ABSTIME`
  const run = runScenario([
    'P1: clock_nanosleep(CLOCK_MONOTONIC, 2, 100ms)', 'expect waited == 100ms',
    'P1: timer_settime(CLOCK_MONOTONIC, 2, 1s)', 'expect waited == 1s',
    'P1: timerfd_settime(CLOCK_MONOTONIC, 2, 1s)', 'expect waited == 1s',
    'P1: clock_nanosleep(CLOCK_MONOTONIC, 3, now + 100ms)', 'expect waited == 100ms',
    'P1: timerfd_settime(CLOCK_MONOTONIC, 4, 1s)', 'expect errno == EINVAL',
    'P1: timerfd_settime(CLOCK_REALTIME, TFD_TIMER_ABSTIME|TFD_TIMER_CANCEL_ON_SET, now + 1s)', 'expect waited == 1s',
  ].join('\n') + '\n');
  assert.ok(run.passed);
});

test('clock_nanosleep of an alarm clock refuses any flag but TIMER_ABSTIME, after the RTC test and before CAP_WAKE_ALARM', () => {
  // alarm_timer_nsleep (kernel/time/alarmtimer.c): "if (flags & ~TIMER_ABSTIME) return -EINVAL;"; common_nsleep ignores them
  const sleep = (clock: number, flags: number): Operation => ({ op: 'clock_nanosleep', clock, abs: (flags & 1) !== 0, ...(flags & ~1 ? { flags } : {}), value: { base: 'abs', delta: { sec: 0, nsec: 10_000_000 } } });
  const h = harness('6.18', 'x86_64', [], { rtc: true });
  assert.equal(h.run('P1', sleep(C.CLOCK_BOOTTIME_ALARM, 2)).errno, 'EINVAL');
  assert.equal(h.run('P1', sleep(C.CLOCK_REALTIME_ALARM, 3)).errno, 'EINVAL');
  assert.equal(h.run('P1', sleep(C.CLOCK_MONOTONIC, 2)).errno, null);
  assert.equal(h.run('P1', sleep(C.CLOCK_BOOTTIME_ALARM, 0)).errno, null);
  h.run('P1', { op: 'setresuid', r: -1, e: 1000, s: -1 });
  assert.equal(h.run('P1', sleep(C.CLOCK_BOOTTIME_ALARM, 2)).errno, 'EINVAL', 'the flags before the capability');
  assert.equal(h.run('P1', sleep(C.CLOCK_BOOTTIME_ALARM, 0)).errno, 'EPERM');
  const noRtc = harness('6.18', 'x86_64', [], { rtc: false });
  assert.equal(noRtc.run('P1', sleep(C.CLOCK_BOOTTIME_ALARM, 2)).errno, 'EOPNOTSUPP', 'the RTC before the flags');
});
