// The vvar special mapping: its fault handlers, built from the per-page pieces every architecture shares (the data
// page, the time-namespace page, pvclock/hvclock, rng, arch data), find_timens_vvar_page, and vdso_join_timens,
// which zaps the [vvar] PTEs of an mm when a task joins a time namespace. Which handler serves which mapping is
// chosen per profile in kernel/modules.ts (arch/x86.ts, arch/arm64.ts, vdso/datastore.ts).

import type { PageRole, SwitchValues } from '../../profile';
import type { PageRec, VmaRec } from '../../store/records';
import { mm, np, ns, task, vma, type KernelContext } from '../context';
import { insertPfn } from '../mm/fault';
import { setPtes } from '../mm/vma';

/** The outcome of a fault: the physical page now mapped, or the signal the task gets. */
export type Fault = { ok: true; phys: string } | { ok: false; signal: 'SIGBUS' | 'SIGSEGV' };
const BUS: Fault = { ok: false, signal: 'SIGBUS' };

/** What the handler does for one kind of page: `index` is the page in VMA `key`, `pgoff` its vm_pgoff. */
export type PageFault = (k: KernelContext, t: string, key: string, v: VmaRec, index: number, pgoff: number, faultEv: number) => Fault;

/** A fault callback of a special mapping (struct vm_special_mapping.fault): its name and what it maps per page role. */
export interface FaultHandler {
  readonly name: string;
  readonly pages: { readonly [R in PageRole]?: PageFault };
}

function mapped(k: KernelContext, key: string, index: number, page: string, faultEv: number): Fault {
  return insertPfn(k, key, index, page, faultEv) ? { ok: true, phys: page } : BUS;
}

/** The data page: the namespace's page for a task in a time namespace (with the host page prefaulted at the
 *  timens slot where the layout does so), else the host's. */
export function dataPage(k: KernelContext, t: string, key: string, v: VmaRec, index: number, _pgoff: number, faultEv: number): Fault {
  const nsPage = findTimensVvarPage(k, t);
  if (nsPage) {
    if (k.layout.prefault && k.layout.timensSlot !== null) {
      const at = k.layout.timensSlot - v.pgoff;
      if (!insertPfn(k, key, at, 'page#host', faultEv)) return BUS;
    }
    return mapped(k, key, index, nsPage, faultEv);
  }
  return mapped(k, key, index, 'page#host', faultEv);
}

/** The timens slot: the real (host) data page, for a task in a time namespace only; outside one, the datastore's
 *  own (unused) page at that slot once its pages are allocated (7.3), else SIGBUS. */
export function timensPage(k: KernelContext, t: string, key: string, _v: VmaRec, index: number, _pgoff: number, faultEv: number): Fault {
  const nsPage = findTimensVvarPage(k, t);
  if (!nsPage && k.layout.datastorePages) {
    k.state(k.txt`${timensFaultWhy(k, t)}: the timens slot maps the datastore's own page there (vdso_data_pages + VDSO_TIMENS_PAGE_OFFSET)`);
    return mapped(k, key, index, 'page#datastore-timens', faultEv);
  }
  if (!nsPage) {
    k.state(k.txt`${timensFaultWhy(k, t)}: the timens page slot gives SIGBUS`);
    return BUS;
  }
  return mapped(k, key, index, 'page#host', faultEv);
}

/** The pvclock page, which vvar_fault maps from now on, where the layout has a slot for it (x86_64). */
export function createPvclockPage(k: KernelContext): void {
  if (!k.layout.vmas.some((v) => v.roles.includes('pvclock')) || k.pages.get('page#pvclock')) return;
  k.r.create(k.pages, 'page#pvclock', { id: 'page#pvclock', kind: 'pvclock', ns: null, blockOffset: 0, blocks: [] } satisfies PageRec);
}

export function pvclockPage(k: KernelContext, _t: string, key: string, _v: VmaRec, index: number, _pgoff: number, faultEv: number): Fault {
  if (k.pages.get('page#pvclock')) return mapped(k, key, index, 'page#pvclock', faultEv);
  k.state(k.txt`no pvclock page in use: VM_FAULT_SIGBUS`);
  return BUS;
}

export function hvclockPage(k: KernelContext): Fault {
  k.state(k.txt`no Hyper-V TSC page: VM_FAULT_SIGBUS`);
  return BUS;
}

export function rngPage(k: KernelContext, _t: string, key: string, _v: VmaRec, index: number, _pgoff: number, faultEv: number): Fault {
  return mapped(k, key, index, 'page#rng', faultEv);
}

/** The arch data slot: SIGBUS without CONFIG_ARCH_HAS_VDSO_ARCH_DATA (x86_64 and arm64 select none) until the
 *  datastore's pages are allocated (7.3), which maps the page at the slot whatever the config. */
export function archPage(k: KernelContext, _t: string, key: string, _v: VmaRec, index: number, _pgoff: number, faultEv: number): Fault {
  if (k.layout.datastorePages) return mapped(k, key, index, 'page#arch', faultEv);
  k.state(k.txt`no arch data page on this machine: VM_FAULT_SIGBUS`);
  return BUS;
}

function roleOf(k: KernelContext, v: VmaRec, pgoff: number): PageRole | 'text' | undefined {
  return k.layout.vmas.find((l) => l.name === v.name)?.roles[pgoff];
}

