// Bundled knowledge of two patch series: the six arm64 patches of June 2020 (merged for 5.9) and the x86
// time-namespace series of November 2019 (merged for 5.6), and two later upstream changes. In our own words;
// each series cites its posting (cover letter and archive) and each patch the kernel files and functions it
// changes, to be read in the kernel version the series was merged in. No kernel code or mail text is copied.

import type { EventKind } from '../sim/api';
import type { Arch, Arm64PatchId, KernelVersion } from '../sim/types';

/** Which model switch stands for a patch. */
export type PatchSwitch =
  | { readonly kind: 'patch'; readonly id: Arm64PatchId }
  | { readonly kind: 'version'; readonly arch: Arch; readonly before: KernelVersion; readonly after: KernelVersion }
  | { readonly kind: 'none'; readonly why: string };

export interface PatchKnowledge {
  readonly series: string;
  readonly n: number;
  /** The subject title (without the bracket tag), used to match a patch in a mailbox the user opens. */
  readonly title: string;
  readonly files: readonly string[];
  /** Kernel functions the patch adds or changes: hunks touching them link to the model's events. */
  readonly functions: readonly string[];
  /** What it changes and why (Markdown, our words). */
  readonly summary: string;
  /** What breaks without it, as the model shows it. */
  readonly withoutIt: string;
  readonly switch: PatchSwitch;
  /** Scenario (path relative to the extension root) that shows it, and the 1-based line to run to. */
  readonly scenario?: string;
  readonly line?: number;
}

/** Where a series can be read: its cover letter on the mailing list, and the release that merged it. */
export interface SeriesSource {
  /** The cover letter's subject as posted. */
  readonly cover: string;
  readonly author: string;
  readonly posted: string;
  /** A public archive of the cover letter, where one is known. */
  readonly archive?: string;
  /** The first upstream commit of the series as merged (abbreviated id and subject). */
  readonly firstCommit?: string;
}

export interface SeriesKnowledge {
  readonly id: string;
  readonly title: string;
  readonly when: string;
  /** Read the patches' files and functions in this release (e.g. arch/arm64/kernel/vdso.c of v5.9). */
  readonly mergedIn: KernelVersion;
  readonly source: SeriesSource;
  readonly arch: Arch;
  readonly overview: string;
  readonly patches: readonly PatchKnowledge[];
}

const ARM64 = 'arm64-timens-2020';
const X86 = 'x86-timens-2019';

