// Eric W. Biederman's one timekeeper (tk_core) per time namespace (seed 001, the 2018 RFC thread): every clock is
// the namespace's own and set with the normal interfaces; the cost is a timekeeping_update and an update_vsyscall
// per namespace on every tick.

import type { OpResult } from '../api';
import type { TimeExpr } from '../ops';
import { ADJ_MODES as ADJ, TIME_SETTOD_SEC_MAX, type Timespec } from '../types';
import { hostClocks, task, type KernelContext } from '../kernel/context';
import { capCheck } from '../kernel/cred';
import { MERGED_TIMEKEEPING, realtimeOf, tickHost, type Timekeeping } from '../kernel/time/timekeeping';
import { tsAdd, tsSub, ZERO } from '../kernel/util';
import { behavioursOf, inNamespace, nsOfTask, REALTIME_CLOCKS, tagText, writesOffsets, type Design, type Tag } from './design';

const SEED = '001_b4220c520edb8354.txt';
const T = {
  tk: { seed: SEED, quote: 'What I was imagining when I was last thinking about this was one instance of struct timekeeper aka tk_core per time namespace.' },
  ntp: { seed: SEED, quote: 'we need to be able to support running ntpd and support one namespace doing googles smoothing of leap seconds while another namespace takes the leap second' },
  update: { seed: SEED, quote: 'timekeeping_update() is called HZ times per-second' },
  vsyscall: { seed: SEED, quote: 'It looks like we will have to have a separate vsyscall_gtod_data for each ns and update each of them separately.' },
  unshare: { seed: SEED, quote: 'unshare of the time namespace would need to act like the pid namespace or be limited to only being allowed when there is only a single task using the mm' },
  copy: { choice: 'a new namespace starts as a copy of its parent\'s timekeeper (the merged kernel\'s copy of offsets; REALTIME offset 0)' },
  cap: { choice: 'setting time inside needs CAP_SYS_TIME over the namespace\'s owner user namespace, as namespaced capabilities go; the seed is silent' },
  children: { choice: 'unshare acts like the pid namespace (children only), the first of the two options in the seed' },
  vdso: { choice: 'the model keeps the merged kernel\'s vvar pages and faults, and computes a read from the namespace\'s timekeeper; the per-tick rewrite of each namespace page is shown as events' },
} satisfies Record<string, Tag>;

function inside(k: KernelContext, t: string, v: TimeExpr, host: () => OpResult): OpResult {
  if (!inNamespace(k, t)) return host();
  const n = nsOfTask(k, t);
  return k.fn('do_settimeofday64', () => {
    const want = realtimeOf(k, t, v);
    if (want.sec < 0 || want.sec >= TIME_SETTOD_SEC_MAX) k.fail('EINVAL', 'timespec64_valid_settod');
    if (!capCheck(k, 'ns_capable', task(k, t), n.userNs, 'CAP_SYS_TIME')) k.fail('EPERM', `${t} lacks CAP_SYS_TIME over ${n.userNs}, the owner of ${n.id} (${tagText(T.cap)})`);
    setRealtime(k, n.id, tsSub(want, hostClocks(k).realtime), `REALTIME ${want.sec} s in ${n.id}`);
    return { ret: 0, errno: null, signal: null };
  });
}

function setRealtime(k: KernelContext, nsId: string, off: Timespec, why: string): void {
  k.fn('timekeeping_update', () => {
    k.r.set(k.timeNamespaces, nsId, '_realtime', off);
    k.state(k.txt`${nsId}'s timekeeper: ${why} (host + ${off}); the host and other namespaces are untouched: ${tagText(T.tk)}`);
  });
}

