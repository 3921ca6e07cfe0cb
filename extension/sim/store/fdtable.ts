// A task's open files as an immutable map whose versions share their past. A small table is a plain object,
// copied on each change as before; a large one records each open or close as one entry on top of the previous
// version, so a change costs O(1) however many files the task has. The newest version of a large table carries
// an index (name → file, and positions) that moves to the next version when it is extended.

/** Tables up to this many files are plain objects at every version. */
const SMALL = 16;

type Plain<V> = Readonly<Record<string, V>>;

/** The index of the newest version of a large table: the files by name, and their order for positions. */
class Index<V> {
  readonly files = new Map<string, V>();
  /** Names by insertion slot (null once closed); a name keeps its slot while it stays open. */
  private readonly slots: (string | null)[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Fenwick tree over the slots: 1 where a name is open. */
  private tree: number[] = [0];
  /** Names that are array indexes ('3'): JavaScript orders them first, so positions then come from the object. */
  arrayIndexNames = 0;

  static of<V>(plain: Plain<V>): Index<V> {
    const x = new Index<V>();
    for (const name of Object.keys(plain)) x.set(name, plain[name]);
    return x;
  }

  set(name: string, v: V): void {
    if (!this.files.has(name)) {
      if (isArrayIndex(name)) this.arrayIndexNames++;
      const slot = this.slots.length;
      this.slots.push(name);
      this.slotOf.set(name, slot);
      this.grow();
      this.add(slot, 1);
    }
    this.files.set(name, v);
  }
  delete(name: string): void {
    const slot = this.slotOf.get(name);
    if (slot === undefined) return;
    if (isArrayIndex(name)) this.arrayIndexNames--;
    this.files.delete(name);
    this.slotOf.delete(name);
    this.slots[slot] = null;
    this.add(slot, -1);
  }
  /** How many open names were opened before `name` (its position in the table's key order). */
  position(name: string): number {
    const slot = this.slotOf.get(name);
    if (slot === undefined) return -1;
    let n = 0;
    for (let i = slot; i > 0; i -= i & -i) n += this.tree[i];
    return n;
  }

  private add(slot: number, by: number): void {
    for (let i = slot + 1; i < this.tree.length; i += i & -i) this.tree[i] += by;
  }
  /** Slot s lives at tree index s + 1: rebuild at twice the size when the newest slot does not fit. */
  private grow(): void {
    if (this.slots.length < this.tree.length) return;
    const size = Math.max(64, this.tree.length * 2);
    const tree = new Array<number>(size).fill(0);
    const newest = this.slots.length - 1; // counted by the caller
    for (let s = 0; s < newest; s++) if (this.slots[s] !== null) for (let i = s + 1; i < size; i += i & -i) tree[i] += 1;
    this.tree = tree;
  }
}

function isArrayIndex(name: string): boolean {
  return /^(0|[1-9]\d*)$/.test(name) && Number(name) < 4294967295;
}

/** A large table's version: one open (value) or close (undefined) on top of the previous version. */
class FdChain<V> {
  /** The index, while this is the newest version that was extended or asked. */
  index: Index<V> | null = null;
  constructor(
    readonly prev: FdTable<V>,
    readonly name: string,
    readonly value: V | undefined,
    readonly depth: number,
    readonly kept: number,
  ) {}
}

/** A version of a task's fd table. */
export type FdTable<V> = Plain<V> | FdChain<V>;

function small(t: Plain<unknown>): boolean {
  let n = 0;
  for (const _ in t) if (++n > SMALL) return false;
  return true;
}

function indexOf<V>(t: FdChain<V>): Index<V> {
  if (t.index === null) t.index = Index.of(fdsItems(t));
  return t.index;
}

function extend<V>(t: FdTable<V>, name: string, value: V | undefined): FdTable<V> {
  const chain = t instanceof FdChain;
  const depth = chain ? t.depth + 1 : 1;
  const kept = chain ? t.kept : Object.keys(t).length;
  const v = new FdChain<V>(t, name, value, depth, kept);
  // Keep a plain object once the changes since the last one outnumber its files: such objects then cost no more
  // than the changes that led to them, and no replay is longer than about twice a table.
  if (depth > kept + SMALL) {
    if (chain) t.index = null;
    return fdsItems(v);
  }
  // The index moves to the new version (built once if the old version had none).
  const index = chain ? indexOf(t) : Index.of(t);
  if (chain) t.index = null;
  if (value === undefined) index.delete(name);
  else index.set(name, value);
  v.index = index;
  return v;
}

/** `t` with file `name` opened as (or replaced by) `value`. */
export function fdsSet<V>(t: FdTable<V>, name: string, value: V): FdTable<V> {
  if (!(t instanceof FdChain) && small(t)) return { ...t, [name]: value };
  return extend(t, name, value);
}

/** `t` without file `name`. */
export function fdsDelete<V>(t: FdTable<V>, name: string): FdTable<V> {
  if (!(t instanceof FdChain) && small(t)) {
    const rest = { ...t };
    delete rest[name];
    return rest;
  }
  return extend(t, name, undefined);
}

export function fdsGet<V>(t: FdTable<V>, name: string): V | undefined {
  return t instanceof FdChain ? indexOf(t).files.get(name) : t[name];
}

/** The position of `name` in the table's key order (-1 when it is not open). */
export function fdsPosition<V>(t: FdTable<V>, name: string): number {
  if (t instanceof FdChain) {
    const index = indexOf(t);
    if (index.arrayIndexNames === 0) return index.position(name);
  }
  return Object.keys(fdsItems(t)).indexOf(name);
}

/** The table as a plain object, keys in the order JavaScript gives the same opens and closes. */
export function fdsItems<V>(t: FdTable<V>): Plain<V> {
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
