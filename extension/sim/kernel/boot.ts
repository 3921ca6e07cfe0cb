// The state at boot: init_time_ns, init_user_ns, init_nsproxy, the host's vDSO pages and the first task P1.

import { COUNTERS_ID, HOST_ID, NO_REFS, type Counters, type HostClocks, type NsRec, type NsproxyRec, type PageRec, type UserRec } from '../store/records';
import type { KernelContext } from './context';
import { newTask } from './fork';
import { hostPage } from './host';
import { newMm } from './mm/mm';
import { createPvclockPage } from './vdso/vvar';
import { INIT_TIME_INUM } from './time/namespace';
import { INIT_USER_INUM } from './cred';
import { ZERO } from './util';

/** Initial host clocks: 1000 s of uptime, realtime 2026-01-01T00:00:00Z, TAI = UTC + 37 s. */
export const INITIAL_HOST: HostClocks = {
  realtime: { sec: 1767225600, nsec: 0 },
  monotonic: { sec: 1000, nsec: 0 },
  boottime: { sec: 1000, nsec: 0 },
  monotonicRaw: { sec: 1000, nsec: 0 },
  taiOffset: 37,
};

/** The host clocks at boot after `uptime` seconds (SimulationOptions.uptime), or INITIAL_HOST. */
function hostAt(uptime: number | undefined): HostClocks {
  if (uptime === undefined || !(uptime >= 0) || !Number.isFinite(uptime)) return INITIAL_HOST;
  const sec = Math.floor(uptime);
  const t = { sec, nsec: Math.min(999999999, Math.round((uptime - sec) * 1e9)) };
  return { ...INITIAL_HOST, monotonic: t, boottime: t, monotonicRaw: t };
}

export function boot(k: KernelContext, uptime?: number): void {
  const r = k.r;
  const host = hostAt(uptime);
  r.create(k.host, HOST_ID, host);
  k.hostIdx = r.hostIndex(host.monotonic);
  r.create(k.counters, COUNTERS_ID, { ns: 1, user: 1, nsproxy: 1, mm: 0, pid: 1000, inum: 4026532200 } satisfies Counters);
  const user0: UserRec = { id: 'user#0', parent: null, ownerUid: 0, maxTimeNamespaces: k.sw.initMaxTimeNamespaces, timeNamespaceCounts: {}, _level: 0, _inum: INIT_USER_INUM,
    _group: 0, _uidMap: [], _gidMap: [], _setgroupsDeny: false, _parentCouldSetfcap: true };
  r.create(k.userNamespaces, 'user#0', user0);
  const ns0: NsRec = {
    id: 'ns#0', inum: INIT_TIME_INUM, userNs: 'user#0', ucountUid: 0, offsets: { monotonic: ZERO, boottime: ZERO },
    frozen_offsets: true, vvar_page: null, refs: NO_REFS, alive: true, createdBy: null, _count: 3,
  };
  r.create(k.timeNamespaces, 'ns#0', ns0);
  // init_nsproxy is also held by the init task, which the model does not show: count starts at 1.
  r.create(k.nsproxies, 'nsproxy#0', { id: 'nsproxy#0', count: 1, time_ns: 'ns#0', time_ns_for_children: 'ns#0' } satisfies NsproxyRec);
  r.create(k.pages, 'page#host', hostPage(k, host));
  if (k.sw.pvclockPresent) createPvclockPage(k);
  if (k.layout.vmas.some((v) => v.roles.includes('rng'))) {
    r.create(k.pages, 'page#rng', { id: 'page#rng', kind: 'rng', ns: null, blockOffset: 0, blocks: [] } satisfies PageRec);
  }
  if (k.layout.datastorePages) {
    // vdso_setup_data_pages (7.3): every slot of the datastore is a page of its own, mapped whether used or not.
    r.create(k.pages, 'page#datastore-timens', { id: 'page#datastore-timens', kind: 'datastore-slot', ns: null, blockOffset: 0, blocks: [] } satisfies PageRec);
    r.create(k.pages, 'page#arch', { id: 'page#arch', kind: 'arch-data', ns: null, blockOffset: 0, blocks: [] } satisfies PageRec);
  }
  newTask(k, 'P1', null, 0, 'user#0', true, 'nsproxy#0', newMm(k), 17);
  r.set(k.nsproxies, 'nsproxy#0', 'count', 2);
}
