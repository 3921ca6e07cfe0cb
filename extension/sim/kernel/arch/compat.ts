// arm64 AArch32 (compat) images (arch/arm64/kernel/vdso.c aarch32_setup_additional_pages): [vectors] with the kuser
// helpers (CONFIG_KUSER_HELPERS), the compat vDSO's [vvar] and [vdso] (CONFIG_COMPAT_VDSO), then [sigpage].

import { PROT } from '../../types';
import type { VmaLayout } from '../../profile';
import type { CompatMappingName } from '../../ops';
import type { KernelContext } from '../context';
import { PAGE } from '../mm/vma';

/** AA32_VECTORS_BASE (arch/arm64/include/asm/processor.h): the kuser helpers' fixed page. */
export const AA32_VECTORS_BASE = 0xffff0000;
/**
 * Where get_unmapped_area starts for an AArch32 task: mmap_base (mm/util.c) = TASK_SIZE_32 (4 GiB) less the
 * MIN_GAP of 128 MiB, without randomisation (our choice, like the native layout's 0xfffff8000000).
 */
export const COMPAT_MMAP_BASE = 0xf8000000;
/** Pages of the vdso32 text: the AArch32 vDSO has no getrandom and fits one page (our choice; timens verify compares it). */
export const VDSO32_PAGES = 1;

/** The functions an AArch32 task's runs record (sim/index.ts KERNEL_FUNCTIONS): the exec's mappings and the
 *  AArch32 vDSO's entries (arch/arm64/kernel/vdso32/vdso.lds.S). */
export const COMPAT_FUNCTIONS: readonly string[] = ['aarch32_setup_additional_pages', '__vdso_clock_gettime64', '__vdso_gettimeofday', '__vdso_clock_getres'];

/** One special mapping of a new mm: where it goes and what it is. */
export interface Placed {
  readonly name: VmaLayout['name'] | CompatMappingName;
  readonly start: number;
  readonly pages: number;
  readonly prot: number;
  readonly flags: readonly string[];
  readonly pfnmap: boolean;
}

/** VM_READ|VM_EXEC|VM_MAYREAD|VM_MAYWRITE|VM_MAYEXEC ([sigpage]) and without VM_MAYWRITE ([vectors]). */
const SIGPAGE_FLAGS = ['VM_READ', 'VM_EXEC', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC'];
const VECTORS_FLAGS = ['VM_READ', 'VM_EXEC', 'VM_MAYREAD', 'VM_MAYEXEC'];

/** The native layout placed below `text` (arch_setup_additional_pages): [vvar] pages, then the vDSO text. */
export function placeLayout(vmas: readonly VmaLayout[], text: number): Placed[] {
  const before = vmas.slice(0, -1).reduce((s, v) => s + v.pages, 0);
  let addr = text - before * PAGE;
  return vmas.map((l) => {
    const p: Placed = { name: l.name, start: addr, pages: l.pages, prot: l.name === '[vdso]' ? PROT.PROT_READ | PROT.PROT_EXEC : PROT.PROT_READ, flags: l.flags, pfnmap: l.pfnmap };
    addr += l.pages * PAGE;
    return p;
  });
}

/**
 * aarch32_setup_additional_pages, in its order: aarch32_kuser_helpers_setup ([vectors] at AA32_VECTORS_BASE),
 * __setup_additional_pages(VDSO_ABI_AA32) (the same [vvar] as a native task, served by the same vvar_fault since
 * [PATCH v4 1/6]; then the vdso32 text), aarch32_sigreturn_setup ([sigpage] from get_unmapped_area, top-down: below
 * what is mapped). Returns the mappings and where the vDSO text is (0: none).
 */
export function compatMappings(k: KernelContext): { placed: Placed[]; text: number; distance: number } {
  const placed: Placed[] = [];
  if (k.sw.kuserHelpers) {
    placed.push({ name: '[vectors]', start: AA32_VECTORS_BASE, pages: 1, prot: PROT.PROT_READ | PROT.PROT_EXEC, flags: VECTORS_FLAGS, pfnmap: false });
    k.state(k.txt`aarch32_kuser_helpers_setup: [vectors] at 0x${AA32_VECTORS_BASE.toString(16)} (CONFIG_KUSER_HELPERS)`);
  }
  let low = COMPAT_MMAP_BASE;
  let text = 0;
  let distance = 0;
  if (k.sw.compatVdso) {
    const vmas = [...k.layout.vmas.slice(0, -1), { ...k.layout.vmas[k.layout.vmas.length - 1], pages: VDSO32_PAGES }];
    text = COMPAT_MMAP_BASE - VDSO32_PAGES * PAGE;
    const mapped = placeLayout(vmas, text);
    placed.push(...mapped);
    low = mapped[0].start;
    distance = text - low;
    k.state(k.txt`__setup_additional_pages(VDSO_ABI_AA32): ${mapped.map((v) => `${v.name} ${v.pages} page${v.pages > 1 ? 's' : ''}`).join(', ')} (CONFIG_COMPAT_VDSO; the compat [vvar] is served by ${k.sw.vvarFaultCallback ? 'vvar_fault' : 'its page list'})`);
  } else {
    k.state(k.txt`CONFIG_COMPAT_VDSO is not set: no vDSO for the AArch32 image (libc will make the compat system calls)`);
  }
  placed.push({ name: '[sigpage]', start: low - PAGE, pages: 1, prot: PROT.PROT_READ | PROT.PROT_EXEC, flags: SIGPAGE_FLAGS, pfnmap: false });
  k.state(k.txt`aarch32_sigreturn_setup: [sigpage] at 0x${(low - PAGE).toString(16)}`);
  return { placed, text, distance };
}
