// The machine's properties (root's CAP_SYS_RESOURCE, an RTC, the clocksource): issue 13 item 1. They decide a
// few calls whatever the architecture, come from the `machine` header, and show in the Namespaces tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, profileOfHeader } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { namespaceTree } from '../../../extension/scenario/editor/trees';
import { completionsAt, hoverAt } from '../../../extension/scenario/editor/language';
import { DEFAULT_PROFILE, machineOf } from '../../../extension/sim/types';
import { harness, op, C, FACTS_MACHINE } from './helpers';

const SYSCTL = { op: 'sysctl', name: 'user.max_time_namespaces', value: 3 } as const;

test('root may write user.max_time_namespaces of user#0 when it has CAP_SYS_RESOURCE, on either architecture', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const normal = harness('6.12', arch);
    assert.equal(normal.run(null, SYSCTL).errno, null, `${arch}: kernel/ucount.c set_permissions gives 0644 with the capability`);
    assert.equal(normal.sim.state().userNamespaces['user#0'].maxTimeNamespaces, 3);
    const container = harness('6.12', arch, [], { capSysResource: false });
    assert.equal(container.run(null, SYSCTL).errno, 'EACCES', `${arch}: without it 0444`);
    assert.equal(container.sim.state().userNamespaces['user#0'].maxTimeNamespaces, 96364);
  }
});

test('the ALARM clocks follow the RTC, not the architecture', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const withRtc = harness('6.18', arch);
    assert.equal(withRtc.run('P1', op.gettime(C.CLOCK_BOOTTIME_ALARM, 'syscall')).errno, null, arch);
    const noRtc = harness('6.18', arch, [], { rtc: false });
    assert.equal(noRtc.run('P1', op.gettime(C.CLOCK_BOOTTIME_ALARM, 'syscall')).errno, 'EINVAL', arch);
    assert.equal(noRtc.run('P1', op.gettime(C.CLOCK_REALTIME_ALARM, 'syscall')).errno, 'EINVAL', arch);
  }
});

test('the x86 pvclock page maps only when the clocksource is kvm-clock', () => {
  const kvm = harness('6.12', 'x86_64', [], FACTS_MACHINE);
  kvm.run('P1', op.fork('R'));
  assert.equal(kvm.run('R', op.touch(1)).signal, null, 'vvar_fault: vclock_was_used(VDSO_CLOCKMODE_PVCLOCK)');
  const tsc = harness('6.12', 'x86_64', [], { clocksource: 'tsc' });
  tsc.run('P1', op.fork('R'));
  assert.equal(tsc.run('R', op.touch(1)).signal, 'SIGBUS', 'VM_FAULT_SIGBUS otherwise');
  const vclock = harness('6.18', 'x86_64', [], { clocksource: 'tsc' });
  vclock.run('P1', op.fork('R'));
  assert.equal(vclock.run('R', op.touch(0, '[vvar_vclock]')).signal, 'SIGBUS', '[vvar_vclock] page 0 is the pvclock page from 6.13');
});

