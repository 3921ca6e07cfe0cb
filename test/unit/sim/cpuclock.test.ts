// CPU clocks and dynamic (fd) clocks, the negative clock ids (kernel/time/posix-cpu-timers.c, posix-clock.c): the
// language takes them, the model answers what the kernel answers, verify runs what it can mean alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { negativeClock, negativeClockName } from '../../../extension/sim/cpuclock';
import type { Operation } from '../../../extension/sim/ops';
import { OPERATIONS } from '../../../extension/verify/operations';
import { machinePidClockUnchecked } from '../../../extension/verify/operationsClock';
import { harness, C } from './helpers';

const abs = (sec: number) => ({ base: 'abs', delta: { sec, nsec: 0 } } as const);
const gettime = (clock: number): Operation => ({ op: 'clock_gettime', clock, via: 'syscall' });
const sleep = (clock: number, sec: number, isAbs = false): Operation => ({ op: 'clock_nanosleep', clock, abs: isAbs, value: abs(sec) });
/** MAKE_PROCESS_CPUCLOCK / MAKE_THREAD_CPUCLOCK (include/linux/posix-timers_types.h), FD_TO_CLOCKID. */
const cpuclock = (pid: number, which: number, thread: boolean) => ((~pid) << 3) | which | (thread ? 4 : 0);
const fdclock = (fd: number) => ((~fd) << 3) | 3;

test('negative clock ids decode as clockid_to_kclock and the CPUCLOCK_* macros do', () => {
  assert.deepEqual(negativeClock(-2), { kind: 'cpu', pid: 0, thread: true, which: 2 });
  assert.deepEqual(negativeClock(-6), { kind: 'cpu', pid: 0, thread: false, which: 2 });
  assert.deepEqual(negativeClock(fdclock(0)), { kind: 'fd', fd: 0 });
  assert.deepEqual(negativeClock(cpuclock(1234, 0, false)), { kind: 'cpu', pid: 1234, thread: false, which: 0 });
  assert.equal(negativeClock(2), null);
  assert.equal(negativeClockName(-2), 'MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_SCHED)');
  assert.equal(negativeClockName(-1), 'MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_MAX)');
  assert.equal(negativeClockName(fdclock(5)), 'FD_TO_CLOCKID(5)');
});

