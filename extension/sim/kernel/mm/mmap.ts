// mprotect, munmap and mremap on the special mappings (mm/mprotect.c, mm/mmap.c, mm/mremap.c): VMA splitting
// (refused for special mappings from 5.11), the arch vvar_mremap size check (x86 5.6–5.10, arm64 patch 5, bcf996434240),
// and moving a mapping with its PTEs while the vDSO keeps looking for its data where it was.

import type { OpResult } from '../../api';
import type { MappingName } from '../../ops';
import type { VmaRec } from '../../store/records';
import { MREMAP, PROT } from '../../types';
import { mm, task, vma, type KernelContext } from '../context';
import { KErr } from '../trace';
import { refuse } from '../time/timekeeping';
import { createVma, removeVma, vmaAt } from './vma';

/** The address range of `pages` pages from page `page` of `mapping` (the whole mapping by default). */
function range(k: KernelContext, t: string, mapping: MappingName, page?: number, pages?: number): { start: number; len: number } | null {
  const me = task(k, t);
  if (!me.mm) return null;
  const m = mm(k, me.mm);
  const base = m._bases[mapping];
  if (base === undefined) return null;
  const id = vmaAt(k, me.mm, base);
  const whole = id ? vma(k, id).pages : 1;
  const p = page ?? 0;
  const n = pages ?? (page === undefined ? whole : 1);
  return { start: base + p * k.sw.pageSize, len: n * k.sw.pageSize };
}

/** VMAs overlapping [start, start+len), with whether each is only partly covered. */
function overlapping(k: KernelContext, mmId: string, start: number, len: number): { id: string; partial: boolean }[] {
  const out: { id: string; partial: boolean }[] = [];
  for (const id of mm(k, mmId)._vmas) {
    const v = vma(k, id);
    const vs = v.start;
    const ve = v.start + v.pages * k.sw.pageSize;
    if (ve <= start || vs >= start + len) continue;
    out.push({ id, partial: vs < start || ve > start + len });
  }
  return out;
}

function splitCheck(k: KernelContext, id: string): void {
  if (k.sw.specialMappingSplitBan) k.fn('special_mapping_split', () => k.fail('EINVAL', `${vma(k, id).name} is a special mapping and cannot be split (5.11+)`));
}

/** Pre-5.11: split VMA `id` so that [start, start+len) is covered by whole VMAs. */
function splitVma(k: KernelContext, mmId: string, id: string, start: number, len: number): void {
  const v = vma(k, id);
  const cuts = [start, start + len].filter((a) => a > v.start && a < v.start + v.pages * k.sw.pageSize);
  if (!cuts.length) return;
  const m = mm(k, mmId);
  const pieces: VmaRec[] = [];
  let s = v.start;
  for (const c of [...cuts, v.start + v.pages * k.sw.pageSize]) {
    const off = (s - v.start) / k.sw.pageSize;
    const n = (c - s) / k.sw.pageSize;
    pieces.push({ ...v, start: s, pages: n, pgoff: v.pgoff + off, ptes: v.ptes.slice(off, off + n), sigbus: v.sigbus.filter((x) => x >= off && x < off + n).map((x) => x - off) });
    s = c;
  }
  const ids = pieces.map((p, i) => (i === 0 ? id : `${mmId}/${p.name}@${p.pgoff}`));
  pieces.forEach((p, i) => createVma(k, ids[i], p));
  const idx = m._vmas.indexOf(id);
  k.r.set(k.mms, mmId, '_vmas', [...m._vmas.slice(0, idx), ...ids, ...m._vmas.slice(idx + 1)]);
  k.fn('__split_vma', () => k.state(k.txt`${v.name} split into ${pieces.map((p) => `${p.pages} page${p.pages > 1 ? 's' : ''} (pgoff ${p.pgoff})`).join(' + ')}`));
}

/** do_mprotect_pkey (mm/mprotect.c, the same order in 5.6-7.3): the range must start in a VMA (ENOMEM), then VMA by
 *  VMA in address order a hole is ENOMEM, a protection the VMA may not take EACCES, and mprotect_fixup changes each
 *  before the next is looked at, so an error leaves the VMAs before it changed. mprotect_fixup returns at once when
 *  the flags stay as they are: no split, so a special mapping's part keeps its protection without EINVAL (fuzz seed
 *  560009 on 6.18). Past the last VMA, ENOMEM after the changes. */
/** PROT_GROWSDOWN and PROT_GROWSUP (include/uapi/asm-generic/mman-common.h), and what arch_validate_prot takes
 *  besides READ, WRITE and EXEC everywhere: PROT_SEM (0x8); arm64's PROT_BTI (0x10) and PROT_MTE (0x20) only on a CPU
 *  that has BTI or MTE (arch/arm64/include/asm/mman.h). */
