// The webview's copy of a run: typed-array columns filled chunk by chunk, plus what is derived once per run
// (marks by kind, per-pixel overview density, clock samples) so each frame only touches the visible window.
import {
  copyColumns, EVENT_KINDS, FLAG_FAILED, KIND_CODE, FLAG_SIGNAL, newColumns, NO_LANE, viewColumns, type ColumnBuffers, type Columns, type RunHeader,
} from './protocol';

/** Kind codes by name (the protocol's): the per-event loops read them millions of times per frame. */
export const K = KIND_CODE;

/** Mark bits: what a pixel column of a lane holds besides plain spans. */
export const MARK = {
  fault: 1, zap: 2, pte: 4, signal: 8, error: 16, failedExpect: 32, freeze: 64, expect: 128,
} as const;

const MARK_BY_KIND = new Uint8Array(EVENT_KINDS.length);
MARK_BY_KIND[K.fault] = MARK.fault;
MARK_BY_KIND[K.zap] = MARK.zap;
MARK_BY_KIND[K['pte-insert']] = MARK.pte;
MARK_BY_KIND[K.signal] = MARK.signal;
MARK_BY_KIND[K.error] = MARK.error;
MARK_BY_KIND[K.freeze] = MARK.freeze;
MARK_BY_KIND[K.expect] = MARK.expect;

/** The mark bits of one event (0 for plain span events). */
export function markOf(kind: number, flags: number): number {
  let m = MARK_BY_KIND[kind];
  if (kind === 14 && flags & FLAG_FAILED) m = MARK.failedExpect;
  if (flags & FLAG_SIGNAL) m |= MARK.signal;
  return m;
}

/** markOf for every kind (index kind << 2) and FLAG_FAILED / FLAG_SIGNAL pair (index bits 0 and 1), for hot loops. */
const MARK_TABLE = new Uint8Array(256 << 2);
for (let k = 0; k < 256; k++) {
  for (let fs = 0; fs < 4; fs++) MARK_TABLE[(k << 2) | fs] = markOf(k, (fs & 1 ? FLAG_FAILED : 0) | (fs & 2 ? FLAG_SIGNAL : 0));
}
// Read as MARK_TABLE[(kind << 2) | ((flags >> FLAG_SHIFT) & 3)], written out where it is used: those loops run
// once per event before the engine has optimized anything, and a call there costs more than the read.
if (FLAG_SIGNAL !== FLAG_FAILED << 1) throw new Error('FLAG_FAILED and FLAG_SIGNAL must be adjacent bits');
const FLAG_SHIFT = Math.log2(FLAG_FAILED);

function grown<T extends Uint8Array | Uint16Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** Events per level-of-detail block (see RunModel.blockFirst). */
export const BLOCK = 64;

/** The columns of one received chunk, viewed in place (the transferred buffers are not copied). */
interface Segment {
  readonly start: number;
  readonly count: number;
  readonly cols: ColumnBuffers;
}

export class RunModel {
  readonly n: number;
  readonly causes: Int32Array;
  readonly clockPos: Float64Array;
  readonly hostMono: Float64Array;
  readonly hostBoot: Float64Array;
  readonly nsMono: Float64Array[];
  readonly nsBoot: Float64Array[];
  /** Lane indexes of the namespace lanes, in header order. */
  readonly nsLanes: number[];
  received = 0;
  /** Source text of the lines that ran, joined with '\n' (the 'lines' message, after the columns). */
  lines = '';
  /**
   * Chunks as they arrived, until the whole-run columns are first needed. Writing fresh memory is what loading
   * costs (the first touch of each page), so a run sent in one chunk keeps its buffers as the columns, and one
   * sent in several is joined only once something reads per-event columns (after the first frame, which draws
   * from the per-block summaries built straight from the chunks).
   */
  private segments: Segment[] = [];
  private joined: Columns | null = null;
  private bits: Uint8Array | null = null;
  private marked: Int32Array | null = null;
  private clockRanges: ([number, number] | null)[] = [];
  private hostSeries: ClockSeries | null = null;
  private nsSeries: [ClockSeries, ClockSeries][] = [];
  /**
   * Level of detail for zoomed-out frames: per block of BLOCK consecutive events, one entry per lane the block
   * touches (its deepest depth + 1, first non-zero category, marks), so a frame reads blocks, not events.
   */
  blockFirst = new Uint32Array(1);
  entLane = new Uint16Array(0);
  entDepth = new Uint8Array(0);
  entCat = new Uint8Array(0);
  entMark = new Uint8Array(0);

