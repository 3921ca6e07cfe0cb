// What a design that was never merged replaces in the kernel model (issue 15): the clock-setting calls and the
// tick, the value a task reads for a clock, the deadline of an absolute timer, unshare of a time namespace, and
// which operations it leaves undefined (refused in the run with the reason, never invented).

import type { OpResult } from '../api';
import type { Operation } from '../ops';
import type { DesignName, Timespec } from '../types';
import { np, ns, task, type KernelContext } from '../kernel/context';
import type { Timekeeping } from '../kernel/time/timekeeping';
import { ownFd } from '../kernel/files';
import type { NsRec } from '../store/records';

/** Where a behaviour of a design comes from: a seed message (its file and the words quoted) or the model. */
export type Tag = { readonly seed: string; readonly quote: string } | { readonly choice: string };

/** A design's tagged behaviours, from its table of tags (what → tag). */
export function behavioursOf(tags: Readonly<Record<string, Tag>>): Design['behaviours'] {
  return Object.entries(tags).map(([what, tag]) => ({ what, tag }));
}

export interface Design {
  readonly name: DesignName;
  readonly title: string;
  /** What it is, from which seed, for hovers and docs. */
  readonly summary: string;
  /** Every behaviour it adds, tagged. */
  readonly behaviours: readonly { readonly what: string; readonly tag: Tag }[];
  readonly timekeeping: Timekeeping;
  /** Why the design does not define `op` for task `t` in the state now (null: it runs). */
  undefinedOp(k: KernelContext, t: string | null, op: Operation): string | null;
  /** The value task `t` reads for `clock`, from the merged kernel's value of it (absent: that value). */
  readonly clockView?: (k: KernelContext, t: string, clock: number, merged: Timespec) => Timespec;
  /** An absolute deadline of `clock` in the task's time turned into host time (absent or null: the merged rule). */
  readonly toHost?: (k: KernelContext, t: string, clock: number, tm: Timespec) => Timespec | null;
  /** Clock ids only this design has: the getter's name and the host clock it starts from. */
  readonly extraClocks?: Readonly<Record<number, { readonly getter: string; readonly base: number }>>;
  /** unshare(CLONE_NEWTIME) after the merged kernel's work (clone-time moves the caller at once). */
  readonly afterUnshare?: (k: KernelContext, t: string, res: OpResult) => OpResult;
}

/** A tag as the events and hovers write it. */
export function tagText(tag: Tag): string {
  return 'seed' in tag ? `from the seed (${tag.seed}: "${tag.quote}")` : `our choice: ${tag.choice}`;
}

/** The time namespace task `t` is in. */
export function nsOfTask(k: KernelContext, t: string): NsRec {
  return ns(k, np(k, task(k, t).nsproxy).time_ns);
}
/** Is `t` in a time namespace other than the initial one? */
export function inNamespace(k: KernelContext, t: string | null): boolean {
  return t !== null && k.tasks.has(t) && nsOfTask(k, t).id !== 'ns#0';
}

/** Realtime-based clock ids: REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI. */
export const REALTIME_CLOCKS: ReadonlySet<number> = new Set([0, 5, 8, 11]);

/** Does `op` write a time namespace's offsets file (by path, or through an fd `t` opened on one)? */
export function writesOffsets(k: KernelContext, t: string | null, op: Operation): boolean {
  if (op.op !== 'write' && op.op !== 'pwrite') return false;
  if ('path' in op.file) return op.file.path.endsWith('/timens_offsets');
  return t !== null && k.tasks.has(t) && ownFd(k, t, op.file.fd)?.kind === 'timens_offsets';
}
/** Does `op` join or create a time namespace through setns or clone3? */
export function joinsTimeNs(op: Operation): boolean {
  return (op.op === 'setns' && ((op.nstype & 0x80) !== 0 || ('path' in op.target && /\/ns\/time/.test(op.target.path)))) || (op.op === 'clone3' && (op.flags & 0x80) !== 0);
}