const GROWSDOWN = 0x01000000;
const GROWSUP = 0x02000000;
const PROT_SEM = 0x8;
const ARM64_CPU_PROT = 0x30;

export function mprotect(k: KernelContext, t: string, mapping: MappingName, given: number, page?: number, pages?: number): OpResult {
  return k.fn('do_mprotect_pkey', () => {
    // mm/mprotect.c do_mprotect_pkey, before it looks at any VMA: the grows bits come off prot (both: EINVAL), a
    // length of 0 is done, a range that wraps is ENOMEM, then arch_validate_prot (EINVAL for any other bit)
    const grows = given & (GROWSDOWN | GROWSUP);
    const bits = (given & ~(GROWSDOWN | GROWSUP)) >>> 0;
    if (grows === (GROWSDOWN | GROWSUP)) k.fail('EINVAL', 'PROT_GROWSDOWN and PROT_GROWSUP together');
    const rg = range(k, t, mapping, page, pages);
    const mmId = task(k, t).mm;
    if (rg && rg.len === 0) return { ret: 0, errno: null, signal: null };
    if (rg && rg.len < 0) k.fail('ENOMEM', 'the length wraps the range (end <= start)');
    const rwx = PROT.PROT_READ | PROT.PROT_WRITE | PROT.PROT_EXEC;
    if (bits & ~(rwx | PROT_SEM | (k.profile.arch === 'arm64' ? ARM64_CPU_PROT : 0))) {
      k.fail('EINVAL', `prot 0x${bits.toString(16)} has bits arch_validate_prot does not take`);
    }
    // our choice: whether the CPU has BTI or MTE is the machine's, which the model does not know
    if (bits & ARM64_CPU_PROT) return refuse(k, 'PROT_BTI and PROT_MTE are taken only on a CPU with BTI or MTE, which the model does not know (our choice)');
    // calc_vm_prot_bits makes VM_READ, VM_WRITE and VM_EXEC of it: PROT_SEM leaves no trace
    const prot = bits & rwx;
    if (!rg || !mmId) k.fail('ENOMEM', `${mapping} is not mapped`);
    const end = rg.start + rg.len;
    const over = overlapping(k, mmId, rg.start, rg.len).sort((a, b) => vma(k, a.id).start - vma(k, b.id).start);
    if (!over.length) k.fail('ENOMEM', 'nothing is mapped in the range');
    // PROT_GROWSDOWN starts the range at the first VMA and wants VM_GROWSDOWN; PROT_GROWSUP wants VM_GROWSUP, which
    // x86 and arm64 do not have (VM_NONE): neither is a special mapping's
    if (grows === GROWSDOWN) k.fail('EINVAL', `${vma(k, over[0].id).name} has no VM_GROWSDOWN`);
    if (vma(k, over[0].id).start > rg.start) k.fail('ENOMEM', 'the range starts below its first VMA (vma_find finds one above start)');
    if (grows === GROWSUP) k.fail('EINVAL', `${vma(k, over[0].id).name} has no VM_GROWSUP`);
    let tmp = vma(k, over[0].id).start;
    for (const o of over) {
      const v = vma(k, o.id);
      if (v.start !== tmp) k.fail('ENOMEM', `a hole before ${v.name}${o === over[0] ? '' : ': the VMAs before it keep their new protection'}`);
      const may = (v.flags.includes('VM_MAYWRITE') ? PROT.PROT_WRITE : 0) | (v.flags.includes('VM_MAYEXEC') ? PROT.PROT_EXEC : 0) | PROT.PROT_READ;
      if (prot & ~may & (PROT.PROT_WRITE | PROT.PROT_EXEC)) k.fail('EACCES', `${v.name} has only VM_MAYREAD: ${prot & PROT.PROT_WRITE ? 'write' : 'exec'} access cannot be granted`);
      const vEnd = v.start + v.pages * k.sw.pageSize;
      tmp = Math.min(vEnd, end);
      k.fn('mprotect_fixup', () => {
        if (v.prot === prot) { k.state(k.txt`${v.name} already has protection ${prot}: nothing to split or change`); return; }
        if (o.partial) { splitCheck(k, o.id); splitVma(k, mmId, o.id, rg.start, rg.len); }
        for (const o2 of overlapping(k, mmId, Math.max(v.start, rg.start), tmp - Math.max(v.start, rg.start))) {
          k.r.set(k.vmas, o2.id, 'prot', prot);
          k.state(k.txt`${vma(k, o2.id).name} protection = ${prot} (existing PTEs keep their pages)`);
        }
      });
    }
    if (tmp < end) k.fail('ENOMEM', 'the range ends past the last VMA: the VMAs in it keep their new protection');
    return { ret: 0, errno: null, signal: null };
  });
}

