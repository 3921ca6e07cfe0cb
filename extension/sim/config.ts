// Kernel build options a profile can turn off (a `config` header line, the CLI's --config): each one a fact with
// its Kconfig name, its default, and what the kernel does without it. The switches (profile.ts) read them here.

/** Build options of the kernel that differ from the default of every modelled kernel (all `y`). */
export interface KernelConfig {
  /** CONFIG_TIME_NS (init/Kconfig "config TIME_NS ... depends on GENERIC_VDSO_TIME_NS", default y). */
  readonly timeNs: boolean;
  /** arm64 CONFIG_COMPAT_VDSO (default y, as Debian's arm64 kernels): an AArch32 task gets the compat vDSO and its [vvar]. */
  readonly compatVdso: boolean;
  /** arm64 CONFIG_KUSER_HELPERS (default y): an AArch32 task gets the [vectors] page at 0xffff0000. */
  readonly kuserHelpers: boolean;
}

export const DEFAULT_CONFIG: KernelConfig = { timeNs: true, compatVdso: true, kuserHelpers: true };

/** The words of a `config` line: NAME=y|n, by Kconfig name without the CONFIG_ prefix. */
export const CONFIG_KEYS: Readonly<Record<string, { readonly field: keyof KernelConfig; readonly doc: string }>> = {
  TIME_NS: { field: 'timeNs',
    doc: 'CONFIG_TIME_NS (default y). With n the kernel has no time namespaces: unshare(CLONE_NEWTIME) and clone3(CLONE_NEWTIME) give EINVAL ' +
      '(the stub copy_time_ns in include/linux/time_namespace.h: "if (flags & CLONE_NEWTIME) return ERR_PTR(-EINVAL);", after the EPERM test of ' +
      'CAP_SYS_ADMIN), setns(pidfd, CLONE_NEWTIME) EINVAL, /proc/PID/ns/time, time_for_children and /proc/PID/timens_offsets do not exist ' +
      '(ENOENT: #ifdef CONFIG_TIME_NS in fs/proc/namespaces.c ns_entries[] and fs/proc/base.c tgid_base_stuff), user.max_time_namespaces still ' +
      'exists (kernel/ucount.c), [vvar] keeps its size and its timens page gives SIGBUS (vvar_fault: IS_ENABLED(CONFIG_TIME_NS))' },
  COMPAT_VDSO: { field: 'compatVdso',
    doc: 'arm64 CONFIG_COMPAT_VDSO (default y, as in Debian\'s arm64 kernels). With n an AArch32 (compat) task has no vDSO and no [vvar]: ' +
      'aarch32_setup_additional_pages (arch/arm64/kernel/vdso.c) skips __setup_additional_pages(VDSO_ABI_AA32, ...), so libc makes the compat ' +
      'system calls, which add the time-namespace offsets in the kernel (same values, path syscall; Andrei Vagin, 27 July 2020: the ELF32 timens ' +
      'selftest passes with and without COMPAT_VDSO). Native tasks and x86_64 are not affected' },
  KUSER_HELPERS: { field: 'kuserHelpers',
    doc: 'arm64 CONFIG_KUSER_HELPERS (default y). With n an AArch32 task has no [vectors] page at 0xffff0000 (aarch32_kuser_helpers_setup, ' +
      'arch/arm64/kernel/vdso.c: "if (!IS_ENABLED(CONFIG_KUSER_HELPERS)) return 0;"). Native tasks and x86_64 are not affected' },
};

/** The config of a profile: its own settings over the default. */
export function configOf(p: { readonly config?: Partial<KernelConfig> }): KernelConfig {
  return { ...DEFAULT_CONFIG, ...p.config };
}

/** `TIME_NS=n` for the settings that differ from the default ('' when none does): how a profile label and the CLI show them. */
export function configText(c: Partial<KernelConfig> | undefined): string {
  if (!c) return '';
  return Object.entries(CONFIG_KEYS).filter(([, s]) => c[s.field] !== undefined && c[s.field] !== DEFAULT_CONFIG[s.field])
    .map(([k, s]) => `CONFIG_${k}=${c[s.field] ? 'y' : 'n'}`).join(' ');
}