/** special_mapping_fault for page `index` of VMA `key`: the mapping's fault callback, or its page list. */
export function specialMappingFault(k: KernelContext, t: string, key: string, index: number, faultEv: number): Fault {
  const v = vma(k, key);
  const pgoff = v.pgoff + index;
  const role = roleOf(k, v, pgoff);
  if (!v._pfnmap) {
    // A page-list special mapping (arm64 before patch 1, d53b5c013e1e): special_mapping_fault walks vdso_pagelist,
    // [the data page, vDSO text page 0, 1, …], for every task: page 0 is the one global data page whatever the
    // namespace, and a page past it (the 2-page [vvar] of a forced build without patch 1) is vDSO text.
    if (role === 'data') return mapped(k, key, index, 'page#host', faultEv);
    const text = pgoff - 1;
    if (v.name === '[vvar]' && text >= 0 && text < (k.layout.vmas.find((l) => l.name === '[vdso]')?.pages ?? 0)) {
      k.state(k.txt`${v.name} page ${pgoff} is entry ${pgoff} of vdso_pagelist: vDSO text page ${text}`);
      return mapped(k, key, index, `page#vdso-text${text}`, faultEv);
    }
    k.state(k.txt`${v.name} page ${pgoff} is not in the page list: VM_FAULT_SIGBUS`);
    return BUS;
  }
  const h = v.name === '[vvar_vclock]' ? k.modules.vclockFault : k.modules.vvarFault;
  return k.fn(h.name, () => {
    const page = role === undefined || role === 'text' ? undefined : h.pages[role];
    if (page) return page(k, t, key, v, index, pgoff, faultEv);
    k.state(k.txt`page ${pgoff} is past the end of the vvar layout: VM_FAULT_SIGBUS`);
    return BUS;
  }, (f) => (f.ok ? k.txt`${h.name} mapped ${f.phys}` : k.txt`${h.name} returns VM_FAULT_SIGBUS`));
}

function timensFaultWhy(k: KernelContext, t: string): string {
  if (!k.sw.timensFault) return 'arm64 [PATCH v4 4/6] is missing, vvar_fault never maps timens pages';
  return `${t} is in the initial time namespace`;
}

/** find_timens_vvar_page: the faulting task's time_ns page (null for the initial namespace). */
export function findTimensVvarPage(k: KernelContext, t: string): string | null {
  if (!k.sw.timensFault) return null;
  return k.fn('find_timens_vvar_page', () => ns(k, np(k, task(k, t).nsproxy).time_ns).vvar_page,
    (p) => k.txt`find_timens_vvar_page returns ${p ?? 'NULL (root namespace)'}`);
}

/** The unlock of each lock vdso_join_timens takes (x86 5.6-5.7 mmap_sem, 5.8 the mmap_lock API, 5.9+ the read lock). */
const ZAP_UNLOCK: Readonly<Record<SwitchValues['zapLock'], string>> = {
  down_write_killable: 'up_write', mmap_write_lock_killable: 'mmap_write_unlock', mmap_read_lock: 'mmap_read_unlock',
};

/** vdso_join_timens: take the mmap lock, zap every PTE of the [vvar] VMAs of `mmId`, unlock. `sigkill`: a
 *  /proc/PID/maps reader holds the lock for reading and SIGKILL is pending while the caller waits for it. */
export function vdsoJoinTimens(k: KernelContext, mmId: string | null, target: string, cause: number, sigkill = false): void {
  k.fn('vdso_join_timens', () => {
    if (!mmId) return;
    if (!k.sw.zapOnJoin) {
      k.state(k.txt`no zap: arm64 [PATCH v4 2/6] is missing, so the PTEs of ${mmId} keep whatever page they map`);
      return;
    }
    const lock = k.sw.zapLock;
    k.fn(lock, () => {
      if (!sigkill) return;
      // __down_write_common(sem, TASK_KILLABLE): a writer waits behind the reader, and a waiting killable
      // sleeper gives up on a fatal signal; a reader shares the lock with the reader and does not wait.
      if (lock === 'mmap_read_lock') k.state(k.txt`a /proc/PID/maps reader holds ${mmId} for reading: the read lock is shared, no wait, so the pending SIGKILL is not seen here`);
      else k.fail('EINTR', `a /proc/PID/maps reader holds ${mmId}'s mmap lock and SIGKILL is pending while ${lock} waits: -EINTR, nothing zapped`);
    }, undefined, k.txt`${lock}(${mmId})${lock === 'mmap_read_lock' ? ': the read lock, which cannot fail (5.9+)' : ': the write lock, killable: -EINTR if it must wait while a fatal signal is pending (5.6-5.8)'}`);
    const m = mm(k, mmId);
    const vvars = m._vmas.filter((id) => vma(k, id).name === '[vvar]');
    const summary = k.txt`zap [vvar] of ${mmId} (${vvars.length ? vvars.map((id) => `${vma(k, id).ptes.filter(Boolean).length} PTEs`).join(', ') : 'no [vvar] VMA yet'}) for ${target}`;
    for (const id of vvars) {
      const v = vma(k, id);
      if (v.ptes.some(Boolean)) setPtes(k, id, v.ptes.map(() => null));
    }
    const z = k.ev('zap', summary, { causes: [cause] });
    k.r.set(k.mms, mmId, '_lastZap', z);
    k.fn(ZAP_UNLOCK[lock], () => undefined, undefined, k.txt`${ZAP_UNLOCK[lock]}(${mmId})`);
  }, undefined, k.txt`vdso_join_timens(${mmId ?? 'no mm'}, ${target})`);
}
