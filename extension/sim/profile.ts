// Turns a profile (arch + kernel version + disabled arm64 patches) into named behaviour switches, each citing
// the version or patch that introduced it. The kernel model reads only these switches, never the version.

import { buildNote, buildStatusOf } from './build';
import { configOf } from './config';
import { ARM64_PATCHES, kernelAtLeast, machineOf, pageSizeOf, type Arm64PatchId, type Profile } from './types';
import type { MappingName } from './ops';

/** What a page of a special mapping is for; decides what the fault handler maps there. */
export type PageRole = 'data' | 'timens' | 'pvclock' | 'hvclock' | 'rng' | 'arch';

export interface VmaLayout {
  readonly name: MappingName;
  readonly pages: number;
  /** Role of each page (by vm_pgoff); [vdso] pages are text. */
  readonly roles: readonly (PageRole | 'text')[];
  readonly flags: readonly string[];
  /** True when the mapping is served by a fault callback with PFN inserts (PTEs copied at fork). */
  readonly pfnmap: boolean;
}

export interface Layout {
  readonly id: string;
  /** In address order; the vDSO text is always last. */
  readonly vmas: readonly VmaLayout[];
  /** Page of [vvar] the vDSO reads first (its "data page"). */
  readonly dataSlot: number;
  /** Page of [vvar] where a timens task's vDSO finds the real data page; null when there is none. */
  readonly timensSlot: number | null;
  /** The data-page fault of a timens task first inserts the host page at the timens slot. */
  readonly prefault: boolean;
  /** Byte offset of the first vdso_data block in a data page. */
  readonly blockOffset: number;
  /** The [vvar] size in pages the arch vvar_mremap hook accepts (x86 -sym_vvar_start, arm64 VVAR_NR_PAGES). */
  readonly vvarNrPages: number;
  /** [vvar] is the generic vDSO datastore's (lib/vdso/datastore.c, 6.15), whatever the architecture. */
  readonly datastore: boolean;
  /** The datastore's pages are allocated (vdso_setup_data_pages, 7.3): its vvar_fault maps the page at every slot it
   *  knows, the timens slot of a task outside a time namespace and the arch slot included, instead of SIGBUS. */
  readonly datastorePages: boolean;
  readonly source: string;
}

