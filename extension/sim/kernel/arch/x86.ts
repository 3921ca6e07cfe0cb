// x86_64's vDSO mappings (arch/x86/entry/vdso/vma.c): vvar_fault serves the data page, the time-namespace page and,
// up to 6.12, the pvclock and Hyper-V pages of [vvar]; from 6.13 those two live in [vvar_vclock], served by
// vvar_vclock_fault (which stays arch code when the generic datastore takes over [vvar] in 6.15).

import { dataPage, hvclockPage, pvclockPage, timensPage, type FaultHandler } from '../vdso/vvar';

export const X86_VVAR_FAULT: FaultHandler = {
  name: 'vvar_fault',
  pages: { data: dataPage, timens: timensPage, pvclock: pvclockPage, hvclock: hvclockPage },
};

export const X86_VVAR_VCLOCK_FAULT: FaultHandler = {
  name: 'vvar_vclock_fault',
  pages: { pvclock: pvclockPage, hvclock: hvclockPage },
};
