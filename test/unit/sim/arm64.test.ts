// arm64: what Debian's 6.1.192 and 6.12.117 were observed to do under qemu (test/conformance/arm64-facts-*.timens), the
// pre-5.9 kernel without time namespaces, and each patch of the June-2020 series switched off (docs/model-arm64-patches.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F, C, shift, OFFSETS, MONO_BOOT } from './helpers';

const sig = (r: { signal: string | null }): string => r.signal ?? 'ok';

for (const k of ['6.1', '6.12'] as const) {
  test(`arm64 ${k}: 2-page [vvar] below [vdso], fault table, zap both ways, clocks with an RTC`, () => {
    const h = harness(k, 'arm64');
    const st = h.sim.state();
    const vmas = st.mms[st.tasks.P1.mm!].vmas;
    assert.deepEqual(vmas.map((v) => [v.name, v.pages]), [['[vvar]', 2], ['[vdso]', k === '6.1' ? 1 : 2]]);
    assert.equal((vmas[0].start - vmas[1].start) / 4096, -2);
    assert.deepEqual(vmas[0].flags, ['VM_READ', 'VM_MAYREAD', 'VM_PFNMAP', 'VM_DONTEXPAND']);
    assert.deepEqual([0, 1].map((p) => sig(h.run('P1', op.touch(p)))), ['ok', 'SIGBUS']);
    h.run('P1', op.unshare());
    h.run('P1', op.write(OFFSETS, MONO_BOOT));
    assert.equal(sig(h.run('P1', op.touch(1))), 'SIGBUS');
    h.run('P1', op.open('/proc/self/ns/time', 'root'));
    h.run('P1', op.setnsPath('/proc/self/ns/time_for_children'));
    assert.deepEqual([0, 1].map((p) => sig(h.run('P1', op.touch(p)))), ['ok', 'ok']);
    assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC))), 3600);
    assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_BOOTTIME_ALARM, 'vdso'))), 7200);
    assert.equal(h.run('P1', op.gettime(C.CLOCK_BOOTTIME_ALARM, 'vdso')).clock?.path, 'vdso-fallback-syscall');
    assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_REALTIME_ALARM, 'syscall'))), 0);
    h.run('P1', op.setnsFd('root'));
    assert.equal(sig(h.run('P1', op.touch(1))), 'SIGBUS');
    assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC))), 0);
    const g = harness(k, 'arm64');
    assert.equal(g.run('P1', { op: 'munmap', mapping: '[vvar]', page: 3, pages: 1 }).errno, k === '6.1' ? null : 'EINVAL');
  });
}

test('arm64 6.1 uses the 5.6–6.1 rules plus the clone3 backport; 6.12 the 6.2+ rules', () => {
  const h = harness('6.1', 'arm64');
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.thread('T')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.vfork('V')).errno, 'EINVAL');
  h.run('P1', op.exec());
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#1']);
  const g = harness('6.12', 'arm64');
  g.run('P1', op.unshare());
  assert.equal(g.run('P1', op.thread('T')).errno, null);
  g.run('P1', op.clone3(F.CLONE_NEWTIME | F.CLONE_VM, 'V'));
  assert.deepEqual(g.nsOf('V'), ['ns#0', 'ns#2']);
});

test('arm64 before 5.9 has no time namespaces', () => {
  const h = harness('5.8', 'arm64');
  assert.equal(h.run('P1', op.unshare()).errno, 'EINVAL');
  h.run(null, op.spawn('U', 65534));
  assert.equal(h.run('U', op.unshare()).errno, 'EPERM');
  assert.equal(h.run('P1', op.readlink('/proc/self/ns/time')).errno, 'ENOENT');
  assert.equal(h.run('P1', op.clone3(F.CLONE_NEWTIME, 'A')).errno, 'EINVAL');
  const st = h.sim.state();
  assert.deepEqual(st.mms[st.tasks.P1.mm!].vmas[0].pages, 1);
});

function nsTask(kernel: '5.10' | '6.1', disabled: Parameters<typeof harness>[2]) {
  const h = harness(kernel, 'arm64', disabled);
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  return h;
}

test('patch 6 (enable-timens) off: no time namespaces, vvar still 2 pages', () => {
  const h = harness('6.1', 'arm64', ['enable-timens']);
  assert.equal(h.run('P1', op.unshare()).errno, 'EINVAL');
  h.run(null, op.spawn('U', 65534));
  assert.equal(h.run('U', op.unshare()).errno, 'EPERM');
  assert.equal(h.run('P1', op.open(OFFSETS, 'fd')).errno, 'ENOENT');
  assert.deepEqual([0, 1].map((p) => sig(h.run('P1', op.touch(p)))), ['ok', 'SIGBUS']);
});

