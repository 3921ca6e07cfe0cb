// What happens to the machine from outside a task: time passes (sleep), the machine is suspended, root writes the
// user.max_time_namespaces sysctl, a new process is spawned; and the host's vDSO data page (update_vsyscall),
// rewritten whenever host time moves.

import type { OpResult } from '../api';
import { MAX_TICKS, type HostOperation } from '../ops';
import type { ClockHostOperation } from '../opsClock';
import { HOST_ID, type HostClocks, type PageRec } from '../store/records';
import { machineOf, type Timespec } from '../types';
import { clockModeOf } from './time/clocksource';
import { hostClocks, np, type KernelContext } from './context';
import { newMm } from './mm/mm';
import { newTask } from './fork';
import { INT_MAX } from './cred';
import { tsAdd, ZERO_VALUES } from './util';
import { KTIME_SEC_MAX } from '../offset64';

/** The host's vDSO data page for clocks `h`: realtime, monotonic, coarse, boottime and TAI; RAW in the second block. */
export function hostPage(k: KernelContext, h: HostClocks): PageRec {
  const v = [...ZERO_VALUES];
  v[0] = h.realtime; v[1] = h.monotonic; v[5] = h.realtime; v[6] = h.monotonic; v[7] = h.boottime;
  v[11] = tsAdd(h.realtime, { sec: h.taiOffset, nsec: 0 });
  const raw = [...ZERO_VALUES];
  raw[4] = h.monotonicRaw;
  // The clock_mode and seq stay what the last update_vsyscall wrote (clocksource.ts, vdso/seqcount.ts); at boot, the
  // machine's clocksource's mode and seq 0.
  const now = k.pages.get('page#host')?.blocks;
  const clockMode = now?.[0]?.clock_mode ?? `${k.sw.clockModePrefix}_${clockModeOf(machineOf(k.profile).clocksource, machineOf(k.profile))}`;
  return {
    id: 'page#host', kind: 'host-data', ns: null, blockOffset: k.layout.blockOffset,
    blocks: [{ seq: now?.[0]?.seq ?? 0, clock_mode: clockMode, values: v }, { seq: now?.[1]?.seq ?? 0, clock_mode: clockMode, values: raw }],
  };
}

/** Host time passes by `d` (a suspend: monotonic and raw stand still). */
export function advance(k: KernelContext, d: Timespec, suspend: boolean, why: string): void {
  const h = hostClocks(k);
  const next: HostClocks = {
    realtime: tsAdd(h.realtime, d),
    boottime: tsAdd(h.boottime, d),
    monotonic: suspend ? h.monotonic : tsAdd(h.monotonic, d),
    monotonicRaw: suspend ? h.monotonicRaw : tsAdd(h.monotonicRaw, d),
    taiOffset: h.taiOffset,
  };
  k.r.create(k.host, HOST_ID, next);
  k.r.set(k.pages, 'page#host', 'blocks', hostPage(k, next).blocks);
  k.hostIdx = k.r.hostIndex(next.monotonic);
  k.ev('host', k.txt`${why}: monotonic ${next.monotonic}, boottime ${next.boottime}`);
}

/**
 * Why host time cannot move by `d`: a clock would reach KTIME_SEC_MAX seconds, past which a ktime_t (s64 ns,
 * about 292 years) holds no time: ktime_set saturates there, and an hrtimer's expiry is KTIME_MAX, so a later
 * 'clock_nanosleep(CLOCK_BOOTTIME, 0, 1s)' had waited 0 s and three sleeps of 2^53 - 1 s made the clocks
 * inexact doubles. The kernel never gets there: settimeofday stops at TIME_SETTOD_SEC_MAX = KTIME_SEC_MAX less
 * TIME_UPTIME_SEC_MAX, 30 years of uptime (include/linux/time64.h). Our choice: the host action is refused
 * (EINVAL) rather than wrap or saturate. Null when it can.
 */
