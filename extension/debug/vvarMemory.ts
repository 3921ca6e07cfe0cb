// The bytes of a simulated vDSO data page, laid out as the kernel's struct vdso_data / vdso_clock, so the
// debugger's memory view (readMemory) shows seq, clock_mode and the per-clock offsets where the vDSO reads them;
// and the same page decoded field by field for the extension's own read-only memory view.
import type { PhysPageState } from '../sim/api';
import type { Profile } from '../sim/types';
import { CLOCKS, kernelAtLeast, pageSizeOf } from '../sim/types';
import { formatTimespec } from './expressions';

/** Field offsets inside one block, which depend on the era and on overflow protection. */
export interface BlockLayout {
  readonly size: number;
  readonly seq: number;
  readonly clock_mode: number;
  readonly cycle_last: number;
  readonly max_cycles: number | null;
  readonly mask: number;
  readonly mult: number;
  readonly shift: number;
  /** basetime[clk] (host page) or offset[clk] (namespace page): 12 entries of {s64 sec, u64 nsec}. */
  readonly values: number;
  /** tz_minuteswest, tz_dsttime, hrtimer_res live in each block before the 6.15 datastore. */
  readonly tz_minuteswest: number | null;
  readonly hrtimer_res: number | null;
}

const VDSO_BASES = 12;


/** The block layout for a profile. x86 selects CONFIG_GENERIC_VDSO_OVERFLOW_PROTECT from 6.10 (my reading of
 *  the kernel's Kconfig history; the model knows 6.12 as the first version with it), which adds `max_cycles`. */
export function blockLayout(profile: Profile): BlockLayout {
  const maxCycles = profile.arch === 'x86_64' && kernelAtLeast(profile.kernel, '6.12');
  const datastore = kernelAtLeast(profile.kernel, '6.15');
  let at = 8; // seq u32 @0, clock_mode s32 @4
  const cycle_last = at; at += 8;
  const max_cycles = maxCycles ? at : null; if (maxCycles) at += 8;
  const mask = at; at += 8;
  const mult = at; at += 4;
  const shift = at; at += 4;
  const values = at; at += VDSO_BASES * 16;
  let tz: number | null = null;
  let hrtimer: number | null = null;
  if (!datastore) { tz = at; hrtimer = at + 8; at += 16; }
  return { size: at, seq: 0, clock_mode: 4, cycle_last, max_cycles, mask, mult, shift, values, tz_minuteswest: tz, hrtimer_res: hrtimer };
}

/** The kernel's numeric value of a clock mode name, as stored in the s32 `clock_mode`. */
export function clockModeValue(name: string): number {
  switch (name) {
    case 'VDSO_CLOCKMODE_NONE': return 0;
    case 'VDSO_CLOCKMODE_TSC': return 1;
    case 'VDSO_CLOCKMODE_ARCHTIMER': return 1;
    case 'VDSO_CLOCKMODE_PVCLOCK': return 2;
    case 'VDSO_CLOCKMODE_HVCLOCK': return 3;
    case 'VDSO_CLOCKMODE_TIMENS': return 0x7fffffff; // INT_MAX
    case 'VCLOCK_TIMENS': return -1;                 // UINT_MAX in a signed field (5.6)
    case 'VCLOCK_TSC': return 1;                     // 5.6: arch/x86/include/asm/clocksource.h
    case 'VCLOCK_PVCLOCK': return 2;
    case 'VCLOCK_HVCLOCK': return 3;
    default: return 0;
  }
}

/** The whole page (PAGE_SIZE bytes: 16 or 64 KiB on such arm64 machines). Fields the model does not track
 *  (cycle_last, mask, mult, shift) stay zero, which is what a namespace page really holds; on the host page they
 *  would hold the clocksource's values. */
