// User-space reads of the special mappings, by the vDSO or by a scenario's `touch`: the PTE if there is one, else
// a page fault. A read returns the physical page it reached, or null when it raised a signal.

import type { OpResult } from '../../api';
import type { MappingName } from '../../ops';
import { PROT } from '../../types';
import { mm, setLastResult, task, vma, type KernelContext } from '../context';
import type { Fault } from '../vdso/vvar';
import { pageFault, segv } from './fault';
import { vmaAt } from './vma';

/** Read address `addr` of `mmId` (the task's mm). Returns the physical page, or null when the read raised a signal
 *  (then in k.readSignal): this runs several times per vDSO call, so it builds no result object. */
export function userRead(k: KernelContext, t: string, mmId: string, addr: number, cause: number): string | null {
  const id = vmaAt(k, mmId, addr);
  if (!id) return readFault(k, segv(k, t, addr, 'SEGV_MAPERR: nothing is mapped there', cause));
  const v = vma(k, id);
  if (!(v.prot & PROT.PROT_READ)) return readFault(k, segv(k, t, addr, `SEGV_ACCERR: ${v.name} is PROT_NONE`, cause));
  const index = Math.floor((addr - v.start) / k.sw.pageSize);
  if (v.name === '[vdso]') return 'page#vdso-text';
  const pte = v.ptes[index];
  if (pte) return pte.page;
  return readFault(k, pageFault(k, t, id, index, cause));
}

function readFault(k: KernelContext, f: Fault): string | null {
  if (f.ok) return f.phys;
  k.readSignal = f.signal;
  return null;
}

/** `touch`: a task reads page `page` of one of its special mappings, as user code would. */
export function userTouch(k: KernelContext, t: string, mapping: MappingName, page: number): OpResult {
  const me = task(k, t);
  const enter = k.enter('call', 'user_access', k.txt`${t} reads ${mapping} page ${page}`);
  let res: OpResult;
  const base = me.mm ? mm(k, me.mm)._bases[mapping] : undefined;
  if (base === undefined) {
    res = { ret: null, errno: null, signal: 'SIGSEGV' };
    k.ev('signal', k.txt`SIGSEGV to ${t}: no ${mapping} in this layout`, { signal: 'SIGSEGV' });
  } else {
    const f = userRead(k, t, me.mm!, base + page * k.sw.pageSize, enter);
    res = f !== null ? { ret: 0, errno: null, signal: null, text: f } : { ret: null, errno: null, signal: k.readSignal };
  }
  setLastResult(k, t, res);
  k.exit('return', enter, res.signal ? k.txt`${res.signal}` : k.txt`ok: ${res.text}`, res);
  return res;
}
