// Which implementation of each replaceable part of the kernel a profile runs. This is the one place that chooses
// by architecture or by layout; the files it picks from say nothing about the others. A new architecture, or a
// design that was never merged (docs/model.md#adding-to-the-model), is another entry here and its own files.

import type { SwitchValues } from '../profile';
import type { Profile } from '../types';
import { ARM64_NO_VCLOCK, ARM64_VVAR_FAULT } from './arch/arm64';
import { X86_VVAR_FAULT, X86_VVAR_VCLOCK_FAULT } from './arch/x86';
import { AARCH32, type CompatAbi } from './arch/compat';
import { IA32 } from './arch/ia32';
import { DATASTORE_VVAR_FAULT } from './vdso/datastore';
import type { FaultHandler } from './vdso/vvar';
import type { Timekeeping } from './time/timekeeping';
import { designOf, type Design } from '../designs/index';

export interface KernelModules {
  /** The fault callback of [vvar] (when it has one: see VmaLayout.pfnmap). */
  readonly vvarFault: FaultHandler;
  /** The fault callback of [vvar_vclock]. */
  readonly vclockFault: FaultHandler;
  /** The 32-bit ABI of execve(…, compat): arm64's AArch32, x86_64's ia32. */
  readonly compat: CompatAbi;
  /** Setting the clocks and the timer tick (kernel/time/timekeeping.c); a design that was never merged has its own. */
  readonly timekeeping: Timekeeping;
  /** The design the profile runs (merged by default): its clock reads, deadlines, unshare and undefined operations. */
  readonly design: Design;
}

const ARCH: Record<Profile['arch'], Omit<KernelModules, 'design' | 'timekeeping'>> = {
  x86_64: { vvarFault: X86_VVAR_FAULT, vclockFault: X86_VVAR_VCLOCK_FAULT, compat: IA32 },
  arm64: { vvarFault: ARM64_VVAR_FAULT, vclockFault: ARM64_NO_VCLOCK, compat: AARCH32 },
};

export function modulesFor(profile: Profile, sw: SwitchValues): KernelModules {
  const design = designOf(profile.design);
  const arch = { ...ARCH[profile.arch], design, timekeeping: design.timekeeping };
  return sw.layout.datastore ? { ...arch, vvarFault: DATASTORE_VVAR_FAULT } : arch;
}
