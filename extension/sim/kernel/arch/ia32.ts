// x86_64's ia32 (32-bit) images (CONFIG_IA32_EMULATION): compat_arch_setup_additional_pages → load_vdso32 →
// map_vdso(&vdso_image_32, 0) (arch/x86/entry/vdso/vma.c): the same [vvar] (and [vvar_vclock]) as a 64-bit task
// below the vdso32 text, placed by get_unmapped_area under the 32-bit mmap base; no [vsyscall] gate area.

import { COMPAT_ABI } from '../../types';
import type { KernelContext } from '../context';
import { placeLayout, type CompatAbi, type CompatMappings } from './compat';

/**
 * Where get_unmapped_area starts for an ia32 task: mmap_compat_base (arch/x86/mm/mmap.c arch_pick_mmap_layout,
 * read through get_mmap_base while TS_COMPAT is set) = IA32_PAGE_OFFSET 0xffffe000 less the 128 MiB minimum gap,
 * without randomisation (our choice, like the native layout's); a static program has no interpreter above it.
 */
export const IA32_MMAP_BASE = 0xf7ffe000;
function ia32Mappings(k: KernelContext): CompatMappings {
  // map_vdso asks for image->size - image->sym_vvar_start bytes in one get_unmapped_area: the vvar pages (the same
  // vdso-layout.lds.S, so the same layout and the same vvar_mapping, vvar_fault and zap as a 64-bit task), then text
  const pages = k.sw.vdso32Pages;
  const vmas = [...k.layout.vmas.slice(0, -1), { ...k.layout.vmas[k.layout.vmas.length - 1], pages }];
  const text = IA32_MMAP_BASE - pages * k.sw.pageSize;
  const placed = placeLayout(k, vmas, text);
  k.state(k.txt`map_vdso(&vdso_image_32, 0): ${placed.map((v) => `${v.name} ${v.pages} page${v.pages > 1 ? 's' : ''}`).join(', ')} below the 32-bit mmap base 0x${IA32_MMAP_BASE.toString(16)} (the same vvar_mapping and vvar_fault as a 64-bit task)`);
  return { placed, text, distance: text - placed[0].start };
}

export const IA32: CompatAbi = {
  name: COMPAT_ABI.x86_64,
  setupPath: ['compat_arch_setup_additional_pages', 'load_vdso32', 'map_vdso'],
  personality: 'COMPAT_SET_PERSONALITY (set_personality_ia32) sets TIF_ADDR32 and TS_COMPAT and leaves MM_CONTEXT_HAS_VSYSCALL out of the new mm',
  refused: (k) => (k.sw.ia32Emulation ? null
    : 'ia32 emulation is off (ia32_emulation=false, 6.7+; or CONFIG_IA32_EMULATION=n, or a hypervisor that disables it): compat_elf_check_arch refuses the EM_386 image, so no binfmt loads it'),
  mappings: ia32Mappings,
  // the vdso32 build reads the clocksource like the 64-bit vDSO (vdso_clocksource_ok is the generic one)
  clockModeOk: null,
};