export interface SwitchValues {
  /** Whether the kernel builds; a kernel that does not is run only as a forced build (build.ts). */
  readonly build: 'builds' | 'does not build' | 'forced build';
  /** CONFIG_TIME_NS can exist: time namespaces, /proc/PID/ns/time*, timens_offsets. */
  readonly timeNamespaces: boolean;
  readonly layout: Layout;
  /** The vvar mapping is served by vvar_fault (PFN map) rather than a fixed page list. */
  readonly vvarFaultCallback: boolean;
  /** vdso_join_timens really zaps the [vvar] PTEs of the mm. */
  readonly zapOnJoin: boolean;
  /** The vDSO has its time-namespace path (do_hres_timens: __arch_get_timens_vdso_data, arm64 patch 3). */
  readonly vdsoTimensPath: boolean;
  /** vvar_fault consults find_timens_vvar_page (namespace page at the data slot, host page at the timens slot). */
  readonly timensFault: boolean;
  /** The arch mremap hook refuses a [vvar] move whose size is not the whole mapping (x86 5.6–5.10, arm64 patch 5 in 5.9–5.10). */
  readonly vvarMremapSizeCheck: boolean;
  /** Special mappings cannot be split (munmap/mprotect/mremap of part → EINVAL). */
  readonly specialMappingSplitBan: boolean;
  /** A same-size MREMAP_FIXED move takes every VMA in the range, keeping the gaps between them (remap_move, 6.17). */
  readonly mremapMultiVma: boolean;
  /** timens_offsets uses clock names (read) and accepts names or 1/7 (write); else numeric ids. */
  readonly offsetsClockNames: boolean;
  /** Where proc_timens_set_offset refuses a tv_nsec outside [0, NSEC_PER_SEC) with EINVAL: before or after the
   *  seconds' range check (ERANGE), or nowhere (a %lu of 2^63 or more is then a negative tv_nsec that is kept). */
  readonly offsetsNsecCheck: 'before-range' | 'after-range' | null;
  /** sscanf's integer conversions saturate at ULLONG_MAX on overflow (_parse_integer_limit); before, they wrap mod 2^64. */
  readonly scanSaturates: boolean;
  /** readlink of /proc/PID/ns/time_for_children says 'time_for_children:[…]' (5.6) instead of 'time:[…]'. */
  readonly tfcLinkName: 'time' | 'time_for_children';
  /** Names of the vDSO clock modes. */
  readonly clockModePrefix: 'VCLOCK' | 'VDSO_CLOCKMODE';
  /** setns takes a pidfd at all (5.8); before, proc_ns_fget refuses any file that is not a namespace file. */
  readonly pidfdSetns: boolean;
  /** setns through a pidfd can join a time namespace. */
  readonly pidfdSetnsTime: boolean;
  /** Freeze and zap happen in timens_commit from commit_nsset (5.9+) rather than in timens_install. */
  readonly commitNsset: boolean;
  /** copy_process refuses CLONE_VM/CLONE_THREAD while time_ns != time_ns_for_children. */
  readonly cloneVmEinvalWhilePending: boolean;
  /** copy_namespaces leaves a CLONE_VM child in the parent's time_ns (no timens_on_fork). */
  readonly cloneVmStaysUntilExec: boolean;
  /** exec_task_namespaces moves an exec'ing task into its time_ns_for_children. */
  readonly execSwitchesToTfc: boolean;
  /** clone3 accepts CLONE_NEWTIME (0x80) in flags. */
  readonly clone3NewTime: boolean;
  /** mntns_install tests the caller's own fs_struct (current->fs->users), not the nsset's copy prepare_nsset makes
   *  when other flags come with CLONE_NEWNS: a setns(pidfd, CLONE_NEWNS|…) beside another thread is EINVAL. */
  readonly mntnsInstallCallerFs: boolean;
  /** kernel_clone refuses an exit signal valid_signal does not take, so a legacy clone() whose low byte is over 64
   *  (CLONE_NEWTIME, 0x80, among them) is EINVAL; before, only clone3 checked it. */
  readonly cloneExitSignalChecked: boolean;
  /** /proc/stat btime is shifted by the reader's boottime offset. */
  readonly procStatBtime: boolean;
  /** user.max_time_namespaces and the other ucount sysctls are longs (proc_doulongvec_minmax, which refuses any
   *  minus sign); before, ints (proc_dointvec_minmax, which takes "-0" as 0). */
  readonly ucountSysctlLong: boolean;
  /** proc_sys_call_handler refuses a read or write of KMALLOC_MAX_SIZE bytes or more (ENOMEM), the bound in bytes
   *  (5.8+, when the handlers took a kernel buffer); null before. */
  readonly sysctlKmallocMax: number | null;
  /** access_ok's bound: a read whose count reaches it is EFAULT wherever the buffer lies; null where access_ok takes
   *  every count below 2^63 (x86_64 6.4-6.11). */
  readonly userAddressLimit: number | null;
  /** /proc/PID/stat starttime is shifted by the reader's boottime offset. */
  readonly procPidStatStart: boolean;
  /** Name of the fork core: _do_fork before 5.10, kernel_clone after. */
  readonly forkFn: '_do_fork' | 'kernel_clone';
  /** One shared find_timens_vvar_page in kernel/time/namespace.c (6.2+) vs a per-arch copy. */
  readonly sharedFindTimensVvarPage: boolean;
  /** vDSO entry symbol of clock_gettime. */
  readonly vdsoClockGettime: string;
  /** Per-arch names and places: syscall symbol prefix, page-fault path, where the vDSO sits. */
  readonly arch: {
    readonly syscallPrefix: string;
    readonly faultEntry: string;
    readonly faultHandler: string;
    readonly sigbusFn: string;
    readonly segvFn: string;
    readonly vdsoText: number;
    readonly mremapArea: number;
    /** A signal handler installed without SA_RESTORER (as glibc's are here) returns through the vDSO's sigreturn
     *  trampoline: arm64 setup_return, VDSO_SYMBOL(current->mm->context.vdso, sigtramp); x86_64 glibc always
     *  passes its own restorer. */
    readonly sigreturnInVdso: boolean;
    /** The same for a 32-bit task: x86's ia32 glibc passes no SA_RESTORER while it has a vDSO (sysdeps/unix/sysv/linux/
     *  i386/libc_sigaction.c SET_SA_RESTORER: sa_restorer = NULL when GLRO(dl_sysinfo_dso) is set), so
     *  ia32_setup_rt_frame (arch/x86/kernel/signal_32.c) returns through vdso_image_32.sym___kernel_rt_sigreturn;
     *  an AArch32 glibc passes its own (our reading of glibc's arm sigaction). */
    readonly compatSigreturnInVdso: boolean;
  };
  /** Machine: an RTC exists, so the ALARM clocks work (alarmtimer_get_rtcdev, kernel/time/alarmtimer.c). */
  readonly rtcPresent: boolean;
  /** Machine: kvm-clock was used, so the pvclock page can be mapped (vclock_was_used in x86 vvar_fault). */
  readonly pvclockPresent: boolean;
  /** Machine: root of the initial user namespace may write user.max_time_namespaces (CAP_SYS_RESOURCE, kernel/ucount.c set_permissions). */
  readonly initSysctlWritable: boolean;
  /** user.max_time_namespaces of the initial user namespace. */
  readonly initMaxTimeNamespaces: number;
  /** pidfd_open(tid, 0) of a thread that is not its group's leader. */
  readonly pidfdNonLeader: 'EINVAL' | 'ENOENT';
  // Timekeeping mechanisms (issue 13; kernel/clockOps.ts and the files it calls).
  /** The vDSO's clock_getres answers the auxiliary clocks 16-23 itself (1 ns), enabled or not. */
  readonly vdsoAuxClocks: boolean;
  /** Which futex timeouts are converted from namespace time: none, the absolute MONOTONIC ones, or those and FUTEX_LOCK_PI's. */
  readonly futexTimens: 'none' | 'lock-pi-too' | 'monotonic';
  /** FUTEX_LOCK_PI2 exists (a PI lock with a selectable clock). */
  readonly futexLockPi2: boolean;
  /** The futex2 system calls that exist: none, futex_waitv, or futex_waitv and futex_wait. */
  readonly futex2Calls: 'none' | 'waitv' | 'wait';
  /** The FUTEX2_* flag bits a futex2 call accepts (FUTEX2_VALID_MASK; before it, futex_waitv's FUTEXV_WAITER_MASK). */
  readonly futex2ValidMask: number;
  /** pidfd_open takes PIDFD_THREAD: a pidfd of any thread (6.9, "pidfd: implement PIDFD_THREAD flag for pidfd_open()"). */
  readonly pidfdThread: boolean;
  /** copy_process takes CLONE_PIDFD with CLONE_THREAD (6.9); before, EINVAL. */
  readonly clonePidfdThread: boolean;
  /** Namespace files have a compat_ioctl, so an AArch32 task's NS_GET_* reaches ns_ioctl (6.3); before, ENOTTY. */
  readonly nsfsCompatIoctl: boolean;
  /** A pidfd is a pidfs file opened with dentry_open (FMODE_PREAD/FMODE_PWRITE set), not an anonymous inode. */
  readonly pidfs: boolean;
  /** A pidfd has pidfd_ioctl and it refuses any argument first (6.11-6.12): an NS_GET_* with a pointer is EINVAL. */
  readonly pidfdIoctlArgEinval: boolean;
  /** The x86_64 vsyscall page's mode (the gate VMA [vsyscall] in /proc/PID/maps); null where there is none. */
  readonly vsyscall: 'xonly' | 'emulate' | null;
  /** Compat images are modelled: arm64 AArch32 ones from 5.9 (where arm64 time namespaces begin), x86_64 ia32 ones. */
  readonly compatTasks: boolean;
  /** x86_64: an ia32 image loads (CONFIG_IA32_EMULATION, ia32_emulation=); without, execve(…, compat) is ENOEXEC. */
  readonly ia32Emulation: boolean;
  /** Pages of x86's vdso_image_32, the ia32 vDSO text (vdso2c pads the image to whole pages). */
  readonly vdso32Pages: number;
  /** A compat image gets the compat vDSO and its [vvar] (arm64 CONFIG_COMPAT_VDSO). */
  readonly compatVdso: boolean;
  /** A compat image gets the [vectors] page of the kuser helpers (arm64 CONFIG_KUSER_HELPERS). */
  readonly kuserHelpers: boolean;
  /** The mmap lock vdso_join_timens takes (its unlock is the matching call: vdso/vvar.ts ZAP_UNLOCK). */
  readonly zapLock: 'down_write_killable' | 'mmap_write_lock_killable' | 'mmap_read_lock';
  /** PAGE_SIZE in bytes: the machine's (arm64 4K, 16K or 64K pages), 4096 on x86_64. Mappings are counted in pages,
   *  so this decides their addresses, the vDSO text's size, and the writes that take fewer than PAGE_SIZE bytes. */
  readonly pageSize: number;
}

