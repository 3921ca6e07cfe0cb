// The vDSO's seqcount loop against a racing host update (lib/vdso/gettimeofday.c do_hres/do_coarse and their timens
// twins; kernel/time/vsyscall.c update_vsyscall with vdso_write_begin/vdso_write_end), made visible: a clock read
// written with `race=during` or `race=before` interleaves one update_vsyscall of another CPU with its loop.

import type { VdsoRace } from '../../opsClock';
import type { KernelContext } from '../context';

/** One update_vsyscall step on the host page: both blocks' seq + 1 (vdso_write_begin or vdso_write_end). */
function writeStep(k: KernelContext, page: string, what: string): number {
  const p = k.pages.get(page)!;
  k.r.set(k.pages, page, 'blocks', p.blocks.map((b) => ({ ...b, seq: b.seq + 1 })));
  const seq = p.blocks[0].seq + 1;
  k.state(k.txt`another CPU: update_vsyscall ${what}: seq of ${page} → ${seq}`);
  return seq;
}

/**
 * The loop of a reader of `page` (the host data page: page 0 for a host task, the timens slot in a namespace) with
 * one racing update; returns how many times vdso_read_retry sent it back. The update writes the same clock values
 * here (host time moves only when the scenario says so), so the value read is the same; only the loop shows.
 */
export function raceSeqcount(k: KernelContext, page: string, race: VdsoRace, reader: string): number {
  const start = k.pages.get(page)!.blocks[0].seq;
  if (race === 'before') {
    // The update began before the read: "while (unlikely((seq = READ_ONCE(vd->seq)) & 1)) cpu_relax();"
    const odd = writeStep(k, page, 'vdso_write_begin');
    k.state(k.txt`${reader}: seq ${odd} is odd (an update is in progress): cpu_relax, read seq again`);
    const even = writeStep(k, page, 'vdso_write_end');
    k.state(k.txt`${reader}: seq ${even} is even: read the bases, vdso_read_retry(vd, ${even}) finds seq unchanged: done, 0 retries`);
    return 0;
  }
  // The update begins after the reader took seq and read the bases: "} while (unlikely(vdso_read_retry(vd, seq)));"
  k.state(k.txt`${reader}: seq ${start} is even: read cycles and the bases`);
  const odd = writeStep(k, page, 'vdso_write_begin');
  k.state(k.txt`${reader}: vdso_read_retry: seq ${odd} != ${start}: retry #1 (the bases just read may be torn)`);
  k.state(k.txt`${reader}: seq ${odd} is odd: cpu_relax, read seq again`);
  const even = writeStep(k, page, 'vdso_write_end');
  k.state(k.txt`${reader}: seq ${even} is even: read the bases again, vdso_read_retry(vd, ${even}) finds seq unchanged: done after 1 retry`);
  return 1;
}
