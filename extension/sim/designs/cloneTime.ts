// Jeff Dike's CLONE_TIME (seed 003, UML, 2006): a namespace is one offset from the system wall-clock time; inside,
// gettimeofday adds it and settimeofday rewrites it without privilege; unshare moves the caller itself.

import type { OpResult } from '../api';
import type { TimeExpr } from '../ops';
import { clockName, type Timespec } from '../types';
import { hostClocks, np, task, type KernelContext } from '../kernel/context';
import { newNsproxy, switchTaskNamespaces } from '../kernel/nsproxy';
import { MERGED_TIMEKEEPING, realtimeOf, type Timekeeping } from '../kernel/time/timekeeping';
import { tsAdd, tsSub, ZERO } from '../kernel/util';
import { behavioursOf, inNamespace, joinsTimeNs, nsOfTask, REALTIME_CLOCKS, tagText, writesOffsets, type Design, type Tag } from './design';

const SEED = '003_39ea02b2ea945761.txt';
const T = {
  offset: { seed: SEED, quote: 'The guts of the namespace is just an offset from the system time.  Within the container, gettimeofday adds this offset to the system time.' },
  settime: { seed: SEED, quote: 'settimeofday changes the offset without touching the system time.  As such, within a namespace, settimeofday is unprivileged.' },
  unshare: { seed: SEED, quote: 'The interface to it is through unshare(CLONE_TIME).  This creates the new namespace, initialized with a zero offset from the system time.' },
  self: { seed: SEED, quote: 'it can create a time namespace for itself and subsequently let its process\' gettimeofday run on the host' },
  inherit: { seed: SEED, quote: 'they need to be incremented at process creation and decremented at process exit' },
  reads: { choice: 'the seed names only gettimeofday; every REALTIME-based read (REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI) takes the offset, as they are one "system time"; MONOTONIC and BOOTTIME do not' },
  flag: { choice: 'the scenario\'s CLONE_NEWTIME (0x80) is read as CLONE_TIME, whose value the seed does not give; unshare keeps its CAP_SYS_ADMIN check, as every namespace unshare of 2006 had' },
  clockSettime: { choice: 'clock_settime(CLOCK_REALTIME) inside is settimeofday: it sets the same clock' },
  root: { choice: 'settimeofday in the initial namespace is the host\'s, privileged as ever' },
} satisfies Record<string, Tag>;

function offsetOf(k: KernelContext, t: string): Timespec {
  return nsOfTask(k, t)._realtime ?? ZERO;
}

/** Inside a namespace: rewrite its offset, unprivileged; in the initial one: the host's call. */
function setOffset(k: KernelContext, t: string, v: TimeExpr, host: () => OpResult, tag: Tag): OpResult {
  if (!inNamespace(k, t)) return host();
  const want = realtimeOf(k, t, v);
  if (want.sec < 0) k.fail('EINVAL', 'a negative time');
  const n = nsOfTask(k, t);
  const off = tsSub(want, hostClocks(k).realtime);
  k.fn('clone_time_settimeofday', () => {
    k.r.set(k.timeNamespaces, n.id, '_realtime', off);
    k.state(k.txt`${n.id}: offset ${n._realtime ?? ZERO} → ${off} (REALTIME ${want} inside; the system time is untouched, no privilege asked): ${tagText(T.settime)}; ${tagText(tag)}`);
  });
  return { ret: 0, errno: null, signal: null };
}

const timekeeping: Timekeeping = {
  ...MERGED_TIMEKEEPING,
  settimeofday: (k, t, v) => setOffset(k, t, v, () => MERGED_TIMEKEEPING.settimeofday(k, t, v), T.root),
  clockSettime: (k, t, clock, v) => (clock === 0 ? setOffset(k, t, v, () => MERGED_TIMEKEEPING.clockSettime(k, t, clock, v), T.clockSettime) : MERGED_TIMEKEEPING.clockSettime(k, t, clock, v)),
};

export const CLONE_TIME: Design = {
  name: 'clone-time',
  title: "Jeff Dike's CLONE_TIME (2006, UML)",
  summary: 'One offset from the system wall-clock time per namespace; gettimeofday adds it, settimeofday rewrites it without privilege; unshare(CLONE_TIME) moves the caller itself, children inherit (seed 003).',
  behaviours: behavioursOf(T),
  timekeeping,
  undefinedOp(k, t, op) {
    const undef = (what: string): string => `not defined by the CLONE_TIME design (seed 003 is silent on ${what})`;
    if (writesOffsets(k, t, op)) return undef('a /proc interface: its only setter is settimeofday inside');
    if (joinsTimeNs(op)) return undef(op.op === 'setns' ? 'setns, which did not exist in 2006' : 'clone3, which did not exist in 2006');
    if (!inNamespace(k, t)) return null;
    if (op.op === 'adjtimex' && op.modes !== 0) return undef('adjtimex inside a namespace');
    if ((op.op === 'clock_gettime' && op.via === 'vdso' && REALTIME_CLOCKS.has(op.clock)) || (op.op === 'gettimeofday' && op.via === 'vdso')) {
      return undef('what the vDSO returns for a task in the namespace: UML\'s speed came from ptrace not trapping the system call');
    }
    if ((op.op === 'clock_nanosleep' || op.op === 'timerfd_settime') && op.abs && REALTIME_CLOCKS.has(op.clock)) return undef(`absolute ${clockName(op.clock)} deadlines in the namespace`);
    return null;
  },
  clockView(k, t, clock, merged) {
    if (!REALTIME_CLOCKS.has(clock)) return merged;
    return tsAdd(merged, offsetOf(k, t));
  },
  afterUnshare(k, t, res) {
    if (res.errno) return res;
    const p = np(k, task(k, t).nsproxy);
    if (p.time_ns === p.time_ns_for_children) return res;
    const created = p.time_ns_for_children;
    k.fn('clone_time_enter', () => {
      switchTaskNamespaces(k, t, newNsproxy(k, created, created));
      k.r.set(k.timeNamespaces, created, '_realtime', ZERO);
      k.state(k.txt`${t} is in ${created} at once, offset 0 from the system time: ${tagText(T.unshare)}; ${tagText(T.self)}; ${tagText(T.flag)}`);
    });
    return res;
  },
};