  constructor(readonly header: RunHeader) {
    this.n = header.eventCount;
    this.causes = new Int32Array(header.causes);
    const c = header.clocks;
    this.clockPos = new Float64Array(c.positions);
    this.hostMono = new Float64Array(c.hostMonotonic);
    this.hostBoot = new Float64Array(c.hostBoottime);
    this.nsMono = c.nsMonotonicOffset.map((b) => new Float64Array(b));
    this.nsBoot = c.nsBoottimeOffset.map((b) => new Float64Array(b));
    this.nsLanes = header.lanes.flatMap((l, i) => (l.kind === 'ns' ? [i] : []));
  }

  get kind(): Uint8Array { return this.columns().kind; }
  get lane(): Uint16Array { return this.columns().lane; }
  get nsLane(): Uint16Array { return this.columns().nsLane; }
  get depth(): Uint8Array { return this.columns().depth; }
  get flags(): Uint8Array { return this.columns().flags; }
  get line(): Int32Array { return this.columns().line; }
  get fn(): Uint16Array { return this.columns().fn; }
  get label(): Uint16Array { return this.columns().label; }
  get match(): Int32Array { return this.columns().match; }

  /** Mark bits of every event. */
  get markBits(): Uint8Array {
    if (this.bits) return this.bits;
    const { kind, flags, n } = this;
    const bits = new Uint8Array(n);
    for (let i = 0; i < n; i++) bits[i] = MARK_TABLE[(kind[i] << 2) | ((flags[i] >> FLAG_SHIFT) & 3)];
    return (this.bits = bits);
  }

  /** Indexes of events carrying a mark, ascending (faults, zaps, errors… are rare: drawn one by one). */
  get marks(): Int32Array {
    if (this.marked) return this.marked;
    const bits = this.markBits;
    let count = 0;
    for (let i = 0; i < this.n; i++) if (bits[i]) count++;
    const marks = new Int32Array(count);
    for (let i = 0, j = 0; i < this.n; i++) if (bits[i]) marks[j++] = i;
    return (this.marked = marks);
  }

  get complete(): boolean {
    return this.received >= this.n;
  }

  /** The whole-run columns: the single chunk's own buffers, or the chunks joined (once). */
  columns(): Columns {
    if (this.joined) return this.joined;
    const segs = this.segments;
    if (segs.length === 1 && segs[0].start === 0 && segs[0].count === this.n) {
      this.joined = viewColumns(segs[0].cols);
    } else {
      const all = newColumns(this.n);
      for (const seg of segs) copyColumns(all, seg.start, viewColumns(seg.cols));
      this.joined = all;
    }
    this.segments = [];
    return this.joined;
  }

  addChunk(start: number, count: number, cols: ColumnBuffers): void {
    if (start + count > this.n) throw new Error(`chunk [${start}, ${start + count}) past the run's ${this.n} events`);
    if (this.joined) copyColumns(this.joined, start, viewColumns(cols));
    else this.segments.push({ start, count, cols });
    this.bits = null;
    this.marked = null;
    this.received += count;
  }

  /** Derived indexes, once every chunk is in. */
  finish(): void {
    this.buildBlocks();
  }

