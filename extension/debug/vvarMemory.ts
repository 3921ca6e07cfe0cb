// The bytes of a simulated vDSO data page, laid out as the kernel's struct vdso_data / vdso_clock, so the
// debugger's memory view (readMemory) shows seq, clock_mode and the per-clock offsets where the vDSO reads them.
import type { PhysPageState } from '../sim/api';
import type { Profile } from '../sim/types';
import { kernelAtLeast } from '../sim/types';

export const PAGE_SIZE = 4096;

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
    default: return 0;
  }
}

/** The whole 4 KiB page. Fields the model does not track (cycle_last, mask, mult, shift) stay zero, which is
 *  what a namespace page really holds; on the host page they would hold the clocksource's values. */
export function pageBytes(page: PhysPageState, profile: Profile): Uint8Array {
  const bytes = new Uint8Array(PAGE_SIZE);
  const view = new DataView(bytes.buffer);
  const layout = blockLayout(profile);
  page.blocks.forEach((block, i) => {
    const base = page.blockOffset + i * layout.size;
    if (base + layout.size > PAGE_SIZE) return;
    view.setUint32(base + layout.seq, block.seq >>> 0, true);
    view.setInt32(base + layout.clock_mode, clockModeValue(block.clock_mode), true);
    block.values.slice(0, VDSO_BASES).forEach((t, clk) => {
      view.setBigInt64(base + layout.values + clk * 16, BigInt(Math.trunc(t.sec)), true);
      view.setBigUint64(base + layout.values + clk * 16 + 8, BigInt(Math.max(0, Math.trunc(t.nsec))), true);
    });
  });
  return bytes;
}

/** Labelled fields of a page (for the Variables view): where each lives and its value. */
export function pageFieldMap(page: PhysPageState, profile: Profile): { name: string; offset: number; size: number }[] {
  const layout = blockLayout(profile);
  const fields: { name: string; offset: number; size: number }[] = [];
  page.blocks.forEach((_b, i) => {
    const base = page.blockOffset + i * layout.size;
    const tag = i === 0 ? 'CS_HRES_COARSE' : 'CS_RAW';
    fields.push({ name: `[${tag}].seq`, offset: base + layout.seq, size: 4 });
    fields.push({ name: `[${tag}].clock_mode`, offset: base + layout.clock_mode, size: 4 });
    fields.push({ name: `[${tag}].${page.kind === 'timens' ? 'offset' : 'basetime'}[0..11]`, offset: base + layout.values, size: VDSO_BASES * 16 });
  });
  return fields;
}
