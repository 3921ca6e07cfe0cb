// Whether an arm64 kernel with patches of the June-2020 series left out builds at all: a patch still applied, or the
// generic time-namespace code that patch 6 turns on, may use a symbol a left-out patch introduces. The model runs
// such a kernel only when asked to (Profile.forcedBuild), as a forced build that is not a real kernel.

import { configOf } from './config';
import { ARM64_PATCHES, kernelAtLeast, type Arm64PatchId, type Profile } from './types';

/** The label every forced build carries, in the run, the views and the CLI. */
export const FORCED_BUILD = 'forced build, not a real kernel';

export interface BuildStatus {
  /** The kernel of the profile builds. */
  readonly builds: boolean;
  /** It does not build, and the profile asks to run it anyway. */
  readonly forced: boolean;
  /** One sentence per missing dependency: "this kernel does not build: patch N uses X introduced by patch M". */
  readonly reasons: readonly string[];
}

const BUILDS: BuildStatus = { builds: true, forced: false, reasons: [] };

function ref(id: Arm64PatchId): string {
  const p = ARM64_PATCHES.find((x) => x.id === id)!;
  return `patch ${p.n} (${p.commit})`;
}

/**
 * The symbols of the series as merged (v5 = v4 code, 5.9) and who uses them. Only symbol uses count: hunks that
 * merely have a left-out patch's lines as context could be applied by hand (our choice: a textual conflict is not
 * what the issue asks about, a missing symbol is).
 */
function missing(on: (id: Arm64PatchId) => boolean, kernel: string, configured: boolean): string[] {
  const out: string[] = [];
  // CONFIG_TIME_NS=y only with patch 6 (select GENERIC_VDSO_TIME_NS; init/Kconfig TIME_NS depends on it) and when
  // the config asks for it.
  const timeNs = on('enable-timens') && configured;
  if (!on('vvar-fault') && on('timens-fault')) {
    out.push(`this kernel does not build: ${ref('timens-fault')} modifies vvar_fault(), introduced by ${ref('vvar-fault')}`);
  }
  if (!on('zap-vvar') && timeNs) {
    out.push(`this kernel does not link: kernel/time/namespace.c timens_commit() calls vdso_join_timens(), introduced for arm64 by ${ref('zap-vvar')}`);
  }
  if (!on('timens-page')) {
    const users: string[] = [];
    if (on('timens-fault')) users.push(`${ref('timens-fault')} uses VVAR_DATA_PAGE_OFFSET and VVAR_TIMENS_PAGE_OFFSET`);
    // vvar_mremap, and with it the use of VVAR_NR_PAGES, went in 5.11 ("mm: forbid splitting special mappings").
    if (on('restrict-split') && !kernelAtLeast(kernel, '5.11')) users.push(`${ref('restrict-split')} uses VVAR_NR_PAGES`);
    if (timeNs) users.push('the generic vDSO (lib/vdso/gettimeofday.c) uses __arch_get_timens_vdso_data() and kernel/time/namespace.c arch_get_vdso_data()');
    if (users.length) out.push(`this kernel does not build: ${users.join('; ')}, introduced by ${ref('timens-page')}`);
  }
  return out;
}

/** The build status of a profile. Patches 1–5 are arch code of arm64 5.9–6.14 (6.15 moved [vvar] to the generic datastore). */
export function buildStatusOf(profile: Profile): BuildStatus {
  if (profile.arch !== 'arm64' || !kernelAtLeast(profile.kernel, '5.9') || kernelAtLeast(profile.kernel, '6.15') || !profile.disabledPatches.length) return BUILDS;
  const off = new Set(profile.disabledPatches);
  const reasons = missing((id) => !off.has(id), profile.kernel, configOf(profile).timeNs);
  if (!reasons.length) return BUILDS;
  return { builds: false, forced: profile.forcedBuild === true, reasons };
}

/** What the run and the views say about the build: '' for a kernel that builds. */
export function buildNote(status: BuildStatus): string {
  if (status.builds) return '';
  return status.forced ? `${FORCED_BUILD}: ${status.reasons.join('; ')}` : status.reasons.join('; ');
}
