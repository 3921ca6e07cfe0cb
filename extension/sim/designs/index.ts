// The designs a profile can run (issue 15): the merged kernel and the three that were never merged, each in its
// own file. modules.ts picks one by the profile; nothing else in the kernel model asks which it is.

import type { DesignName } from '../types';
import { MERGED_TIMEKEEPING } from '../kernel/time/timekeeping';
import { CLONE_TIME } from './cloneTime';
import type { Design } from './design';
import { MONOTONIC_SYNC } from './monotonicSync';
import { PER_NS_TIMEKEEPER } from './perNsTimekeeper';

export const MERGED: Design = {
  name: 'merged',
  title: 'The merged design (Linux 5.6+)',
  summary: 'Per-namespace MONOTONIC and BOOTTIME offsets, set through /proc/PID/timens_offsets before a task enters and frozen then; unshare affects children only; the vDSO finds a namespace page and takes the slow path (seed 000 quotes its description; the rest is the kernel source).',
  behaviours: [{ what: 'merged', tag: { seed: '000_f35ab6e15dcea4b2.txt', quote: 'unshare(CLONE_NEWTIME) system call creates a new time namespace, but doesn\'t set it to the current process. Then all children of the process will be born in the new time namespace' } }],
  // A getter: this file and kernel/time/timekeeping.ts import each other through the kernel context.
  get timekeeping() { return MERGED_TIMEKEEPING; },
  undefinedOp: () => null,
};

export const DESIGN_IMPLS: Readonly<Record<DesignName, Design>> = {
  'merged': MERGED, 'clone-time': CLONE_TIME, 'monotonic-sync': MONOTONIC_SYNC, 'per-ns-timekeeper': PER_NS_TIMEKEEPER,
};

export function designOf(name: DesignName | undefined): Design {
  return DESIGN_IMPLS[name ?? 'merged'];
}
export type { Design } from './design';
