// The generic vDSO datastore (lib/vdso/datastore.c, 6.15): one [vvar] for every architecture, whose vvar_fault
// serves the data page, the time-namespace page, the getrandom state page and the arch data page.

import { archPage, dataPage, rngPage, timensPage, type FaultHandler } from './vvar';

export const DATASTORE_VVAR_FAULT: FaultHandler = {
  name: 'vvar_fault',
  pages: { data: dataPage, timens: timensPage, rng: rngPage, arch: archPage },
};