function pastKtimeMax(k: KernelContext, d: Timespec, suspend: boolean): string | null {
  const h = hostClocks(k);
  const clocks: [string, Timespec][] = [['CLOCK_REALTIME', h.realtime], ['CLOCK_TAI', tsAdd(h.realtime, { sec: h.taiOffset, nsec: 0 })], ['CLOCK_BOOTTIME', h.boottime]];
  if (!suspend) clocks.push(['CLOCK_MONOTONIC', h.monotonic]);
  const over = clocks.find(([, v]) => tsAdd(v, d).sec >= KTIME_SEC_MAX);
  return over ? `${over[0]} would pass KTIME_MAX (${KTIME_SEC_MAX} s, 2^63 - 1 ns): no kernel clock holds a later time` : null;
}

function hostError(k: KernelContext, errno: string, why: string): OpResult {
  k.ev('error', k.txt`${errno}: ${why}`, { errno });
  return { ret: -1, errno, signal: null };
}

export function hostOp(k: KernelContext, op: Exclude<HostOperation, ClockHostOperation>): OpResult {
  switch (op.op) {
    case 'sleep': {
      if (op.delta.sec < 0) return hostError(k, 'EINVAL', 'negative sleep');
      const past = pastKtimeMax(k, op.delta, false);
      if (past) return hostError(k, 'EINVAL', past);
      k.ev('host', k.txt`host sleeps ${op.delta} s`);
      advance(k, op.delta, false, 'time passes');
      return { ret: 0, errno: null, signal: null };
    }
    case 'suspend': {
      if (op.delta.sec < 0) return hostError(k, 'EINVAL', 'negative suspend');
      const past = pastKtimeMax(k, op.delta, true);
      if (past) return hostError(k, 'EINVAL', past);
      k.ev('host', k.txt`host suspended for ${op.delta} s: realtime and boottime advance, monotonic does not`);
      advance(k, op.delta, true, 'resume');
      return { ret: 0, errno: null, signal: null };
    }
    case 'sysctl': {
      const target = op.userNs ?? 'user#0';
      k.ev('host', k.txt`sysctl user.max_time_namespaces=${op.value} in ${target}`);
      if (!k.userNamespaces.get(target)) return hostError(k, 'ENOENT', `no user namespace ${target}`);
      if (target === 'user#0' && !k.sw.initSysctlWritable) {
        return hostError(k, 'EACCES', "root lacks CAP_SYS_RESOURCE in its bounding set on this machine ('machine cap_sys_resource=no'), so set_permissions makes the sysctl read-only (kernel/ucount.c)");
      }
      if (!Number.isInteger(op.value) || op.value < 0 || op.value > INT_MAX) return hostError(k, 'EINVAL', `${op.value} is outside [0, INT_MAX]`);
      k.r.set(k.userNamespaces, target, 'maxTimeNamespaces', op.value);
      k.state(k.txt`${target}: user.max_time_namespaces = ${op.value}`);
      return { ret: 0, errno: null, signal: null };
    }
    case 'tick': {
      if (!Number.isInteger(op.count) || op.count < 1 || op.count > MAX_TICKS) return hostError(k, 'EINVAL', `a tick count is a whole number from 1 to ${MAX_TICKS}`);
      k.ev('host', k.txt`${op.count} timer tick(s)`);
      return k.modules.timekeeping.tick(k, op.count);
    }
    case 'spawn': {
      k.ev('host', k.txt`spawn ${op.child} as uid ${op.uid} in the initial namespaces`);
      if (k.tasks.get(op.child)) return hostError(k, 'EINVAL', `a task named ${op.child} already exists`);
      const m = newMm(k);
      const t = newTask(k, op.child, null, op.uid, 'user#0', op.uid === 0, 'nsproxy#0', m, 17);
      k.r.set(k.nsproxies, 'nsproxy#0', 'count', np(k, 'nsproxy#0').count + 1);
      k.state(k.txt`${op.child} (pid ${t.pid}, uid ${op.uid}) runs in ns#0 with a fresh ${m}`);
      return { ret: t.pid, errno: null, signal: null, child: op.child };
    }
  }
}
