// A host clocksource change (issue 13 "mechanisms" item 3): update_vsyscall writes the clocksource's vdso_clock_mode,
// and with VDSO_CLOCKMODE_NONE the vDSO's high-resolution reads fall back to the system call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';
import { harness, op, C, OFFSETS } from './helpers';

const source = (name: string) => ({ op: 'clocksource', name } as const);

test('the data page follows the clocksource: at boot the machine\'s, then each change (seq + 2)', () => {
  const h = harness('6.18', 'x86_64', [], { clocksource: 'tsc' });
  const page = () => h.sim.state().pages['page#host'].blocks[0];
  assert.equal(page().clock_mode, 'VDSO_CLOCKMODE_TSC');
  assert.equal(harness('6.18').sim.state().pages['page#host'].blocks[0].clock_mode, 'VDSO_CLOCKMODE_PVCLOCK', 'kvm-clock by default');
  assert.equal(harness('5.6', 'x86_64', [], { clocksource: 'hpet' }).sim.state().pages['page#host'].blocks[0].clock_mode, 'VCLOCK_NONE');
  const seq = page().seq;
  h.run(null, source('hpet'));
  assert.equal(page().clock_mode, 'VDSO_CLOCKMODE_NONE');
  assert.equal(page().seq, seq + 2);
  h.run(null, { op: 'sleep', delta: { sec: 1, nsec: 0 } });
  assert.equal(page().clock_mode, 'VDSO_CLOCKMODE_NONE', 'a later update keeps the mode');
  assert.equal(page().seq, seq + 2, 'and the seq');
  h.run(null, source('arch_sys_counter'));
  assert.equal(page().clock_mode, 'VDSO_CLOCKMODE_NONE', 'no such clocksource on x86_64: clocksource_select keeps the current one');
});

test('VDSO_CLOCKMODE_NONE: high-resolution reads fall back with the right values, COARSE reads do not', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const h = harness('6.12', arch);
    h.run('P1', op.unshare());
    h.run('P1', op.write(OFFSETS, 'monotonic 3600 0'));
    h.run('P1', op.fork('P2'));
    h.run(null, source('jiffies'));
    const r = h.run('P2', op.gettime(C.CLOCK_MONOTONIC));
    assert.equal(r.clock?.path, 'vdso-fallback-syscall', arch);
    assert.equal(r.clock!.value.sec - r.clock!.host.sec, 3600, 'the kernel side adds the offset');
    assert.equal(h.run('P1', op.gettime(C.CLOCK_REALTIME)).clock?.path, 'vdso-fallback-syscall');
    assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC_COARSE)).clock?.path, 'vdso-timens');
    h.run(null, source(arch === 'arm64' ? 'arch_sys_counter' : 'tsc'));
    assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-timens');
    for (let i = 0; i < h.sim.eventCount; i++) for (const fn of h.sim.event(i).stack) assert.ok(KERNEL_FUNCTIONS.includes(fn), fn);
  }
});

test('the clocksource line: names with a dash, unknown names with fixes, completion as a host action', () => {
  const p = parseScenario('arch x86_64\nkernel 6.18\nclocksource kvm-clock\nclocksource(hpet)\n');
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(p.steps.map((s) => s.operation), [source('kvm-clock'), source('hpet')]);
  const bad = parseScenario('clocksource hpett\n').diagnostics.find((d) => d.code === 'unknown-clocksource');
  assert.equal(bad?.fixes?.[0].newText, 'hpet');
  assert.ok(completionsAt('', 0, 0, { parsed: null, profile: DEFAULT_PROFILE }).some((c) => c.label === 'clocksource'));
});

test('tsc-early, a VM\'s clocksource for its first seconds, is read by the vDSO as the TSC is (arch/x86/kernel/tsc.c)', () => {
  const h = harness('6.1', 'x86_64', [], { clocksource: 'tsc-early' });
  assert.equal(h.sim.state().pages['page#host'].blocks[0].clock_mode, 'VDSO_CLOCKMODE_TSC');
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-timens');
});