test('the language takes a negative clock id in every call with a clock, and refuses one outside a C int', () => {
  const p = parseScenario('P1: clock_gettime(-2)\nP1: clock_getres(-6, syscall)\nP1: clock_nanosleep(-6, 0, 1s)\nP1: timer_settime(-2, 0, 1s)\nP1: clock_settime(-2, 1s)\nP1: timerfd_settime(-2, 0, 1s)\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.steps.map((s) => (s.operation as { clock: number }).clock), [-2, -6, -6, -2, -2, -2]);
  const bad = parseScenario('P1: clock_gettime(-2147483649)\n');
  assert.ok(bad.diagnostics.some((d) => d.code === 'bad-value' && d.severity === 'error'));
});

test('clock_gettime, clock_getres and clock_settime of CPU clocks: pid_for_clock, CPUCLOCK_MAX, posix_cpu_clock_set', () => {
  const h = harness();
  assert.equal(h.run('P1', gettime(-2)).errno, null, "the caller's own thread clock");
  assert.equal(h.run('P1', gettime(-1)).errno, 'EINVAL', 'CPUCLOCK_WHICH 3 is CPUCLOCK_MAX');
  assert.equal(h.run('P1', gettime(fdclock(0))).errno, 'EINVAL', 'fd 0 is no posix clock device');
  assert.equal(h.run('P1', gettime(cpuclock(5_000_000, 2, false))).errno, 'EINVAL', 'no pid above PID_MAX_LIMIT');
  assert.deepEqual(h.run('P1', { op: 'clock_getres', clock: cpuclock(0, 0, false), via: 'syscall' }).clock?.value, { sec: 0, nsec: 4_000_000 }, 'PROF: a tick at HZ=250');
  assert.deepEqual(h.run('P1', { op: 'clock_getres', clock: -2, via: 'vdso' }).clock?.value, { sec: 0, nsec: 1 }, 'SCHED: 1 ns');
  assert.equal(h.run('P1', { op: 'clock_settime', clock: -2, value: abs(1) }).errno, 'EPERM', 'a CPU clock is never set');
  assert.equal(h.run('P1', { op: 'clock_settime', clock: -1, value: abs(1) }).errno, 'EINVAL', 'validate_clock_permissions comes first');
  assert.equal(h.run('P1', { op: 'clock_settime', clock: C.CLOCK_PROCESS_CPUTIME_ID, value: abs(1) }).errno, 'EINVAL', 'clock_process has no clock_set');
});

test('clock_nanosleep on CPU clocks: clock_thread has no nsleep, a thread never sleeps on its own clock, the others never wake', () => {
  const h = harness();
  assert.equal(h.run('P1', sleep(C.CLOCK_THREAD_CPUTIME_ID, 1)).errno, 'EOPNOTSUPP', 'clock_thread has no nsleep');
  assert.equal(h.run('P1', sleep(-2, 1)).errno, 'EINVAL', 'posix_cpu_nsleep: CPUCLOCK_PERTHREAD with pid 0');
  assert.equal(h.run('P1', sleep(fdclock(0), 1)).errno, 'EOPNOTSUPP', 'clock_posix_dynamic has no nsleep');
  assert.equal(h.run('P1', sleep(C.CLOCK_PROCESS_CPUTIME_ID, 0)).waited?.sec, 0, 'an it_value of 0 ends the sleep at once');
  const before = h.sim.state();
  assert.ok(h.run('P1', sleep(C.CLOCK_PROCESS_CPUTIME_ID, 1)).waited!.sec > 1e9, 'no CPU time is used while the process sleeps');
  assert.ok(h.run('P1', sleep(-6, 1, true)).waited!.sec > 1e9);
  assert.deepEqual(h.sim.state().host, before.host, 'a sleep that never ends moves no clock');
});

test('timer_create of CPU and fd clocks: posix_cpu_timer_create, and no timer_create for a dynamic clock', () => {
  const h = harness();
  assert.equal(h.run('P1', { op: 'timer_settime', clock: -2, abs: false, value: abs(1) }).waited?.sec, 1);
  assert.equal(h.run('P1', { op: 'timer_settime', clock: -1, abs: false, value: abs(1) }).errno, 'EINVAL');
  assert.equal(h.run('P1', { op: 'timer_settime', clock: fdclock(0), abs: false, value: abs(1) }).errno, 'EOPNOTSUPP');
  assert.equal(h.run('P1', { op: 'timerfd_settime', clock: -2, abs: false, value: abs(1) }).errno, 'EINVAL');
});

test('verify: a CPU clock of a pid the machine may have is not checkable; settime of a CPU clock runs, of an fd clock never', () => {
  assert.ok(machinePidClockUnchecked(gettime(cpuclock(1, 2, false))));
  assert.equal(machinePidClockUnchecked(gettime(cpuclock(5_000_000, 2, false))), null, 'above PID_MAX_LIMIT: EINVAL on both sides');
  assert.equal(machinePidClockUnchecked(gettime(-2)), null);
  const enc = (clock: number) => OPERATIONS.clock_settime.encode({ op: 'clock_settime', clock, value: abs(1) }, {} as never);
  assert.ok(Array.isArray(enc(-2)), 'posix_cpu_clock_set never sets anything');
  assert.ok('notRun' in enc(fdclock(3)), 'a PTP clock could be set');
  assert.ok('notRun' in enc(0));
});

test('verify: an absolute CPU-clock deadline given as a number is not checkable (the machine\'s CPU time is not the model\'s 1 ms)', () => {
  const enc = (clock: number, sec: number) => OPERATIONS.clock_nanosleep.encode({ op: 'clock_nanosleep', clock, abs: true, value: abs(sec) }, { mode: { sleepCapMs: 3000 } } as never);
  assert.ok('notRun' in enc(-6, 1));
  assert.ok('notRun' in enc(C.CLOCK_PROCESS_CPUTIME_ID, 1));
  assert.ok(Array.isArray(enc(-6, 0)), 'an it_value of 0 means the same on both sides');
});

test('CPU timers: posix_cpu_timer_set clamps it_value at KTIME_MAX; an absolute deadline at or below the clock fires at once', () => {
  const h = harness();
  const now = (sec: number) => ({ base: 'now', delta: { sec, nsec: 0 } } as const);
  assert.deepEqual(h.run('P1', { op: 'timer_settime', clock: -6, abs: false, value: abs(99_999_999_999) }).waited, { sec: 9223372036, nsec: 854775807 });
  const past = h.run('P1', { op: 'timer_settime', clock: -6, abs: true, value: now(0) });
  assert.equal(past.timer, undefined, 'now + 0s is not 0: the clock has run');
  assert.deepEqual(past.waited, { sec: 0, nsec: 0 }, 'expired');
  assert.equal(h.run('P1', sleep(-6, 0, true)).waited?.sec, 0);
  assert.equal(h.run('P1', { op: 'clock_nanosleep', clock: -6, abs: true, value: now(0) }).waited?.sec, 0, 'a deadline the clock has reached ends the sleep');
});

test('cpuclock(TASK[, thread]): the language names a task\'s CPU clock; the model encodes its own pid and follows pid_for_clock', () => {
  const p = parseScenario('P1: fork() = P2\nP1: clock_gettime(cpuclock(P2))\nP1: timer_settime(cpuclock(P2, thread), 0, 1s)\nP1: clock_gettime(cpuclock(P9))\n');
  assert.deepEqual((p.steps[1].operation as { clockOf?: unknown }).clockOf, { task: 'P2', thread: false });
  assert.deepEqual((p.steps[2].operation as { clockOf?: unknown }).clockOf, { task: 'P2', thread: true });
  assert.ok(p.diagnostics.some((d) => d.code === 'unknown-task'), 'the task is checked like pidfd(TASK)');
  const h = harness();
  const of = (task: string, thread: boolean, op: 'clock_gettime' | 'clock_getres' = 'clock_gettime'): Operation => ({ op, clock: 0, clockOf: { task, thread }, via: 'syscall' });
  h.run('P1', { op: 'fork', child: 'P2' });
  h.run('P1', { op: 'pthread_create', child: 'T1' });
  assert.equal(h.run('P2', of('P1', false)).errno, null, 'any process\'s process clock: no credentials are checked');
  assert.equal(h.run('P2', of('T1', true)).errno, 'EINVAL', 'a thread of another process');
  assert.equal(h.run('P1', of('T1', true)).errno, null, 'a thread of its own process');
  assert.equal(h.run('P1', of('T1', false)).errno, 'EINVAL', 'a process clock needs a thread-group leader\'s pid');
  assert.equal(h.run('T1', of('T1', false)).errno, null, 'except the caller\'s own pid for clock_gettime');
  assert.equal(h.run('T1', of('T1', false, 'clock_getres')).errno, 'EINVAL', 'which clock_getres does not allow');
  assert.equal(h.run('T1', { op: 'clock_nanosleep', clock: 0, clockOf: { task: 'T1', thread: true }, abs: false, value: abs(1) }).errno, 'EINVAL', 'its own thread clock by tid');
  h.run('P2', { op: 'exit', code: 0 });
  assert.equal(h.run('P1', of('P2', false)).errno, 'EINVAL', 'a reaped task has no pid');
});

test('verify: cpuclock(TASK) goes to the helper as cpu@TASK:BITS, which the supervisor encodes with the task\'s tid', () => {
  const op = { op: 'clock_gettime', clock: -1, clockOf: { task: 'P2', thread: true }, via: 'syscall' } as const;
  assert.deepEqual(OPERATIONS.clock_gettime.encode(op, {} as never), ['cpu@P2:6', '1']);
  assert.equal(machinePidClockUnchecked(op), null, 'its placeholder id is no machine pid');
});
