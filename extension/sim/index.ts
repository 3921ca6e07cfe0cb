// Entry point of the simulator: createSimulation, the list of kernel function names the model can emit
// (for breakpoint completion) and the profile switches.

import { CLOCK_KERNEL_FUNCTIONS } from './kernel/clockOps';
import { VSYSCALL_FUNCTIONS } from './kernel/vdso/vsyscall';
import { COMPAT_FUNCTIONS } from './kernel/arch/compat';
import type { Simulation, SimulationOptions } from './api';
import { SimulationImpl } from './simulation';
import type { Profile } from './types';

export { switchesFor } from './profile';
export { buildStatusOf, buildNote, FORCED_BUILD, type BuildStatus } from './build';
export type { Switches, SwitchInfo, SwitchValues, Layout, VmaLayout, PageRole } from './profile';
export { INITIAL_HOST } from './kernel/boot';
export { parseOffsetsWrite, formatOffsets } from './offsets';

/** A fresh simulation of `profile`, at boot: task P1 (pid 1000, uid 0) in ns#0 / user#0 / nsproxy#0 / mm#0.
 *  `{ keepHistory: false }` makes a streaming simulation for very long runs (see SimulationOptions). */
export function createSimulation(profile: Profile, options?: SimulationOptions): Simulation {
  return new SimulationImpl(profile, options);
}
const SYSCALLS = [
  'unshare', 'setns', 'fork', 'vfork', 'clone', 'clone3', 'execve', 'exit', 'exit_group', 'setuid', 'setgid', 'setresuid', 'setresgid', 'ioctl', 'pidfd_open', 'prctl', 'openat', 'close', 'getresuid', 'sysinfo',
  'read', 'write', 'pwrite64', 'lseek', 'readlinkat', 'clock_gettime', 'clock_nanosleep', 'timerfd_settime', 'mprotect',
  'munmap', 'mremap',
  // issue 15: the wall clock
  'settimeofday', 'clock_settime', 'adjtimex', 'gettimeofday',
];
/** The timekeeping paths (kernel/time/timekeeping.c, time.c; sim/kernel/time/timekeeping.ts) and the vDSO's gettimeofday. */
const TIMEKEEPING_FUNCTIONS = [
  '__vdso_gettimeofday', '__kernel_gettimeofday', 'do_sys_settimeofday64', 'do_settimeofday64', 'capable', 'clock_was_set',
  'timekeeping_update', 'update_vsyscall', 'kvm_cs_enable', 'posix_clock_realtime_set', 'do_adjtimex', 'timekeeping_validate_timex',
  'timekeeping_inject_offset', 'ktime_get_real_ts64', 'tick_sched_do_timer', 'timekeeping_advance', 'ktime_get', 'ktime_get_real',
  // the designs that were never merged (sim/designs)
  'clone_time_settimeofday', 'clone_time_enter', 'clock_monotonic_sync_set', 'clock_monotonic_sync_get',
];