export function munmap(k: KernelContext, t: string, mapping: MappingName, page?: number, pages?: number): OpResult {
  return k.fn('do_vmi_munmap', () => {
    if (pages !== undefined && pages <= 0) k.fail('EINVAL', 'length 0');
    const rg = range(k, t, mapping, page, pages);
    const mmId = task(k, t).mm;
    if (!rg || !mmId) return { ret: 0, errno: null, signal: null };
    const over = overlapping(k, mmId, rg.start, rg.len);
    for (const o of over) if (o.partial) splitCheck(k, o.id);
    for (const o of over) if (o.partial) splitVma(k, mmId, o.id, rg.start, rg.len);
    const gone = overlapping(k, mmId, rg.start, rg.len);
    if (!gone.length) {
      k.state(k.txt`nothing mapped in the range: munmap succeeds and changes nothing`);
      return { ret: 0, errno: null, signal: null };
    }
    const m = mm(k, mmId);
    for (const g of gone) removeVma(k, g.id);
    k.r.set(k.mms, mmId, '_vmas', m._vmas.filter((id) => !gone.some((g) => g.id === id)));
    k.state(k.txt`unmapped ${gone.map((g) => g.id.slice(g.id.indexOf('/') + 1)).join(', ')}`);
    return { ret: 0, errno: null, signal: null };
  });
}

export function mremap(k: KernelContext, t: string, mapping: MappingName, newPages: number, flags: number, page?: number, pages?: number): OpResult {
  return k.fn('__do_sys_mremap', () => {
    const { MREMAP_MAYMOVE: MAYMOVE, MREMAP_FIXED: FIXED, MREMAP_DONTUNMAP: DONTUNMAP } = MREMAP;
    if (flags & ~(MAYMOVE | FIXED | DONTUNMAP)) k.fail('EINVAL', 'unknown mremap flags');
    if (flags & FIXED && !(flags & MAYMOVE)) k.fail('EINVAL', 'MREMAP_FIXED without MREMAP_MAYMOVE');
    if (flags & DONTUNMAP) k.fail('EINVAL', 'MREMAP_DONTUNMAP works only on private anonymous memory');
    if (newPages <= 0) k.fail('EINVAL', 'new size 0');
    const rg = range(k, t, mapping, page, pages);
    const mmId = task(k, t).mm;
    if (!rg || !mmId) k.fail('EFAULT', `${mapping} is not mapped`);
    if (k.sw.mremapMultiVma && flags & FIXED && newPages === rg.len / k.sw.pageSize) return remapMove(k, mmId, rg.start, rg.len);
    const id = vmaAt(k, mmId, rg.start);
    if (!id) k.fail('EFAULT', 'no VMA at the old address');
    const v = vma(k, id);
    let oldPages = rg.len / k.sw.pageSize;
    if (rg.start + rg.len > v.start + v.pages * k.sw.pageSize) k.fail('EFAULT', 'the old range runs past the end of the VMA');
    if (newPages < oldPages) {
      // Both the in-place shrink and mremap_to (MREMAP_FIXED) first unmap the tail (mm/mremap.c); only the
      // latter then moves what is left, through the same checks as a same-size move.
      splitCheck(k, id);
      splitVma(k, mmId, id, rg.start + newPages * k.sw.pageSize, (oldPages - newPages) * k.sw.pageSize);
      const tail = vmaAt(k, mmId, rg.start + newPages * k.sw.pageSize)!;
      const m = mm(k, mmId);
      removeVma(k, tail);
      k.r.set(k.mms, mmId, '_vmas', m._vmas.filter((x) => x !== tail));
      k.state(k.txt`${v.name} shrunk to ${newPages} page${newPages > 1 ? 's' : ''}`);
      if (!(flags & FIXED)) return { ret: rg.start, errno: null, signal: null };
      oldPages = newPages;
    }
    if (newPages > oldPages) k.fn('vma_to_resize', () => k.fail('EFAULT', `${v.name} is VM_DONTEXPAND|VM_PFNMAP: it cannot grow`));
    if (!(flags & FIXED)) {
      k.state(k.txt`same size without MREMAP_FIXED: nothing to do`);
      return { ret: rg.start, errno: null, signal: null };
    }
    const dest = k.sw.arch.mremapArea + mm(k, mmId)._moves * 0x100000;
    return { ret: moveVma(k, mmId, id, rg.start, oldPages * k.sw.pageSize, dest), errno: null, signal: null };
  });
}

