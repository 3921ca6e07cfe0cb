// The mm of a task (kernel/fork.c, mm/mmap.c): a new mm with the vDSO's special mappings
// (arch_setup_additional_pages / map_vdso), dup_mm at fork with the PFN-mapped PTEs copied, and mmput.

import type { MmRec, PteState, VmaRec } from '../../store/records';
import { counter, mm, vma, type KernelContext } from '../context';
import { EMPTY_REFS, refsAdd, refsRemove } from '../../store/reflist';
import { createVma, removeVma } from './vma';
import { placeLayout, type Placed } from '../arch/compat';

/** A fresh mm with its special mappings; exec creates it empty first (exec_mmap) and maps them later. */
export function newMm(k: KernelContext, withMappings = true, userNs = 'user#0'): string {
  const id = `mm#${counter(k, 'mm')}`;
  const m: MmRec = { id, users: EMPTY_REFS, _vmas: [], _vdsoText: 0, _vdsoDistance: 0, _bases: {}, _moves: 0, _userNs: userNs, _lastZap: -1 };
  k.r.create(k.mms, id, m);
  if (withMappings) installSpecialMappings(k, id);
  return id;
}

/** arch_setup_additional_pages / map_vdso: [vvar] (+ [vvar_vclock]) below the vDSO text, PTEs empty. */
export function installSpecialMappings(k: KernelContext, id: string): void {
  const text = k.sw.arch.vdsoText;
  const placed = placeLayout(k, k.layout.vmas, text);
  install(k, id, placed, text, text - placed[0].start);
}

/** The compat ABI's setup (arch/compat.ts, arch/ia32.ts) for a 32-bit image: the mm is marked compat. */
export function installCompatMappings(k: KernelContext, id: string): void {
  const { placed, text, distance } = k.modules.compat.mappings(k);
  k.r.set(k.mms, id, '_compat', true);
  install(k, id, placed, text, distance);
}

function install(k: KernelContext, id: string, placed: readonly Placed[], text: number, distance: number): void {
  const ids: string[] = [];
  const bases: Record<string, number> = {};
  for (const l of [...placed].sort((a, b) => a.start - b.start)) {
    const vid = `${id}/${l.name}`;
    ids.push(vid);
    bases[l.name] = l.start;
    const v: VmaRec = {
      name: l.name, start: l.start, pages: l.pages, pgoff: 0, prot: l.prot,
      flags: l.flags, ptes: Array<PteState | null>(l.pages).fill(null), sigbus: [], _pfnmap: l.pfnmap,
    };
    createVma(k, vid, v);
  }
  k.r.set(k.mms, id, '_vmas', ids);
  k.r.set(k.mms, id, '_vdsoText', text);
  k.r.set(k.mms, id, '_vdsoDistance', distance);
  k.r.set(k.mms, id, '_bases', bases);
}

/** dup_mm: a copy of `src` for `child`; PFN-mapped PTEs are copied (copy_page_range), page lists are not. */
export function dupMm(k: KernelContext, src: string, child: string, cause: number): string {
  const s = mm(k, src);
  const id = `mm#${counter(k, 'mm')}`;
  const ids: string[] = [];
  const copied: { id: string; i: number; page: string }[] = [];
  for (const vid of s._vmas) {
    const v = vma(k, vid);
    const nid = id + vid.slice(vid.indexOf('/'));
    ids.push(nid);
    const ptes = v._pfnmap ? v.ptes : v.ptes.map(() => null);
    createVma(k, nid, { ...v, ptes, sigbus: [] });
    if (v._pfnmap) v.ptes.forEach((p, i) => { if (p) copied.push({ id: nid, i, page: p.page }); });
  }
  k.r.create(k.mms, id, { ...s, id, users: EMPTY_REFS, _vmas: ids, _lastZap: -1 } satisfies MmRec);
  k.state(k.txt`${id} created for ${child} as a copy of ${src}`);
  if (copied.length) {
    k.fn('copy_page_range', () => {
      for (const c of copied) {
        const v = vma(k, c.id);
        k.ev('pte-insert', k.txt`PTE ${v.name}[${c.i}] → ${c.page} copied from ${src} (VM_PFNMAP)`, { causes: [cause], page: { mm: id, vma: v.name, index: c.i, phys: c.page } });
      }
    });
  }
  return id;
}

/** `taskId` starts using `mmId`. */
export function addMmUser(k: KernelContext, taskId: string, mmId: string): void {
  k.r.set(k.mms, mmId, 'users', refsAdd(mm(k, mmId).users, taskId));
  k.memo.mmUsersChanged(mmId, taskId, true);
}

/** `taskId` stops using `mmId`; the last user frees it (mmput). */
export function dropMm(k: KernelContext, taskId: string, mmId: string): void {
  const m = mm(k, mmId);
  k.r.set(k.mms, mmId, 'users', refsRemove(m.users, taskId));
  k.memo.mmUsersChanged(mmId, taskId, false);
  if (k.memo.usersOf(mmId).size === 0) {
    k.fn('mmput', () => {
      for (const vid of m._vmas) removeVma(k, vid);
      k.r.remove(k.mms, mmId);
      k.state(k.txt`${mmId} freed`);
    });
  }
}