test('patch 2 (zap-vvar) off: stale PTEs survive setns and fork; vDSO and syscall disagree', () => {
  const h = nsTask('6.1', ['zap-vvar']);
  h.run('P1', op.gettime(C.CLOCK_MONOTONIC));
  h.run('P1', op.fork('P2'));
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 0, 'copied parent PTE: host view');
  h.run('P1', op.setnsPath('/proc/P2/ns/time'));
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 0);
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600);
  h.run('P1', op.exec());
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 3600, 'a fresh image is right');
  const on = nsTask('6.1', []);
  on.run('P1', op.gettime(C.CLOCK_MONOTONIC));
  on.run('P1', op.fork('P2'));
  assert.equal(shift(on.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 3600);
});

test('patch 4 (timens-fault) off: vDSO gives host time in a namespace, syscalls the offset', () => {
  const h = nsTask('6.1', ['timens-fault']);
  h.run('P1', op.fork('P2'));
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 0);
  assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso')).clock?.path, 'vdso-fast');
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600);
  assert.equal(sig(h.run('P2', op.touch(1))), 'SIGBUS');
});

test('patch 1 (vvar-fault) off: page-backed [vvar], host time in the vDSO, no PTE copy at fork', () => {
  const h = nsTask('6.1', ['vvar-fault']);
  h.run('P1', op.gettime(C.CLOCK_MONOTONIC));
  h.run('P1', op.fork('P2'));
  const st = h.sim.state();
  assert.equal(st.mms[st.tasks.P2.mm!].vmas[0].ptes[0], null);
  assert.equal(st.mms[st.tasks.P2.mm!].vmas[0].flags.includes('VM_PFNMAP'), false);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 0);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600);
});

test('patch 3 (timens-page) off, forced build: one-page [vvar]; a timens task spins in the vDSO on seq 1, bounded', () => {
  const h = nsTask('6.1', ['timens-page']);
  h.run('P1', op.fork('P2'));
  const st = h.sim.state();
  assert.equal(st.mms[st.tasks.P2.mm!].vmas[0].pages, 1);
  const first = h.sim.eventCount;
  const r = h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso'));
  assert.deepEqual([r.signal, r.ret, r.clock], [null, null, undefined], 'no invented SIGSEGV, no value');
  assert.deepEqual(r.stuck, { page: 'page#ns#1', seq: 1, retries: 1000 });
  const texts: string[] = [];
  for (let i = first; i < h.sim.eventCount; i++) texts.push(h.sim.event(i).summary);
  assert.equal(texts.filter((x) => /^vdso retry #\d+: seq 1 of page#ns#1 is odd/.test(x)).length, 3);
  assert.ok(texts.some((x) => /stuck in the vDSO: seq 1 of page#ns#1 never becomes even/.test(x)));
  assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC_COARSE, 'vdso')).stuck?.seq, 1, 'do_coarse has the same loop');
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600, 'system calls still work');
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 0, 'root tasks are unaffected');
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso')).stuck, undefined);
  // 5.9–5.10: patch 5's vvar_mremap wants VVAR_NR_PAGES (2) pages, so even the whole 1-page [vvar] cannot move.
  const g = harness('5.10', 'arm64', ['timens-page']);
  assert.equal(g.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 3 }).errno, 'EINVAL');
});

test('patch 1 (vvar-fault) off, forced build: page 1 of the page-backed [vvar] is the first vDSO text page', () => {
  const h = harness('5.9', 'arm64', ['vvar-fault']);
  assert.equal(sig(h.run('P1', op.touch(1))), 'ok');
  const st = h.sim.state();
  assert.equal(st.mms[st.tasks.P1.mm!].vmas[0].ptes[1]?.page, 'page#vdso-text0');
  assert.equal(sig(harness('5.9', 'arm64').run('P1', op.touch(1))), 'SIGBUS', 'with patch 1: vvar_fault gives SIGBUS');
});

test('patch 5 (restrict-split) off on 5.10: a partial mremap succeeds and breaks the timens vDSO', () => {
  const on = nsTask('5.10', []);
  assert.equal(on.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 3, page: 1, pages: 1 }).errno, 'EINVAL');
  const off = nsTask('5.10', ['restrict-split']);
  off.run('P1', op.fork('P2'));
  assert.ok((off.run('P2', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 3, page: 1, pages: 1 }).ret ?? -1) > 0);
  assert.equal(off.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'vdso')).signal, 'SIGSEGV');
  assert.equal(shift(off.run('P2', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600);
  const late = nsTask('6.1', ['restrict-split']);
  assert.equal(late.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 3, page: 1, pages: 1 }).errno, 'EINVAL', '5.11+ split ban supersedes the patch');
});
