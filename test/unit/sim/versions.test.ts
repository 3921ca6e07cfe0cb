// Behaviour that differs by kernel version on x86_64, driven by profile switches (docs/model.md#switches-profilets; each
// switch's kernel source and version is in extension/sim/profile.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { switchesFor } from '../../../extension/sim/index';
import { harness, op, F, C, shift, OFFSETS, MONO_BOOT } from './helpers';

const sig = (r: { signal: string | null }): string => r.signal ?? 'ok';

test('5.6: numeric timens_offsets parser and format, time_for_children link name, VCLOCK_TIMENS', () => {
  const h = harness('5.6');
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.read(OFFSETS)).text, '1 0 0\n7 0 0\n');
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 5 0\n')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.write(OFFSETS, '01 5 0\n')).errno, null, '01 is clock 1 for %u');
  assert.equal(h.run('P1', op.write(OFFSETS, '4 5 0\n')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.write(OFFSETS, '1 3600 0\n7 7200 0\n')).ret, 18);
  assert.match(h.run('P1', op.readlink('/proc/self/ns/time_for_children')).text ?? '', /^time_for_children:\[\d+\]$/);
  h.run('P1', op.fork('P2'));
  assert.equal(h.sim.state().pages['page#ns#1'].blocks[0].clock_mode, 'VCLOCK_TIMENS');
  assert.equal(h.sim.state().pages['page#ns#1'].blockOffset, 128);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  // 5.6: a numeric clock other than 1/7 fails only after the permission check
  const g = harness('5.6');
  g.run(null, op.spawn('U', 65534));
  assert.equal(g.run('U', op.write(OFFSETS, '4 5 0\n')).errno, 'EPERM');
  assert.equal(g.run('P1', op.setnsPidfd('P1')).errno, 'EINVAL', 'no pidfd setns for time before 5.9');
});

test('5.7: names in the format and parser, numbers still accepted', () => {
  const h = harness('5.7');
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.write(OFFSETS, '1 5 0\nboottime 6 0\n')).errno, null);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic           5         0\nboottime            6         0\n');
  assert.match(h.run('P1', op.readlink('/proc/self/ns/time_for_children')).text ?? '', /^time:\[\d+\]$/);
});

test('6.1: EINVAL for vfork, CLONE_VM and threads while time_ns != tfc; exec does not switch; clone3 backport', () => {
  const h = harness('6.1');
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.vfork('V')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.thread('T')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.clone(F.CLONE_VM | 17, 'M')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.clone3(F.CLONE_VM | F.CLONE_VFORK, 'V3')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.fork('P2')).errno, null);
  h.run('P1', op.exec());
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#1']);
  const g = harness('6.1');
  assert.equal(g.run('P1', op.clone3(F.CLONE_NEWTIME, 'A')).errno, null);
  assert.deepEqual(g.nsOf('A'), ['ns#1', 'ns#1']);
  g.run('P1', op.clone3(F.CLONE_NEWTIME | F.CLONE_VM | F.CLONE_VFORK, 'V'));
  assert.deepEqual(g.nsOf('V'), ['ns#2', 'ns#2'], '6.1.y moves the CLONE_VM child at fork');
  assert.deepEqual(g.nsOf('P1'), ['ns#0', 'ns#0']);
});

test('6.2: exec switches, threads allowed, but clone3 still rejects CLONE_NEWTIME', () => {
  const h = harness('6.2');
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  assert.equal(h.run('P1', op.thread('T')).errno, null);
  assert.equal(h.run('T', op.exit()).errno, null);
  h.run('P1', op.exec());
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  assert.equal(h.run('P1', op.clone3(F.CLONE_NEWTIME, 'A')).errno, 'EINVAL');
  assert.equal(harness('6.3').run('P1', op.clone3(F.CLONE_NEWTIME, 'A')).errno, null);
  assert.equal(harness('5.19').run('P1', op.clone3(F.CLONE_NEWTIME, 'A')).errno, 'EINVAL');
});

