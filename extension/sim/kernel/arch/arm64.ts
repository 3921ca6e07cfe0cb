// arm64's vDSO mappings (arch/arm64/kernel/vdso.c): from 5.9 ([PATCH v4 1/6] "use the fault callback to map vvar
// pages") vvar_fault serves the data page and ([PATCH v4 4/6]) the time-namespace page. Before the series, or with
// patch 1 switched off, [vvar] is a page list (vdso/vvar.ts, specialMappingFault) and needs no callback here.
// arm64 has no [vvar_vclock]; the handler below only names the callback should one be asked for.

import { dataPage, timensPage, type FaultHandler } from '../vdso/vvar';

export const ARM64_VVAR_FAULT: FaultHandler = {
  name: 'vvar_fault',
  pages: { data: dataPage, timens: timensPage },
};

export const ARM64_NO_VCLOCK: FaultHandler = { name: 'vvar_vclock_fault', pages: {} };