export interface SwitchInfo {
  readonly name: keyof SwitchValues;
  readonly value: string;
  readonly source: string;
}

export interface Switches {
  readonly values: SwitchValues;
  readonly list: readonly SwitchInfo[];
}

const at = kernelAtLeast;

/** How a switch cites a patch of the arm64 series: as merged (v5), with where v4 differs. */
function merged(id: Arm64PatchId): string {
  const p = ARM64_PATCHES.find((x) => x.id === id)!;
  return `patch ${p.n}/6 ${p.commit} (v5, merged${p.v4 === 'same code' ? '; v4 same code' : `; ${p.v4}`})`;
}

const X86_VVAR_FLAGS = ['VM_READ', 'VM_MAYREAD', 'VM_IO', 'VM_DONTDUMP', 'VM_PFNMAP', 'VM_DONTEXPAND'];
const ARM64_VVAR_FLAGS = ['VM_READ', 'VM_MAYREAD', 'VM_PFNMAP', 'VM_DONTEXPAND'];
const PAGES_VVAR_FLAGS = ['VM_READ', 'VM_MAYREAD', 'VM_DONTEXPAND'];
/** The datastore's [vvar] (vdso_install_vvar_mapping): VM_PFNMAP|VM_IO with vmf_insert_pfn (6.15), VM_MIXEDMAP with
 *  the allocated pages themselves (7.3); VM_SEALED_SYSMAP is 0 unless CONFIG_MSEAL_SYSTEM_MAPPINGS. */
function datastoreFlags(allocated: boolean): readonly string[] {
  return allocated ? ['VM_READ', 'VM_MAYREAD', 'VM_DONTDUMP', 'VM_MIXEDMAP', 'VM_DONTEXPAND'] : X86_VVAR_FLAGS;
}
const VDSO_FLAGS = ['VM_READ', 'VM_EXEC', 'VM_MAYREAD', 'VM_MAYWRITE', 'VM_MAYEXEC', 'VM_DONTEXPAND'];

function vdsoText(pages: number): VmaLayout {
  return { name: '[vdso]', pages, roles: Array<'text'>(pages).fill('text'), flags: VDSO_FLAGS, pfnmap: false };
}

