// A user access to a special mapping that finds no PTE: the arch fault entry (exc_page_fault on x86, do_mem_abort
// on arm64, named by the profile), handle_mm_fault → __do_fault → special_mapping_fault, vmf_insert_pfn, and the
// SIGBUS or SIGSEGV that ends a fault with nothing to map.

import { mm, vma, type KernelContext } from '../context';
import { without } from '../../store/reflist';
import { specialMappingFault, type Fault } from '../vdso/vvar';
import { setPtes } from './vma';

/** A fault that maps nothing: SEGV_MAPERR/SEGV_ACCERR at `addr`. */
export function segv(k: KernelContext, t: string, addr: number, why: string, cause: number): Fault {
  const a = k.sw.arch;
  k.fn(a.faultEntry, () => k.fn(a.faultHandler, () => {
    k.ev('fault', k.txt`fault at 0x${addr.toString(16)}: ${why}`, { causes: cause >= 0 ? [cause] : [] });
    k.fn(a.segvFn, () => {
      k.ev('signal', k.txt`SIGSEGV to ${t}`, { signal: 'SIGSEGV' });
    });
  }));
  return { ok: false, signal: 'SIGSEGV' };
}

/** A fault on page `index` of VMA `id`, caused by event `cause` (and by the last zap of the mm, if any). */
export function pageFault(k: KernelContext, t: string, id: string, index: number, cause: number): Fault {
  const v = vma(k, id);
  const mmId = id.slice(0, id.indexOf('/'));
  const zapCause = mm(k, mmId)._lastZap;
  const a = k.sw.arch;
  const causes = cause >= 0 ? (zapCause >= 0 ? [cause, zapCause] : [cause]) : zapCause >= 0 ? [zapCause] : [];
  return k.fn(a.faultEntry, () => k.fn(a.faultHandler, () => {
    let f = -1;
    const out = k.fn('handle_mm_fault', () => {
      const pgoff = v.pgoff + index;
      f = k.ev('fault', k.txt`${t} faults on ${v.name} page ${index} (pgoff ${pgoff}) of ${mmId}`, { causes, page: { mm: mmId, vma: v.name, index, phys: null } });
      if (zapCause >= 0) k.r.set(k.mms, mmId, '_lastZap', -1);
      return k.fn('__do_fault', () => k.fn('special_mapping_fault', () => specialMappingFault(k, t, id, index, f)));
    }, (o) => (o.ok ? k.txt`handle_mm_fault returns 0` : k.txt`handle_mm_fault returns VM_FAULT_SIGBUS`));
    if (!out.ok) {
      const sig = vma(k, id).sigbus;
      if (!sig.includes(index)) k.r.set(k.vmas, id, 'sigbus', [...sig, index].sort((x, y) => x - y));
      k.fn(a.sigbusFn, () => k.ev('signal', k.txt`SIGBUS to ${t}: ${v.name} page ${index} has nothing to map`, { signal: 'SIGBUS', causes: [f] }));
    }
    return out;
  }));
}

/** vmf_insert_pfn: map `page` at page `index` of VMA `id`; false when the address is outside the VMA. */
export function insertPfn(k: KernelContext, id: string, index: number, page: string, cause: number): boolean {
  const v = vma(k, id);
  if (index < 0 || index >= v.pages) {
    k.fn('vmf_insert_pfn', () => k.state(k.txt`address outside ${v.name}: insert refused (VM_FAULT_SIGBUS)`));
    return false;
  }
  return k.fn('vmf_insert_pfn', () => {
    if (v.ptes[index]) {
      k.state(k.txt`${v.name}[${index}] already maps ${v.ptes[index]!.page}: left unchanged`);
      return true;
    }
    const mmId = id.slice(0, id.indexOf('/'));
    const ptes = v.ptes.slice();
    ptes[index] = { page, sinceEvent: k.r.n };
    setPtes(k, id, ptes);
    if (v.sigbus.includes(index)) k.r.set(k.vmas, id, 'sigbus', without(v.sigbus, index));
    k.ev('pte-insert', k.txt`PTE ${v.name}[${index}] → ${page}`, { causes: [cause], page: { mm: mmId, vma: v.name, index, phys: page } });
    return true;
  }, undefined, k.txt`vmf_insert_pfn(${v.name}[${index}], ${page})`);
}
