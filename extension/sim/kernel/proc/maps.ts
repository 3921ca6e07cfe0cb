// /proc/PID/maps (fs/proc/task_mmu.c show_map_vma): the lines of the special mappings the model has, [vvar],
// [vvar_vclock] and [vdso] at the model's addresses, and x86_64's [vsyscall] gate area. The program's own
// mappings (text, heap, libraries, stack) are not modelled, so the model's file has only these lines.

import { PROT } from '../../types';
import type { OpenFile } from '../../store/records';
import { task, vma, type KernelContext } from '../context';
import { ptraceMayAccess } from '../cred';
import { mayWrite, taskInode } from './inode';

/** The fixed address of the vsyscall page (arch/x86/include/uapi/asm/vsyscall.h VSYSCALL_ADDR). */
export const VSYSCALL_ADDR = 0xffffffffff600000;

const hex = (v: number) => v.toString(16).padStart(8, '0');

/**
 * One line: show_vma_header_prefix prints `%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ` (seq_put_hex_ll with at
 * least 8 digits; the offset is 0 for a mapping without a file), then seq_pad pads to
 * `25 + sizeof(void *) * 6 - 1` = 72 columns and one space before the name.
 */
export function mapsLine(start: number, end: number, prot: number, shared: boolean, name: string): string {
  const perms = `${prot & PROT.PROT_READ ? 'r' : '-'}${prot & PROT.PROT_WRITE ? 'w' : '-'}${prot & PROT.PROT_EXEC ? 'x' : '-'}${shared ? 's' : 'p'}`;
  const prefix = `${hex(start)}-${hex(end)} ${perms} 00000000 00:00 0 `;
  return `${prefix.padEnd(72, ' ')} ${name}\n`;
}

/** proc_maps_open → proc_mem_open → mm_access: PTRACE_MODE_READ_FSCREDS on the target, else EACCES, unless the
 *  target's mm is the caller's own ("mm != current->mm && !ptrace_may_access(task, mode)", kernel/fork.c, every
 *  version): a CLONE_VM sibling that changed its ids reads the maps of the others on its mm. */
export function mapsOpen(k: KernelContext, t: string, target: string, mode: 'r' | 'w' | 'rw'): void {
  // the file is S_IRUGO (fs/proc/base.c REG("maps", S_IRUGO, …)): only CAP_DAC_OVERRIDE over its owner opens it
  // for writing, and such an fd's writes fail with EINVAL (no write handler: do_dentry_open leaves FMODE_CAN_WRITE off)
  if (mode !== 'r' && !mayWrite(k, t, taskInode(k, task(k, target), 0o444))) k.fail('EACCES', `/proc/${target}/maps is read-only (0444) and ${t} lacks CAP_DAC_OVERRIDE over its owner`);
  k.fn('proc_maps_open', () => {
    const own = task(k, target).mm !== null && task(k, target).mm === task(k, t).mm;
    if (!own && !ptraceMayAccess(k, task(k, t), task(k, target))) k.fail('EACCES', `${t} has no ptrace read access to ${target} (mm_access, PTRACE_MODE_READ_FSCREDS)`);
  });
}

export function isMapsFile(fd: OpenFile): boolean {
  return fd.kind === 'proc' && fd.task !== null && fd.path.endsWith('/maps');
}

/** show_map (m_start walks the VMAs in address order, then the gate VMA on x86_64). */
export function mapsText(k: KernelContext, fd: OpenFile): string {
  return k.fn('show_map', () => {
    const target = task(k, fd.task!);
    // m_start: "priv->task = get_proc_task(priv->inode); if (!priv->task) return ERR_PTR(-ESRCH);" (the model's
    // exit reaps), then the mm the open took: "if (!mm || !mmget_not_zero(mm))" nothing, as once an exec or the
    // last user's exit freed it, whatever mm the task has now
    if (target.state === 'exited') k.fail('ESRCH', `${fd.task} has gone: get_proc_task finds no task`);
    const mmId = fd._mm ?? target.mm;
    const m = mmId ? k.mms.get(mmId) : undefined;
    if (!m) return '';
    const vmas = m._vmas.map((id) => vma(k, id)).sort((a, b) => a.start - b.start);
    let text = vmas.map((v) => mapsLine(v.start, v.start + v.pages * k.sw.pageSize, v.prot, v.flags.includes('VM_MAYSHARE'), v.name)).join('');
    // get_gate_vma (arch/x86/entry/vsyscall/vsyscall_64.c): xonly (the default since 5.3) is --x, emulate r-x; none
    // for an ia32 mm ("if (!mm || !(mm->context.flags & MM_CONTEXT_HAS_VSYSCALL)) return NULL;", and
    // set_personality_ia32 leaves the flag out: 32-bit code cannot reach 0xffffffffff600000)
    if (k.sw.vsyscall && !m._compat) text += mapsLine(VSYSCALL_ADDR, VSYSCALL_ADDR + k.sw.pageSize, k.sw.vsyscall === 'xonly' ? PROT.PROT_EXEC : PROT.PROT_READ | PROT.PROT_EXEC, false, '[vsyscall]');
    return text;
  });
}
