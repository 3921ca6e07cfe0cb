// The store as it was at one point of the change log, for showing past changes: the store as it is now (or a
// snapshot of it) under an overlay of the records that changed in between, so the store itself never moves.

import type { Store } from './store';
import type { Table } from './table';

export class StoreAt {
  private readonly over = new Map<number, Map<string, object | undefined>>();

  /** `base`: a record as the overlay starts from; the store's as it is now by default, else a snapshot's. */
  constructor(readonly store: Store, private readonly base: (t: Table<object>, id: string) => object | undefined = (t, id) => t.get(id)) {}

  get<R extends object>(t: Table<R>, id: string): R | undefined {
    const m = this.over.get(t.index);
    // The overlay holds only records of `t`'s kind (set below takes them from changes of `t`).
    if (m !== undefined && m.has(id)) return m.get(id) as R | undefined;
    return this.base(t as Table<object>, id) as R | undefined;
  }

  /** Field `field` of record `id` of `t` ('' for the whole record) is `value` here (a change undone or redone). */
  set(t: Table<object>, id: string, field: string, value: unknown): void {
    let m = this.over.get(t.index);
    if (m === undefined) this.over.set(t.index, (m = new Map()));
    if (field === '') {
      m.set(id, value as object | undefined);
      return;
    }
    const o = this.get(t, id);
    if (o !== undefined) m.set(id, { ...o, [field]: value });
  }
}
