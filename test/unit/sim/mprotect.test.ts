// mprotect over parts of the special mappings and over several VMAs, in do_mprotect_pkey's order (mm/mprotect.c):
// mprotect_fixup keeps a VMA whose flags do not change (no split), each VMA is changed before the next is checked,
// and a range that starts in or crosses a hole is ENOMEM. Found by tools/fuzz-verify.mjs on this machine's 6.18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './helpers';

const R = 1; const W = 2; const X = 4;

function prots(h: ReturnType<typeof harness>, t: string): string[] {
  const st = h.sim.state();
  return st.mms[st.tasks[t].mm!].vmas.map((v) => `${v.name} ${v.pages} ${v.prot}`);
}

test('the same protection on a part of a special mapping: no split, so no EINVAL from 5.11', () => {
  for (const [kernel, arch] of [['6.18', 'x86_64'], ['6.1', 'arm64'], ['5.10', 'x86_64']] as const) {
    const h = harness(kernel, arch);
    const before = prots(h, 'P1');
    assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: R, page: 1, pages: 1 }).errno, null, `${arch} ${kernel}`);
    assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vdso]', prot: R | X, page: 0, pages: 1 }).errno, null, `${arch} ${kernel}`);
    assert.deepEqual(prots(h, 'P1'), before, 'nothing split, nothing changed');
  }
  const h = harness('6.18', 'x86_64');
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: 0, page: 1, pages: 1 }).errno, 'EINVAL', 'another protection still splits');
});

test('VMA by VMA: [vvar] is changed before the split of the next mapping is refused', () => {
  const h = harness('6.18', 'x86_64');
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: 0, page: 0, pages: 5 }).errno, 'EINVAL');
  assert.deepEqual(prots(h, 'P1'), ['[vvar] 4 0', '[vvar_vclock] 2 1', '[vdso] 2 5']);
});

test('a range that starts where nothing is mapped, or crosses a hole, is ENOMEM', () => {
  const h = harness('6.18', 'x86_64');
  h.run('P1', { op: 'munmap', mapping: '[vvar]' });
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: R | W, page: 1, pages: 4 }).errno, 'ENOMEM', 'not EACCES from [vvar_vclock]');
  const g = harness('6.18', 'x86_64');
  g.run('P1', { op: 'munmap', mapping: '[vvar_vclock]' });
  assert.equal(g.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: R, page: 0, pages: 8 }).errno, 'ENOMEM');
  assert.equal(g.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: 0, page: 0, pages: 8 }).errno, 'ENOMEM');
  assert.deepEqual(prots(g, 'P1'), ['[vvar] 4 0', '[vdso] 2 5'], '[vvar] changed, [vdso] past the hole not');
});

test('prot: the grows bits and any bit arch_validate_prot does not take are EINVAL, before the VMA; a length of 0 is done first', () => {
  // outsider7-mprotect-prot (Linux 6.18 x86_64): the model had ignored every bit but R, W and X
  const h = harness('6.18', 'x86_64');
  const before = prots(h, 'P1');
  const mp = (prot: number, extra: { page?: number; pages?: number } = {}) => h.run('P1', { op: 'mprotect', mapping: '[vdso]', prot, ...extra }).errno;
  for (const prot of [0x01000000 | R, 0x02000000 | R, 0x03000000 | R, 0x10 | R, 0x20, 0x40 | R | X]) assert.equal(mp(prot), 'EINVAL', prot.toString(16));
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: 0x80 | W }).errno, 'EINVAL', 'before the VMA\'s EACCES');
  assert.deepEqual(prots(h, 'P1'), before, 'nothing changed');
  assert.equal(mp(0x40, { page: 0, pages: 0 }), null, 'len 0: return 0 before arch_validate_prot');
  assert.equal(mp(0x8 | R | X), null, 'PROT_SEM is taken');
  assert.deepEqual(prots(h, 'P1'), before);
  const arm = harness('6.12', 'arm64');
  assert.ok(arm.run('P1', { op: 'mprotect', mapping: '[vdso]', prot: 0x10 | R | X }).refused, 'PROT_BTI: the CPU\'s, not modelled');
});
