// One table of the object store: the records of one kind by id, as a private overlay of changes over a shared,
// never-mutated base map (a snapshot), so restoring a snapshot costs the size of its deltas, not a copy of all.

import type { Change } from '../api';
import type { StoreAt } from './view';

/** The kinds of kernel objects the store keeps, one table each. */
export type TableName = 'host' | 'counters' | 'tasks' | 'nsproxies' | 'timeNamespaces' | 'userNamespaces' | 'mms' | 'vmas' | 'pages' | 'files' | 'openFiles';

/** How a table's records are copied on write and shown in the change log. */
export interface TableKind<R extends object> {
  readonly name: TableName;
  /** A shallow, writable copy with the keys in the order the kernel created them (a literal per kind is
   *  several times faster than `{ ...o }` for records of this size). */
  copy(r: R): R;
  /** Changes of hidden tables (the id counters) are not shown in events. */
  readonly hidden: boolean;
  /** A whole record as events show it (internal field representations made plain); `at`: the store when the
   *  change was made, for records that show others (an fd table its struct files). */
  show(r: R, at: StoreAt): object;
  /** A field value as events show it. */
  showField(field: string, value: unknown, at: StoreAt): unknown;
  /** For a field that holds collections (lists of holders, an fd table): its change as the entries that differ,
   *  which events show as fields `list.key` (before or after undefined: not there); null for other fields. A change
   *  then costs what changed, not the collection (a fork among 4,000 tasks showed each holder list twice, 509 MB).
   *  Kinds with entries have no owner (their records show under their own ids). */
  entries?(field: string, before: unknown, after: unknown): readonly EntryChange[] | null;
  /** With entries: an entry's value as events show it. */
  showEntry?(list: string, value: unknown, at: StoreAt): unknown;
  /** With entries: the collections, as field paths ('refs.time_ns', 'users'), and the one a change of `field` is
   *  to (the change log's index keeps it besides the field, so lastChanging finds a list's last change). */
  readonly lists?: readonly string[];
  listOf?(field: string, before: unknown, after: unknown): string;
  /** The records show others as they were (show and showField read `at`). */
  readonly readsStore: boolean;
  /** Changes of this table are shown as changes of the records pointing at it (a struct file's as its fd
   *  tables'): `run` is one event's consecutive changes of this table, `at` the store before the first of them,
   *  and `advance` moves `at` past the next one. */
  expand?(run: readonly RawChange[], at: StoreAt, advance: () => void, task: string | null): Change[];
  /** With expand: the field of the records pointing at it that expand shows a change as (an fd table's `fds`). */
  readonly expandsAs?: string;
  /** For records that belong to another object (a VMA of an mm): the owner's id and the part's name. */
  owner(id: string): { obj: string; part: string } | null;
}

/** Where an event shows a change: the object and the field (Change's `obj` and `field`). */
export interface ShownName {
  readonly obj: string;
  readonly field: string;
}

/** Where events show a change of field `field` ('' for the whole record) of record `id` of a table of `kind`
 *  without expand; null when they leave it out (hidden tables, '_' fields). */
export function shownName(kind: TableKind<object>, id: string, field: string): ShownName | null {
  if (kind.hidden || field.startsWith('_')) return null;
  const owner = kind.owner(id);
  if (owner === null) return { obj: id, field };
  return { obj: owner.obj, field: field ? `${owner.part}.${field}` : owner.part };
}

/** One entry of a collection that changed: a holder of a list (present: `true`), an fd of a table. */
export interface EntryChange {
  /** The collection, as a field path of the record ('refs.time_ns', 'users', 'fds'). */
  readonly list: string;
  readonly key: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** A versioned collection (fd table, ref list) reads at most this many operations between two versions as such to
 *  give their EntryChanges; more are compared whole. */
export const FEW_OPS = 8;

/** A change as the log keeps it. */
export interface RawChange {
  readonly id: string;
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

export class Table<R extends object> {
  private over = new Map<string, R | undefined>();
  private base: ReadonlyMap<string, R>;
  /** Ids changed since the last snapshot (while recording). */
  readonly dirty = new Set<string>();

  /** `index`: the table's place in Store.all (the change log keeps it instead of the table). */
  constructor(readonly kind: TableKind<R>, readonly index: number, base?: ReadonlyMap<string, R>) {
    this.base = base ?? new Map();
  }

  get(id: string): R | undefined {
    const v = this.over.get(id);
    if (v !== undefined) return v;
    return this.over.has(id) ? undefined : this.base.get(id);
  }
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
  /** Store a record without recording a change (the Recorder records around it). */
  put(id: string, value: R): void {
    this.over.set(id, value);
  }
  drop(id: string): void {
    if (this.base.has(id)) this.over.set(id, undefined);
    else this.over.delete(id);
  }

  /** Every live record: the base in its order (overridden where changed), then the records added since. */
  forEach(cb: (value: R, id: string) => void): void {
    const over = this.over;
    this.base.forEach((v, k) => {
      if (!over.has(k)) cb(v, k);
      else {
        const o = over.get(k);
        if (o !== undefined) cb(o, k);
      }
    });
    const base = this.base;
    over.forEach((v, k) => {
      if (v !== undefined && !base.has(k)) cb(v, k);
    });
  }

  /** A plain copy of the current contents. */
  toMap(): Map<string, R> {
    // Without a base, the overlay holds no tombstones (drop deletes what the base does not have).
    if (this.base.size === 0) return new Map(this.over as Map<string, R>);
    const m = new Map<string, R>();
    this.forEach((v, k) => m.set(k, v));
    return m;
  }

  /** Start over from `base` (a full snapshot): the overlay is emptied. */
  reset(base: ReadonlyMap<string, R>): void {
    this.base = base;
    this.over = new Map();
  }
}
