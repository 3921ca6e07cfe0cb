// arm64 AArch32 (compat) tasks: execve(…, compat) maps aarch32_setup_additional_pages' mappings, the compat vDSO reads
// the namespace's offsets through the same [vvar], CONFIG_COMPAT_VDSO=n sends libc to the system call, the 1418040
// erratum sends only compat reads there; the words for it (diagnostics, completion) and verify's encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulation, KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import type { Operation } from '../../../extension/sim/ops';
import { parseScenario, profileDiagnostics } from '../../../extension/scenario/parser';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { OPERATIONS, type RunMode } from '../../../extension/verify/operations';
import { DEFAULT_PROFILE, type Profile } from '../../../extension/sim/types';
import { C, harness, op, OFFSETS, shift } from './helpers';

const compat: Operation = { op: 'execve', path: '/proc/self/exe', abi: 'compat' };

test('a compat task in a time namespace reads its offsets through the compat vDSO; its [vvar] is zapped by setns', () => {
  const h = harness('6.12', 'arm64');
  h.run('P1', op.fork('C'));
  assert.equal(h.run('C', compat).ret, 0);
  const m = h.sim.state().mms[h.sim.state().tasks.C.mm!];
  assert.equal(m.compat, true);
  assert.deepEqual(m.vmas.map((v) => v.name), ['[sigpage]', '[vvar]', '[vdso]', '[vectors]']);
  assert.equal(h.run('C', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fast');
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 3600 0'));
  h.run('P1', op.fork('P2'));
  const before = h.sim.eventCount;
  assert.equal(h.run('C', op.setnsPath('/proc/P2/ns/time', 0x80)).ret, 0);
  const zaps = Array.from({ length: h.sim.eventCount - before }, (_, i) => h.sim.event(before + i)).filter((e) => e.kind === 'zap');
  assert.equal(zaps.length, 1, 'vdso_join_timens zaps the compat [vvar]');
  const r = h.run('C', op.gettime(C.CLOCK_MONOTONIC));
  assert.equal(r.clock?.path, 'vdso-timens');
  assert.equal(shift(r), 3600);
  const fns = new Set(Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i).fn));
  for (const fn of ['aarch32_setup_additional_pages', '__vdso_clock_gettime64']) {
    assert.ok(fns.has(fn), fn);
    assert.ok(KERNEL_FUNCTIONS.includes(fn), `${fn} is a known kernel function`);
  }
});

test('CONFIG_COMPAT_VDSO=n: no vDSO and no [vvar], libc makes the system call with the same values; KUSER_HELPERS=n: no [vectors]', () => {
  const sim = createSimulation({ arch: 'arm64', kernel: '6.12', disabledPatches: [], config: { compatVdso: false, kuserHelpers: false } });
  let line = 0;
  const run = (task: string, o: Operation) => sim.exec({ line: line++, task, operation: o });
  run('P1', op.unshare());
  run('P1', op.write(OFFSETS, 'monotonic 3600 0'));
  run('P1', op.fork('C'));
  run('C', compat);
  const m = sim.state().mms[sim.state().tasks.C.mm!];
  assert.deepEqual(m.vmas.map((v) => v.name), ['[sigpage]']);
  for (const o of [op.gettime(C.CLOCK_MONOTONIC), { op: 'gettimeofday', via: 'vdso' } as Operation]) {
    const r = run('C', o);
    assert.equal(r.signal, null);
    assert.equal(r.clock?.path, 'syscall');
  }
  assert.equal(shift(run('C', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  assert.equal(run('C', { op: 'clock_getres', clock: C.CLOCK_MONOTONIC, via: 'vdso' }).ret, 0);
  // a native task of the same kernel keeps its vDSO
  run('P1', op.fork('N'));
  assert.equal(run('N', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-timens');
});

test('ARM64_ERRATUM_1418040: arch_sys_counter is ARCHTIMER_NOCOMPAT; only the compat high-resolution reads fall back', () => {
  const h = harness('6.12', 'arm64', [], { erratum1418040: true });
  assert.equal(h.sim.state().pages['page#host'].blocks[0].clock_mode, 'VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT');
  h.run('P1', op.fork('C'));
  h.run('C', compat);
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fast');
  assert.equal(h.run('C', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fallback-syscall');
  assert.equal(h.run('C', op.gettime(C.CLOCK_MONOTONIC_COARSE)).clock?.path, 'vdso-fast');
  // a clocksource change keeps the erratum's mode
  h.run(null, { op: 'clocksource', name: 'jiffies' } as Operation);
  h.run(null, { op: 'clocksource', name: 'arch_sys_counter' } as Operation);
  assert.equal(h.sim.state().pages['page#host'].blocks[0].clock_mode, 'VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT');
  // without the erratum the compat vDSO reads the counter itself
  const ok = harness('6.12', 'arm64');
  ok.run('P1', compat);
  assert.equal(ok.run('P1', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-fast');
});

test('compat is refused before arm64 5.9 (a diagnostic, and an error event if run anyway); completion offers it', () => {
  const text = 'P1: execve("/proc/self/exe", compat)\n';
  const parsed = parseScenario(text);
  const at = (p: Profile) => profileDiagnostics(parsed, p).filter((d) => d.code === 'not-on-profile');
  const old = at({ arch: 'arm64', kernel: '5.8', disabledPatches: [] });
  assert.equal(old.length, 1);
  assert.match(old[0].message, /from 5\.9/);
  assert.deepEqual(old[0].range, { line: 0, col: 29, endLine: 0, endCol: 35 });
  assert.deepEqual(at({ arch: 'arm64', kernel: '6.12', disabledPatches: [] }), []);
  const h = harness('5.8', 'arm64');
  const r = h.run('P1', compat);
  assert.equal(r.ret, null);
  assert.equal(h.sim.state().mms[h.sim.state().tasks.P1.mm!].compat, undefined, 'the exec did not run');
  const bad = parseScenario('P1: execve("/x", ia32)\n').diagnostics.find((d) => d.code === 'bad-value');
  assert.ok(bad && /native or compat/.test(bad.message), bad?.message);
  const labels = completionsAt('P1: execve("/x", ', 0, 17, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(labels.includes('compat'), labels.join(' '));
});

test('verify runs a compat exec only where a 32-bit build of the helper exists', () => {
  const enc = OPERATIONS.execve.encode as (o: Operation, c: Parameters<typeof OPERATIONS.execve.encode>[1]) => unknown;
  const ctx = (mode: RunMode, arch: 'x86_64' | 'arm64') => ({ mode, profile: { arch, kernel: '6.12' as const, disabledPatches: [] }, before: createSimulation(DEFAULT_PROFILE).state(), task: 'P1' });
  const qemu: RunMode = { kind: 'initial', uids: 'all', sleepCapMs: 3000, compat: true };
  const sandbox: RunMode = { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 };
  assert.deepEqual(enc(compat, ctx(qemu, 'arm64')), [':2f70726f632f73656c662f657865', '1']);
  assert.deepEqual(enc({ op: 'execve', path: '/proc/self/exe' }, ctx(sandbox, 'x86_64')), [':2f70726f632f73656c662f657865', '0']);
  assert.match((enc(compat, ctx(sandbox, 'x86_64')) as { notRun: string }).notRun, /ia32 build/);
  assert.match((enc(compat, ctx({ ...qemu, compat: false }, 'arm64')) as { notRun: string }).notRun, /AArch32 build/);
});
