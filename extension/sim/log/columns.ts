// Growable columns of the event log, stored in fixed chunks: appending never copies, and each allocation stays
// small (large ArrayBuffer allocations count as external memory and provoke full garbage collections).

export const CHUNK_BITS = 14;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/** A column of arbitrary values (summary strings). */
export class ValCol<T = unknown> {
  private readonly chunks: T[][] = [];
  get(i: number): T {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  set(i: number, v: T): void {
    const k = i >>> CHUNK_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new Array<T>(1 << CHUNK_BITS).fill(undefined as T);
    c[i & CHUNK_MASK] = v;
  }
  clear(): void {
    this.chunks.length = Math.min(this.chunks.length, 1);
  }
}

/** A column of numbers, in Int32 or Float64 chunks. */
export class NumCol {
  private readonly chunks: (Int32Array | Float64Array)[] = [];
  constructor(private readonly Chunk: typeof Int32Array | typeof Float64Array) {}
  get(i: number): number {
    return this.chunks[i >>> CHUNK_BITS][i & CHUNK_MASK];
  }
  set(i: number, v: number): void {
    const k = i >>> CHUNK_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new this.Chunk(1 << CHUNK_BITS);
    c[i & CHUNK_MASK] = v;
  }
  clear(): void {
    this.chunks.length = Math.min(this.chunks.length, 1);
  }
}

/** The change log: id, field, before and after of each change side by side in one chunk, and the table (its
 *  index in Store.all) in a byte beside them, so recording a change is two chunk lookups and five writes. */
const CH_BITS = CHUNK_BITS - 2;
const CH_MASK = (1 << CH_BITS) - 1;
export class ChangeCol {
  private readonly chunks: unknown[][] = [];
  private readonly tables: Uint8Array[] = [];
  add(i: number, table: number, id: string, field: string, before: unknown, after: unknown): void {
    const k = i >>> CH_BITS;
    let c = this.chunks[k];
    if (c === undefined) {
      c = this.chunks[k] = new Array<unknown>(4 << CH_BITS).fill(undefined);
      this.tables[k] = new Uint8Array(1 << CH_BITS);
    }
    this.tables[k][i & CH_MASK] = table;
    const o = (i & CH_MASK) << 2;
    c[o] = id;
    c[o + 1] = field;
    c[o + 2] = before;
    c[o + 3] = after;
  }
  table(i: number): number {
    return this.tables[i >>> CH_BITS][i & CH_MASK];
  }
  id(i: number): string {
    return this.chunks[i >>> CH_BITS][(i & CH_MASK) << 2] as string;
  }
  field(i: number): string {
    return this.chunks[i >>> CH_BITS][((i & CH_MASK) << 2) + 1] as string;
  }
  before(i: number): unknown {
    return this.chunks[i >>> CH_BITS][((i & CH_MASK) << 2) + 2];
  }
  after(i: number): unknown {
    return this.chunks[i >>> CH_BITS][((i & CH_MASK) << 2) + 3];
  }
  /** Keep only the first chunk (a streaming log starts over at change 0 for every step; what the old entries
   *  still hold is bounded by one chunk). */
  clear(): void {
    this.chunks.length = Math.min(this.chunks.length, 1);
    this.tables.length = this.chunks.length;
  }
}

/** The per-event columns interleaved in fixed chunks of EV_PER_CHUNK events: recording an event is one chunk
 *  lookup and nine adjacent Int32 writes. */
export const F_KIND = 0, F_LINE = 1, F_TASK = 2, F_STACK = 3, F_HOST = 4, F_SUMMARY = 5, F_CHSTART = 6, F_MATCH = 7, F_EXTRA = 8;
const EV_STRIDE = 9;
const EV_BITS = 11;
const EV_MASK = (1 << EV_BITS) - 1;
export class EventTable {
  private readonly chunks: Int32Array[] = [];
  get(i: number, f: number): number {
    return this.chunks[i >>> EV_BITS][(i & EV_MASK) * EV_STRIDE + f];
  }
  put(i: number, f: number, v: number): void {
    this.chunks[i >>> EV_BITS][(i & EV_MASK) * EV_STRIDE + f] = v;
  }
  append(i: number, kind: number, line: number, task: number, stack: number, host: number, summary: number, chStart: number, extra: number): void {
    const k = i >>> EV_BITS;
    let c = this.chunks[k];
    if (c === undefined) c = this.chunks[k] = new Int32Array(EV_STRIDE << EV_BITS);
    const o = (i & EV_MASK) * EV_STRIDE;
    c[o + F_KIND] = kind;
    c[o + F_LINE] = line;
    c[o + F_TASK] = task;
    c[o + F_STACK] = stack;
    c[o + F_HOST] = host;
    c[o + F_SUMMARY] = summary;
    c[o + F_CHSTART] = chStart;
    c[o + F_MATCH] = -1;
    c[o + F_EXTRA] = extra;
  }
  /** Keep only the first chunk (a streaming log starts over at index 0 for every step). */
  clear(): void {
    this.chunks.length = Math.min(this.chunks.length, 1);
  }
}
