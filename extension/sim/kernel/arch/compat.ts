// The 32-bit (compat) image of an architecture, as execve(…, compat) maps it: what every compat ABI provides
// (CompatAbi), and arm64's AArch32 one (arch/arm64/kernel/vdso.c aarch32_setup_additional_pages): [vectors] with the
// kuser helpers (CONFIG_KUSER_HELPERS), the compat vDSO's [vvar] and [vdso] (CONFIG_COMPAT_VDSO), then [sigpage].

import { COMPAT_ABI, PROT } from '../../types';
import type { VmaLayout } from '../../profile';
import type { CompatMappingName } from '../../ops';
import type { KernelContext } from '../context';

/** AA32_VECTORS_BASE (arch/arm64/include/asm/processor.h): the kuser helpers' fixed page. */
export const AA32_VECTORS_BASE = 0xffff0000;
/**
 * Where get_unmapped_area starts for an AArch32 task: mmap_base (mm/util.c) = TASK_SIZE_32 (4 GiB) less the
 * MIN_GAP of 128 MiB, without randomisation (our choice, like the native layout's 0xfffff8000000).
 */
export const COMPAT_MMAP_BASE = 0xf8000000;
/** Pages of the vdso32 text: the AArch32 vDSO has no getrandom and fits one page (our choice; timens verify compares it). */
export const VDSO32_PAGES = 1;

/** The functions a compat task's runs record (sim/index.ts KERNEL_FUNCTIONS): the exec's mappings and the 32-bit
 *  vDSOs' entries (arch/arm64/kernel/vdso32/vdso.lds.S, arch/x86/entry/vdso/vdso32/vdso32.lds.S). */
export const COMPAT_FUNCTIONS: readonly string[] = ['aarch32_setup_additional_pages', 'compat_arch_setup_additional_pages', 'load_vdso32', 'map_vdso',
  '__vdso_clock_gettime64', '__vdso_gettimeofday', '__vdso_clock_getres'];

/** The special mappings of a new compat mm, and where its vDSO text is (0: none) and its data below it. */
export interface CompatMappings {
  readonly placed: Placed[];
  readonly text: number;
  readonly distance: number;
}

/** An architecture's 32-bit ABI (kernel/modules.ts chooses it): how execve(…, compat) loads and maps its image. */
export interface CompatAbi {
  /** Its name in events and messages: 'AArch32', 'ia32'. */
  readonly name: string;
  /** compat_arch_setup_additional_pages as the architecture names it, and what it calls. */
  readonly setupPath: readonly string[];
  /** What COMPAT_SET_PERSONALITY does, said in the exec's event. */
  readonly personality: string;
  /** Why compat_elf_check_arch refuses the image (ENOEXEC before the point of no return), or null: it loads. */
  refused(k: KernelContext): string | null;
  /** The special mappings, in the order the setup installs them (each one's state event is written here). */
  mappings(k: KernelContext): CompatMappings;
  /** The 32-bit vDSO's own clocksource test where it is not the native one (arm64), else null. */
  readonly clockModeOk: ((mode: string, prefix: string) => boolean) | null;
}

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
export function placeLayout(k: KernelContext, vmas: readonly VmaLayout[], text: number): Placed[] {
  const before = vmas.slice(0, -1).reduce((s, v) => s + v.pages, 0);
  let addr = text - before * k.sw.pageSize;
  return vmas.map((l) => {
    const p: Placed = { name: l.name, start: addr, pages: l.pages, prot: l.name === '[vdso]' ? PROT.PROT_READ | PROT.PROT_EXEC : PROT.PROT_READ, flags: l.flags, pfnmap: l.pfnmap };
    addr += l.pages * k.sw.pageSize;
    return p;
  });
}

/**
 * arm64's AArch32 ABI. aarch32_setup_additional_pages, in its order: aarch32_kuser_helpers_setup ([vectors] at AA32_VECTORS_BASE),
 * __setup_additional_pages(VDSO_ABI_AA32) (the same [vvar] as a native task, served by the same vvar_fault since
 * [PATCH v4 1/6]; then the vdso32 text), aarch32_sigreturn_setup ([sigpage] from get_unmapped_area, top-down: below
 * what is mapped). Returns the mappings and where the vDSO text is (0: none).
 */
function aarch32Mappings(k: KernelContext): CompatMappings {
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
    text = COMPAT_MMAP_BASE - VDSO32_PAGES * k.sw.pageSize;
    const mapped = placeLayout(k, vmas, text);
    placed.push(...mapped);
    low = mapped[0].start;
    distance = text - low;
    k.state(k.txt`__setup_additional_pages(VDSO_ABI_AA32): ${mapped.map((v) => `${v.name} ${v.pages} page${v.pages > 1 ? 's' : ''}`).join(', ')} (CONFIG_COMPAT_VDSO; the compat [vvar] is served by ${k.sw.vvarFaultCallback ? 'vvar_fault' : 'its page list'})`);
  } else {
    k.state(k.txt`CONFIG_COMPAT_VDSO is not set: no vDSO for the AArch32 image (libc will make the compat system calls)`);
  }
  placed.push({ name: '[sigpage]', start: low - k.sw.pageSize, pages: 1, prot: PROT.PROT_READ | PROT.PROT_EXEC, flags: SIGPAGE_FLAGS, pfnmap: false });
  k.state(k.txt`aarch32_sigreturn_setup: [sigpage] at 0x${(low - k.sw.pageSize).toString(16)}`);
  return { placed, text, distance };
}

export const AARCH32: CompatAbi = {
  name: COMPAT_ABI.arm64,
  setupPath: ['aarch32_setup_additional_pages'],
  personality: 'COMPAT_SET_PERSONALITY sets TIF_32BIT',
  // arm64 CONFIG_COMPAT with a CPU that runs AArch32 at EL0 (every CPU the model knows: our choice)
  refused: () => null,
  mappings: aarch32Mappings,
  // arch/arm64/include/asm/vdso/compat_gettimeofday.h: "return vd->clock_mode == VDSO_CLOCKMODE_ARCHTIMER;", so an
  // erratum's VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT fails it too
  clockModeOk: (mode, prefix) => mode === `${prefix}_ARCHTIMER`,
};
