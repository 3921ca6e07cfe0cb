// timespec64 arithmetic for the kernel files.

import type { Timespec } from '../types';

export const ZERO: Timespec = { sec: 0, nsec: 0 };
export const ZERO_VALUES: readonly Timespec[] = Object.freeze(Array<Timespec>(12).fill(ZERO));

/** A normalised timespec64: nanoseconds carried into seconds. */
export function ts(sec: number, nsec: number): Timespec {
  const carry = Math.floor(nsec / 1e9);
  return { sec: sec + carry, nsec: nsec - carry * 1e9 };
}
export function tsAdd(a: Timespec, b: Timespec): Timespec {
  return ts(a.sec + b.sec, a.nsec + b.nsec);
}
export function tsSub(a: Timespec, b: Timespec): Timespec {
  return ts(a.sec - b.sec, a.nsec - b.nsec);
}
export function tsCmp(a: Timespec, b: Timespec): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}