test('x86 5.6–6.12 layout: 4-page [vvar] with pvclock and hvclock; prefault of the host page at page 3', () => {
  const h = harness('6.12');
  const st = h.sim.state();
  assert.deepEqual(st.mms[st.tasks.P1.mm!].vmas.map((v) => [v.name, v.pages]), [['[vvar]', 4], ['[vdso]', 2]]);
  assert.deepEqual([0, 1, 2, 3].map((p) => sig(h.run('P1', op.touch(p)))), ['ok', 'ok', 'SIGBUS', 'SIGBUS']);
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  assert.equal(sig(h.run('P2', op.touch(0))), 'ok');
  const s2 = h.sim.state();
  const ptes = s2.mms[s2.tasks.P2.mm!].vmas[0].ptes;
  assert.equal(ptes[0]?.page, 'page#ns#1');
  assert.equal(ptes[3]?.page, 'page#host', 'prefaulted');
  assert.equal(s2.pages['page#host'].blockOffset, 128);
});

test('x86 6.13: [vvar] 2 pages + [vvar_vclock] 2 pages', () => {
  const h = harness('6.13');
  const st = h.sim.state();
  assert.deepEqual(st.mms[st.tasks.P1.mm!].vmas.map((v) => [v.name, v.pages]), [['[vvar]', 2], ['[vvar_vclock]', 2], ['[vdso]', 2]]);
  assert.deepEqual([0, 1].map((p) => sig(h.run('P1', op.touch(p)))), ['ok', 'SIGBUS']);
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  assert.deepEqual([0, 1].map((p) => sig(h.run('P2', op.touch(p)))), ['ok', 'ok']);
  assert.equal(st.pages['page#host'].blockOffset, 0);
});

test('5.10 vs 5.11: special mappings become unsplittable; arch mremap size hook', () => {
  const old = harness('5.10');
  assert.equal(old.run('P1', { op: 'munmap', mapping: '[vvar]', page: 3, pages: 1 }).ret, 0, 'split allowed before 5.11');
  old.run('P1', op.unshare());
  old.run('P1', op.fork('P2'));
  assert.equal(sig(old.run('P2', op.touch(0))), 'SIGBUS', 'prefault at page 3 falls outside the shrunk VMA');
  assert.equal(old.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 0 }).ret !== -1, true, 'shrink allowed');
  const mv = harness('5.10');
  assert.equal(mv.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 3, page: 1, pages: 1 }).errno, 'EINVAL', 'vvar_mremap refuses a partial move');
  const nu = harness('5.11');
  assert.equal(nu.run('P1', { op: 'munmap', mapping: '[vvar]', page: 3, pages: 1 }).errno, 'EINVAL');
  assert.equal(nu.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 3, page: 1, pages: 1 }).errno, 'EINVAL');
  // /proc/stat btime is adjusted only from 5.11
  for (const [k, want] of [['5.10', 0], ['5.11', 7200]] as const) {
    const h = harness(k);
    h.run('P1', op.unshare());
    h.run('P1', op.write(OFFSETS, k === '5.10' ? 'boottime 7200 0\n' : 'boottime 7200 0\n'));
    h.run('P1', op.fork('P2'));
    const b1 = Number(h.run('P1', op.read('/proc/stat')).text?.split(' ')[1]);
    const b2 = Number(h.run('P2', op.read('/proc/stat')).text?.split(' ')[1]);
    assert.equal(b1 - b2, want, k);
  }
});

test('switches cite their source and differ where the versions do', () => {
  const a = switchesFor({ arch: 'x86_64', kernel: '6.1', disabledPatches: [] });
  const b = switchesFor({ arch: 'x86_64', kernel: '6.2', disabledPatches: [] });
  assert.equal(a.values.execSwitchesToTfc, false);
  assert.equal(b.values.execSwitchesToTfc, true);
  assert.equal(a.values.clone3NewTime, true);
  assert.equal(b.values.clone3NewTime, false);
  for (const s of a.list) assert.ok(s.source.length > 10, s.name);
  assert.equal(switchesFor({ arch: 'x86_64', kernel: '5.9', disabledPatches: [] }).values.forkFn, '_do_fork');
});