export const ARM64_SERIES: SeriesKnowledge = {
  id: ARM64,
  title: 'arm64: add the time namespace support',
  when: 'June 2020 (v4 posted on 16 June 2020; v5 of 24 June merged for 5.9)',
  mergedIn: '5.9',
  source: {
    cover: '[PATCH v4 0/6] arm64: add the time namespace support',
    author: 'Andrei Vagin',
    posted: '16 June 2020',
    archive: 'https://lkml.iu.edu/hypermail/linux/kernel/2006.2/00196.html',
    firstCommit: 'd53b5c013e1e arm64/vdso: use the fault callback to map vvar pages (v5, merged for 5.9; v5 differs from v4 only in the mmap lock of patch 2)',
  },
  arch: 'arm64',
  overview:
    'Brings time namespaces to arm64 the way x86 got them in 5.6. A task in a namespace gets, at the first page of `[vvar]`, a page ' +
    'that belongs to its namespace instead of the global vDSO data page. That page looks like a data page that is always being ' +
    'updated (odd `seq`) and carries the TIMENS clock mode, so the vDSO leaves its fast path, fetches the real data from the ' +
    'second `[vvar]` page and adds the namespace offsets. Tasks in the root namespace keep the fast path and pay nothing. ' +
    'The series first turns `[vvar]` into a fault-driven mapping, then adds zapping, the second page, the fault rules, a guard ' +
    'against moving half of the mapping, and finally the Kconfig switch.',
  patches: [
    {
      series: ARM64, n: 1, title: 'arm64/vdso: use the fault callback to map vvar pages',
      files: ['arch/arm64/kernel/vdso.c'],
      functions: ['vvar_fault', '__setup_additional_pages', 'arch_setup_additional_pages', 'aarch32_setup_additional_pages'],
      summary:
        'Until 5.8 the arm64 `[vvar]` was an ordinary page-backed special mapping: whoever touched it always got the one global data ' +
        'page. This patch removes the data page from the mapping\'s page list and gives `[vvar]` a fault handler (`vvar_fault`) that ' +
        'inserts the page by PFN (`VM_PFNMAP`). On its own it changes nothing a program sees, but it is the hook every later patch ' +
        'needs: a fault handler can choose *which* page to map for *which* task. Side effects: fork now copies the `[vvar]` PTEs, and ' +
        'ptrace or `/proc/PID/mem` can no longer read `[vvar]` (PFN mappings are out of reach of GUP).',
      withoutIt:
        '**This kernel does not build**: patch 4 (ee3cda8e4606) rewrites `vvar_fault()`, which this patch introduces. In a ' +
        'forced build (patch 1 reverted, patch 4\'s handler left unused; not a real kernel) `[vvar]` is page-backed again and ' +
        'refaults the global page for every task, so no namespace page can ever be installed: a task in a namespace reads ' +
        '**host time through the vDSO** while its system calls add the offset, and page 1 of `[vvar]` is the first vDSO text ' +
        'page.',
      switch: { kind: 'patch', id: 'vvar-fault' },
      scenario: 'tours/scenarios/arm64-1-vvar-fault.timens', line: 17,
    },
    {
      series: ARM64, n: 2, title: 'arm64/vdso: Zap vvar pages when switching to a time namespace',
      files: ['arch/arm64/kernel/vdso.c'],
      functions: ['vdso_join_timens', 'timens_commit', 'zap_page_range'],
      summary:
        'Adds the arm64 `vdso_join_timens`: when a task switches namespace (setns, or a child entering `time_for_children` at fork), ' +
        'every PTE of the `[vvar]` mappings of its mm (AArch64 and AArch32) is removed, under the mmap read lock (v5, as merged; v4 took the write lock, killable). The next vDSO read ' +
        'faults, and the fault handler maps the page of the namespace the task is in *now*.',
      withoutIt:
        '**This kernel does not link**: `timens_commit()` in kernel/time/namespace.c calls `vdso_join_timens()`, which this ' +
        'patch introduces for arm64. In a forced build with an empty `vdso_join_timens` (not a real kernel) stale PTEs survive ' +
        'the switch: after setns the vDSO keeps reading the **old namespace\'s** page (no offset, fast path) while the system ' +
        'call already shows the new namespace\'s time; a forked child that enters a namespace keeps the PTEs it copied from its ' +
        'parent. Only a fresh exec gets it right.',
      switch: { kind: 'patch', id: 'zap-vvar' },
      scenario: 'tours/scenarios/arm64-2-zap-vvar.timens', line: 22,
    },
    {
      series: ARM64, n: 3, title: 'arm64/vdso: Add time namespace page',
      files: ['arch/arm64/include/asm/vdso.h', 'arch/arm64/include/asm/vdso/gettimeofday.h', 'arch/arm64/include/asm/vdso/compat_gettimeofday.h', 'arch/arm64/kernel/vdso.c', 'arch/arm64/kernel/vdso/vdso.lds.S', 'arch/arm64/kernel/vdso32/vdso.lds.S'],
      functions: ['__arch_get_timens_vdso_data', 'arch_get_vdso_data', 'do_hres_timens', 'do_coarse_timens'],
      summary:
        'Grows `[vvar]` to two pages: page 0 is what the vDSO reads first, page 1 is where a namespace task finds the real data. The ' +
        'linker scripts of both vDSOs place `_timens_data` one page after `_vdso_data`, and `__arch_get_timens_vdso_data` tells the ' +
        'generic vDSO code where that is. The v4 note keeps the size at two pages even without `CONFIG_TIME_NS`, so checkpoint/restore ' +
        'tools see one layout whatever the configuration.',
      withoutIt:
        '**This kernel does not build**: patch 4 uses `VVAR_DATA_PAGE_OFFSET`/`VVAR_TIMENS_PAGE_OFFSET`, patch 5 ' +
        '`VVAR_NR_PAGES`, and the generic code `__arch_get_timens_vdso_data()` and `arch_get_vdso_data()`, all introduced here. ' +
        'In a forced build (the enum and `arch_get_vdso_data` supplied, the vDSO built without its timens path; not a real ' +
        'kernel) `[vvar]` is one page and a namespace task\'s page 0 is its namespace page, whose `seq` is 1 for ever: the ' +
        'vDSO\'s seqcount loop **spins and never returns** (the model stops it after 1000 retries). System calls still work.',
      switch: { kind: 'patch', id: 'timens-page' },
      scenario: 'tours/scenarios/arm64-3-timens-page.timens', line: 15,
    },
    {
      series: ARM64, n: 4, title: 'arm64/vdso: Handle faults on timens page',
      files: ['arch/arm64/kernel/vdso.c'],
      functions: ['vvar_fault', 'find_timens_vvar_page'],
      summary:
        'Teaches `vvar_fault` the namespace rules through `find_timens_vvar_page`: for page 0 a task in a namespace gets its namespace ' +
        'page and a root task the host page; for page 1 a namespace task gets the host page and a root task SIGBUS. The decision is ' +
        'made for the *faulting* task, at fault time.',
      withoutIt:
        'The namespace page is never mapped: page 0 is always the host page, so a namespace task reads **host time through the vDSO ' +
        '(fast path, no offset)** while its system calls add the offset.',
      switch: { kind: 'patch', id: 'timens-fault' },
      scenario: 'tours/scenarios/arm64-4-timens-fault.timens', line: 16,
    },
    {
      series: ARM64, n: 5, title: 'arm64/vdso: Restrict splitting VVAR VMA',
      files: ['arch/arm64/kernel/vdso.c'],
      functions: ['vvar_mremap'],
      summary:
        'Adds a `vvar_mremap` hook for both vDSOs that refuses (EINVAL) an mremap leaving `[vvar]` at any size other than its full two ' +
        'pages. The vDSO finds page 1 at a fixed distance from page 0 and from its own text, so the pages must move together. In 5.11 ' +
        'the generic ban on splitting special mappings made the hook unnecessary and it was removed.',
      withoutIt:
        'Moving part of `[vvar]` succeeds. With page 1 moved away, a namespace task\'s vDSO read looks for host time where nothing is ' +
        'mapped any more and **faults (SIGSEGV)**. Partial munmap stays possible either way until 5.11.',
      switch: { kind: 'patch', id: 'restrict-split' },
      scenario: 'tours/scenarios/arm64-5-restrict-split.timens', line: 18,
    },
    {
      series: ARM64, n: 6, title: 'arm64: enable time namespace support',
      files: ['arch/arm64/Kconfig'],
      functions: ['copy_time_ns', 'clone_time_ns'],
      summary:
        'Selects `GENERIC_VDSO_TIME_NS` for arm64, which makes `CONFIG_TIME_NS` available (default on). Only now can an arm64 kernel ' +
        'create a time namespace; the previous five patches prepared the vDSO for it.',
      withoutIt:
        'No time namespaces on arm64: `unshare(CLONE_NEWTIME)` fails with **EINVAL** (EPERM without CAP_SYS_ADMIN), there is no ' +
        '`/proc/PID/timens_offsets` and no `ns/time*` links. `[vvar]` is still two pages and page 1 still gives SIGBUS.',
      switch: { kind: 'patch', id: 'enable-timens' },
      scenario: 'tours/scenarios/arm64-6-enable-timens.timens', line: 9,
    },
  ],
};

