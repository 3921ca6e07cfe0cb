// Snapshots of the store every SNAPSHOT_INTERVAL events, which bound how far goto() has to replay. Most hold only
// the records changed since the previous one; a full copy is taken once the deltas since the last full one add
// up to the size of the store, so full copies never cost more than the changes they follow (memory stays linear
// in the number of events however many objects there are) and a restore applies at most a store's worth.

import type { Store, StoreImage } from '../store/store';

/** Snapshot interval, chosen with test/bench/sim.ts: a goto walks at most half of it (about 1000 events). */
export const SNAPSHOT_INTERVAL = 2048;

/** One map per table: the full table, or the records changed since the previous snapshot (a record undefined:
 *  gone; the map undefined: none changed). */
type Image = readonly (ReadonlyMap<string, object | undefined> | undefined)[];

export class Snapshots {
  readonly interval = SNAPSHOT_INTERVAL;
  private readonly images: Image[] = [];
  /** For each snapshot, the full one its deltas start from. */
  private readonly fullOf: number[] = [];
  private lastFull = 0;
  /** Records changed in the deltas since the last full snapshot. */
  private sinceFull = 0;
  /** Live records in the store (kept by the recorder as objects are created and removed). */
  private size = 0;

  /** The store as it is now is snapshot 0 (the state at position 0). */
  start(store: Store): void {
    if (this.images.length === 0) {
      const image = store.image();
      this.images[0] = image;
      this.fullOf[0] = 0;
      this.size = 0;
      for (const m of image) this.size += m.size;
    }
    for (const t of store.all) t.dirty.clear();
  }

  grew(by: number): void {
    this.size += by;
  }

  /** Snapshot j, the state after j × SNAPSHOT_INTERVAL events. */
  take(j: number, store: Store): void {
    let dirty = 0;
    for (const t of store.all) dirty += t.dirty.size;
    if (this.sinceFull + dirty >= this.size) {
      this.images[j] = store.image();
      this.lastFull = j;
      this.sinceFull = 0;
    } else {
      this.images[j] = store.all.map((t) => {
        if (t.dirty.size === 0) return undefined;
        const delta = new Map<string, object | undefined>();
        for (const id of t.dirty) delta.set(id, t.get(id));
        return delta;
      });
      this.sinceFull += dirty;
    }
    this.fullOf[j] = this.lastFull;
    for (const t of store.all) t.dirty.clear();
  }

  /** The snapshot to restore before walking to position `p` from `position`, or null to walk from where we are:
   *  changes can be undone as well as redone, so no walk is longer than half an interval. */
  nearest(p: number, position: number): number | null {
    let below = Math.floor(p / SNAPSHOT_INTERVAL);
    while (below > 0 && !this.images[below]) below--;
    const above = below + 1;
    const dBelow = p - below * SNAPSHOT_INTERVAL;
    const dAbove = this.images[above] ? above * SNAPSHOT_INTERVAL - p : Infinity;
    const dist = Math.abs(p - position);
    if (Math.min(dBelow, dAbove) >= dist) return null;
    return dAbove < dBelow ? above : below;
  }

  /** Whether snapshot j was taken. */
  has(j: number): boolean {
    return this.images[j] !== undefined;
  }

  /** Record `id` of table `table` as it was at snapshot j (undefined: none), without restoring the store. */
  recordAt(j: number, table: number, id: string): object | undefined {
    const base = this.fullOf[j];
    for (let d = j; d > base; d--) {
      const delta = this.images[d][table];
      if (delta !== undefined && delta.has(id)) return delta.get(id);
    }
    return this.images[base][table]?.get(id);
  }

  /** Put the store as it was at snapshot j: the full snapshot below it plus the deltas up to j. */
  restore(j: number, store: Store): void {
    const base = this.fullOf[j];
    store.reset(this.images[base] as StoreImage);
    for (let d = base + 1; d <= j; d++) {
      this.images[d].forEach((delta, ti) => {
        if (!delta) return;
        const t = store.all[ti];
        for (const [id, v] of delta) {
          if (v === undefined) t.drop(id);
          else t.put(id, v);
        }
      });
    }
  }
}
