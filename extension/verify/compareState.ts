// The state after a line, model against kernel: which tasks live, their time, time_for_children and user
// namespaces (as a bijection of identities), their uids, the offsets and frozen state of each
// time_for_children, and the special mappings of each mm. A difference is reported on the line where it
// first appears (or changes), not again on every line after it.

import type { KernelState } from '../sim/api';
import type { KernelLine } from './protocol';
import { Bijection } from './identity';
import type { Diff } from './report';
import { rawOffset, type TimensOffset } from '../sim/offset64';

export interface StateTracker {
  readonly ns: Bijection;
  readonly user: Bijection;
  readonly last: Map<string, string>;
}

export function newTracker(): StateTracker {
  return { ns: new Bijection('time namespace'), user: new Bijection('user namespace'), last: new Map() };
}

function modelStatus(s: KernelState, id: string): string {
  const t = s.tasks[id];
  if (!t) return 'absent';
  return t.state === 'exited' ? 'exited' : t.state === 'vfork-parent-waiting' ? 'blocked in vfork' : 'running';
}

function kernelStatus(k: KernelLine, id: string): string {
  const t = k.tasks.get(id);
  if (!t) return 'absent';
  if (t.st !== 'live') return 'exited';
  return k.blocked.has(id) ? 'blocked in vfork' : 'running';
}

/** One offset as both sides show it: seconds.nanoseconds when the stored nanoseconds are in [0, 1e9), else the
 *  stored pair (a nanoseconds field of 2^63 or more is a negative long, kept unnormalised). */
function offsetPair(sec: bigint, nsec: bigint): string {
  return nsec >= 0n && nsec < 1000000000n ? `${sec}.${String(nsec).padStart(9, '0')} s` : `{${sec} s, ${nsec} ns}`;
}

/** Parses either offsets format ("monotonic  3600  0" or "1 3600 0") into the text both sides compare. */
export function parseOffsets(text: string): string | null {
  const m = /^(monotonic|1)\s+(-?\d+)\s+(-?\d+)\n(boottime|7)\s+(-?\d+)\s+(-?\d+)\n$/.exec(text);
  return m ? `monotonic ${offsetPair(BigInt(m[2]), BigInt(m[3]))}, boottime ${offsetPair(BigInt(m[5]), BigInt(m[6]))}` : null;
}

function modelOffsets(o: { monotonic: TimensOffset; boottime: TimensOffset }): string {
  const m = rawOffset(o.monotonic), b = rawOffset(o.boottime);
  return `monotonic ${offsetPair(m.sec, m.nsec)}, boottime ${offsetPair(b.sec, b.nsec)}`;
}

const PROT = (p: number) => `${p & 1 ? 'r' : '-'}${p & 2 ? 'w' : '-'}${p & 4 ? 'x' : '-'}`;

export interface StateOptions {
  /** Fields not to compare for a task (sandbox artifacts), by task id. */
  readonly skip?: (task: string, field: string) => string | null;
}

/** Merges the line's observations into the identity maps and returns the new differences. */
/** User namespaces nothing holds any more: the kernel frees them (put_user_ns) and may give a new one the same
 *  inode number, while the model keeps them in its state. Held by a task's creds, an fd, a child user namespace or a
 *  live time namespace it owns. (Found by tools/fuzz-verify.mjs: arm64 6.12 reused an inum.) */
function unreferencedUserNamespaces(s: KernelState): string[] {
  const held = new Set<string>(['user#0']);
  for (const t of Object.values(s.tasks)) {
    if (t.state === 'exited') continue;
    held.add(t.userNs);
    for (const fd of Object.values(t.fds)) if (fd.user) held.add(fd.user);
  }
  for (const n of Object.values(s.timeNamespaces)) if (n.alive) held.add(n.userNs);
  // a parent is held by a held child only: walk up from what tasks, fds and namespaces hold
  const live = new Set<string>();
  for (const id of held) for (let p: string | null = id; p && !live.has(p); p = s.userNamespaces[p]?.parent ?? null) live.add(p);
  return Object.keys(s.userNamespaces).filter((id) => !live.has(id));
}