export function pageBytes(page: PhysPageState, profile: Profile): Uint8Array {
  const bytes = new Uint8Array(pageSizeOf(profile));
  const view = new DataView(bytes.buffer);
  const layout = blockLayout(profile);
  page.blocks.forEach((block, i) => {
    const base = page.blockOffset + i * layout.size;
    if (base + layout.size > bytes.length) return;
    view.setUint32(base + layout.seq, block.seq >>> 0, true);
    view.setInt32(base + layout.clock_mode, clockModeValue(block.clock_mode), true);
    block.values.slice(0, VDSO_BASES).forEach((t, clk) => {
      view.setBigInt64(base + layout.values + clk * 16, BigInt(Math.trunc(t.sec)), true);
      view.setBigUint64(base + layout.values + clk * 16 + 8, BigInt(Math.max(0, Math.trunc(t.nsec))), true);
    });
  });
  return bytes;
}

/** One decoded field of a page: where it lives, its C type and name, and its value as the kernel reads it. */
export interface PageField {
  /** `vdso_data[0].offset[CLOCK_MONOTONIC]`, `clock_data[1].seq`. */
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly type: 'u32' | 's32' | 'u64' | 'vdso_timestamp' | 'timens_offset';
  readonly value: string;
  /** What the field means here, or that the model does not track it. */
  readonly note: string;
  readonly role: 'seq' | 'clock_mode' | 'clocksource' | 'time' | 'tz';
}

export interface DecodedPage {
  readonly id: string;
  readonly kind: PhysPageState['kind'];
  /** The kernel structure the blocks are, at this profile's version. */
  readonly struct: string;
  readonly blockOffset: number;
  readonly fields: readonly PageField[];
  readonly bytes: Uint8Array;
}

const BLOCK_TAGS = ['CS_HRES_COARSE', 'CS_RAW'];

/** The basetime entries the vDSO reads from each host block (VDSO_HRES | VDSO_COARSE, VDSO_RAW in
 *  include/vdso/datapage.h), and the offsets timens_setup_vdso_data writes (kernel/time/namespace.c). The
 *  simulator's hostPage and timens_set_vvar_page fill the same entries. */
const HOST_ENTRIES: readonly (readonly number[])[] = [
  [CLOCKS.CLOCK_REALTIME, CLOCKS.CLOCK_MONOTONIC, CLOCKS.CLOCK_BOOTTIME, CLOCKS.CLOCK_TAI, CLOCKS.CLOCK_REALTIME_COARSE, CLOCKS.CLOCK_MONOTONIC_COARSE],
  [CLOCKS.CLOCK_MONOTONIC_RAW],
];
const NS_MONOTONIC: readonly number[] = [CLOCKS.CLOCK_MONOTONIC, CLOCKS.CLOCK_MONOTONIC_RAW, CLOCKS.CLOCK_MONOTONIC_COARSE];
const NS_BOOTTIME: readonly number[] = [CLOCKS.CLOCK_BOOTTIME, CLOCKS.CLOCK_BOOTTIME_ALARM];

function entryNote(timens: boolean, block: number, clk: number, name: string): string {
  if (timens) {
    if (NS_MONOTONIC.includes(clk)) return `the namespace's monotonic offset, added to the host's ${name}`;
    if (NS_BOOTTIME.includes(clk)) return `the namespace's boottime offset, added to the host's ${name}`;
    return 'not shifted by time namespaces: stays 0';
  }
  return HOST_ENTRIES[block]?.includes(clk) ? `host ${name} at the last update` : 'not read by the vDSO from this block';
}

/** The clock id's kernel name, for the basetime/offset arrays (id 10 is a retired clock the model does not name). */
function clockIdName(id: number): string {
  return Object.entries(CLOCKS).find(([, v]) => v === id)?.[0] ?? String(id);
}

