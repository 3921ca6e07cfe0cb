// Basic kernel vocabulary shared by every layer: profiles, clock ids, flags, errno and signal names.
// Values are the kernel's own (include/uapi/linux/sched.h, time.h, errno-base.h).

import type { KernelConfig } from './config';
import { negativeClockName } from './cpuclock';

export type Arch = 'x86_64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x86_64', 'arm64'];
/** The 32-bit ABI that execve(…, compat) loads on each architecture (docs/model-vdso.md). */
export const COMPAT_ABI: Readonly<Record<Arch, string>> = { arm64: 'AArch32', x86_64: 'ia32' };

/** Kernel versions the model knows, oldest first. Behaviour between two of them follows the older one. */
export const KERNEL_VERSIONS = [
  '5.6', '5.7', '5.8', '5.9', '5.10', '5.11', '5.15', '5.19', '6.1', '6.2', '6.3',
  '6.5', '6.12', '6.13', '6.14', '6.15', '6.16', '6.17', '6.18', '7.0', '7.1', '7.2', '7.3',
] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/** The version order, for known versions and any other 'major.minor' text ('6.1.20' counts as 6.1): negative when
 *  `a` is older than `b`, zero when the same, positive when newer. KERNEL_VERSIONS is in this order. */
export function compareKernels(a: string, b: string): number {
  // Major first, then minor: one number (major * 1000 + minor) read a written 6.1000 as 7.0.
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : (aMinor || 0) - (bMinor || 0);
}
/** True when kernel `v` is `min` or later. */
export function kernelAtLeast(v: string, min: KernelVersion): boolean {
  return compareKernels(v, min) >= 0;
}

/**
 * The six patches of "arm64: add the time namespace support" by Andrei Vagin: posted as v4 on 16 June 2020, merged
 * as v5 (24 June 2020) for 5.9; `commit` is the merged commit. v5 differs from v4 only in patch 2 (`v4`).
 */
export const ARM64_PATCHES = [
  { id: 'vvar-fault', n: 1, commit: 'd53b5c013e1e', title: 'arm64/vdso: use the fault callback to map vvar pages', v4: 'same code; v5 has a new commit message and drops a stale comment' },
  { id: 'zap-vvar', n: 2, commit: '1b6867d2916b', title: 'arm64/vdso: Zap vvar pages when switching to a time namespace', v4: 'v4 took the mmap write lock (mmap_write_lock_killable, EINTR with a fatal signal pending), v5 the read lock' },
  { id: 'timens-page', n: 3, commit: '3503d56cc723', title: 'arm64/vdso: Add time namespace page', v4: 'same code' },
  { id: 'timens-fault', n: 4, commit: 'ee3cda8e4606', title: 'arm64/vdso: Handle faults on timens page', v4: 'same code' },
  { id: 'restrict-split', n: 5, commit: 'bcf996434240', title: 'arm64/vdso: Restrict splitting VVAR VMA', v4: 'same code' },
  { id: 'enable-timens', n: 6, commit: '9614cc576d76', title: 'arm64: enable time namespace support', v4: 'same code' },
] as const;
export type Arm64PatchId = (typeof ARM64_PATCHES)[number]['id'];

/** Properties of the machine the kernel runs on (not of the kernel): each changes what a few calls do. */
export interface Machine {
  /** CAP_SYS_RESOURCE is in root's bounding set (a container's root may lack it): user.max_time_namespaces of
   *  the initial user namespace is writable (set_permissions, kernel/ucount.c). */
  readonly capSysResource: boolean;
  /** An RTC device exists, so the ALARM clocks work (alarmtimer_get_rtcdev, kernel/time/alarmtimer.c). */
  readonly rtc: boolean;
  /** The clocksource in use (its vdso_clock_mode is the data page's clock_mode). */
  readonly clocksource: string;
  /** x86_64: kvm-clock was the clocksource at some time since boot (kvm_cs_enable: vclocks_set_used(
   *  VDSO_CLOCKMODE_PVCLOCK)), so the pvclock page maps (vvar_fault, arch/x86/entry/vdso/vma.c: "pvti &&
   *  vclock_was_used(VDSO_CLOCKMODE_PVCLOCK)"). A KVM guest with a stable TSC boots on kvm-clock and moves to tsc:
   *  used, though no longer current. Unless said, whether the clocksource is kvm-clock. */
  readonly kvmclockUsed: boolean;
  /** x86_64's vsyscall mode (vsyscall= or CONFIG_LEGACY_VSYSCALL_*): the [vsyscall] gate area is --xp with xonly
   *  (the default since 5.3), r-xp with emulate, absent with none (Debian's kernels); arm64 has none. */
  readonly vsyscall: VsyscallMode;
  /** arm64: a CPU with ARM64_ERRATUM_1418040 (Cortex-A76/A77, Neoverse-N1: AArch32 reads of the virtual counter
   *  may be wrong), so arch_timer_enable_workaround gives arch_sys_counter VDSO_CLOCKMODE_ARCHTIMER_NOCOMPAT. */
  readonly erratum1418040: boolean;
  /** x86_64: ia32 (32-bit) programs run (CONFIG_IA32_EMULATION and the ia32_emulation= boot option, 6.7+); without,
   *  compat_elf_check_arch refuses them and execve of one is ENOEXEC. */
  readonly ia32Emulation: boolean;
  /** arm64: the kernel's PAGE_SIZE in bytes (CONFIG_ARM64_4K_PAGES, _16K_PAGES or _64K_PAGES, arch/arm64/Kconfig: a build
   *  choice, which the Image header's flags say); x86_64 has 4096 only. */
  readonly pageSize: PageSize;
}

