// x86_64 ia32 (compat) tasks: execve(…, compat) maps vdso_image_32 with the 64-bit [vvar] layout under the 32-bit
// mmap base and no [vsyscall]; the ia32 vDSO reads offsets past 2^31 s whole; ENOEXEC without ia32 emulation; the
// editor's words for it and verify's side (the hello's exec32 probe, the execve encoding).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KERNEL_FUNCTIONS, switchesFor } from '../../../extension/sim/index';
import type { Operation } from '../../../extension/sim/ops';
import { parseScenario, profileDiagnostics } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/index';
import { memoryTree } from '../../../extension/scenario/editor/trees';
import { OPERATIONS, type RunMode } from '../../../extension/verify/operations';
import { parseLine } from '../../../extension/verify/protocol';
import { machineText } from '../../../extension/verify/plan';
import { createSimulation } from '../../../extension/sim/index';
import { DEFAULT_PROFILE, defaultMachine, type KernelVersion } from '../../../extension/sim/types';
import { C, harness, op, OFFSETS, shift } from './helpers';

const compat: Operation = { op: 'execve', path: '/proc/self/exe', abi: 'compat' };
const maps: Operation = { op: 'read', file: { path: '/proc/self/maps' } };

test('an ia32 image: the 64-bit [vvar] layout of its version below the vdso32 text (2 pages, 3 from 7.0) under 0xf7ffe000, no [vsyscall]', () => {
  const cases: [KernelVersion, [string, number][]][] = [
    ['6.1', [['[vvar]', 4], ['[vdso]', 2]]],
    ['6.13', [['[vvar]', 2], ['[vvar_vclock]', 2], ['[vdso]', 2]]],
    ['6.18', [['[vvar]', 4], ['[vvar_vclock]', 2], ['[vdso]', 2]]],
    ['7.0', [['[vvar]', 4], ['[vvar_vclock]', 2], ['[vdso]', 3]]],
  ];
  for (const [v, want] of cases) {
    const h = harness(v);
    assert.equal(h.run('P1', compat).ret, 0, v);
    const m = h.sim.state().mms[h.sim.state().tasks.P1.mm!];
    assert.equal(m.compat, true);
    assert.deepEqual(m.vmas.map((x) => [x.name, x.pages]), want, v);
    const vdso = m.vmas.find((x) => x.name === '[vdso]')!;
    assert.equal(vdso.start + vdso.pages * 4096, 0xf7ffe000, v);
    const text = h.run('P1', maps).text ?? '';
    assert.ok(!text.includes('[vsyscall]'), `${v}: get_gate_vma is NULL for an ia32 mm`);
    // a 64-bit exec brings the native layout and the gate area back
    h.run('P1', { op: 'execve', path: '/proc/self/exe' });
    assert.match(h.run('P1', maps).text ?? '', /\[vsyscall\]/);
  }
  const h = harness('6.1');
  h.run('P1', compat);
  const fns = new Set(Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i).fn));
  for (const fn of ['compat_arch_setup_additional_pages', 'load_vdso32', 'map_vdso']) {
    assert.ok(fns.has(fn), fn);
    assert.ok(KERNEL_FUNCTIONS.includes(fn), `${fn} is a known kernel function`);
  }
});