export function compareState(tr: StateTracker, after: KernelState, k: KernelLine, opts: StateOptions = {}): Diff[] {
  const diffs: Diff[] = [];
  const note = (key: string, field: string, kernel: string, model: string, why?: string) => {
    const v = `${kernel}\u0000${model}`;
    if (kernel === model) { tr.last.delete(key); return; }
    if (tr.last.get(key) === v) return;
    tr.last.set(key, v);
    diffs.push({ field, kernel, model, ...(why ? { why } : {}) });
  };
  for (const [id, n] of Object.entries(after.timeNamespaces)) if (!n.alive) tr.ns.release(id);
  for (const id of unreferencedUserNamespaces(after)) tr.user.release(id);
  const names = new Set([...Object.keys(after.tasks), ...k.tasks.keys()]);
  for (const id of names) {
    const ms = modelStatus(after, id);
    const ks = kernelStatus(k, id);
    note(`${id}:state`, `${id} state`, ks, ms);
    if (ms === 'absent' || ms === 'exited' || ks === 'absent' || ks === 'exited') continue;
    const mt = after.tasks[id];
    const kt = k.tasks.get(id)!;
    const np = after.nsproxies[mt.nsproxy];
    const pairs: [string, Bijection, number, string][] = [
      ['time_ns', tr.ns, kt.time, np.time_ns],
      ['time_ns_for_children', tr.ns, kt.tfc, np.time_ns_for_children],
      ['user namespace', tr.user, kt.user, mt.userNs],
    ];
    for (const [field, map, ino, name] of pairs) {
      if (!(ino > 0)) { note(`${id}:${field}`, `${id}.${field}`, 'unreadable', name); continue; }
      const clash = map.pair(ino, name);
      if (clash) {
        const key = `clash:${field === 'user namespace' ? 'u' : 't'}:${[clash.model, clash.was].sort().join('|')}`;
        if (!tr.last.has(key)) { tr.last.set(key, ''); diffs.push({ field: `${id}.${field}`, kernel: `[${ino}]`, model: name, why: clash.message }); }
      }
    }
    const skipUid = opts.skip?.(id, 'uid');
    if (!skipUid && mt.userNs === 'user#0' && kt.uid >= 0) {
      note(`${id}:uid`, `${id} uid/euid`, `${kt.uid}/${kt.euid}`, `${mt.uid}/${mt.euid}`);
    }
    // offsets and frozen state of the task's time_for_children, seen through /proc/<tid>/timens_offsets
    const kn = k.ns.get(kt.tfc);
    const mn = after.timeNamespaces[np.time_ns_for_children];
    if (kn && mn) {
      const ko = kn.text !== null ? parseOffsets(kn.text) : null;
      if (ko) note(`${mn.id}:offsets`, `${mn.id} offsets`, ko, modelOffsets(mn.offsets));
      if (kn.frozen !== null) note(`${mn.id}:frozen`, `${mn.id} frozen`, kn.frozen ? 'frozen' : 'not frozen', mn.frozen_offsets ? 'frozen' : 'not frozen');
    }
    // special mappings of the task's mm
    const kv = k.vmas.get(id);
    const mm = mt.mm ? after.mms[mt.mm] : undefined;
    if (kv && mm) {
      const known = new Set(['[vvar]', '[vvar_vclock]', '[vdso]']);
      // compared as a set: where a moved mapping lands is the helper's choice, not the kernel's rule
      const model = mm.vmas.filter((v) => known.has(v.name)).map((v) => `${v.name} ${v.pages}p ${PROT(v.prot)}`).sort().join(', ') || 'none';
      const kernel = kv.vmas.map((v) => `${v.name} ${v.pages}p ${PROT(v.prot)}`).sort().join(', ') || 'none';
      note(`${id}:vmas`, `${id} special mappings`, kernel, model);
    }
  }
  return diffs;
}