/** The page sizes arm64 kernels are built with (arch/arm64/Kconfig, "Page size"). */
export const PAGE_SIZES = [4096, 16384, 65536] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export const VSYSCALL_MODES = ['none', 'xonly', 'emulate'] as const;
export type VsyscallMode = (typeof VSYSCALL_MODES)[number];

/** The machine of a profile that says nothing: root with every capability, an RTC (every PC has the CMOS one,
 *  the arm64 virt board a PL031), and on x86_64 kvm-clock (a KVM guest: where kernels are tried), on arm64 the
 *  architected timer. */
export function defaultMachine(arch: Arch): Machine {
  return { capSysResource: true, rtc: true, clocksource: arch === 'x86_64' ? 'kvm-clock' : 'arch_sys_counter', kvmclockUsed: arch === 'x86_64', vsyscall: arch === 'x86_64' ? 'xonly' : 'none', erratum1418040: false, ia32Emulation: true, pageSize: 4096 };
}

/** The machine a profile runs on: its own settings over the default of its architecture. */
export function machineOf(p: { readonly arch: Arch; readonly machine?: Partial<Machine> }): Machine {
  const m = { ...defaultMachine(p.arch), ...p.machine };
  // The current clocksource was enabled, so kvm-clock as the current one is used whatever was said.
  const kvmclockUsed = (p.arch === 'x86_64' && m.clocksource === 'kvm-clock') || (p.machine?.kvmclockUsed ?? false);
  return { ...m, kvmclockUsed };
}

/** The kernel's PAGE_SIZE on a profile's machine: arm64's build choice, 4096 on x86_64 (PAGE_SHIFT 12). */
export function pageSizeOf(p: { readonly arch: Arch; readonly machine?: Partial<Machine> }): PageSize {
  return p.arch === 'arm64' ? machineOf(p).pageSize : 4096;
}

/** A profile: what the simulated machine is. `disabledPatches` only has meaning on arm64 5.9 and later. */
export interface Profile {
  readonly arch: Arch;
  readonly kernel: KernelVersion;
  readonly disabledPatches: readonly Arm64PatchId[];
  /** Run a kernel that does not build (a patch left out that a later one needs) as a forced build (sim/build.ts). */
  readonly forcedBuild?: boolean;
  /** The machine's properties that differ from defaultMachine(arch). */
  readonly machine?: Partial<Machine>;
  /** Kernel build options that differ from the default (config.ts): CONFIG_TIME_NS=n. */
  readonly config?: Partial<KernelConfig>;
  /** A time-namespace design that was never merged (absent: the merged kernel). */
  readonly design?: DesignName;
}

export const DEFAULT_PROFILE: Profile = { arch: 'x86_64', kernel: '6.18', disabledPatches: [] };

/** A time value as the kernel's timespec64: whole seconds (may be negative) and nanoseconds in [0, 1e9). */
export interface Timespec {
  readonly sec: number;
  readonly nsec: number;
}

/** A Timespec as seconds.nanoseconds ('12.000000500', '-3.000000005'): how every event summary shows a time. */
export function fmtTs(t: Timespec): string {
  return `${t.sec}.${String(t.nsec).padStart(9, '0')}`;
}

export const CLOCKS = {
  CLOCK_REALTIME: 0,
  CLOCK_MONOTONIC: 1,
  CLOCK_PROCESS_CPUTIME_ID: 2,
  CLOCK_THREAD_CPUTIME_ID: 3,
  CLOCK_MONOTONIC_RAW: 4,
  CLOCK_REALTIME_COARSE: 5,
  CLOCK_MONOTONIC_COARSE: 6,
  CLOCK_BOOTTIME: 7,
  CLOCK_REALTIME_ALARM: 8,
  CLOCK_BOOTTIME_ALARM: 9,
  CLOCK_TAI: 11,
} as const;
export type ClockName = keyof typeof CLOCKS;
/** Clock names by clock id. */
export const CLOCK_NAMES: Readonly<Record<number, ClockName>> = Object.fromEntries(Object.entries(CLOCKS).map(([k, v]) => [v, k as ClockName]));
/** The name of a clock id ('CLOCK_MONOTONIC'), a negative id by the kernel's macro, or 'clock N' for an id the kernel does not define. */
export function clockName(id: number): string {
  return CLOCK_NAMES[id] ?? (id === DESIGN_CLOCKS.CLOCK_MONOTONIC_SYNC ? 'CLOCK_MONOTONIC_SYNC' : negativeClockName(id) ?? `clock ${id}`);
}

