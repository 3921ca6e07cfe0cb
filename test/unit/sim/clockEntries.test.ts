// The vDSO's time() and clock_getres() entries (issue 13 "mechanisms" item 1): their paths per arch, the syscall
// and fallback sides, and the scenario words (parse, diagnostics, completion, hover, the `res` expectation).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, profileOfHeader } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { completionsAt, hoverAt } from '../../../extension/scenario/editor/language';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';
import { harness, op, OFFSETS } from './helpers';

const TIME = { op: 'time', via: 'vdso' } as const;
const getres = (clock: number, via: 'vdso' | 'syscall' = 'vdso') => ({ op: 'clock_getres', clock, via } as const);

function inNamespace(arch: 'x86_64' | 'arm64', kernel: '6.12' | '6.18' = '6.12') {
  const h = harness(kernel, arch);
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 3600 0'));
  h.run('P1', op.fork('P2'));
  return h;
}

test('time() is the host REALTIME seconds in a namespace, through __vdso_time on x86_64 and CLOCK_REALTIME_COARSE on arm64', () => {
  const x = inNamespace('x86_64');
  const host = x.sim.state().host.realtime.sec;
  const r = x.run('P2', TIME);
  assert.equal(r.ret, host);
  assert.equal(r.clock?.path, 'vdso-timens');
  const fns = new Set(Array.from({ length: x.sim.eventCount }, (_, i) => x.sim.event(i).fn));
  assert.ok(fns.has('__vdso_time') && fns.has('__arch_get_timens_vdso_data'));
  assert.equal(x.run('P2', { op: 'time', via: 'syscall' }).ret, host);
  const a = inNamespace('arm64');
  const ra = a.run('P2', TIME);
  assert.equal(ra.ret, a.sim.state().host.realtime.sec);
  assert.equal(ra.clock?.path, 'vdso-timens', 'do_coarse_timens');
  const last = a.sim.event(a.sim.eventCount - 1);
  assert.equal(last.fn, 'time');
  assert.ok(Array.from({ length: a.sim.eventCount }, (_, i) => a.sim.event(i)).some((e) => e.kind === 'vdso-enter' && /CLOCK_REALTIME_COARSE/.test(e.summary)));
  assert.equal(a.run('P2', { op: 'time', via: 'syscall' }).errno, 'ENOSYS');
});

test('clock_getres: 1 ns, 4 ms, fallbacks and EINVAL, never shifted by a namespace', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const h = inNamespace(arch);
    assert.deepEqual(h.run('P2', getres(1)).clock?.value, { sec: 0, nsec: 1 });
    assert.equal(h.run('P2', getres(1)).clock?.path, 'vdso-timens');
    assert.deepEqual(h.run('P2', getres(6)).clock?.value, { sec: 0, nsec: 4_000_000 });
    assert.deepEqual(h.run('P1', getres(5, 'syscall')).clock?.value, { sec: 0, nsec: 4_000_000 });
    assert.equal(h.run('P2', getres(2)).clock?.path, 'vdso-fallback-syscall');
    assert.equal(h.run('P2', getres(10)).errno, 'EINVAL');
    assert.equal(h.run('P2', getres(99, 'syscall')).errno, 'EINVAL');
  }
  const noRtc = harness('6.18', 'x86_64', [], { rtc: false });
  assert.equal(noRtc.run('P1', getres(9)).errno, 'EINVAL', 'alarm_clock_getres without an RTC');
  assert.deepEqual(harness('6.18').run('P1', getres(9)).clock?.value, { sec: 0, nsec: 1 });
});

test('the syscall clock_getres says its resolution in the event that returns it, not an object\'s default text', () => {
  const h = harness('6.18');
  h.run('P1', getres(1, 'syscall'));
  h.run('P1', getres(99, 'syscall'));
  const exits = Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i)).filter((e) => e.kind === 'syscall-exit').map((e) => e.summary);
  assert.deepEqual(exits, ['clock_getres = 0 {0.000000001}', 'clock_getres = -1 EINVAL']);
});

test('the auxiliary clocks: the vDSO answers them from 6.17 (modelled 6.18), the syscall does not', () => {
  const now = harness('6.18');
  assert.deepEqual(now.run('P1', getres(16)).clock?.value, { sec: 0, nsec: 1 });
  assert.equal(now.run('P1', getres(16, 'syscall')).errno, 'EINVAL');
  assert.equal(now.run('P1', getres(24)).errno, 'EINVAL');
  assert.equal(harness('6.15').run('P1', getres(16)).errno, 'EINVAL', 'before 6.17: (u32)clock >= MAX_CLOCKS falls back');
});

test('every function the entries record is a known kernel function', () => {
  const h = inNamespace('x86_64');
  h.run('P2', TIME);
  h.run('P2', { op: 'time', via: 'syscall' });
  for (const c of [0, 2, 6, 9, 10, 16]) { h.run('P2', getres(c)); h.run('P2', getres(c, 'syscall')); }
  const a = inNamespace('arm64');
  a.run('P2', TIME);
  a.run('P2', { op: 'time', via: 'syscall' });
  a.run('P2', getres(2));
  for (const s of [h.sim, a.sim]) {
    for (let i = 0; i < s.eventCount; i++) for (const fn of s.event(i).stack) assert.ok(KERNEL_FUNCTIONS.includes(fn), fn);
  }
});

test('the words time and clock_getres: parse, diagnostics, completion, hover, expect res', () => {
  const run = runScenario('P1: clock_getres(CLOCK_MONOTONIC_COARSE, syscall)\nexpect res == 4ms\nP1: time()\nexpect path == vdso-fast\nP1: time()\nexpect res == 1ns\n');
  assert.deepEqual(run.expectations.map((e) => e.passed), [true, true, false], 'res only after clock_getres');
  assert.ok(parseScenario('P1: clock_getres()\n').diagnostics.some((d) => d.code === 'missing-argument'));
  assert.ok(parseScenario('P1: clock_getres(CLOCK_MONOTONC)\n').diagnostics.some((d) => d.code === 'unknown-clock'));
  assert.ok(parseScenario('P1: time(vsdo)\n').diagnostics.some((d) => d.code === 'bad-value'));
  const ops = completionsAt('P1: ', 0, 4, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(ops.includes('time') && ops.includes('clock_getres'));
  const parsed = parseScenario('arch arm64\nP1: time()\n');
  assert.match(hoverAt(1, 5, { parsed, profile: profileOfHeader(parsed.header) })?.markdown ?? '', /CLOCK_REALTIME_COARSE/);
});
