// The arch vvar_mremap hook (x86 5.6–5.10, arm64 patch 5 bcf996434240 in 5.9–5.10) as move_vma runs it
// (mm/mremap.c, 5.10): the move is refused after copy_vma, so the original [vvar] stays whole with its PTEs;
// a shrinking MREMAP_FIXED move first unmaps the tail (mremap_to), which is not undone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, C, shift, OFFSETS, MONO_BOOT } from './helpers';

const MOVE = 3; // MREMAP_MAYMOVE|MREMAP_FIXED

function vvarOf(h: ReturnType<typeof harness>, t: string) {
  const st = h.sim.state();
  return st.mms[st.tasks[t].mm!].vmas.filter((v) => v.name === '[vvar]');
}

for (const [arch, kernel, pages] of [['x86_64', '5.10', 4], ['x86_64', '5.9', 4], ['arm64', '5.9', 2], ['arm64', '5.10', 2]] as const) {
  test(`${arch} ${kernel}: a refused partial move of [vvar] leaves it whole, with its PTEs`, () => {
    const h = harness(kernel, arch);
    h.run('P1', op.unshare());
    h.run('P1', op.write(OFFSETS, MONO_BOOT));
    h.run('P1', op.fork('P2'));
    assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC))), 3600);
    const before = vvarOf(h, 'P2');
    const first = h.sim.eventCount;
    const r = h.run('P2', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: MOVE, page: pages - 1, pages: 1 });
    assert.equal(r.errno, 'EINVAL');
    const after = vvarOf(h, 'P2');
    assert.equal(after.length, 1, 'not split');
    assert.deepEqual([after[0].start, after[0].pages, after[0].ptes], [before[0].start, pages, before[0].ptes]);
    const fns = [];
    for (let i = first; i < h.sim.eventCount; i++) fns.push(h.sim.event(i).fn);
    assert.ok(!fns.includes('__split_vma'), 'the kernel checks before anything is split');
    assert.ok(fns.indexOf('copy_vma') < fns.indexOf('vvar_mremap'));
    assert.equal(h.run('P2', op.gettime(C.CLOCK_MONOTONIC)).clock?.path, 'vdso-timens');
    assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC))), 3600);
    // The whole mapping still moves: the old range is one VMA of the full size.
    assert.ok((h.run('P2', { op: 'mremap', mapping: '[vvar]', newPages: pages, flags: MOVE }).ret ?? -1) > 0);
  });

  test(`${arch} ${kernel}: a shrinking MREMAP_FIXED move unmaps the tail, then the hook refuses the rest`, () => {
    const h = harness(kernel, arch);
    const r = h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: MOVE });
    assert.equal(r.errno, 'EINVAL');
    assert.deepEqual(vvarOf(h, 'P1').map((v) => v.pages), [1]);
    // Without MREMAP_FIXED the shrink is in place and never reaches the hook.
    const g = harness(kernel, arch);
    assert.equal(g.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: 1 }).errno, null);
  });
}

test('5.11+: the split ban refuses a shrinking MREMAP_FIXED move before the tail is unmapped', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const h = harness('6.1', arch);
    assert.equal(h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 1, flags: MOVE }).errno, 'EINVAL');
    assert.deepEqual(vvarOf(h, 'P1').map((v) => v.pages), [arch === 'arm64' ? 2 : 4]);
  }
});