export const CLONE_FLAGS = {
  CSIGNAL: 0x000000ff,
  CLONE_NEWTIME: 0x00000080,
  CLONE_VM: 0x00000100,
  CLONE_FS: 0x00000200,
  CLONE_FILES: 0x00000400,
  CLONE_SIGHAND: 0x00000800,
  CLONE_PIDFD: 0x00001000,
  CLONE_PTRACE: 0x00002000,
  CLONE_VFORK: 0x00004000,
  CLONE_PARENT: 0x00008000,
  CLONE_THREAD: 0x00010000,
  CLONE_NEWNS: 0x00020000,
  CLONE_SYSVSEM: 0x00040000,
  CLONE_SETTLS: 0x00080000,
  CLONE_NEWCGROUP: 0x02000000,
  CLONE_NEWUTS: 0x04000000,
  CLONE_NEWIPC: 0x08000000,
  CLONE_NEWUSER: 0x10000000,
  CLONE_NEWPID: 0x20000000,
  CLONE_NEWNET: 0x40000000,
} as const;
export type CloneFlagName = keyof typeof CLONE_FLAGS;

export const SIGNALS = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
  SIGCHLD: 17,
} as const;
export type SignalName = keyof typeof SIGNALS;

export const ERRNOS = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, EINTR: 4, EIO: 5, ENOEXEC: 8, EBADF: 9, ENOMEM: 12, EACCES: 13, EFAULT: 14,
  EBUSY: 16, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, ENOTTY: 25, ENOSPC: 28, ESPIPE: 29, ERANGE: 34, ENOSYS: 38, EUSERS: 87, EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
} as const;
export type ErrnoName = keyof typeof ERRNOS;

export const PROT = { PROT_NONE: 0, PROT_READ: 1, PROT_WRITE: 2, PROT_EXEC: 4 } as const;
export const MREMAP = { MREMAP_MAYMOVE: 1, MREMAP_FIXED: 2, MREMAP_DONTUNMAP: 4 } as const;
export const TIMER_ABSTIME = 1;

// ---- Timekeeping (issue 15): adjtimex modes and the limits of settimeofday ----
/** adjtimex modes (include/uapi/linux/timex.h). ADJ_OFFSET_SINGLESHOT and ADJ_OFFSET_SS_READ are the old
 *  adjtime() spellings and include ADJ_OFFSET's bit. */
export const ADJ_MODES = {
  ADJ_OFFSET: 0x0001, ADJ_FREQUENCY: 0x0002, ADJ_MAXERROR: 0x0004, ADJ_ESTERROR: 0x0008, ADJ_STATUS: 0x0010,
  ADJ_TIMECONST: 0x0020, ADJ_TAI: 0x0080, ADJ_SETOFFSET: 0x0100, ADJ_MICRO: 0x1000, ADJ_NANO: 0x2000,
  ADJ_TICK: 0x4000, ADJ_OFFSET_SINGLESHOT: 0x8001, ADJ_OFFSET_SS_READ: 0xa001,
} as const;
/** adjtimex's return while the clock is unsynchronised (STA_UNSYNC, the state of a machine no NTP daemon set). */
export const TIME_ERROR = 5;
/** TIME_SETTOD_SEC_MAX (include/linux/time64.h): KTIME_SEC_MAX minus 30 years; do_sys_settimeofday64 refuses more. */
export const TIME_SETTOD_SEC_MAX = 8277292036;
/** CONFIG_HZ of the kernels modelled (Debian's x86_64 and arm64 configs: 250), so a tick is 4 ms (our choice). */
export const HZ = 250;

// ---- Designs (issue 15): the time-namespace designs that were never merged, run as another implementation of
// a few kernel modules (extension/sim/designs/) ----
export const DESIGNS = ['merged', 'clone-time', 'monotonic-sync', 'per-ns-timekeeper'] as const;
export type DesignName = (typeof DESIGNS)[number];
/** Clock ids only a design has. CLOCK_MONOTONIC_SYNC was never given a number (seed 002 names it only): 24 is
 *  invented, past every id up to 6.18 (16–23 are 6.17's auxiliary clocks), so the merged kernel refuses it. */
export const DESIGN_CLOCKS = { CLOCK_MONOTONIC_SYNC: 24 } as const;