/** Every function name that can appear in an event's `fn` or `stack`, sorted. */
export const KERNEL_FUNCTIONS: readonly string[] = Object.freeze([...new Set([
  ...SYSCALLS.flatMap((s) => [`__x64_sys_${s}`, `__arm64_sys_${s}`]),
  '__vdso_clock_gettime', '__kernel_clock_gettime', 'user_access',
  'do_hres', 'do_coarse', 'do_hres_timens', 'do_coarse_timens', 'clock_gettime_fallback',
  'ksys_unshare', 'check_unshare_flags', 'unshare_userns', 'create_user_ns', 'commit_creds', 'put_user_ns',
  'unshare_nsproxy_namespaces', 'ns_capable', 'ns_capable_setid', 'file_ns_capable', 'create_new_namespaces',
  'copy_time_ns', 'clone_time_ns', 'inc_time_namespaces', 'dec_time_namespaces', 'switch_task_namespaces', 'free_nsproxy',
  'put_time_ns', 'free_time_ns', 'timens_set_vvar_page', 'vdso_join_timens', 'timens_commit', 'timens_install',
  'prepare_nsset', 'validate_ns', 'validate_nsset', 'commit_nsset', 'proc_ns_get_link', 'proc_ns_readlink', 'do_readlinkat', 'userns_install',
  'copy_clone_args_from_user', 'clone3_args_valid', 'kernel_clone', '_do_fork', 'copy_process', 'copy_creds', 'copy_mm',
  'dup_mm', 'copy_page_range', 'copy_namespaces', 'timens_on_fork', 'complete_vfork_done', 'mmput',
  'do_execveat_common', 'bprm_execve', 'load_elf_binary', 'begin_new_exec', 'de_thread', 'exec_mmap',
  'exec_task_namespaces', 'arch_setup_additional_pages', 'do_group_exit', 'do_notify_parent', 'do_exit', 'exit_mm', 'exit_files', 'copy_files', 'dup_fd', 'put_files_struct', 'unshare_fd', 'unshare_files',
  'exit_task_namespaces', 'release_task', '__sys_setuid', '__sys_setgid', '__sys_setresuid', '__sys_setresgid', 'set_dumpable', 'inode_permission', 'generic_permission', 'nsfs_evict', 'seq_read',
  'timens_offsets_show', 'proc_timens_show_offsets', 'uptime_proc_show', 'show_stat', 'do_task_stat', 'timens_add_boottime_ns', 'do_sysinfo', 'seq_lseek', 'vfs_write',
  'timens_offsets_write', 'sscanf', 'proc_timens_set_offset', 'proc_setgroups_show', 'proc_maps_open', 'show_map', 'ns_ioctl', 'pidfd_open', 'proc_sys_permission', 'proc_sys_call_handler', 'proc_doulongvec_minmax', 'uid_m_show', 'gid_m_show',
  'proc_setgroups_write', 'proc_uid_map_write', 'proc_gid_map_write', 'map_write', 'new_idmap_permitted',
  'posix_get_realtime_timespec', 'posix_get_monotonic_timespec', 'posix_get_monotonic_raw', 'posix_get_realtime_coarse',
  'posix_get_monotonic_coarse', 'posix_get_boottime_timespec', 'alarm_clock_get_timespec', 'posix_get_tai_timespec',
  'posix_cpu_clock_get', 'timens_add_monotonic', 'timens_add_boottime',
  'exc_page_fault', 'do_mem_abort', 'do_user_addr_fault', 'bad_area', 'arm64_force_sig_fault', '__do_fault', 'put_nsset', 'handle_mm_fault', 'special_mapping_fault', 'vvar_fault',
  'vvar_vclock_fault', 'find_timens_vvar_page', 'vmf_insert_pfn', 'do_sigbus', 'do_page_fault',
  'timens_ktime_to_host', 'common_nsleep', 'common_nsleep_timens', 'alarm_timer_nsleep', 'posix_cpu_nsleep',
  'do_timerfd_settime', 'do_mprotect_pkey', 'mprotect_fixup', 'special_mapping_split', '__split_vma', 'do_vmi_munmap',
  '__do_sys_mremap', 'vma_to_resize', 'remap_move', 'move_vma', 'copy_vma', 'move_page_tables', 'do_munmap', 'vvar_mremap', 'vdso_mremap',
  'proc_ns_fget', 'unshare_sighand', 'do_close_on_exec', '__nptl_setxid', 'setup_rt_frame', 'ia32_setup_rt_frame', 'do_cpu_nanosleep', 'pc_clock_getres',
  'pc_clock_gettime', 'pc_clock_settime', 'posix_cpu_clock_set', 'posix_cpu_timer_create',
  ...CLOCK_KERNEL_FUNCTIONS,
  ...VSYSCALL_FUNCTIONS,
  ...COMPAT_FUNCTIONS,
  ...TIMEKEEPING_FUNCTIONS,
])].sort());
