// Thomas Gleixner's CLOCK_MONOTONIC_SYNC (seed 002, "Setting monotonic time?", 2018): one new clock, set once by
// offset only, and in namespaces CLOCK_MONOTONIC "magically" maps to it; host CLOCK_MONOTONIC is never set.

import type { OpResult } from '../api';
import { DESIGN_CLOCKS, type Timespec } from '../types';
import { hostClocks, ns, task, type KernelContext } from '../kernel/context';
import { capCheck } from '../kernel/cred';
import { MERGED_TIMEKEEPING, type Timekeeping } from '../kernel/time/timekeeping';
import { tsAdd, tsSub, ZERO } from '../kernel/util';
import { behavioursOf, inNamespace, tagText, writesOffsets, type Design, type Tag } from './design';

const SEED = '002_dfea5f15054b4669.txt';
export const SYNC = DESIGN_CLOCKS.CLOCK_MONOTONIC_SYNC;
/** MONOTONIC and the clocks that follow it (RAW, COARSE). */
const MONO = new Set([1, 4, 6]);
const T = {
  clock: { seed: SEED, quote: 'It would be reasonably easy to add CLOCK_MONONOTIC_SYNC which can be set in the way you described and then in name spaces make it possible to magically map CLOCK_MONOTONIC to CLOCK_MONOTONIC_SYNC.' },
  once: { seed: SEED, quote: 'Would it be possible to allow setting CLOCK_MONOTONIC at the very beginning of time? ... No change in skew just in offset for CLOCK_MONOTONIC.' },
  realtime: { seed: SEED, quote: 'For a cluster of machines all running with synchronized clocks. CLOCK_REALTIME matches.' },
  drivers: { seed: SEED, quote: 'if after restart input is reporting times in CLOCK_MONOTONIC and the applications in the namespace are talking about times in CLOCK_MONOTONIC_SYNC. Then there is an issue.' },
  id: { choice: 'the clock id (24) is invented: the thread never numbered it' },
  setter: { choice: 'the setter is clock_settime(CLOCK_MONOTONIC_SYNC) with CAP_SYS_TIME in the initial user namespace, once, before any namespace read it; later it is EBUSY ("set once at the very beginning" is the requirement; the errno is ours)' },
  flag: { choice: 'every time namespace (made as in the merged kernel) maps MONOTONIC to SYNC: the thread only says "in name spaces"' },
  follow: { choice: 'MONOTONIC_RAW and MONOTONIC_COARSE follow MONOTONIC, as in the merged design' },
  timers: { choice: 'absolute MONOTONIC deadlines inside are SYNC time, turned into host time by the SYNC offset (otherwise the mapping breaks sleeps)' },
} satisfies Record<string, Tag>;

function syncState(k: KernelContext): { offset: Timespec; set: boolean; used: boolean } {
  return ns(k, 'ns#0')._sync ?? { offset: ZERO, set: false, used: false };
}
function markUsed(k: KernelContext): void {
  const s = syncState(k);
  if (!s.used) k.r.set(k.timeNamespaces, 'ns#0', '_sync', { ...s, used: true });
}

const timekeeping: Timekeeping = {
  ...MERGED_TIMEKEEPING,
  clockSettime(k, t, clock, v): OpResult {
    if (clock !== SYNC) return MERGED_TIMEKEEPING.clockSettime(k, t, clock, v);
    return k.fn('clock_monotonic_sync_set', () => {
      if (!capCheck(k, 'capable', task(k, t), 'user#0', 'CAP_SYS_TIME')) k.fail('EPERM', `${t} lacks CAP_SYS_TIME in the initial user namespace (${tagText(T.setter)})`);
      const s = syncState(k);
      if (s.set || s.used) k.fail('EBUSY', `CLOCK_MONOTONIC_SYNC was already ${s.set ? 'set' : 'read in a namespace'}: it is set once, before it gets used (${tagText(T.setter)})`);
      // The value is in SYNC time; `now` is the host MONOTONIC the clock starts from.
      const want = v.base === 'abs' ? v.delta : tsAdd(hostClocks(k).monotonic, v.delta);
      const offset = tsSub(want, hostClocks(k).monotonic);
      k.r.set(k.timeNamespaces, 'ns#0', '_sync', { offset, set: true, used: false });
      k.state(k.txt`CLOCK_MONOTONIC_SYNC = host CLOCK_MONOTONIC + ${offset}: ${tagText(T.once)}; host CLOCK_MONOTONIC itself is not set`);
      return { ret: 0, errno: null, signal: null };
    });
  },
};

export const MONOTONIC_SYNC: Design = {
  name: 'monotonic-sync',
  title: "Thomas Gleixner's CLOCK_MONOTONIC_SYNC (2018)",
  summary: 'A new clock, CLOCK_MONOTONIC_SYNC, set once by offset before it is used; inside a time namespace CLOCK_MONOTONIC reads it. REALTIME is already synchronised across the cluster; BOOTTIME is not covered (seed 002).',
  behaviours: behavioursOf(T),
  timekeeping,
  undefinedOp(k, t, op) {
    const undef = (what: string): string => `not defined by the CLOCK_MONOTONIC_SYNC design (seed 002 is silent on ${what})`;
    if (writesOffsets(k, t, op)) return undef('per-namespace values: the design has one global SYNC offset');
    const inNs = inNamespace(k, t);
    const clock = op.op === 'clock_gettime' || op.op === 'clock_nanosleep' || op.op === 'timerfd_settime' ? op.clock : null;
    if (clock === SYNC && !inNs && op.op === 'clock_gettime') return undef('whether a task outside a namespace reads SYNC directly');
    if (clock === SYNC && op.op !== 'clock_gettime') return undef('sleeping or arming a timer on SYNC');
    // the readers of boottime: /proc/uptime, sysinfo and /proc/PID/stat's starttime (by path; /proc/stat's btime is REALTIME - BOOTTIME)
    const bootRead = op.op === 'sysinfo' || (op.op === 'read' && 'path' in op.file && /^\/proc\/(uptime|[^/]+\/stat)$/.test(op.file.path));
    if (inNs && (clock === 7 || clock === 9 || bootRead)) return undef('CLOCK_BOOTTIME in a namespace');
    return null;
  },
  clockView(k, t, clock, merged) {
    if (!inNamespace(k, t) || !(MONO.has(clock) || clock === SYNC)) return merged;
    markUsed(k);
    return tsAdd(merged, syncState(k).offset);
  },
  extraClocks: { [SYNC]: { getter: 'clock_monotonic_sync_get', base: 1 } },
  toHost(k, t, clock, tm) {
    if (!inNamespace(k, t) || !MONO.has(clock)) return null;
    return tsSub(tm, syncState(k).offset);
  },
};