const NO_SWITCH = 'every kernel the model knows (5.6 and later) contains this patch, so it cannot be switched off';

export const X86_SERIES: SeriesKnowledge = {
  id: X86,
  title: 'kernel: Introduce Time Namespace',
  when: 'November 2019 (v8 posted on 12 November 2019)',
  mergedIn: '5.6',
  source: {
    cover: '[PATCHv8 00/34] kernel: Introduce Time Namespace',
    author: 'Dmitry Safonov and Andrei Vagin',
    posted: '12 November 2019',
    firstCommit: '769071ac9f20 ns: Introduce Time Namespace',
  },
  arch: 'x86_64',
  overview:
    'The series that created time namespaces, by Andrei Vagin and Dmitry Safonov. A namespace holds offsets for CLOCK_MONOTONIC and ' +
    'CLOCK_BOOTTIME only; `unshare(CLONE_NEWTIME)` prepares a namespace for the caller\'s future children; offsets are written ' +
    'through `/proc/PID/timens_offsets` while nobody is inside and are frozen when the first task enters. System calls add the ' +
    'offsets in the kernel, absolute timers convert them away, and the vDSO gets a per-namespace page so clock reads stay in user ' +
    'space. A patch of a mailbox you open is matched to these notes by its title (loosely: case, punctuation, a fragment) ' +
    'and by the functions its hunks touch, so a posting worded differently still finds them.',
  patches: [
    {
      series: X86, n: 1, title: 'ns: Introduce Time Namespace',
      files: ['MAINTAINERS', 'fs/proc/namespaces.c', 'include/linux/nsproxy.h', 'include/linux/proc_ns.h', 'include/linux/time_namespace.h', 'include/linux/user_namespace.h', 'include/uapi/linux/sched.h', 'init/Kconfig', 'kernel/fork.c', 'kernel/nsproxy.c', 'kernel/time/Makefile', 'kernel/time/namespace.c'],
      functions: ['copy_time_ns', 'clone_time_ns', 'free_time_ns', 'timens_install', 'timens_on_fork', 'create_new_namespaces', 'copy_namespaces', 'ksys_unshare', 'unshare_nsproxy_namespaces'],
      summary:
        'The namespace itself: `struct time_namespace`, the `CLONE_NEWTIME` flag (0x80, the top bit of the exit-signal byte, because all ' +
        'other clone bits were taken), and a second pointer in `nsproxy`, `time_ns_for_children`. Unshare creates a namespace for the ' +
        'children only, like the pid namespace, so offsets can be set before anyone is inside. setns and the `/proc/PID/ns/time` and ' +
        '`time_for_children` files come with it.',
      withoutIt: 'No time namespaces at all (the model has no such kernel: every version it knows is 5.6 or later).',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 8,
    },
    {
      series: X86, n: 2, title: 'time: Add timens_offsets to be used for per-namespace clock offsets',
      files: ['include/linux/time_namespace.h', 'kernel/time/namespace.c'],
      functions: ['timens_add_monotonic', 'timens_add_boottime'],
      summary: 'Adds the offsets (a monotonic and a boottime `timespec64`) to the namespace and the helpers that add them to a clock value read in the kernel.',
      withoutIt: 'Namespaces would exist but every clock would read like the host\'s.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 26,
    },
    {
      series: X86, n: 3, title: 'posix-clocks: Wire up clock_gettime() with timens offsets',
      files: ['kernel/time/posix-timers.c', 'kernel/time/posix-stubs.c', 'kernel/time/alarmtimer.c'],
      functions: ['posix_get_monotonic_timespec', 'posix_get_boottime_timespec', 'posix_get_monotonic_raw', 'posix_get_monotonic_coarse', 'do_clock_gettime', '__x64_sys_clock_gettime'],
      summary: 'System-call clock reads of MONOTONIC (and RAW, COARSE) and BOOTTIME (and its ALARM variant) add the caller\'s namespace offset. REALTIME and TAI are never shifted.',
      withoutIt: 'A task in a namespace would see host time from `clock_gettime` system calls.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 26,
    },
    {
      series: X86, n: 4, title: 'posix-timers: Make timer_settime() time namespace aware',
      files: ['kernel/time/posix-timers.c', 'kernel/time/hrtimer.c', 'fs/timerfd.c', 'kernel/time/alarmtimer.c'],
      functions: ['timens_ktime_to_host', 'do_timens_ktime_to_host', 'common_timer_set', 'common_nsleep_timens', 'timerfd_settime', 'hrtimer_nanosleep'],
      summary: 'Absolute deadlines (`TIMER_ABSTIME`, `TFD_TIMER_ABSTIME`) are given in namespace time; the kernel subtracts the offset to arm the host timer. A deadline before the offset becomes "already expired". Relative timeouts are left alone.',
      withoutIt: 'An absolute sleep until "now + 2 s" computed in a namespace a day ahead would sleep a day.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 35,
    },
    {
      series: X86, n: 5, title: 'fs/proc: Introduce /proc/pid/timens_offsets',
      files: ['fs/proc/base.c', 'kernel/time/namespace.c', 'include/linux/time_namespace.h'],
      functions: ['timens_offsets_write', 'timens_offsets_show', 'proc_timens_set_offset', 'proc_timens_show_offsets'],
      summary: 'The only way to set offsets: write "clock seconds nanoseconds" lines to `/proc/PID/timens_offsets`, which acts on PID\'s `time_for_children`. It needs CAP_SYS_TIME over the namespace\'s owner and fails with EACCES once the namespace is frozen.',
      withoutIt: 'Offsets could not be chosen; every namespace would inherit its parent\'s offsets.',
      switch: { kind: 'version', arch: 'x86_64', before: '5.6', after: '5.7' },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 14,
    },
    {
      series: X86, n: 6, title: 'fs/proc: Respect boottime inside time namespace for /proc/uptime',
      files: ['fs/proc/uptime.c'],
      functions: ['uptime_proc_show'],
      summary: '`/proc/uptime` shows the reader\'s boottime, offset included, so a restored container keeps a plausible uptime.',
      withoutIt: 'Uptime would jump when a container moves to another host.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 32,
    },
    {
      series: X86, n: 7, title: 'lib/vdso: Prepare for time namespace support',
      files: ['lib/vdso/gettimeofday.c', 'include/vdso/datapage.h'],
      functions: ['do_hres_timens', 'do_coarse_timens', 'do_hres', '__cvdso_clock_gettime_common'],
      summary: 'The generic vDSO learns the timens path: while the page it reads reports an odd `seq`, it checks the clock mode; the TIMENS mode sends it to the real data page and then adds the offsets stored in the namespace page. Host tasks only reach that check during a concurrent update, so they pay nothing.',
      withoutIt: 'The vDSO could not show namespace time; namespace tasks would have to trap into the kernel for every read.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 28,
    },
    {
      series: X86, n: 8, title: 'time: Allocate per-timens vvar page',
      files: ['kernel/time/namespace.c', 'include/linux/time_namespace.h'],
      functions: ['timens_set_vvar_page', 'timens_setup_vdso_data', 'clone_time_ns'],
      summary: 'Each new namespace gets one zeroed page. When the first task enters, the namespace is frozen and the page is filled once: odd `seq`, TIMENS clock mode, and the offsets per clock id.',
      withoutIt: 'Nothing to map for a namespace task; offsets could change under running tasks.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-unshare-to-vdso.timens', line: 19,
    },
    {
      series: X86, n: 9, title: 'x86/vdso: Add time napespace page',
      files: ['arch/x86/entry/vdso/vdso-layout.lds.S', 'arch/x86/include/asm/vdso/gettimeofday.h', 'arch/x86/entry/vdso/vma.c'],
      functions: ['__arch_get_timens_vdso_data'],
      summary: 'The x86 `[vvar]` gets a fourth page, the timens slot, where a namespace task finds the real data (page 0 holds its namespace page).',
      withoutIt: 'The timens path would have nowhere to read host time from.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-setns-zap.timens', line: 17,
    },
    {
      series: X86, n: 10, title: 'x86/vdso: Handle faults on timens page',
      files: ['arch/x86/entry/vdso/vma.c'],
      functions: ['vvar_fault', 'find_timens_vvar_page'],
      summary: 'The fault handler maps page 0 to the namespace page for a namespace task, page 3 to the host page for it, and refuses page 3 (SIGBUS) for a root task.',
      withoutIt: 'Namespace tasks would read host data through page 0 and never see their offsets in the vDSO.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-setns-zap.timens', line: 17,
    },
    {
      series: X86, n: 11, title: 'x86/vdso: On timens page fault prefault also VVAR page',
      files: ['arch/x86/entry/vdso/vma.c'],
      functions: ['vvar_fault'],
      summary: 'When a namespace task faults page 0, the handler also inserts the host page at the timens slot, saving the second fault that the timens path would take at once.',
      withoutIt: 'One more page fault on the first clock read of each namespace task.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-setns-zap.timens', line: 17,
    },
    {
      series: X86, n: 12, title: 'x86/vdso: Zap vvar pages when switching to a time namespace',
      files: ['arch/x86/entry/vdso/vma.c', 'kernel/time/namespace.c'],
      functions: ['vdso_join_timens', 'timens_install', 'timens_on_fork', 'timens_commit'],
      summary: 'On setns and when a child enters `time_for_children` at fork, the `[vvar]` PTEs of the mm are removed so the next read faults the right page in.',
      withoutIt: 'Same as the arm64 zap patch: stale pages after setns or fork into a namespace.',
      switch: { kind: 'none', why: NO_SWITCH },
      scenario: 'tours/scenarios/x86-setns-zap.timens', line: 14,
    },
    {
      series: X86, n: 13, title: 'x86/vdso: Restrict splitting VVAR VMA',
      files: ['arch/x86/entry/vdso/vma.c'],
      functions: ['vvar_mremap'],
      summary: 'Refuses to move only part of `[vvar]`, for the same reason as the arm64 patch 5. Replaced in 5.11 by the generic split ban.',
      withoutIt: 'A partial move would leave the vDSO reading unmapped or foreign memory.',
      switch: { kind: 'version', arch: 'x86_64', before: '5.10', after: '5.11' },
    },
  ],
};

