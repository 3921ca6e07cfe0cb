// The helper's side of the timekeeping operations (sim/opsClock.ts), as operations.ts describes the others: the
// protocol signature helper/ops_clock.c parses, and which result fields are compared.

import type { ClockOperationName } from '../sim/opsClock';
import type { OpSpec } from './operations';

const via = (v: 'vdso' | 'syscall'): string => (v === 'syscall' ? '1' : '0');

export const CLOCK_OPERATIONS: { readonly [K in ClockOperationName]: OpSpec<K> } = {
  time: { readOnly: true, sig: 'i', flags: 0, fields: ['path'], doc: 'time(2) through the vDSO\'s __vdso_time (found in the mapped image) or syscall(SYS_time); the path is compared (the value is whole seconds of CLOCK_REALTIME, which no namespace offsets). arm64 has neither: the helper then calls clock_gettime(CLOCK_REALTIME_COARSE) through the vDSO, as glibc does.',
    encode: (op) => [via(op.via)] },
  clock_getres: { readOnly: true, sig: 'ii', flags: 0, fields: ['res', 'path'], doc: 'clock_getres(2) through the vDSO\'s own entry (__vdso_clock_getres, __kernel_clock_getres) or syscall(2): the resolution is compared exactly, and the path.',
    encode: (op) => [String(op.clock), via(op.via)] },
};