function layoutFor(p: Profile, patchOn: (id: Arm64PatchId) => boolean): Layout {
  const v = p.kernel;
  // vdso_setup_data_pages (lib/vdso/datastore.c, 7.3): the datastore's pages are allocated, mapped at every slot
  const allocated = at(v, '7.3');
  const datastoreSource = `generic vDSO datastore (lib/vdso/datastore.c, 6.15${allocated ? '; its pages allocated, 7.3' : ''})`;
  if (p.arch === 'x86_64') {
    const vclock: VmaLayout = { name: '[vvar_vclock]', pages: 2, roles: ['pvclock', 'hvclock'], flags: X86_VVAR_FLAGS, pfnmap: true };
    if (at(v, '6.15')) {
      return {
        id: allocated ? 'generic-x86-pages' : 'generic-x86', dataSlot: 0, timensSlot: 1, prefault: true, blockOffset: 0, vvarNrPages: 4, datastore: true, datastorePages: allocated,
        vmas: [{ name: '[vvar]', pages: 4, roles: ['data', 'timens', 'rng', 'arch'], flags: datastoreFlags(allocated), pfnmap: true }, vclock, vdsoText(2)],
        source: `${datastoreSource}, x86 [vvar_vclock] kept (arch/x86/entry/vdso/vma.c)`,
      };
    }
    if (at(v, '6.13')) {
      return {
        id: 'x86-vvar2-vclock2', dataSlot: 0, timensSlot: 1, prefault: true, blockOffset: 0, vvarNrPages: 2, datastore: false, datastorePages: false,
        vmas: [{ name: '[vvar]', pages: 2, roles: ['data', 'timens'], flags: X86_VVAR_FLAGS, pfnmap: true }, vclock, vdsoText(2)],
        source: 'x86 [vvar] split into [vvar] + [vvar_vclock] (6.13)',
      };
    }
    return {
      id: 'x86-vvar4', dataSlot: 0, timensSlot: 3, prefault: true, blockOffset: 128, vvarNrPages: 4, datastore: false, datastorePages: false,
      vmas: [{ name: '[vvar]', pages: 4, roles: ['data', 'pvclock', 'hvclock', 'timens'], flags: X86_VVAR_FLAGS, pfnmap: true }, vdsoText(2)],
      source: 'arch/x86/entry/vdso/vdso-layout.lds.S, 5.6–6.12: vvar, pvclock, hvclock, timens',
    };
  }
  // vdso.S puts the vdso.so image between two `.balign PAGE_SIZE`, and __vdso_init (arch/arm64/kernel/vdso.c) counts
  // its pages, (vdso_code_end - vdso_code_start) >> PAGE_SHIFT: Debian's 4K builds need 1 page before 6.12 and 2 from
  // it, a 16K or 64K build 1 (the image is linked with -n, so its size does not depend on the page size; ceil of a ceil)
  const vdsoPages = Math.ceil((at(v, '6.12') ? 2 : 1) * 4096 / machineOf(p).pageSize);
  if (at(v, '6.15')) {
    return {
      id: allocated ? 'generic-arm64-pages' : 'generic-arm64', dataSlot: 0, timensSlot: 1, prefault: true, blockOffset: 0, vvarNrPages: 4, datastore: true, datastorePages: allocated,
      vmas: [{ name: '[vvar]', pages: 4, roles: ['data', 'timens', 'rng', 'arch'], flags: datastoreFlags(allocated), pfnmap: true }, vdsoText(vdsoPages)],
      source: datastoreSource,
    };
  }
  if (!at(v, '5.9')) {
    return {
      id: 'arm64-vvar1-pages', dataSlot: 0, timensSlot: null, prefault: false, blockOffset: 0, vvarNrPages: 1, datastore: false, datastorePages: false,
      vmas: [{ name: '[vvar]', pages: 1, roles: ['data'], flags: PAGES_VVAR_FLAGS, pfnmap: false }, vdsoText(vdsoPages)],
      source: 'arm64 before the June-2020 series: one page-backed [vvar] page',
    };
  }
  const fault = patchOn('vvar-fault');
  const twoPages = patchOn('timens-page');
  const roles: PageRole[] = twoPages ? ['data', 'timens'] : ['data'];
  return {
    id: `arm64-vvar${twoPages ? 2 : 1}${fault ? '' : '-pages'}`, dataSlot: 0, timensSlot: twoPages ? 1 : null, prefault: false, blockOffset: 0, vvarNrPages: 2, datastore: false, datastorePages: false,
    vmas: [{ name: '[vvar]', pages: roles.length, roles, flags: fault ? ARM64_VVAR_FLAGS : PAGES_VVAR_FLAGS, pfnmap: fault }, vdsoText(vdsoPages)],
    source: `arm64 5.9–6.14 (${merged('vvar-fault')} fault callback${fault ? '' : ' MISSING'}, ${merged('timens-page')} timens page${twoPages ? '' : ' MISSING'}; arch/arm64/kernel/vdso.c)`,
  };
}

