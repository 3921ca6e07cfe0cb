// The futex2 waits in a time namespace (issue 13 "mechanisms" item 5): futex_waitv (5.16) and futex_wait (6.7) convert
// an absolute CLOCK_MONOTONIC timeout from namespace time and not a CLOCK_REALTIME one; their clock, flag and
// version errors, in the kernel's order; the words, and what verify sends the helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { FUTEX2_FLAGS as F2, type Futex2Call } from '../../../extension/sim/opsClock';
import type { Operation, TimeExpr } from '../../../extension/sim/ops';
import { DEFAULT_PROFILE, type Arch, type KernelVersion } from '../../../extension/sim/types';
import { OPERATIONS } from '../../../extension/verify/operations';
import { harness, op, C, OFFSETS, type Harness } from './helpers';

const now = (sec: number): TimeExpr => ({ base: 'now', delta: { sec, nsec: 0 } });
const U32 = F2.FUTEX2_SIZE_U32;
const wait = (call: Futex2Call, clock: number, value: TimeExpr = now(1), flags: number = U32): Operation => ({ op: 'futex2_wait', call, clock, value, flags });

function shifted(kernel: KernelVersion = '6.18', arch: Arch = 'x86_64'): Harness {
  const h = harness(kernel, arch);
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, '1 3600 0'));
  h.run('P1', op.fork('P2'));
  return h;
}

/** The error events of the last call, and the functions it went through. */
function lastCall(h: Harness): { errors: string[]; stack: string[] } {
  const evs = Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i));
  const start = evs.map((e) => e.kind).lastIndexOf('syscall-enter');
  const mine = evs.slice(start);
  return { errors: mine.filter((e) => e.kind === 'error').map((e) => e.summary), stack: [...new Set(mine.flatMap((e) => e.stack))] };
}

test('futex_waitv and futex_wait: a MONOTONIC deadline is namespace time (converted), a REALTIME one is not', () => {
  for (const call of ['futex_waitv', 'futex_wait'] as const) {
    const h = shifted();
    const before = h.sim.state().host.monotonic.sec;
    const mono = h.run('P2', wait(call, C.CLOCK_MONOTONIC));
    assert.equal(mono.errno, 'ETIMEDOUT', call);
    assert.deepEqual(mono.waited, { sec: 1, nsec: 0 }, `${call}: 1 s, not an hour`);
    assert.equal(h.sim.state().host.monotonic.sec, before + 1, 'the wait lets host time pass');
    assert.deepEqual(h.run('P2', wait(call, C.CLOCK_REALTIME, now(2))).waited, { sec: 2, nsec: 0 }, `${call}: REALTIME has no offset`);
    assert.deepEqual(h.run('P2', wait(call, C.CLOCK_MONOTONIC, { base: 'abs', delta: { sec: 5, nsec: 0 } })).waited, { sec: 0, nsec: 0 },
      'an absolute deadline before the offset has passed already');
    assert.equal(h.run('P2', wait(call, C.CLOCK_MONOTONIC, { base: 'abs', delta: { sec: -1, nsec: 0 } })).errno, 'EINVAL', 'timespec64_valid');
  }
});

test('only CLOCK_REALTIME and CLOCK_MONOTONIC: BOOTTIME, TAI and an unknown id are EINVAL', () => {
  const h = shifted();
  for (const call of ['futex_waitv', 'futex_wait'] as const) {
    for (const clock of [C.CLOCK_BOOTTIME, C.CLOCK_TAI, C.CLOCK_MONOTONIC_RAW, 99]) assert.equal(h.run('P2', wait(call, clock)).errno, 'EINVAL', `${call} ${clock}`);
  }
});

test('the calls by version: futex_waitv from 5.16, futex_wait from 6.7, ENOSYS through sys_ni_syscall before', () => {
  const errno = (kernel: KernelVersion, call: Futex2Call, arch: Arch = 'x86_64') => shifted(kernel, arch).run('P2', wait(call, C.CLOCK_MONOTONIC)).errno;
  assert.equal(errno('5.15', 'futex_waitv'), 'ENOSYS');
  assert.equal(errno('5.19', 'futex_waitv'), 'ETIMEDOUT');
  assert.equal(errno('6.1', 'futex_waitv', 'arm64'), 'ETIMEDOUT');
  assert.equal(errno('6.5', 'futex_wait'), 'ENOSYS');
  assert.equal(errno('6.1', 'futex_wait', 'arm64'), 'ENOSYS');
  assert.equal(errno('6.12', 'futex_wait', 'arm64'), 'ETIMEDOUT');
  const h = shifted('6.1');
  h.run('P2', wait('futex_wait', C.CLOCK_MONOTONIC));
  assert.ok(lastCall(h).stack.includes('sys_ni_syscall'));
});

