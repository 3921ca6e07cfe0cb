// The webview's copy of a run: typed-array columns filled chunk by chunk, plus what is derived once per run
// (marks by kind, per-pixel overview density, clock samples) so each frame only touches the visible window.
import {
  EVENT_KINDS, FLAG_FAILED, FLAG_SIGNAL, NO_LANE, type ColumnBuffers, type RunHeader,
} from './protocol';

/** Kind codes as plain constants: the per-event loops read them millions of times per frame. */
export const K = {
  'syscall-enter': 0, 'syscall-exit': 1, 'vdso-enter': 2, 'vdso-exit': 3, call: 4, return: 5, state: 6, fault: 7,
  'pte-insert': 8, zap: 9, freeze: 10, signal: 11, error: 12, host: 13, expect: 14,
} as const satisfies Record<(typeof EVENT_KINDS)[number], number>;
for (const [name, code] of Object.entries(K)) {
  if (EVENT_KINDS[code] !== name) throw new Error(`kind code of ${name} does not match the protocol`);
}

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

/** Events per level-of-detail block (see RunModel.blockFirst). */
export const BLOCK = 64;

export class RunModel {
  readonly n: number;
  readonly kind: Uint8Array;
  readonly lane: Uint16Array;
  readonly nsLane: Uint16Array;
  readonly depth: Uint8Array;
  readonly flags: Uint8Array;
  readonly line: Int32Array;
  readonly fn: Uint16Array;
  readonly label: Uint16Array;
  readonly match: Int32Array;
  readonly causes: Int32Array;
  readonly clockPos: Float64Array;
  readonly hostMono: Float64Array;
  readonly hostBoot: Float64Array;
  readonly nsMono: Float64Array[];
  readonly nsBoot: Float64Array[];
  /** Lane indexes of the namespace lanes, in header order. */
  readonly nsLanes: number[];
  received = 0;
  /** Indexes of events carrying a mark, ascending (faults, zaps, errors… are rare: drawn one by one). */
  marks = new Int32Array(0);
  /** Mark bits of every event, computed once. */
  markBits = new Uint8Array(0);
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
    const n = (this.n = header.eventCount);
    this.kind = new Uint8Array(n);
    this.lane = new Uint16Array(n);
    this.nsLane = new Uint16Array(n);
    this.depth = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.line = new Int32Array(n);
    this.fn = new Uint16Array(n);
    this.label = new Uint16Array(n);
    this.match = new Int32Array(n);
    this.causes = new Int32Array(header.causes);
    const c = header.clocks;
    this.clockPos = new Float64Array(c.positions);
    this.hostMono = new Float64Array(c.hostMonotonic);
    this.hostBoot = new Float64Array(c.hostBoottime);
    this.nsMono = c.nsMonotonicOffset.map((b) => new Float64Array(b));
    this.nsBoot = c.nsBoottimeOffset.map((b) => new Float64Array(b));
    this.nsLanes = header.lanes.flatMap((l, i) => (l.kind === 'ns' ? [i] : []));
  }

  get complete(): boolean {
    return this.received >= this.n;
  }

  addChunk(start: number, count: number, cols: ColumnBuffers): void {
    if (start + count > this.n) throw new Error(`chunk [${start}, ${start + count}) past the run's ${this.n} events`);
    this.kind.set(new Uint8Array(cols.kind), start);
    this.lane.set(new Uint16Array(cols.lane), start);
    this.nsLane.set(new Uint16Array(cols.nsLane), start);
    this.depth.set(new Uint8Array(cols.depth), start);
    this.flags.set(new Uint8Array(cols.flags), start);
    this.line.set(new Int32Array(cols.line), start);
    this.fn.set(new Uint16Array(cols.fn), start);
    this.label.set(new Uint16Array(cols.label), start);
    this.match.set(new Int32Array(cols.match), start);
    this.received += count;
  }

  /** Derived indexes, once every chunk is in. */
  finish(): void {
    let count = 0;
    const { kind, flags, n } = this;
    const bits = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const m = markOf(kind[i], flags[i]);
      bits[i] = m;
      if (m) count++;
    }
    const marks = new Int32Array(count);
    for (let i = 0, j = 0; i < n; i++) if (bits[i]) marks[j++] = i;
    this.marks = marks;
    this.markBits = bits;
    this.buildBlocks();
  }

  private buildBlocks(): void {
    const { n, lane, nsLane, depth, flags, markBits } = this;
    const blocks = Math.ceil(n / BLOCK);
    const first = new Uint32Array(blocks + 1);
    let cap = Math.max(16, blocks * 3);
    let eLane = new Uint16Array(cap);
    let eDepth = new Uint8Array(cap);
    let eCat = new Uint8Array(cap);
    let eMark = new Uint8Array(cap);
    const slot = new Int32Array(this.header.lanes.length + 1).fill(-1);
    let count = 0;
    const entry = (l: number): number => {
      let e = slot[l];
      if (e >= 0) return e;
      if (count === cap) {
        cap *= 2;
        const grow = <T extends Uint8Array | Uint16Array>(a: T, make: (n: number) => T): T => { const b = make(cap); b.set(a); return b; };
        eLane = grow(eLane, (k) => new Uint16Array(k));
        eDepth = grow(eDepth, (k) => new Uint8Array(k));
        eCat = grow(eCat, (k) => new Uint8Array(k));
        eMark = grow(eMark, (k) => new Uint8Array(k));
      }
      e = count++;
      slot[l] = e;
      eLane[e] = l; eDepth[e] = 0; eCat[e] = 0; eMark[e] = 0;
      return e;
    };
    for (let b = 0; b < blocks; b++) {
      first[b] = count;
      const end = Math.min(n, (b + 1) * BLOCK);
      for (let i = b * BLOCK; i < end; i++) {
        const L = lane[i];
        if (L !== NO_LANE && L < slot.length) {
          const e = entry(L);
          const d = Math.min(254, depth[i]) + 1;
          if (eDepth[e] < d) eDepth[e] = d;
          if (eCat[e] === 0) eCat[e] = flags[i] & 7;
          eMark[e] |= markBits[i];
        }
        const NL = nsLane[i];
        if (NL !== NO_LANE && NL < slot.length) {
          const e = entry(NL);
          if (eDepth[e] === 0) eDepth[e] = 1;
          eMark[e] |= markBits[i];
        }
      }
      for (let e = first[b]; e < count; e++) slot[eLane[e]] = -1;
    }
    first[blocks] = count;
    this.blockFirst = first;
    this.entLane = eLane.subarray(0, count);
    this.entDepth = eDepth.subarray(0, count);
    this.entCat = eCat.subarray(0, count);
    this.entMark = eMark.subarray(0, count);
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