/** The page decoded from its bytes, field by field, with the layout of the profile's architecture and version. */
export function decodePage(page: PhysPageState, profile: Profile): DecodedPage {
  const bytes = pageBytes(page, profile);
  const view = new DataView(bytes.buffer);
  const layout = blockLayout(profile);
  const generic = kernelAtLeast(profile.kernel, '6.15');
  const timens = page.kind === 'timens';
  const fields: PageField[] = [];
  const untracked = timens ? 'zero on a namespace page' : 'clocksource state: not modelled, reads 0';
  page.blocks.forEach((block, i) => {
    const base = page.blockOffset + i * layout.size;
    if (base + layout.size > bytes.length) return;
    const prefix = `${generic ? 'clock_data' : 'vdso_data'}[${i}]`;
    const add = (name: string, at: number, size: number, type: PageField['type'], value: string, note: string, role: PageField['role']): void => {
      fields.push({ name: `${prefix}.${name}`, offset: base + at, size, type, value, note, role });
    };
    const u64 = (at: number): string => view.getBigUint64(base + at, true).toString();
    const seq = view.getUint32(base + layout.seq, true);
    const seqNote = timens
      ? seq === 0 ? 'zero as allocated: timens_set_vvar_page sets 1 when the namespace is first entered'
        : 'odd for ever: every reader of a namespace page takes the time-namespace path'
      : seq % 2 ? 'odd: an update is in progress, readers retry' : 'even: no update in progress';
    add('seq', layout.seq, 4, 'u32', String(seq), seqNote, 'seq');
    const mode = view.getInt32(base + layout.clock_mode, true);
    add('clock_mode', layout.clock_mode, 4, 's32', `${mode} (${block.clock_mode})`, `${BLOCK_TAGS[i] ?? `block ${i}`} block`, 'clock_mode');
    add('cycle_last', layout.cycle_last, 8, 'u64', u64(layout.cycle_last), untracked, 'clocksource');
    if (layout.max_cycles !== null) add('max_cycles', layout.max_cycles, 8, 'u64', u64(layout.max_cycles), untracked, 'clocksource');
    add('mask', layout.mask, 8, 'u64', u64(layout.mask), untracked, 'clocksource');
    add('mult', layout.mult, 4, 'u32', String(view.getUint32(base + layout.mult, true)), untracked, 'clocksource');
    add('shift', layout.shift, 4, 'u32', String(view.getUint32(base + layout.shift, true)), untracked, 'clocksource');
    for (let clk = 0; clk < VDSO_BASES; clk++) {
      const at = layout.values + clk * 16;
      const sec = Number(view.getBigInt64(base + at, true));
      const nsec = Number(view.getBigUint64(base + at + 8, true));
      const name = clockIdName(clk);
      add(`${timens ? 'offset' : 'basetime'}[${name}]`, at, 16, timens ? 'timens_offset' : 'vdso_timestamp', formatTimespec({ sec, nsec }),
        entryNote(timens, i, clk, name), 'time');
    }
    if (layout.tz_minuteswest !== null) {
      add('tz_minuteswest', layout.tz_minuteswest, 4, 's32', String(view.getInt32(base + layout.tz_minuteswest, true)), 'not modelled, reads 0', 'tz');
      add('tz_dsttime', layout.tz_minuteswest + 4, 4, 's32', String(view.getInt32(base + layout.tz_minuteswest + 4, true)), 'not modelled, reads 0', 'tz');
    }
    if (layout.hrtimer_res !== null) add('hrtimer_res', layout.hrtimer_res, 4, 'u32', String(view.getUint32(base + layout.hrtimer_res, true)), 'not modelled, reads 0', 'tz');
  });
  const struct = generic ? 'struct vdso_time_data: clock_data[CS_BASES] of struct vdso_clock' : 'struct vdso_data vdso_data[CS_BASES]';
  return { id: page.id, kind: page.kind, struct, blockOffset: page.blockOffset, fields, bytes };
}

/** A DAP readMemory answer for `count` bytes of the page from `offset` (bytes past the page are unreadable). */
export function readPageMemory(page: PhysPageState, profile: Profile, offset: number, count: number): { address: string; data: string; unreadableBytes?: number } {
  const bytes = pageBytes(page, profile);
  const start = Math.max(0, offset);
  const end = Math.min(bytes.length, start + Math.max(0, count));
  const data = bytes.subarray(start, Math.max(start, end));
  return {
    address: '0x' + start.toString(16),
    data: Buffer.from(data).toString('base64'),
    ...(start + count > end ? { unreadableBytes: start + count - Math.max(start, end) } : {}),
  };
}
