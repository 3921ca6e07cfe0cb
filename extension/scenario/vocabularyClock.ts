// The words of the timekeeping operations (issue 13 "mechanisms"; sim/opsClock.ts): their argument shapes, docs,
// examples and snippets, joined to OPERATION_SPECS by vocabulary.ts, and how pass 1 builds their operations.

import type { Operation } from '../sim/ops';
import type { ClockVia } from '../sim/opsClock';
import type { OperationSpec } from './vocabulary';

const VIA = { name: 'via', kind: 'via', optional: true, doc: 'vdso (default; what libc does) or syscall' } as const;

export const CLOCK_OPERATION_SPECS: readonly OperationSpec[] = [
  { word: 'time', op: 'time', host: false, args: [VIA],
    summary: 'time(2): whole seconds of CLOCK_REALTIME, never shifted by a time namespace. x86_64: __vdso_time reads basetime[CLOCK_REALTIME].sec of the data page (in a namespace: the real page at the timens slot), with no seqcount loop; the syscall reads ktime_get_real_seconds(). arm64 has no time entry in its vDSO and no time syscall (ENOSYS): libc computes time() from clock_gettime(CLOCK_REALTIME_COARSE) through the vDSO.',
    example: 'P2: time()', snippet: 'time()' },
  { word: 'clock_getres', op: 'clock_getres', host: false, args: [
    { name: 'clock', kind: 'clock', doc: 'CLOCK_* name or number' }, VIA],
    summary: 'clock_getres(2): a clock\'s resolution, the same in every time namespace. Through the vDSO: 1 ns (hrtimer_res of the data page, read from the real page in a namespace) for REALTIME, MONOTONIC, BOOTTIME, TAI and MONOTONIC_RAW; 4 ms (LOW_RES_NSEC at HZ=250) for the COARSE clocks; the other clocks fall back to the syscall (ALARM clocks EINVAL without an RTC). 6.17+: the auxiliary clocks 16-23 give 1 ns through the vDSO even when not enabled, EINVAL through the syscall.',
    example: 'P2: clock_getres(CLOCK_MONOTONIC_COARSE)', snippet: 'clock_getres(${1:CLOCK_MONOTONIC})' },
];

/** The operations of these words from their bound arguments, or null for any other word. */
export function buildClockOperation(spec: OperationSpec, get: (name: string) => unknown): Operation | null {
  const via = (get('via') as ClockVia | undefined) ?? 'vdso';
  switch (spec.op) {
    case 'time': return { op: 'time', via };
    case 'clock_getres': return { op: 'clock_getres', clock: (get('clock') as number | undefined) ?? 0, via };
    default: return null;
  }
}