const timekeeping: Timekeeping = {
  settimeofday: (k, t, v) => inside(k, t, v, () => MERGED_TIMEKEEPING.settimeofday(k, t, v)),
  clockSettime: (k, t, clock, v) => (clock === 0 ? inside(k, t, v, () => MERGED_TIMEKEEPING.clockSettime(k, t, clock, v)) : MERGED_TIMEKEEPING.clockSettime(k, t, clock, v)),
  adjtimex(k, t, modes, offset, tick) {
    if (!inNamespace(k, t) || modes === 0 || modes === ADJ.ADJ_OFFSET_SS_READ) return MERGED_TIMEKEEPING.adjtimex(k, t, modes, offset, tick);
    const n = nsOfTask(k, t);
    return k.fn('do_adjtimex', () => {
      if (!capCheck(k, 'ns_capable', task(k, t), n.userNs, 'CAP_SYS_TIME')) k.fail('EPERM', `${t} lacks CAP_SYS_TIME over ${n.userNs} (${tagText(T.cap)})`);
      if (modes !== ADJ.ADJ_SETOFFSET && modes !== (ADJ.ADJ_SETOFFSET | ADJ.ADJ_NANO)) {
        k.ev('error', k.txt`not run: per-namespace NTP state (${tagText(T.ntp)}) is not modelled; only ADJ_SETOFFSET runs`);
        return { ret: null, errno: null, signal: null, refused: 'per-namespace NTP state is not modelled' };
      }
      setRealtime(k, n.id, tsAdd(n._realtime ?? ZERO, offset ?? ZERO), `ADJ_SETOFFSET ${(offset ?? ZERO).sec} s`);
      return { ret: 5, errno: null, signal: null };
    });
  },
  tick(k, count) {
    tickHost(k, count);
    // The cost the seed argues about: one timekeeping_update and update_vsyscall per namespace, every tick.
    const live: { id: string }[] = [];
    k.timeNamespaces.forEach((n) => { if (n.alive && n.id !== 'ns#0') live.push(n); });
    for (let i = 0; i < count; i++) {
      for (const n of live) {
        k.fn('timekeeping_update', () => k.fn('update_vsyscall', () => {
          k.state(k.txt`tick ${i + 1}: ${n.id}'s vsyscall_gtod_data rewritten: ${tagText(T.vsyscall)}`);
        }), undefined, k.txt`timekeeping_update(${n.id}'s timekeeper)`);
      }
    }
    k.state(k.txt`per tick: ${live.length + 1} timekeeping_update calls (host + ${live.length} namespaces), ${(live.length + 1) * count} in all: ${tagText(T.update)}`);
    return { ret: 0, errno: null, signal: null };
  },
};

export const PER_NS_TIMEKEEPER: Design = {
  name: 'per-ns-timekeeper',
  title: "Eric W. Biederman's timekeeper per namespace (2018)",
  summary: 'Each time namespace has its own timekeeper: REALTIME, MONOTONIC and BOOTTIME are its own, set inside with settimeofday/adjtimex; every tick updates every namespace (seed 001).',
  behaviours: behavioursOf(T),
  timekeeping,
  undefinedOp(k, t, op) {
    const undef = (what: string): string => `not defined by the per-namespace timekeeper design (seed 001 is silent on ${what})`;
    if (writesOffsets(k, t, op)) return undef('an offsets file: a namespace\'s time is set with settimeofday/adjtimex, and what "set ahead" means for MONOTONIC is open');
    if (op.op === 'setns' && (op.nstype & 0x80 || ('path' in op.target && /\/ns\/time/.test(op.target.path)))) return undef('setns into a time namespace');
    return null;
  },
  clockView(k, t, clock, merged) {
    if (!REALTIME_CLOCKS.has(clock) || !inNamespace(k, t)) return merged;
    return tsAdd(merged, nsOfTask(k, t)._realtime ?? ZERO);
  },
  toHost(k, t, clock, tm) {
    if (!REALTIME_CLOCKS.has(clock) || !inNamespace(k, t)) return null;
    return tsSub(tm, nsOfTask(k, t)._realtime ?? ZERO);
  },
};
