// A files table's open files as an immutable map whose versions share their past. A small table is a plain object,
// copied on each change as before; a large one records each open or close as one entry on top of the previous
// version, so a change costs O(1) however many files the task has. The newest version of a large table carries
// an index (name → file, and the numbers in use) that moves to the next version when it is extended.

import { FEW_OPS, type EntryChange } from './table';

/** Tables up to this many files are plain objects at every version. */
const SMALL = 16;

/** The lowest fd number the model gives: 0–2 are the standard streams every task is taken to have open (our choice). */
export const FIRST_FD = 3;

/** A file of a table: its number (fs/file.c alloc_fd gives the lowest free one; dup_fd keeps it in the copy), and
 *  the struct file it points at. */
export interface Numbered { readonly _nr?: number; readonly file?: string }

type Plain<V extends Numbered> = Readonly<Record<string, V>>;

/** The index of the newest version of a large table: the files by name, and the numbers in use. */
class Index<V extends Numbered> {
  readonly files = new Map<string, V>();
  /** For each struct file, the names pointing at it (one, unless dup'ed). */
  private readonly names = new Map<string, string[]>();
  private readonly used = new Set<number>();
  /** One past the highest number used so far. */
  private next = FIRST_FD;
  /** Min-heap of numbers below `next` freed by a close (an entry reused since is dropped when it reaches the top). */
  private readonly freed: number[] = [];

  static of<V extends Numbered>(plain: Plain<V>): Index<V> {
    const x = new Index<V>();
    for (const name of Object.keys(plain)) x.set(name, plain[name]);
    for (let n = FIRST_FD; n < x.next; n++) if (!x.used.has(n)) x.push(n);
    return x;
  }

  set(name: string, v: V): void {
    const old = this.files.get(name);
    if (old?._nr !== undefined && old._nr !== v._nr) this.free(old._nr);
    if (old !== undefined) this.unname(name, old);
    if (v.file !== undefined) {
      const n = this.names.get(v.file);
      if (n === undefined) this.names.set(v.file, [name]);
      else n.push(name);
    }
    this.files.set(name, v);
    if (v._nr !== undefined) {
      this.used.add(v._nr);
      if (v._nr >= this.next) this.next = v._nr + 1;
    }
  }
  delete(name: string): void {
    const old = this.files.get(name);
    this.files.delete(name);
    if (old !== undefined) this.unname(name, old);
    if (old?._nr !== undefined) this.free(old._nr);
  }
  /** The one name pointing at struct file `file`, null for none, undefined when several do. */
  onlyName(file: string): string | null | undefined {
    const n = this.names.get(file);
    return n === undefined ? null : n.length === 1 ? n[0] : undefined;
  }
  private unname(name: string, v: V): void {
    if (v.file === undefined) return;
    const n = this.names.get(v.file);
    if (n === undefined) return;
    const i = n.indexOf(name);
    if (i >= 0) n.splice(i, 1);
    if (n.length === 0) this.names.delete(v.file);
  }
  /** The number alloc_fd would give next. */
  lowestFree(): number {
    while (this.freed.length && this.used.has(this.freed[0])) this.pop();
    return this.freed.length ? this.freed[0] : this.next;
  }

  private free(nr: number): void {
    this.used.delete(nr);
    this.push(nr);
  }
  private push(n: number): void {
    const h = this.freed;
    let i = h.push(n) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (h[up] <= h[i]) break;
      [h[up], h[i]] = [h[i], h[up]];
      i = up;
    }
  }
  private pop(): void {
    const h = this.freed;
    const last = h.pop()!;
    if (!h.length) return;
    h[0] = last;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l] < h[m]) m = l;
      if (r < h.length && h[r] < h[m]) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}

/** A large table's version: one open (value) or close (undefined) on top of the previous version. */
class FdChain<V extends Numbered> {
  /** The index, while this is the newest version that was extended or asked. */
  index: Index<V> | null = null;
  constructor(
    readonly prev: FdTable<V>,
    readonly name: string,
    readonly value: V | undefined,
    /** The file `name` was in `prev` (events show the change as `was` → `value` without looking back). */
    readonly was: V | undefined,
    readonly depth: number,
    readonly kept: number,
  ) {}
}

/** A version of a task's fd table. */
export type FdTable<V extends Numbered> = Plain<V> | FdChain<V>;

function small(t: Plain<Numbered>): boolean {
  let n = 0;
  for (const _ in t) if (++n > SMALL) return false;
  return true;
}

function indexOf<V extends Numbered>(t: FdChain<V>): Index<V> {
  if (t.index === null) t.index = Index.of(fdsItems(t));
  return t.index;
}

function extend<V extends Numbered>(t: FdTable<V>, name: string, value: V | undefined): FdTable<V> {
  const chain = t instanceof FdChain;
  const depth = chain ? t.depth + 1 : 1;
  const kept = chain ? t.kept : Object.keys(t).length;
  // The index moves to the new version (built once if the old version had none).
  const index = chain ? indexOf(t) : Index.of(t);
  const v = new FdChain<V>(t, name, value, index.files.get(name), depth, kept);
  if (chain) t.index = null;
  // Keep a plain object once the changes since the last one outnumber its files: such objects then cost no more
  // than the changes that led to them, and no replay is longer than about twice a table.
  if (depth > kept + SMALL) return fdsItems(v);
  if (value === undefined) index.delete(name);
  else index.set(name, value);
  v.index = index;
  return v;
}