test('the pvclock page maps once kvm-clock was used, whatever the clocksource is now (vclock_was_used, kvm_cs_enable)', () => {
  // A KVM guest with a stable TSC: kvm-clock at boot, tsc a moment later (seen on a 6.18 x86_64 guest, dmesg).
  const p = parseScenario('arch x86_64\nkernel 6.18\nmachine clocksource=tsc kvmclock_used=yes\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.header.machine, { clocksource: 'tsc', kvmclockUsed: true });
  assert.equal(machineOf({ arch: 'x86_64', machine: { clocksource: 'kvm-clock', kvmclockUsed: false } }).kvmclockUsed, true, 'the current clocksource was enabled');
  assert.equal(machineOf({ arch: 'x86_64', machine: { clocksource: 'hpet' } }).kvmclockUsed, false);
  assert.equal(machineOf({ arch: 'arm64', machine: { kvmclockUsed: false } }).kvmclockUsed, false);
  for (const [version, mapping, page] of [['6.18', '[vvar_vclock]', 0], ['6.1', '[vvar]', 1]] as const) {
    const used = harness(version, 'x86_64', [], { clocksource: 'tsc', kvmclockUsed: true });
    used.run('P1', op.fork('R'));
    assert.equal(used.run('R', op.touch(page, mapping)).signal, null, `${version}: kvm-clock used at boot`);
    // The host switches to kvm-clock: change_clocksource calls its enable, kvm_cs_enable, before the switch.
    const later = harness(version, 'x86_64', [], { clocksource: 'tsc' });
    later.run('P1', op.fork('R'));
    assert.equal(later.run('R', op.touch(page, mapping)).signal, 'SIGBUS', `${version}: never used`);
    later.run(null, { op: 'clocksource', name: 'kvm-clock' });
    later.run('P1', op.fork('S'));
    assert.equal(later.run('S', op.touch(page, mapping)).signal, null, `${version}: used from the switch on`);
  }
});

test('a normal machine is the default: CAP_SYS_RESOURCE, an RTC, kvm-clock on x86_64', () => {
  assert.deepEqual(machineOf({ arch: 'x86_64' }), { capSysResource: true, rtc: true, clocksource: 'kvm-clock', kvmclockUsed: true, vsyscall: 'xonly', erratum1418040: false, ia32Emulation: true, pageSize: 4096 });
  assert.deepEqual(machineOf({ arch: 'arm64' }), { capSysResource: true, rtc: true, clocksource: 'arch_sys_counter', kvmclockUsed: false, vsyscall: 'none', erratum1418040: false, ia32Emulation: true, pageSize: 4096 });
  assert.deepEqual(machineOf({ arch: 'x86_64', machine: { rtc: false } }), { capSysResource: true, rtc: false, clocksource: 'kvm-clock', kvmclockUsed: true, vsyscall: 'xonly', erratum1418040: false, ia32Emulation: true, pageSize: 4096 });
});

test('the machine header sets the properties; bad keys and values are errors with fixes', () => {
  const p = parseScenario('arch x86_64\nmachine cap_sys_resource=no rtc=no\nmachine clocksource=tsc\nsysctl user.max_time_namespaces=3\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.header.machine, { capSysResource: false, rtc: false, clocksource: 'tsc' });
  assert.deepEqual(machineOf(profileOfHeader(p.header)), { capSysResource: false, rtc: false, clocksource: 'tsc', kvmclockUsed: false, vsyscall: 'xonly', erratum1418040: false, ia32Emulation: true, pageSize: 4096 });
  const run = runScenario('machine cap_sys_resource=no\nsysctl user.max_time_namespaces=3\nexpect errno == EACCES\n');
  assert.ok(run.passed, JSON.stringify(run.expectations.map((e) => e.message)));
  const badKey = parseScenario('machine rtcc=no\n').diagnostics.find((d) => d.code === 'unknown-machine-key');
  assert.ok(badKey, 'unknown key');
  assert.deepEqual(badKey.range, { line: 0, col: 8, endLine: 0, endCol: 12 });
  assert.equal(badKey.fixes?.[0].newText, 'rtc');
  const badValue = parseScenario('machine rtc=maybe\n').diagnostics.find((d) => d.code === 'bad-machine-value');
  assert.ok(badValue && /yes or no/.test(badValue.message));
  assert.ok(parseScenario('machine rtc = no\n').diagnostics.some((d) => d.code === 'syntax'), 'spaces around = are refused');
  assert.ok(parseScenario('machine\n').diagnostics.some((d) => d.code === 'syntax'));
});

test('vsyscall is a property of the machine: the [vsyscall] line of /proc/PID/maps follows it (Debian builds none)', () => {
  const p = parseScenario('arch x86_64\nmachine vsyscall=none\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.header.machine, { vsyscall: 'none' }, 'a mode word, not a yes/no flag');
  const maps = (vsyscall?: 'none' | 'xonly' | 'emulate'): string => {
    const h = harness('6.1', 'x86_64', [], vsyscall ? { vsyscall } : undefined);
    return h.run('P1', { op: 'read', file: { path: '/proc/self/maps' } }).text ?? '';
  };
  assert.match(maps(), /^ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 +\[vsyscall\]$/m);
  assert.match(maps('emulate'), /^ffffffffff600000-ffffffffff601000 r-xp .*\[vsyscall\]$/m);
  assert.doesNotMatch(maps('none'), /vsyscall/);
  assert.match(maps('none'), /\[vdso\]/);
  const bad = parseScenario('machine vsyscall=native\n').diagnostics.find((d) => d.code === 'bad-machine-value');
  assert.ok(bad && /none or xonly or emulate/.test(bad.message), bad?.message);
});

test('the machine shows under the initial time namespace, and in hover and completion', () => {
  const run = runScenario('machine rtc=no clocksource=tsc\nP1: unshare(CLONE_NEWTIME)\n');
  const roots = namespaceTree(run.sim.state(), 'flat', run.profile);
  const machine = roots[0].children.find((n) => n.label === 'machine');
  assert.equal(machine?.description, 'root has CAP_SYS_RESOURCE · no RTC · tsc');
  assert.equal(roots[1].children.find((n) => n.label === 'machine'), undefined, 'only under the initial namespace');
  const parsed = parseScenario('machine rtc=no\n');
  const hover = hoverAt(0, 9, { parsed, profile: profileOfHeader(parsed.header) });
  assert.match(hover?.markdown ?? '', /RTC device/);
  assert.match(hover?.markdown ?? '', /no RTC/);
  const keys = completionsAt('machine ', 0, 8, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.deepEqual(keys, ['cap_sys_resource=', 'rtc=', 'clocksource=', 'kvmclock_used=', 'vsyscall=', 'erratum_1418040=', 'ia32_emulation=', 'page_size=']);
  const values = completionsAt('machine rtc=', 0, 12, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.deepEqual(values, ['yes', 'no']);
});
