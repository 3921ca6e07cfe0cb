// The one context every kernel file works on: the typed store, the recorder (through Trace), the profile's
// switches and the implementations it selects, and the memo. Semantics files are functions of it.

import type { OpResult } from '../api';
import type { Recorder } from '../log/recorder';
import type { Layout, SwitchValues } from '../profile';
import {
  COUNTERS_ID, HOST_ID, type Counters, type HostClocks, type MmRec, type NsRec, type NsproxyRec, type TaskRec, type UserRec, type VmaRec,
} from '../store/records';
import type { Profile } from '../types';
import { Memo } from './memo';
import { modulesFor, type KernelModules } from './modules';
import { Trace } from './trace';

export class KernelContext extends Trace {
  readonly host;
  readonly counters;
  readonly tasks;
  readonly nsproxies;
  readonly timeNamespaces;
  readonly userNamespaces;
  readonly mms;
  readonly vmas;
  readonly pages;
  readonly files;
  readonly openFiles;
  readonly layout: Layout;
  readonly syscallPrefix: string;
  /** The clock_mode of a vvar page in a time namespace (VCLOCK_TIMENS or VDSO_CLOCKMODE_TIMENS). */
  readonly timensMode: string;
  /** The implementations of the replaceable parts of the kernel this profile runs. */
  readonly modules: KernelModules;
  readonly memo: Memo;
  /** The signal of the last user read that returned null (vdso/gettime.ts). */
  readSignal: 'SIGBUS' | 'SIGSEGV' = 'SIGSEGV';

  constructor(r: Recorder, readonly sw: SwitchValues, readonly profile: Profile) {
    super(r);
    const s = r.store;
    this.host = s.host;
    this.counters = s.counters;
    this.tasks = s.tasks;
    this.nsproxies = s.nsproxies;
    this.timeNamespaces = s.timeNamespaces;
    this.userNamespaces = s.userNamespaces;
    this.mms = s.mms;
    this.vmas = s.vmas;
    this.pages = s.pages;
    this.files = s.files;
    this.openFiles = s.openFiles;
    this.layout = sw.layout;
    this.syscallPrefix = sw.arch.syscallPrefix;
    this.timensMode = `${sw.clockModePrefix}_TIMENS`;
    this.modules = modulesFor(profile, sw);
    this.memo = new Memo(s);
    const h = s.host.get(HOST_ID);
    if (h) this.hostIdx = r.hostIndex(h.monotonic);
  }
}

// Reads of objects the caller knows exist (an id taken from another record or checked before).
export function task(k: KernelContext, id: string): TaskRec {
  return k.tasks.get(id)!;
}
export function ns(k: KernelContext, id: string): NsRec {
  return k.timeNamespaces.get(id)!;
}
export function user(k: KernelContext, id: string): UserRec {
  return k.userNamespaces.get(id)!;
}
export function np(k: KernelContext, id: string): NsproxyRec {
  return k.nsproxies.get(id)!;
}
export function mm(k: KernelContext, id: string): MmRec {
  return k.mms.get(id)!;
}
export function vma(k: KernelContext, id: string): VmaRec {
  return k.vmas.get(id)!;
}
export function hostClocks(k: KernelContext): HostClocks {
  return k.host.get(HOST_ID)!;
}
/** Take the next value of an id counter. */
export function counter(k: KernelContext, name: keyof Counters): number {
  const c = k.counters.get(COUNTERS_ID)!;
  k.r.set(k.counters, COUNTERS_ID, name, c[name] + 1);
  return c[name];
}

/** The result a task's last operation gave (shown on the task until its next one). */
export function setLastResult(k: KernelContext, taskId: string | null, res: OpResult): OpResult {
  if (taskId && k.memo.isLive(taskId)) k.r.set(k.tasks, taskId, 'lastResult', res);
  return res;
}