/** `t` with file `name` opened as (or replaced by) `value`. */
export function fdsSet<V extends Numbered>(t: FdTable<V>, name: string, value: V): FdTable<V> {
  if (!(t instanceof FdChain) && small(t)) return { ...t, [name]: value };
  return extend(t, name, value);
}

/** `t` without file `name`. */
export function fdsDelete<V extends Numbered>(t: FdTable<V>, name: string): FdTable<V> {
  if (!(t instanceof FdChain) && small(t)) {
    const rest = { ...t };
    delete rest[name];
    return rest;
  }
  return extend(t, name, undefined);
}

export function fdsGet<V extends Numbered>(t: FdTable<V>, name: string): V | undefined {
  return t instanceof FdChain ? indexOf(t).files.get(name) : t[name];
}

/** The fds of `t` (name and file) that point at one of the struct files `files`, in the table's order. A large
 *  table's newest version answers for one struct file from its index (a read of one of 8,000 files scanned them
 *  all); other versions, and struct files several fds share, are read whole. */
export function fdsPointingAt<V extends Numbered>(t: FdTable<V>, files: readonly string[]): [string, V][] {
  if (t instanceof FdChain && t.index !== null && files.length === 1) {
    const one = t.index.onlyName(files[0]);
    if (one === null) return [];
    if (one !== undefined) return [[one, t.index.files.get(one)!]];
  }
  const items = fdsItems(t);
  return Object.keys(items).filter((name) => items[name].file !== undefined && files.includes(items[name].file!)).map((name) => [name, items[name]]);
}

/** The number the next file opened in the table gets: the lowest free one (fs/file.c alloc_fd). */
export function fdsLowestFree<V extends Numbered>(t: FdTable<V>): number {
  if (t instanceof FdChain) return indexOf(t).lowestFree();
  const used = new Set<number>();
  for (const name in t) if (t[name]._nr !== undefined) used.add(t[name]._nr!);
  let n = FIRST_FD;
  while (used.has(n)) n++;
  return n;
}

/** The table as a plain object, keys in the order JavaScript gives the same opens and closes. */
export function fdsItems<V extends Numbered>(t: FdTable<V>): Plain<V> {
  if (!(t instanceof FdChain)) return t;
  const ops: FdChain<V>[] = [];
  let v: FdTable<V> = t;
  while (v instanceof FdChain) {
    ops.push(v);
    v = v.prev;
  }
  const out: Record<string, V> = { ...v };
  for (let j = ops.length - 1; j >= 0; j--) {
    const o = ops[j];
    if (o.value === undefined) delete out[o.name];
    else out[o.name] = o.value;
  }
  return out;
}

/** Each file of `t`, in fdsItems' order (the index's map keeps a name where a plain object keeps its key). The newest
 *  version of a large table reads its index, with no copy: a fork walks its parent's table (dup_fd). */
export function fdsEach<V extends Numbered>(t: FdTable<V>, each: (name: string, v: V) => void): void {
  if (t instanceof FdChain && t.index !== null) {
    t.index.files.forEach((v, name) => each(name, v));
    return;
  }
  const items = fdsItems(t);
  for (const name in items) each(name, items[name]);
}

/** The files of `after` that differ from `before` (an earlier version of the same table, `list` of its record), each
 *  as its name with the file before and after (undefined: not open). A few opens and closes on top of `before` cost
 *  what they are; otherwise (small tables, or a large one just turned back into a plain object, once in its size's
 *  changes) the two are compared. */
export function fdsEntries<V extends Numbered>(list: string, before: FdTable<V>, after: FdTable<V>): EntryChange[] {
  const ops: FdChain<V>[] = [];
  for (let v: FdTable<V> = after; v !== before && v instanceof FdChain && ops.length < FEW_OPS; v = v.prev) ops.push(v);
  const out: EntryChange[] = [];
  if (ops.length && ops[ops.length - 1].prev === before) {
    // Oldest first: a name's file before is what its first change found, after what its last one left.
    const changed = new Map<string, { was: V | undefined; is: V | undefined }>();
    for (let j = ops.length - 1; j >= 0; j--) {
      const o = ops[j];
      const c = changed.get(o.name);
      if (c === undefined) changed.set(o.name, { was: o.was, is: o.value });
      else c.is = o.value;
    }
    changed.forEach((c, name) => { if (c.was !== c.is) out.push({ list, key: name, before: c.was, after: c.is }); });
    return out;
  }
  const was = fdsItems(before);
  const is = fdsItems(after);
  for (const name of Object.keys(was)) if (is[name] !== was[name]) out.push({ list, key: name, before: was[name], after: is[name] });
  for (const name of Object.keys(is)) if (was[name] === undefined) out.push({ list, key: name, before: undefined, after: is[name] });
  return out;
}
