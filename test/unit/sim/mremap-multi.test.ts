// 6.17's remap_move (mm/mremap.c): a same-size MREMAP_FIXED move takes every VMA of the range, the distances
// between them kept; before, a range past the first VMA's end is EFAULT. Seen on this machine's 6.18 (timens verify).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, C, shift, OFFSETS, MONO_BOOT } from './helpers';

const MOVE = 3; // MREMAP_MAYMOVE|MREMAP_FIXED

function layout(h: ReturnType<typeof harness>, t: string) {
  const st = h.sim.state();
  return st.mms[st.tasks[t].mm!].vmas.map((v) => ({ name: v.name, start: v.start, pages: v.pages }));
}

test('x86_64 6.18: [vvar], [vvar_vclock] and [vdso] move together, side by side, and the vDSO still reads its namespace', () => {
  const h = harness('6.18', 'x86_64');
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.fork('P2'));
  const before = layout(h, 'P2');
  const r = h.run('P2', { op: 'mremap', mapping: '[vvar]', newPages: 8, flags: MOVE, page: 0, pages: 8 });
  assert.equal(r.errno, null);
  const after = layout(h, 'P2');
  assert.equal(after[0]!.start, r.ret, 'the first VMA\'s new address is returned');
  assert.deepEqual(after.map((v) => [v.name, v.start - after[0]!.start, v.pages]), before.map((v) => [v.name, v.start - before[0]!.start, v.pages]));
  assert.notEqual(after[0]!.start, before[0]!.start);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC))), 3600);
});

test('x86_64 6.18: a range that ends inside a later mapping moves the ones before it, then the split is refused', () => {
  const h = harness('6.18', 'x86_64');
  const before = layout(h, 'P1');
  assert.equal(h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 5, flags: MOVE, page: 0, pages: 5 }).errno, 'EINVAL');
  const after = layout(h, 'P1');
  assert.notEqual(after.find((v) => v.name === '[vvar]')!.start, before.find((v) => v.name === '[vvar]')!.start, '[vvar] moved');
  assert.deepEqual(after.find((v) => v.name === '[vvar_vclock]'), before.find((v) => v.name === '[vvar_vclock]'), '[vvar_vclock] stays whole');
});

test('x86_64 6.16: a move past the first VMA\'s end is EFAULT, nothing moved', () => {
  const h = harness('6.16', 'x86_64');
  const before = layout(h, 'P1');
  assert.equal(h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 8, flags: MOVE, page: 0, pages: 8 }).errno, 'EFAULT');
  assert.deepEqual(layout(h, 'P1'), before);
});