  /** The chunks in order when they tile the run exactly (the usual case), else the joined columns as one piece. */
  private pieces(): { start: number; count: number; c: Columns }[] {
    const segs = [...this.segments].sort((a, b) => a.start - b.start);
    let at = 0;
    for (const s of segs) { if (s.start !== at) break; at += s.count; }
    if (this.joined || at !== this.n || segs.reduce((a, s) => a + s.count, 0) !== this.n) return [{ start: 0, count: this.n, c: this.columns() }];
    return segs.map((s) => ({ start: s.start, count: s.count, c: viewColumns(s.cols) }));
  }

  private buildBlocks(): void {
    const n = this.n;
    const blocks = Math.ceil(n / BLOCK);
    const first = new Uint32Array(blocks + 1);
    const laneSlots = this.header.lanes.length + 1;
    // A block adds at most one entry per lane it touches (each event touches two at most), so room for that much
    // is made once per block, and the per-event loop below calls nothing: it runs before the engine optimizes it.
    const perBlock = Math.min(laneSlots, 2 * BLOCK);
    let cap = Math.max(16, perBlock, blocks * Math.min(laneSlots, 8));
    let eLane = new Uint16Array(cap);
    let eDepth = new Uint8Array(cap);
    let eCat = new Uint8Array(cap);
    let eMark = new Uint8Array(cap);
    const slot = new Int32Array(laneSlots).fill(-1);
    let count = 0;
    let b = 0;
    let blockEnd = Math.min(n, BLOCK);
    for (const piece of this.pieces()) {
      const { lane, nsLane, depth, flags, kind } = piece.c;
      const s0 = piece.start;
      for (let j = 0; j < piece.count; j++) {
        const i = s0 + j;
        if (i >= blockEnd) {
          for (let e = first[b]; e < count; e++) slot[eLane[e]] = -1;
          b++;
          first[b] = count;
          blockEnd = Math.min(n, blockEnd + BLOCK);
          if (count + perBlock > cap) {
            cap = Math.max(cap * 2, count + perBlock);
            eLane = grown(eLane, new Uint16Array(cap));
            eDepth = grown(eDepth, new Uint8Array(cap));
            eCat = grown(eCat, new Uint8Array(cap));
            eMark = grown(eMark, new Uint8Array(cap));
          }
        }
        const f = flags[j];
        const m = MARK_TABLE[(kind[j] << 2) | ((f >> FLAG_SHIFT) & 3)];
        const L = lane[j];
        if (L !== NO_LANE && L < laneSlots) {
          let e = slot[L];
          if (e < 0) { e = count++; slot[L] = e; eLane[e] = L; eDepth[e] = 0; eCat[e] = 0; eMark[e] = 0; }
          const dd = depth[j];
          const d = (dd < 254 ? dd : 254) + 1;
          if (eDepth[e] < d) eDepth[e] = d;
          if (eCat[e] === 0) eCat[e] = f & 7;
          eMark[e] |= m;
        }
        const NL = nsLane[j];
        if (NL !== NO_LANE && NL < laneSlots) {
          let e = slot[NL];
          if (e < 0) { e = count++; slot[NL] = e; eLane[e] = NL; eDepth[e] = 0; eCat[e] = 0; eMark[e] = 0; }
          if (eDepth[e] === 0) eDepth[e] = 1;
          eMark[e] |= m;
        }
      }
    }
    first[blocks] = count;
    this.blockFirst = first;
    this.entLane = eLane.subarray(0, count);
    this.entDepth = eDepth.subarray(0, count);
    this.entCat = eCat.subarray(0, count);
    this.entMark = eMark.subarray(0, count);
  }