/** The switches of a profile, with the reason each has its value. */
export function switchesFor(profile: Profile): Switches {
  const v = profile.kernel;
  const arm = profile.arch === 'arm64';
  const series = arm && at(v, '5.9');
  const disabled = new Set(profile.disabledPatches);
  const patchOn = (id: Arm64PatchId): boolean => !series || !disabled.has(id);
  const off = (id: Arm64PatchId): string => (series && disabled.has(id) ? ` — ${id} switched off` : '');
  const list: SwitchInfo[] = [];
  const out: Record<string, unknown> = {};
  const def = <K extends keyof SwitchValues>(name: K, value: SwitchValues[K], source: string): void => {
    out[name] = value;
    const shown = typeof value === 'object' && value !== null ? ('id' in value ? (value as Layout).id : JSON.stringify(value)) : String(value);
    list.push({ name, value: shown, source });
  };

  const build = buildStatusOf(profile);
  def('build', build.builds ? 'builds' : build.forced ? 'forced build' : 'does not build', buildNote(build) || 'every patch the kernel needs is applied');
  const configured = configOf(profile).timeNs;
  const timeNs = configured && (arm ? at(v, '5.9') && patchOn('enable-timens') : true);
  def('timeNamespaces', timeNs, (arm
    ? (at(v, '5.9') ? `arm64 selects GENERIC_VDSO_TIME_NS from 5.9 (${merged('enable-timens')})${off('enable-timens')}` : 'arm64 has no time namespaces before 5.9')
    : 'x86_64 CONFIG_TIME_NS since 5.6') + (configured ? '' : ' — built with CONFIG_TIME_NS=n (the profile\'s config line)'));
  def('layout', layoutFor(profile, patchOn), layoutFor(profile, patchOn).source);
  const faultCb = !arm || (at(v, '5.9') && (at(v, '6.15') || patchOn('vvar-fault')));
  def('vvarFaultCallback', faultCb, arm ? `arm64 ${merged('vvar-fault')} (5.9)${off('vvar-fault')}` : 'x86 vvar_fault since 5.6');
  def('zapOnJoin', !arm || (at(v, '5.9') && (at(v, '6.15') || patchOn('zap-vvar'))),
    arm ? `arm64 vdso_join_timens, ${merged('zap-vvar')} (5.9; the generic datastore's from 6.15)${off('zap-vvar')}` : 'x86 vdso_join_timens since 5.6');
  def('vdsoTimensPath', !arm || at(v, '6.15') || patchOn('timens-page'), arm
    ? `arm64 __arch_get_timens_vdso_data, ${merged('timens-page')}${off('timens-page')}${patchOn('timens-page') ? '' : ': the forced build compiles lib/vdso without its timens path (our choice, docs/model-arm64-patches.md)'}`
    : 'x86 __arch_get_timens_vdso_data since 5.6');
  def('timensFault', timeNs && (!arm || at(v, '6.15') || patchOn('timens-fault')), arm ? `arm64 ${merged('timens-fault')} (5.9)${off('timens-fault')}` : 'x86 vvar_fault timens pages since 5.6');
  def('vvarMremapSizeCheck', !at(v, '5.11') && (!arm ? true : at(v, '5.9') && patchOn('restrict-split')),
    arm ? `arm64 vvar_mremap, ${merged('restrict-split')} (5.9–5.10; removed in 5.11)${off('restrict-split')}` : 'x86 vvar_mremap size check (5.6–5.10; removed in 5.11)');
  def('specialMappingSplitBan', at(v, '5.11'), '"mm: forbid splitting special mappings" (5.11)');
  def('mremapMultiVma', at(v, '6.17'), '"mm/mremap: permit mremap() move of multiple VMAs" (6.17): a move-only mremap (MREMAP_FIXED, old_len == new_len) goes through remap_move, which moves each VMA of the range in turn (vma_multi_allowed: any VMA without a file, special mappings included), EFAULT for a gap at the start only; before, a range past the VMA\'s end is EFAULT (this machine\'s 6.18: mremap of [vvar] and [vvar_vclock] together moves both, timens verify)');
  def('offsetsClockNames', at(v, '5.7'), 'timens_offsets clock names (5.7); 5.6 uses numeric ids');
  def('scanSaturates', at(v, '7.2'), 'lib/kstrtox.c _parse_integer_limit: "If overflow occurs, value at @p is set to ULLONG_MAX", which sscanf\'s simple_strntoull now keeps (read in Debian\'s 7.3 source): "monotonic 18446744073709551616 0" is an offset of -1 s on Debian\'s arm64 7.2.12 and 7.3.4, of 0 s (wrapped) on 7.1.13 and 6.18 (timens verify); map_write\'s simple_strtoul (uid_map, gid_map) goes through the same simple_strntoull, so "0 0 18446744073709551617" has count 0xffffffff there (timens verify on Debian\'s amd64 and arm64 7.2.12)');
  def('offsetsNsecCheck', at(v, '7.2') ? 'after-range' : at(v, '6.16') ? null : at(v, '6.2') ? 'before-range' : 'after-range', 'proc_timens_set_offset (kernel/time/namespace.c): "if (off->val.tv_nsec < 0 || off->val.tv_nsec >= NSEC_PER_SEC) return -EINVAL;" after the EPERM test, where timens_offsets_write\'s own "tv_nsec >= NSEC_PER_SEC" lets a %lu of 2^63 or more through as a negative long. Read in Debian\'s sources: after the seconds\' ERANGE test in 6.1.192 and 7.3, before it in 6.12.118; absent from Debian\'s 6.16.12, 6.18.15, 7.0.13, 7.1.13 and this machine\'s 6.18.44 (they keep the negative nanoseconds: timens verify). Our reading: mainline gained it in 7.2 and 6.1.y and 6.12.y have it as backports; the model follows the stable series it was checked on (as for clone3NewTime): 5.6-6.1 as 6.1.y, 6.2-6.15 as 6.12.y (our choice where no kernel was at hand), none 6.16-7.1');
  def('tfcLinkName', at(v, '5.7') ? 'time' : 'time_for_children', 'real_ns_name for time_for_children links (5.7)');
  def('clockModePrefix', at(v, '5.7') ? 'VDSO_CLOCKMODE' : 'VCLOCK', 'VCLOCK_TIMENS became VDSO_CLOCKMODE_TIMENS (5.7)');
  def('pidfdSetns', at(v, '5.8'), '303cc571d107 "nsproxy: attach to namespaces via pidfds" (5.8, Christian Brauner\'s threads-v5.8 pull; setns(2): "Since Linux 5.8, fd may refer to a PID file descriptor"): before, setns begins with proc_ns_fget(fd), which gives EBADF for no file and EINVAL for any file whose f_op is not ns_file_operations, a pidfd too, whatever the flags');
  def('pidfdSetnsTime', at(v, '5.9'), 'setns(pidfd, CLONE_NEWTIME) supported from 5.9');
  def('commitNsset', at(v, '5.9'), 'timens_commit called from commit_nsset (5.9)');
  def('cloneVmEinvalWhilePending', !at(v, '6.2'), 'copy_process EINVAL for CLONE_VM/CLONE_THREAD while time_ns != tfc (5.6–6.1; removed in 6.2 by "fs/exec: switch timens when a task gets a new mm")');
  def('cloneVmStaysUntilExec', at(v, '6.2'), 'copy_namespaces: CLONE_VM children are not moved at fork (6.2)');
  def('execSwitchesToTfc', at(v, '6.2'), '"fs/exec: switch timens when a task gets a new mm" (6.2; not backported to 6.1.y)');
  def('mntnsInstallCallerFs', v === '6.12' || at(v, '7.3'), 'mntns_install (fs/namespace.c): "if (current->fs->users != 1) return -EINVAL;" (read in Debian\'s 7.3 and 6.12.118 sources), where earlier kernels test the nsset\'s fs, a copy unless the flags are CLONE_NEWNS alone: Debian\'s arm64 7.2.12 gives setns(pidfd, CLONE_NEWNS|CLONE_NEWUTS) beside a second thread ok, 7.3.4 and 6.12.118 EINVAL, 6.1 and 6.18 ok (timens verify); our reading: a 7.3 change that 6.12.y has as a backport, which the model follows as it follows 6.1.y\'s clone3 (our choice)');
  def('cloneExitSignalChecked', at(v, '7.1'), 'kernel_clone (kernel/fork.c): "if (!valid_signal(args->exit_signal)) return -EINVAL;" for every caller (read in Debian\'s 7.3 source; before, only clone3\'s copy_clone_args_from_user checked it): a legacy clone() with CLONE_NEWTIME, 0x80, in its exit-signal byte is EINVAL on Debian\'s arm64 7.1.13, 7.2.12 and 7.3.4 and makes a child on 7.0.13 (timens verify)');
  def('clone3NewTime', v === '6.1' || at(v, '6.3'), '"fork: allow CLONE_NEWTIME in clone3 flags" (6.3; backported to 6.1.y, absent in 6.2)');
  def('procStatBtime', at(v, '5.11'), '/proc/stat btime follows the boottime offset: show_stat\'s timens_sub_boottime, 3ae700ecfae9 "fs/proc: apply the time namespace offset to /proc/stat btime" (5.11, Christian Brauner\'s time-namespace-v5.11 pull)');
  def('ucountSysctlLong', at(v, '5.15'), 'f9c82a4ea89c "Increase size of ucounts to atomic_long_t" with its fix "ucounts: add missing data type changes" (5.14; the model knows 5.15 after 5.11): UCOUNT_ENTRY (kernel/ucount.c) becomes maxlen sizeof(long), proc_doulongvec_minmax, whose "if (err || neg)" refuses "-0"; before, proc_dointvec_minmax\'s do_proc_dointvec_minmax_conv stores -0 as 0 (kernel/sysctl.c)');
  def('procPidStatStart', at(v, '5.11'), 'do_task_stat\'s timens_add_boottime_ns: /proc/PID/stat starttime follows the reader\'s boottime offset, in the same commit as procStatBtime, 3ae700ecfae9 "fs/proc: apply the time namespace offset to /proc/stat btime" (5.11)');
  def('forkFn', at(v, '5.10') ? 'kernel_clone' : '_do_fork', '_do_fork renamed kernel_clone (5.10)');
  def('sharedFindTimensVvarPage', at(v, '6.2'), 'one find_timens_vvar_page in kernel/time/namespace.c: Jann Horn\'s "time/namespace: Refactor copy-pasted helper into one copy" (6.2; resent on 30 Nov 2022 as a cleanup without Cc stable) replaces the five per-arch copies');
  def('vdsoClockGettime', arm ? '__kernel_clock_gettime' : '__vdso_clock_gettime', 'vDSO symbol names per arch');
  const m = machineOf(profile);
  // the text two pages below the arm64 mmap base of the model's layout (our choice), page-aligned on every page size
  def('arch', arm
    ? { syscallPrefix: '__arm64_sys_', faultEntry: 'do_mem_abort', faultHandler: 'do_page_fault', sigbusFn: 'arm64_force_sig_fault', segvFn: 'arm64_force_sig_fault', vdsoText: 0xfffff8000000 - 2 * m.pageSize, mremapArea: 0xff0000000000, sigreturnInVdso: true, compatSigreturnInVdso: false }
    : { syscallPrefix: '__x64_sys_', faultEntry: 'exc_page_fault', faultHandler: 'do_user_addr_fault', sigbusFn: 'do_sigbus', segvFn: 'bad_area', vdsoText: 0x7ffff7fc1000, mremapArea: 0x7f0000000000, sigreturnInVdso: false, compatSigreturnInVdso: true },
    arm ? 'arm64 entry code (el0_da → do_mem_abort → do_page_fault)' : 'x86 entry code (exc_page_fault → do_user_addr_fault)');
  def('rtcPresent', m.rtc, m.rtc ? 'machine: an RTC exists, so the ALARM clocks work (kernel/time/alarmtimer.c)' : 'machine: no RTC, alarm_clock_get_timespec gives EINVAL (kernel/time/alarmtimer.c)');
  def('pvclockPresent', !arm && m.kvmclockUsed, arm ? 'no pvclock on arm64' : `machine: clocksource ${m.clocksource}, kvm-clock ${m.kvmclockUsed ? '' : 'never '}used since boot; vvar_fault maps the pvclock page only when "pvti && vclock_was_used(VDSO_CLOCKMODE_PVCLOCK)" (arch/x86/entry/vdso/vma.c), which kvm_cs_enable sets`);
  def('initSysctlWritable', m.capSysResource, `machine: root ${m.capSysResource ? 'has' : 'lacks'} CAP_SYS_RESOURCE in its bounding set, so user.max_time_namespaces of the initial user ns is ${m.capSysResource ? 'writable' : 'read-only (EACCES)'} (set_permissions, kernel/ucount.c)`);
  def('initMaxTimeNamespaces', 96364, 'default max_threads/2 (fork_init, kernel/fork.c) of the machine modelled');
  def('pidfdNonLeader', at(v, '6.16') ? 'ENOENT' : 'EINVAL', 'pidfd_open of a non-leader thread: EINVAL (pidfd_prepare, 5.3–6.15), ENOENT from 6.16 ("pidfd: improve uapi when task isn\'t found")');
  // Timekeeping mechanisms (issue 13).
  def('vdsoAuxClocks', at(v, '6.17'), '"vdso: Add support for auxiliary clocks" (6.17): __cvdso_clock_getres_common gives aux_clock_resolution_ns() for CLOCK_AUX..CLOCK_AUX_LAST; probed on 6.18: clock_getres(16) is 0 {0, 1} through the vDSO, EINVAL through the syscall');
  def('futexTimens', !at(v, '5.10') ? 'none' : at(v, '5.15') ? 'monotonic' : 'lock-pi-too', 'c2f7d08cccf4 "futex: Adjust absolute futex timeouts with per time namespace offset" (5.10) converts every absolute timeout without FUTEX_CLOCK_REALTIME, FUTEX_LOCK_PI\'s REALTIME one too; cdf78db40709 "futex: Do not apply time namespace adjustment on FUTEX_LOCK_PI" (5.13, Cc stable; the model follows mainline: 5.10 and 5.11 have the bug)');
  def('futex2Calls', at(v, '6.12') ? 'wait' : at(v, '5.19') ? 'waitv' : 'none', 'bf69bad38cf6 "futex: Implement sys_futex_waitv()" (5.16; the model knows 5.19 after 5.15); "futex: Add sys_futex_wait()" (6.7, with futex_wake and futex_requeue; the model knows 6.12 after 6.5)');
  // KMALLOC_MAX_SIZE = 1 << KMALLOC_SHIFT_MAX, MAX_PAGE_ORDER + PAGE_SHIFT with SLUB (MAX_ORDER + PAGE_SHIFT - 1
  // before 6.4's renumbering, the same sizes): x86_64 and arm64 4K order 10, arm64 16K 11, 64K 13 (ARCH_FORCE_MAX_ORDER)
  const kmallocShift = { 4096: 22, 16384: 25, 65536: 29 }[pageSizeOf(profile)] ?? 22;
  def('sysctlKmallocMax', at(v, '5.8') ? 2 ** kmallocShift : null, '32927393dc1c "sysctl: pass kernel pointers to ->proc_handler" (5.8): proc_sys_call_handler (fs/proc/proc_sysctl.c) copies the buffer into the kernel, "error = -ENOMEM; if (count >= KMALLOC_MAX_SIZE) goto out;" after the permission test, for reads too (4 MiB with 4K pages: a read of 4194304 bytes of a sysctl is ENOMEM on Linux 6.18 x86_64); before, the handlers took the user buffer');
  def('userAddressLimit', arm ? 2 ** 48 : at(v, '6.5') && !at(v, '6.12') ? null : 2 ** 47 - 4096, arm
    ? 'arm64 access_ok: __access_ok(addr, size) against TASK_SIZE_MAX, 1 << VA_BITS (48: Debian\'s CONFIG_ARM64_VA_BITS_48, our choice for the model)'
    : 'x86_64 access_ok: addr + size within TASK_SIZE_MAX, (1 << 47) - PAGE_SIZE (4-level paging), until 6014bc27561f "x86-64: make access_ok() independent of LAM" (6.4: valid_user_address is a sign test, the model\'s 6.5), and again from 86e6b1547b3d "x86: fix user address masking non-canonical speculation issue" (6.12: addr + size <= USER_PTR_MAX, TASK_SIZE_MAX - 1); a read of 2^46 bytes is EFAULT on Linux 6.18 with a buffer above 2^46');
  def('futex2ValidMask', at(v, '6.16') ? 0x8f : at(v, '6.12') ? 0x83 : 0x82, 'futex_parse_waitv: FUTEXV_WAITER_MASK (FUTEX_32 | FUTEX_PRIVATE_FLAG, 5.16-6.6, then "if (!(aux.flags & FUTEX_32)) return -EINVAL;"), FUTEX2_VALID_MASK (FUTEX2_SIZE_MASK | FUTEX2_PRIVATE, 6.7, then futex_flags_valid: only FUTEX2_SIZE_U32), with FUTEX2_NUMA and FUTEX2_MPOL from "futex: Implement FUTEX2_NUMA" and "futex: Implement FUTEX2_MPOL" (6.16)');
  def('futexLockPi2', at(v, '5.15'), '"futex: Provide FUTEX_LOCK_PI2 to support clock selection" (5.14; the model knows 5.15 after 5.11)');
  def('clonePidfdThread', at(v, '6.12'), 'copy_process (kernel/fork.c): "if (clone_flags & CLONE_PIDFD) { … if (clone_flags & (CLONE_DETACHED | CLONE_THREAD)) return ERR_PTR(-EINVAL);" until 83b290c9e3b5 "pidfd: clone: allow CLONE_THREAD | CLONE_PIDFD together" (6.9, Oleg Nesterov; the model knows 6.12 after 6.5), which makes a thread\'s pidfd PIDFD_THREAD; the test comes after the thread and time-namespace tests and before copy_creds, so its EINVAL wins over a missing capability\'s EPERM');
  def('pidfdThread', at(v, '6.12'), 'pidfd_open(pid, PIDFD_THREAD): 6.9 (Oleg Nesterov, "pidfd: implement PIDFD_THREAD flag for pidfd_open()"; the model knows 6.12 after 6.5); before, the flag is unknown: EINVAL');
  def('nsfsCompatIoctl', at(v, '6.3'), '1cb925c0863e "nsfs: add compat ioctl handler" (6.3): ns_file_operations gains .compat_ioctl = compat_ptr_ioctl; before, compat_sys_ioctl finds none for a namespace file and an AArch32 task\'s NS_GET_* is ENOTTY (seen on Debian\'s arm64 6.1)');
  def('pidfs', at(v, '6.12'), 'cb12fd8e0dab "pidfd: add pidfs" (6.9; the model knows 6.12 after 6.5): pidfs_alloc_file makes the file with dentry_open, whose do_dentry_open sets FMODE_PREAD and FMODE_PWRITE, so pwrite reaches vfs_write (EINVAL: no write handler); before, anon_inode_getfile (alloc_file) leaves FMODE_PWRITE off: ESPIPE');
  def('pidfdIoctlArgEinval', at(v, '6.12') && !at(v, '6.13'), 'pidfd_ioctl (6.11, "pidfs: allow retrieval of namespace file descriptors") begins "if (arg) return -EINVAL;", so NS_GET_OWNER_UID (a pointer) is EINVAL on a pidfd, the argless NS_GET_* ENOTTY (the switch\'s default -ENOIOCTLCMD); 8ce352818820 "pidfs: check for valid ioctl commands" (6.14, in 6.13 stable: our choice for the model\'s 6.13) returns -ENOIOCTLCMD first; before 6.11 a pidfd has no ioctl. Found by tools/fuzz-verify.mjs on Debian\'s arm64 6.12');
  def('pageSize', pageSizeOf(profile), arm ? `machine: page_size=${m.pageSize / 1024}k (CONFIG_ARM64_${m.pageSize / 1024}K_PAGES, arch/arm64/Kconfig)` : 'x86_64: PAGE_SHIFT 12 (arch/x86/include/asm/page_types.h)');
  def('vsyscall', arm || m.vsyscall === 'none' ? null : m.vsyscall, arm ? 'arm64 has no vsyscall page'
    : `machine: vsyscall=${m.vsyscall} (xonly is the default since 5.3, CONFIG_LEGACY_VSYSCALL_XONLY; Debian builds none): [vsyscall] is ${m.vsyscall === 'none' ? 'not in /proc/PID/maps (get_gate_vma returns NULL)' : m.vsyscall === 'xonly' ? '--xp' : 'r-xp'} (arch/x86/entry/vsyscall/vsyscall_64.c)`);
  def('zapLock', arm || at(v, '5.9') ? 'mmap_read_lock' : at(v, '5.8') ? 'mmap_write_lock_killable' : 'down_write_killable',
    arm ? `arm64 vdso_join_timens takes the read lock (${merged('zap-vvar')}; the generic datastore's from 6.15)`
      : 'x86 vdso_join_timens: "if (down_write_killable(&mm->mmap_sem)) return -EINTR;" (70ddf65184ec "x86/vdso: Zap vvar pages when switching to a time namespace", 5.6; fa8acdc8f8f5 was its id in tip\'s timers/core, not mainline\'s), renamed mmap_write_lock_killable (5.8, the mmap locking API), mmap_read_lock from 5.9 ("timens: make vdso_join_timens() always succeed", Christian Brauner\'s threads-v5.9 pull)');
  const cfg = configOf(profile);
  def('compatTasks', !arm || at(v, '5.9'), arm
    ? (at(v, '5.9') ? 'arm64 CONFIG_COMPAT: execve of an AArch32 image runs aarch32_setup_additional_pages (arch/arm64/kernel/vdso.c)' : 'the model has AArch32 tasks from 5.9, where arm64 time namespaces begin (our choice)')
    : 'x86_64 CONFIG_IA32_EMULATION: execve of an ia32 image runs compat_arch_setup_additional_pages → load_vdso32 → map_vdso(&vdso_image_32, 0) (arch/x86/entry/vdso/vma.c)');
  def('ia32Emulation', !arm && m.ia32Emulation, arm ? 'no ia32 on arm64'
    : `machine: ia32_emulation=${m.ia32Emulation ? 'yes' : 'no: compat_elf_check_arch refuses an ia32 image, execve is ENOEXEC (arch/x86/include/asm/elf.h; ia32_enabled() from 6.7, "x86: Make IA32_EMULATION boot time configurable")'}`);
  def('vdso32Pages', at(v, '7.0') ? 3 : 2, 'the size of vdso_image_32 is the build\'s (vdso2c pads it to whole pages): 2 pages in Debian\'s amd64 6.1, 6.16.12, 6.18.15 and 6.19.14, 3 in 7.0.13, 7.2.12 and 7.3.4 (timens verify under qemu: /proc/PID/maps of an ia32 task); the model follows Debian\'s builds (our choice)');
  def('compatVdso', !arm || cfg.compatVdso, arm
    ? `CONFIG_COMPAT_VDSO=${cfg.compatVdso ? 'y' : 'n'}: aarch32_setup_additional_pages ${cfg.compatVdso ? 'maps the compat [vvar] and [vdso] (__setup_additional_pages(VDSO_ABI_AA32, ...))' : 'maps no vDSO: libc makes the compat system calls'}`
    : 'x86_64: load_vdso32 maps vdso_image_32 (vdso32=1, the default; the vdso32= boot option and the abi.vsyscall32 sysctl are not modelled; x86\'s CONFIG_COMPAT_VDSO is another option, for 32-bit kernels)');
  def('kuserHelpers', arm && cfg.kuserHelpers, arm ? `CONFIG_KUSER_HELPERS=${cfg.kuserHelpers ? 'y: a compat task has [vectors] at 0xffff0000 (aarch32_kuser_helpers_setup)' : 'n: no [vectors]'}` : 'no compat tasks');
  return { values: out as unknown as SwitchValues, list };
}