test('an ia32 task in a time namespace reads an offset past 2^31 s whole through __vdso_clock_gettime64; fork keeps the image, setns zaps it', () => {
  const h = harness('6.1');
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 3000000000 0'));
  h.run('P1', op.fork('P2'));
  h.run('P2', compat);
  const r = h.run('P2', op.gettime(C.CLOCK_MONOTONIC));
  assert.equal(r.clock?.path, 'vdso-timens');
  assert.equal(shift(r), 3000000000);
  assert.ok(Number(r.clock!.value.sec) > 2 ** 31);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3000000000);
  const fns = new Set(Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i).fn));
  assert.ok(fns.has('__vdso_clock_gettime64'));
  h.run('P2', op.fork('P3'));
  assert.equal(h.sim.state().mms[h.sim.state().tasks.P3.mm!].compat, true);
  // a task of the root namespace: vdso_join_timens zaps its ia32 [vvar] (the one vvar_mapping) when it joins P2's
  h.run(null, { op: 'spawn', child: 'X', uid: 0 });
  h.run('X', compat);
  assert.equal(h.run('X', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fast');
  const before = h.sim.eventCount;
  assert.equal(h.run('X', op.setnsPath('/proc/P2/ns/time', 0x80)).ret, 0);
  const zaps = Array.from({ length: h.sim.eventCount - before }, (_, i) => h.sim.event(before + i)).filter((e) => e.kind === 'zap');
  assert.equal(zaps.length, 1);
  assert.equal(h.run('X', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-timens');
});

test('the ia32 vDSO reads the clocksource like the 64-bit one (the AArch32 ARCHTIMER test is arm64\'s)', () => {
  const h = harness('6.1', 'x86_64', [], { clocksource: 'tsc' });
  h.run('P1', compat);
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fast');
  const none = harness('6.1', 'x86_64', [], { clocksource: 'hpet' });
  none.run('P1', compat);
  assert.equal(none.run('P1', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fallback-syscall');
});

test('ia32_emulation=no: compat_elf_check_arch refuses the image, ENOEXEC before the point of no return', () => {
  const h = harness('6.18', 'x86_64', [], { ia32Emulation: false });
  const before = h.sim.state().tasks.P1.mm;
  const r = h.run('P1', compat);
  assert.equal(r.errno, 'ENOEXEC');
  assert.equal(h.sim.state().tasks.P1.mm, before, 'the task keeps its mm');
  assert.match(h.run('P1', maps).text ?? '', /\[vsyscall\]/);
  const sw = switchesFor({ ...DEFAULT_PROFILE, machine: { ia32Emulation: false } });
  assert.equal(sw.values.ia32Emulation, false);
  assert.equal(switchesFor(DEFAULT_PROFILE).values.compatTasks, true);
  assert.match(machineText({ ...defaultMachine('x86_64'), ia32Emulation: false }), /ia32_emulation=no/);
  assert.doesNotMatch(machineText(defaultMachine('x86_64')), /ia32/);
});

test('a vsyscall call from an ia32 task faults at the low 32 bits of the address, nothing emulated', () => {
  const h = harness('6.1');
  h.run('P1', compat);
  h.run('P1', op.fork('P2'));
  const before = h.sim.eventCount;
  assert.equal(h.run('P2', { op: 'gettimeofday', via: 'vsyscall' } as Operation).signal, 'SIGSEGV');
  const evs = Array.from({ length: h.sim.eventCount - before }, (_, i) => h.sim.event(before + i));
  assert.ok(evs.some((e) => e.kind === 'fault' && /0xff600000/.test(e.summary)), evs.map((e) => e.summary).join('\n'));
  assert.ok(!evs.some((e) => e.fn === 'emulate_vsyscall'));
  assert.equal(h.run('P1', { op: 'time', via: 'vsyscall' } as Operation).signal, 'SIGSEGV');
});

test('compat on x86_64 is no error; the memory tree names the image ia32', () => {
  const parsed = parseScenario('P1: execve("/proc/self/exe", compat)\n');
  assert.deepEqual(profileDiagnostics(parsed, DEFAULT_PROFILE).filter((d) => d.code === 'not-on-profile'), []);
  const run = runScenario('kernel 6.1\nP1: execve("/x", compat)\n');
  const mm = memoryTree(run.sim.state(), run.profile)[0];
  assert.match(mm.description, /ia32 \(compat\)/);
  assert.match(mm.tooltip ?? '', /vdso_image_32/);
  const machine = parseScenario('machine ia32_emulation=no\nP1: execve("/x", compat)\n');
  assert.equal(machine.header.machine?.ia32Emulation, false);
});

test('verify: the hello\'s exec32 sets ia32_emulation on x86_64 only; execve(…, compat) runs where the ia32 build exists', () => {
  const hello = (arch: string, e: string) => parseLine(`hello proto=1 arch=${arch} release=6.1.0 mode=initial euid=0 pagesize=4096 timens=1 userns=1 capsysres=1 rtc=1 clocksource=tsc vsyscall=none exec32=${e}`);
  const m = (x: ReturnType<typeof parseLine>) => (x.kind === 'hello' ? x.machine : null);
  assert.equal(m(hello('x86_64', '0'))?.ia32Emulation, false);
  assert.equal(m(hello('x86_64', '1'))?.ia32Emulation, true);
  assert.equal(m(hello('x86_64', '-1'))?.ia32Emulation, undefined);
  assert.equal(m(hello('aarch64', '0'))?.ia32Emulation, undefined);
  const enc = OPERATIONS.execve.encode as (o: Operation, c: Parameters<typeof OPERATIONS.execve.encode>[1]) => unknown;
  const ctx = (mode: RunMode) => ({ mode, profile: DEFAULT_PROFILE, before: createSimulation(DEFAULT_PROFILE).state(), task: 'P1' });
  const local: RunMode = { kind: 'sandbox', uids: 'all', sleepCapMs: 3000, compat: true };
  assert.deepEqual(enc(compat, ctx(local)), [':2f70726f632f73656c662f657865', '1']);
  assert.match((enc(compat, ctx({ ...local, compat: false })) as { notRun: string }).notRun, /i686-linux-gnu-gcc/);
});

test('an ia32 process\'s set*id with other threads dies of SIGSEGV once its [vdso] is not executable: glibc\'s i386 handler returns through the vDSO', () => {
  // fuzz seed 700340 on x86_64 6.18: i386 libc_sigaction passes no SA_RESTORER while there is a vDSO, and
  // ia32_setup_rt_frame returns to vdso_image_32.sym___kernel_rt_sigreturn; a 64-bit process passes its own restorer
  const run = (text: string) => runScenario(`arch x86_64\nkernel 6.18\nP1: fork() = A\n${text}`);
  const ia32 = run('A: execve("/proc/self/exe", compat)\nA: pthread_create() = T\nA: mprotect([vdso], PROT_READ)\nT: setgid(0)\nexpect signal == SIGSEGV\n');
  assert.ok(ia32.passed, JSON.stringify(ia32.expectations.map((e) => e.message)));
  assert.ok(Array.from({ length: ia32.sim.eventCount }, (_, i) => ia32.sim.event(i)).some((e) => e.fn === 'ia32_setup_rt_frame'), 'named as the kernel names it');
  assert.ok(KERNEL_FUNCTIONS.includes('ia32_setup_rt_frame'));
  const unmapped = run('A: execve("/proc/self/exe", compat)\nA: munmap([vdso])\nA: pthread_create() = T\nT: setresgid(-1, 0, -1)\nexpect signal == SIGSEGV\n');
  assert.ok(unmapped.passed, JSON.stringify(unmapped.expectations.map((e) => e.message)));
  for (const text of ['A: pthread_create() = T\nA: mprotect([vdso], PROT_READ)\nT: setgid(0)\nexpect signal == none\n',
    'A: execve("/proc/self/exe", compat)\nA: pthread_create() = T\nT: setgid(0)\nexpect signal == none\n',
    'A: execve("/proc/self/exe", compat)\nA: mprotect([vdso], PROT_READ)\nA: setgid(0)\nexpect signal == none\n']) {
    const r = run(text);
    assert.ok(r.passed, `${text}: ${JSON.stringify(r.expectations.map((e) => e.message))}`);
  }
});

test('sysinfo of an ia32 task stores the uptime in struct compat_sysinfo\'s s32: past 2^31 - 1 s it wraps, no error', () => {
  // compat_sys_sysinfo (kernel/sys.c): s_32.uptime = s.uptime; seen on x86_64 6.18 with a boottime offset of 3e9 s
  const h = harness('6.18');
  h.run('P1', op.unshare());
  h.run('P1', { op: 'write', file: { path: '/proc/self/timens_offsets' }, data: 'boottime 3000000000 0' } as Operation);
  h.run('P1', op.fork('A'));
  const native = Number(/^uptime=(-?\d+)$/.exec(h.run('A', { op: 'sysinfo' } as Operation).text ?? '')![1]);
  assert.ok(native > 3_000_000_000);
  h.run('A', compat);
  const wrapped = Number(/^uptime=(-?\d+)$/.exec(h.run('A', { op: 'sysinfo' } as Operation).text ?? '')![1]);
  assert.equal(wrapped, native - 2 ** 32);
  const small = harness('6.18');
  small.run('P1', compat);
  assert.match(small.run('P1', { op: 'sysinfo' } as Operation).text ?? '', /^uptime=\d+$/, 'an uptime that fits is unchanged');
});
