// Immutable lists of holders (task ids, 'P1:fd1') whose versions share their past. A short list is a plain array,
// copied on each change; a long one records each change as one add or remove on top of the previous version,
// so a change costs O(1) however long the list, and the change log keeps no list copies.
// A holder is in a list at most once, and only a holder is removed: the lists stand for references taken and put.

import { FEW_OPS, type EntryChange } from './table';

/** Lists up to this length are kept whole at every version (copying them is cheaper than replaying). */
const SHORT = 16;

/** A long list's version: one operation on top of the previous version. */
class RefChain {
  constructor(
    readonly prev: RefList,
    /** true adds `x`, false removes every `x`. */
    readonly add: boolean,
    readonly x: string,
    /** Number of operations since the nearest array. */
    readonly depth: number,
    /** Length of that array. */
    readonly kept: number,
  ) {}
}

/** A version of a list: an array (short lists, and now and then a long one) or a chain of operations. */
export type RefList = readonly string[] | RefChain;

export const EMPTY_REFS: RefList = Object.freeze([]);

// Lists the store keeps stay in the change log: they are built at their exact size (filter and spread leave room
// to grow).
/** `a` without any `x`, as a new array of exactly the right length. */
export function without<T>(a: readonly T[], x: T): T[] {
  let n = 0;
  for (const v of a) if (v !== x) n++;
  const out = new Array<T>(n);
  let j = 0;
  for (const v of a) if (v !== x) out[j++] = v;
  return out;
}
/** `a` with `x` appended, as a new array of exactly the right length. */
export function withAdded<T>(a: readonly T[], x: T): T[] {
  const out = new Array<T>(a.length + 1);
  for (let j = 0; j < a.length; j++) out[j] = a[j];
  out[a.length] = x;
  return out;
}

/** `list` with `x` appended. */
export function refsAdd(list: RefList, x: string): RefList {
  return list instanceof RefChain || list.length >= SHORT ? chain(list, true, x) : withAdded(list, x);
}

/** `list` without any `x`. */
export function refsRemove(list: RefList, x: string): RefList {
  return list instanceof RefChain || list.length > SHORT ? chain(list, false, x) : without(list, x);
}

function chain(list: RefList, add: boolean, x: string): RefList {
  const depth = list instanceof RefChain ? list.depth + 1 : 1;
  const kept = list instanceof RefChain ? list.kept : list.length;
  const v = new RefChain(list, add, x, depth, kept);
  // Keep an array once the operations since the last one outnumber its length: the arrays then cost no more
  // than the operations that led to them, and no replay is longer than about twice a list.
  return depth > kept + SHORT ? refsItems(v) : v;
}

// The last few versions read: a reader that follows a list step by step (a state per step, the changes of each
// event) replays one operation from the version it read before instead of from the last kept array.
const RECENT = 8;
const recentList: (RefChain | null)[] = new Array<RefChain | null>(RECENT).fill(null);
const recentItems: (readonly string[] | null)[] = new Array<readonly string[] | null>(RECENT).fill(null);
let recentNext = 0;

function recent(v: RefChain): readonly string[] | null {
  for (let i = 0; i < RECENT; i++) if (recentList[i] === v) return recentItems[i];
  return null;
}

/** The items of a version, in order. Callers must not change the array (it may be shared). */
export function refsItems(list: RefList): readonly string[] {
  if (!(list instanceof RefChain)) return list;
  const known = recent(list);
  if (known !== null) return known;
  const ops: RefChain[] = [];
  let v: RefList = list;
  let from: readonly string[] | null = null;
  while (v instanceof RefChain) {
    if (ops.length && (from = recent(v)) !== null) break;
    ops.push(v);
    v = v.prev;
  }
  const out = replay(from ?? (v as readonly string[]), ops);
  recentList[recentNext] = list;
  recentItems[recentNext] = out;
  recentNext = (recentNext + 1) % RECENT;
  return out;
}

/** `base` with `ops` (newest first) applied. */
function replay(base: readonly string[], ops: readonly RefChain[]): readonly string[] {
  if (ops.length <= 3) {
    let out = base;
    for (let j = ops.length - 1; j >= 0; j--) out = ops[j].add ? withAdded(out, ops[j].x) : without(out, ops[j].x);
    return out;
  }
  // Replay with tombstones: a remove drops every position its value holds, found through an index built once.
  const work: (string | null)[] = base.slice();
  const at = new Map<string, number[]>();
  for (let i = 0; i < work.length; i++) {
    const s = work[i]!;
    const l = at.get(s);
    if (l) l.push(i);
    else at.set(s, [i]);
  }
  for (let j = ops.length - 1; j >= 0; j--) {
    const o = ops[j];
    if (o.add) {
      const l = at.get(o.x);
      if (l) l.push(work.length);
      else at.set(o.x, [work.length]);
      work.push(o.x);
    } else {
      const l = at.get(o.x);
      if (l) {
        for (const i of l) work[i] = null;
        at.delete(o.x);
      }
    }
  }
  const out: string[] = [];
  for (const s of work) if (s !== null) out.push(s);
  return out;
}

/** What makes `after` from `before` (an earlier version of the same list, `list` of its record): the holders added
 *  (after `true`) and removed (before `true`). A few operations on top of `before` cost what they are; otherwise
 *  (short arrays, or a long list just turned back into an array, once in its length's operations) the two are
 *  compared. */
export function refsEntries(list: string, before: RefList, after: RefList): EntryChange[] {
  if (after instanceof RefChain && after.prev === before) return [after.add ? { list, key: after.x, before: undefined, after: true } : { list, key: after.x, before: true, after: undefined }];
  const ops: RefChain[] = [];
  for (let v: RefList = after; v !== before && v instanceof RefChain && ops.length < FEW_OPS; v = v.prev) ops.push(v);
  const net = new Map<string, number>();
  if (ops.length && ops[ops.length - 1].prev === before) {
    for (let j = ops.length - 1; j >= 0; j--) net.set(ops[j].x, (net.get(ops[j].x) ?? 0) + (ops[j].add ? 1 : -1));
  } else {
    for (const x of refsItems(before)) net.set(x, -1);
    for (const x of refsItems(after)) net.set(x, (net.get(x) ?? 0) + 1);
  }
  const out: EntryChange[] = [];
  net.forEach((n, x) => {
    if (n < 0) out.push({ list, key: x, before: true, after: undefined });
    else if (n > 0) out.push({ list, key: x, before: undefined, after: true });
  });
  return out;
}