  /** Lowest and highest clock value a namespace lane's plot shows (host and namespace clocks), computed once. */
  clockRange(ni: number): [number, number] | null {
    if (this.clockRanges[ni] !== undefined) return this.clockRanges[ni];
    const mono = this.nsMono[ni];
    const boot = this.nsBoot[ni];
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < this.clockPos.length; k++) {
      const a = this.hostMono[k];
      const b = this.hostBoot[k];
      const c = a + mono[k];
      const d = b + boot[k];
      if (a < lo) lo = a; if (a > hi) hi = a;
      if (b < lo) lo = b; if (b > hi) hi = b;
      if (c < lo) lo = c; if (c > hi) hi = c; // NaN (namespace not alive) compares false
      if (d < lo) lo = d; if (d > hi) hi = d;
    }
    const range: [number, number] | null = Number.isFinite(lo) ? [lo, hi - lo < 1e-9 ? lo + 1 : hi] : null;
    this.clockRanges[ni] = range;
    return range;
  }

  /**
   * The three lines of a namespace lane's clock plot, computed once: the host's CLOCK_MONOTONIC, and the
   * namespace's CLOCK_MONOTONIC and CLOCK_BOOTTIME (host clock + offset).
   */
  clockSeries(ni: number): readonly [ClockSeries, ClockSeries, ClockSeries] {
    this.hostSeries ??= clockSeriesOf(this.hostMono, null);
    this.nsSeries[ni] ??= [clockSeriesOf(this.hostMono, this.nsMono[ni]), clockSeriesOf(this.hostBoot, this.nsBoot[ni])];
    return [this.hostSeries, ...this.nsSeries[ni]];
  }

  laneCount(): number {
    return this.header.lanes.length;
  }

  fnName(i: number): string {
    return this.header.functions[this.fn[i]] ?? '?';
  }

  kindName(i: number): string {
    return EVENT_KINDS[this.kind[i]] ?? '?';
  }

  taskName(i: number): string {
    const l = this.lane[i];
    return l === NO_LANE ? '' : this.header.lanes[l]?.id ?? '';
  }

  labelName(i: number): string {
    return this.header.labels[this.label[i]] ?? '';
  }

  /** Host CLOCK_MONOTONIC (seconds) at a position: the last sample at or before it. */
  hostTimeAt(position: number): number {
    const p = this.clockPos;
    if (p.length === 0) return 0;
    const k = upperBound(p, position) - 1;
    return this.hostMono[Math.max(0, k)];
  }
}

/** A clock as plotted: its value at each clock sample (NaN while the namespace is not alive), and its gaps. */
export interface ClockSeries {
  readonly values: Float64Array;
  /** The first sample at or after k whose value is not finite (the sample count if none), for k up to the count. */
  readonly nextGap: Int32Array;
}

function clockSeriesOf(host: Float64Array, offset: Float64Array | undefined | null): ClockSeries {
  const count = host.length;
  const values = new Float64Array(count);
  const nextGap = new Int32Array(count + 1);
  nextGap[count] = count;
  for (let k = count - 1; k >= 0; k--) {
    // The same sum the plot's sample-by-sample loop makes, so skipping lands on the same points.
    const v = offset ? host[k] + offset[k] : host[k];
    values[k] = v;
    nextGap[k] = Number.isFinite(v) ? nextGap[k + 1] : k;
  }
  return { values, nextGap };
}


/** First index whose value is > x, in an ascending array. */
export function upperBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is ≥ x, in an ascending array. */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First arrow pair (index into pairs) whose `to` is ≥ x; pairs are [from, to] sorted by `to`. */
export function firstArrowTo(pairs: Int32Array, x: number): number {
  let lo = 0;
  let hi = pairs.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pairs[mid * 2 + 1] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Human description of one event, for the aria-live region and the tooltip's first line. */
export function describeEvent(run: RunModel, i: number): string {
  const parts = [`Event ${i + 1} of ${run.n}`, run.kindName(i), run.fnName(i)];
  const task = run.taskName(i);
  if (task) parts.push(`task ${task}`);
  const line = run.line[i];
  if (line >= 0) parts.push(`line ${line + 1}`);
  const lab = run.labelName(i);
  if (lab) parts.push(lab);
  if (run.flags[i] & FLAG_FAILED) parts.push(run.kind[i] === K.expect ? 'expectation failed' : 'failed');
  parts.push(`host time ${run.hostTimeAt(i).toFixed(6)} s`);
  return parts.join(', ');
}
