// VMA records of special mappings: every creation, removal and PTE change goes through here, so the memo's index
// of which mm maps which physical page stays exact; and find_vma.

import type { PteState, VmaRec } from '../../store/records';
import { PROT } from '../../types';
import { mm, vma, type KernelContext } from '../context';


export function createVma(k: KernelContext, id: string, v: VmaRec): void {
  const before = k.vmas.get(id);
  k.r.create(k.vmas, id, v);
  k.memo.ptesChanged(id, before ? before.ptes : null, v.ptes);
}

export function removeVma(k: KernelContext, id: string): void {
  const before = k.vmas.get(id);
  k.r.remove(k.vmas, id);
  if (before) k.memo.ptesChanged(id, before.ptes, null);
}

export function setPtes(k: KernelContext, id: string, ptes: readonly (PteState | null)[]): void {
  const before = vma(k, id).ptes;
  k.r.set(k.vmas, id, 'ptes', ptes);
  k.memo.ptesChanged(id, before, ptes);
}

/** find_vma: the VMA of `mmId` that contains `addr`. */
export function vmaAt(k: KernelContext, mmId: string, addr: number): string | null {
  for (const id of mm(k, mmId)._vmas) {
    const v = vma(k, id);
    if (addr >= v.start && addr < v.start + v.pages * k.sw.pageSize) return id;
  }
  return null;
}

/** The executable [vdso] text at `addr` (mm->context.vdso), or null: a jump into the vDSO fetches its instructions there. */
export function vdsoTextAt(k: KernelContext, mmId: string, addr: number): VmaRec | null {
  const id = vmaAt(k, mmId, addr);
  const v = id ? vma(k, id) : null;
  return v && v.name === '[vdso]' && v.prot & PROT.PROT_EXEC ? v : null;
}