/** Later upstream changes the model switches by version, for the "unshare to the vDSO" tour. */
export const FOLLOW_UPS: readonly PatchKnowledge[] = [
  {
    series: 'follow-ups', n: 1, title: 'fs/exec: switch timens when a task gets a new mm',
    files: ['fs/exec.c', 'kernel/fork.c', 'kernel/nsproxy.c'],
    functions: ['exec_task_namespaces', 'timens_on_fork', 'copy_namespaces', 'copy_process'],
    summary: 'From 6.2 a task whose `time_for_children` differs from its namespace moves into it at exec, and CLONE_VM children (vfork, threads) are no longer refused after unshare: they stay in the parent\'s namespace until they exec.',
    withoutIt: 'Up to 6.1, vfork, posix_spawn and pthread_create fail with EINVAL after `unshare(CLONE_NEWTIME)`.',
    switch: { kind: 'version', arch: 'x86_64', before: '6.1', after: '6.2' },
    scenario: 'tours/scenarios/x86-vfork-after-unshare.timens', line: 10,
  },
  {
    series: 'follow-ups', n: 2, title: 'fork: allow CLONE_NEWTIME in clone3 flags',
    files: ['kernel/fork.c'],
    functions: ['clone3_args_valid', 'copy_clone_args_from_user'],
    summary: 'clone3 accepts CLONE_NEWTIME from 6.3 (and in some stable kernels, such as 6.1.20): the child starts in a brand-new namespace, frozen at once with the inherited offsets. Legacy clone can never carry the flag: its low byte is the exit signal.',
    withoutIt: 'clone3 with CLONE_NEWTIME fails with EINVAL.',
    switch: { kind: 'version', arch: 'x86_64', before: '6.2', after: '6.3' },
    scenario: 'tours/scenarios/x86-clone3-newtime.timens', line: 7,
  },
];