/** move_vma of [start, start+len) of VMA `id` to `dest`: split off first (refused for special mappings from 5.11),
 *  the arch hook, then the VMA and its PTEs at their new address. Returns `dest`. */
function moveVma(k: KernelContext, mmId: string, id: string, start: number, len: number, dest: number): number {
  const cur = vma(k, id);
  const partial = start !== cur.start || len !== cur.pages * k.sw.pageSize;
  if (partial) splitCheck(k, id);
  return k.fn('move_vma', () => {
    if (cur.name === '[vvar]' && k.sw.vvarMremapSizeCheck && len / k.sw.pageSize !== k.layout.vvarNrPages) refusedMove(k, cur, start, len / k.sw.pageSize, dest);
    if (partial) splitVma(k, mmId, id, start, len);
    const moving = vmaAt(k, mmId, start)!;
    const mv = vma(k, moving);
    const m = mm(k, mmId);
    k.r.set(k.vmas, moving, 'start', dest);
    k.r.set(k.mms, mmId, '_moves', m._moves + 1);
    const bases = { ...m._bases };
    if (mv.pgoff === 0) bases[mv.name] = dest;
    k.r.set(k.mms, mmId, '_bases', bases);
    const order = [...m._vmas].sort((a, b) => vma(k, a).start - vma(k, b).start);
    k.r.set(k.mms, mmId, '_vmas', order);
    if (mv.name === '[vdso]') {
      k.r.set(k.mms, mmId, '_vdsoText', dest);
      k.fn('vdso_mremap', () => k.state(k.txt`mm->context.vdso follows the moved vDSO text`));
    }
    k.state(k.txt`${mv.name} (pgoff ${mv.pgoff}) moved to 0x${dest.toString(16)} with its PTEs; the vDSO still looks for its data at 0x${(mm(k, mmId)._vdsoText - mm(k, mmId)._vdsoDistance).toString(16)}`);
    return dest;
  });
}

/**
 * remap_move (mm/mremap.c, 6.17): a move-only mremap takes each VMA of [start, start+len) in address order to the
 * destination, at the same distance from the first as in the source (the gaps kept); a gap at the start is EFAULT,
 * one at the end is not. Each VMA is its own move_vma, so one refused (a special mapping only partly in the range:
 * the split ban) leaves those before it moved. Returns the first VMA's new address.
 */
function remapMove(k: KernelContext, mmId: string, start: number, len: number): OpResult {
  return k.fn('remap_move', () => {
    const over = overlapping(k, mmId, start, len).map((o) => o.id).sort((a, b) => vma(k, a).start - vma(k, b).start);
    if (!over.length) k.fail('EFAULT', 'no VMA in the range');
    if (vma(k, over[0]!).start > start) k.fail('EFAULT', 'a gap at the start of the range');
    const base = k.sw.arch.mremapArea + mm(k, mmId)._moves * 0x100000;
    let first: number | null = null;
    for (const id of over) {
      const v = vma(k, id);
      const from = Math.max(v.start, start);
      const to = Math.min(v.start + v.pages * k.sw.pageSize, start + len);
      const at = moveVma(k, mmId, id, from, to - from, base + (from - start));
      first ??= at;
    }
    return { ret: first!, errno: null, signal: null };
  });
}

/**
 * move_vma (mm/mremap.c, 5.6–5.10) when the arch vvar_mremap hook refuses the new size: the range was copied to a new
 * VMA (copy_vma; the original is not split) and its PTEs moved, the hook says EINVAL, the PTEs go back and the copy
 * is unmapped. The original [vvar] stays whole, with its PTEs.
 */
function refusedMove(k: KernelContext, v: VmaRec, start: number, pages: number, dest: number): never {
  const pg = v.pgoff + (start - v.start) / k.sw.pageSize;
  const what = `${pages} page${pages > 1 ? 's' : ''} (pgoff ${pg})`;
  k.fn('copy_vma', () => k.state(k.txt`a new VMA for ${what} of ${v.name} at 0x${dest.toString(16)}; the original VMA is not split`));
  k.fn('move_page_tables', () => k.state(k.txt`PTEs of ${what} moved to the copy`));
  try {
    k.fn('vvar_mremap', () => k.fail('EINVAL', `the moved [vvar] would be ${pages} of ${k.layout.vvarNrPages} pages`));
  } catch (e) {
    if (!(e instanceof KErr)) throw e;
  }
  k.fn('move_page_tables', () => k.state(k.txt`the hook failed: PTEs of ${what} moved back`));
  k.fn('do_munmap', () => k.state(k.txt`the copy at 0x${dest.toString(16)} is unmapped; ${v.name} stays whole (${v.pages} page${v.pages > 1 ? 's' : ''})`));
  throw new KErr('EINVAL');
}