test('the flags by version: size U32 only; FUTEX2_NUMA and FUTEX2_MPOL from 6.16; unknown bits EINVAL', () => {
  const errno = (kernel: KernelVersion, call: Futex2Call, flags: number) => shifted(kernel).run('P2', wait(call, C.CLOCK_MONOTONIC, now(1), flags)).errno;
  for (const call of ['futex_waitv', 'futex_wait'] as const) {
    assert.equal(errno('6.18', call, U32 | F2.FUTEX2_PRIVATE), 'ETIMEDOUT', call);
    assert.equal(errno('6.18', call, U32 | F2.FUTEX2_NUMA), 'ETIMEDOUT', call);
    assert.equal(errno('6.18', call, U32 | F2.FUTEX2_MPOL | F2.FUTEX2_PRIVATE), 'ETIMEDOUT', call);
    assert.equal(errno('6.12', call, U32 | F2.FUTEX2_NUMA), 'EINVAL', `${call}: not in FUTEX2_VALID_MASK before 6.16`);
    assert.equal(errno('6.12', call, U32 | F2.FUTEX2_MPOL), 'EINVAL', call);
    for (const size of [F2.FUTEX2_SIZE_U8, F2.FUTEX2_SIZE_U16, F2.FUTEX2_SIZE_U64]) assert.equal(errno('6.18', call, size), 'EINVAL', `${call} size ${size}`);
    assert.equal(errno('6.18', call, U32 | 0x100), 'EINVAL', call);
  }
  assert.equal(errno('6.1', 'futex_waitv', U32 | F2.FUTEX2_PRIVATE), 'ETIMEDOUT', 'FUTEX_32 | FUTEX_PRIVATE_FLAG');
  assert.equal(errno('6.1', 'futex_waitv', F2.FUTEX2_PRIVATE), 'EINVAL', '"if (!(aux.flags & FUTEX_32))"');
  assert.equal(errno('6.1', 'futex_waitv', U32 | F2.FUTEX2_NUMA), 'EINVAL', 'outside FUTEXV_WAITER_MASK');
});

test('the order of the checks: futex_wait reads its flags before the clock, futex_waitv its clock before the waiter', () => {
  const h = shifted();
  h.run('P2', wait('futex_wait', C.CLOCK_BOOTTIME, now(1), F2.FUTEX2_SIZE_U64));
  assert.match(lastCall(h).errors.join(), /futex_flags_valid/);
  h.run('P2', wait('futex_waitv', C.CLOCK_BOOTTIME, now(1), F2.FUTEX2_SIZE_U64));
  assert.match(lastCall(h).errors.join(), /CLOCK_BOOTTIME/);
});

test('the call paths: futex2_setup_timeout from 6.7, futex_init_timeout and timens_ktime_to_host; every function is known', () => {
  const paths = (kernel: KernelVersion, arch: Arch, call: Futex2Call) => {
    const h = shifted(kernel, arch);
    h.run('P2', wait(call, C.CLOCK_MONOTONIC));
    return lastCall(h).stack;
  };
  const v618 = paths('6.18', 'x86_64', 'futex_wait');
  for (const fn of ['__x64_sys_futex_wait', 'futex2_setup_timeout', 'futex_init_timeout', 'timens_ktime_to_host', '__futex_wait']) assert.ok(v618.includes(fn), fn);
  const v61 = paths('6.1', 'arm64', 'futex_waitv');
  for (const fn of ['__arm64_sys_futex_waitv', 'futex_init_timeout', 'futex_parse_waitv', 'futex_wait_multiple']) assert.ok(v61.includes(fn), fn);
  assert.ok(!v61.includes('futex2_setup_timeout'), 'inline in sys_futex_waitv before 6.7');
  for (const fn of [...v618, ...v61]) assert.ok(KERNEL_FUNCTIONS.includes(fn), fn);
});

test('the words: futex_waitv and futex_wait parse (flags default to FUTEX2_SIZE_U32), complete and diagnose', () => {
  const p = parseScenario('arch x86_64\nkernel 6.18\nP1: futex_waitv(CLOCK_MONOTONIC, now + 1s)\nP1: futex_wait(CLOCK_REALTIME, now + 2s, FUTEX2_SIZE_U32|FUTEX2_PRIVATE)\n');
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(p.steps[0].operation, wait('futex_waitv', C.CLOCK_MONOTONIC));
  assert.deepEqual(p.steps[1].operation, wait('futex_wait', C.CLOCK_REALTIME, now(2), U32 | F2.FUTEX2_PRIVATE));
  assert.ok(parseScenario('P1: futex_wait(CLOCK_MONOTONIC, now + 1s, FUTEX2_SIZE_U33)\n').diagnostics.some((d) => d.code === 'unknown-flag'));
  const flags = completionsAt('P1: futex_waitv(CLOCK_MONOTONIC, now + 1s, ', 0, 43, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(flags.includes('FUTEX2_SIZE_U32') && flags.includes('FUTEX2_NUMA'), flags.join());
});

test('verify sends the call, clock, deadline, flags and cap; a wall-clock number or a host time is not run', () => {
  const c = { mode: { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 } as const } as never;
  assert.deepEqual(OPERATIONS.futex2_wait.encode(wait('futex_wait', C.CLOCK_MONOTONIC, now(1), U32 | F2.FUTEX2_NUMA) as never, c), ['1', '1', 'now:1:0', '6', '3000']);
  assert.deepEqual(OPERATIONS.futex2_wait.encode(wait('futex_waitv', C.CLOCK_REALTIME) as never, c), ['0', '0', 'now:1:0', '2', '3000']);
  const notRun = (v: unknown) => typeof v === 'object' && v !== null && 'notRun' in v;
  assert.ok(notRun(OPERATIONS.futex2_wait.encode(wait('futex_waitv', C.CLOCK_REALTIME, { base: 'abs', delta: { sec: 5, nsec: 0 } }) as never, c)));
  assert.ok(notRun(OPERATIONS.futex2_wait.encode(wait('futex_waitv', C.CLOCK_MONOTONIC, { base: 'host', delta: { sec: 5, nsec: 0 } }) as never, c)));
});