export const SERIES_KNOWLEDGE: readonly SeriesKnowledge[] = [ARM64_SERIES, X86_SERIES];

/**
 * Model events that stand for a kernel function when the simulator does not name it on its call
 * stack: the fault handler is seen in fault/pte-insert events, the zap in zap events, and so on.
 */
export const FUNCTION_EVENT_KINDS: Readonly<Record<string, readonly EventKind[]>> = {
  vvar_fault: ['fault', 'pte-insert'],
  find_timens_vvar_page: ['fault', 'pte-insert'],
  vdso_join_timens: ['zap'],
  zap_page_range: ['zap'],
  timens_commit: ['zap', 'freeze'],
  timens_set_vvar_page: ['freeze'],
  timens_setup_vdso_data: ['freeze'],
  __arch_get_timens_vdso_data: ['vdso-enter', 'vdso-exit'],
  do_hres_timens: ['vdso-enter', 'vdso-exit'],
  do_coarse_timens: ['vdso-enter', 'vdso-exit'],
  arch_get_vdso_data: ['vdso-enter', 'vdso-exit'],
};

/** Finds the knowledge entry for a patch title (any version of the series), normalised. */
export function knowledgeForTitle(title: string): PatchKnowledge | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const t = norm(title);
  const all = [...ARM64_SERIES.patches, ...X86_SERIES.patches, ...FOLLOW_UPS];
  return all.find((k) => norm(k.title) === t) ?? all.find((k) => t.length > 8 && (norm(k.title).includes(t) || t.includes(norm(k.title))));
}

export function arm64Knowledge(id: Arm64PatchId): PatchKnowledge {
  const k = ARM64_SERIES.patches.find((p) => p.switch.kind === 'patch' && p.switch.id === id);
  if (!k) throw new Error(`no knowledge for arm64 patch ${id}`);
  return k;
}
