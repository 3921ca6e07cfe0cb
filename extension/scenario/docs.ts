// Documentation data for editors: what each operation does, its kernel call path on a given profile,
// how its behaviour changed across versions and patches, and the word lists completion offers.

import { ARM64_PATCHES, CLOCKS, DEFAULT_PROFILE, type Profile } from '../sim/types';
import {
  CLOCK_READ_PATHS, COMMON_PATHS, ERRNO_NAMES, FLAG_TABLES, MAPPING_NAMES, OPERATION_ALIASES, OPERATION_BY_WORD,
  OPERATION_SPECS, SIGNAL_NAMES, type OperationSpec,
} from './vocabulary';
import { compareVersions } from './values';

export interface OperationDoc {
  readonly word: string;
  readonly signature: string;
  readonly summary: string;
  readonly example: string;
  /** Kernel functions on the main path for this profile, outermost first. */
  readonly callPath: readonly string[];
  readonly differences: readonly { readonly since: string; readonly text: string }[];
  readonly args: OperationSpec['args'];
}

type PathFn = (p: Profile) => string[];
const since = (p: Profile, v: string): boolean => compareVersions(p.kernel, v) >= 0;
const sysPrefix = (p: Profile): string => (p.arch === 'arm64' ? '__arm64_sys_' : '__x64_sys_');
const cloneEntry = (p: Profile): string => (since(p, '5.10') ? 'kernel_clone' : '_do_fork');
const timensCommit = (p: Profile): string[] => (since(p, '5.9') ? ['timens_commit', 'timens_set_vvar_page', 'vdso_join_timens'] : ['timens_set_vvar_page', 'vdso_join_timens']);

const CALL_PATHS: Readonly<Record<string, PathFn>> = {
  unshare: (p) => [sysPrefix(p) + 'unshare', 'ksys_unshare', 'unshare_nsproxy_namespaces', 'create_new_namespaces', 'copy_time_ns', 'clone_time_ns'],
  setns: (p) => since(p, '5.9')
    ? [sysPrefix(p) + 'setns', 'prepare_nsset', 'validate_ns', 'timens_install', 'commit_nsset', ...timensCommit(p), 'switch_task_namespaces']
    : [sysPrefix(p) + 'setns', 'timens_install', ...timensCommit(p), 'switch_task_namespaces'],
  fork: (p) => [sysPrefix(p) + 'fork', cloneEntry(p), 'copy_process', 'copy_mm', 'copy_namespaces', 'timens_on_fork', ...timensCommit(p)],
  vfork: (p) => [sysPrefix(p) + 'vfork', cloneEntry(p), 'copy_process', 'copy_namespaces', ...(since(p, '6.2') ? [] : ['timens_on_fork'])],
  clone: (p) => [sysPrefix(p) + 'clone', cloneEntry(p), 'copy_process', 'copy_mm', 'copy_namespaces', 'timens_on_fork'],
  clone3: (p) => [sysPrefix(p) + 'clone3', 'copy_clone_args_from_user', 'clone3_args_valid', cloneEntry(p), 'copy_process', 'copy_namespaces', 'create_new_namespaces', 'copy_time_ns', 'clone_time_ns', 'timens_on_fork', ...timensCommit(p)],
  pthread_create: (p) => [sysPrefix(p) + 'clone3', cloneEntry(p), 'copy_process', 'copy_namespaces'],
  execve: (p) => since(p, '6.2')
    ? [sysPrefix(p) + 'execve', 'do_execveat_common', 'bprm_execve', 'load_elf_binary', 'begin_new_exec', 'exec_mmap', 'exec_task_namespaces', 'timens_on_fork', ...timensCommit(p), 'arch_setup_additional_pages']
    : [sysPrefix(p) + 'execve', 'do_execveat_common', 'bprm_execve', 'load_elf_binary', 'begin_new_exec', 'exec_mmap', 'arch_setup_additional_pages'],
  exit: () => ['do_exit', 'exit_task_namespaces', 'switch_task_namespaces', 'free_nsproxy', 'put_time_ns'],
  setuid: (p) => [sysPrefix(p) + 'setuid', '__sys_setuid', 'commit_creds'],
  prctl: (p) => [sysPrefix(p) + 'prctl', 'set_dumpable'],
  open: (p) => [sysPrefix(p) + 'openat', 'do_sys_open', 'do_filp_open', 'proc_pid_permission'],
  close: (p) => [sysPrefix(p) + 'close', 'close_fd', 'fput'],
  read: (p) => [sysPrefix(p) + 'read', 'vfs_read', 'seq_read', 'timens_offsets_show', 'proc_timens_show_offsets'],
  write: (p) => [sysPrefix(p) + 'write', 'vfs_write', 'timens_offsets_write', 'proc_timens_set_offset', 'timens_for_children_get', 'file_ns_capable'],
  pwrite: (p) => [sysPrefix(p) + 'pwrite64', 'ksys_pwrite64'],
  lseek: (p) => [sysPrefix(p) + 'lseek', 'vfs_llseek'],
  readlink: (p) => [sysPrefix(p) + 'readlinkat', 'proc_ns_readlink'],
  clock_gettime: (p) => [p.arch === 'arm64' ? '__kernel_clock_gettime' : '__vdso_clock_gettime', '__cvdso_clock_gettime_common', 'do_hres_timens'],
  clock_nanosleep: (p) => [sysPrefix(p) + 'clock_nanosleep', 'common_nsleep_timens', 'timens_ktime_to_host', 'hrtimer_nanosleep'],
  timerfd_settime: (p) => [sysPrefix(p) + 'timerfd_settime', 'do_timerfd_settime', 'timens_ktime_to_host'],
  touch: (p) => [p.arch === 'arm64' ? 'do_page_fault' : 'exc_page_fault', 'handle_mm_fault', '__do_fault', 'special_mapping_fault', 'vvar_fault', 'find_timens_vvar_page', 'vmf_insert_pfn'],
  mprotect: (p) => [sysPrefix(p) + 'mprotect', 'do_mprotect_pkey', 'mprotect_fixup'],
  munmap: (p) => [sysPrefix(p) + 'munmap', '__vm_munmap', 'do_vmi_munmap', ...(since(p, '5.11') ? ['special_mapping_split'] : [])],
  mremap: (p) => [sysPrefix(p) + 'mremap', 'vma_to_resize', 'move_vma', ...(since(p, '5.11') ? ['special_mapping_split'] : ['special_mapping_mremap', 'vvar_mremap'])],
  sleep: () => ['timekeeping_advance'],
  suspend: () => ['timekeeping_suspend', 'timekeeping_resume', 'timekeeping_inject_sleeptime64'],
  sysctl: () => ['proc_sys_call_handler', 'proc_dointvec_minmax'],
  spawn: (p) => [cloneEntry(p), 'copy_process'],
};

const DIFFERENCES: Readonly<Record<string, readonly { since: string; text: string }[]>> = {
  unshare: [{ since: '5.6', text: 'Time namespaces appear (x86_64). The caller stays; only time_for_children is new.' },
    { since: '5.9', text: 'arm64 gains time namespaces (the six-patch series).' }],
  setns: [{ since: '5.8', text: 'pidfd setns infrastructure (time not yet accepted with a pidfd).' },
    { since: '5.9', text: 'setns(pidfd, CLONE_NEWTIME) joins the target\'s time namespace; freeze and zap move to commit_nsset → timens_commit.' }],
  fork: [{ since: '5.6', text: 'A child enters its parent\'s time_for_children, which freezes it; the child\'s [vvar] PTEs are zapped.' }],
  vfork: [{ since: '5.6', text: 'After unshare(CLONE_NEWTIME): EINVAL (CLONE_VM while time_ns != time_ns_for_children).' },
    { since: '6.2', text: 'Allowed: the child shares the parent\'s nsproxy and moves into time_for_children at exec.' }],
  pthread_create: [{ since: '5.6', text: 'After unshare(CLONE_NEWTIME): EINVAL.' }, { since: '6.2', text: 'Allowed: the thread shares the nsproxy.' }],
  clone: [{ since: '5.6', text: 'The low byte is the exit signal: CLONE_NEWTIME (0x80) never reaches the kernel.' }],
  clone3: [{ since: '5.6', text: 'CLONE_NEWTIME is rejected with EINVAL (it lies in the CSIGNAL byte).' },
    { since: '6.1', text: 'Backport to 6.1.y: clone3(CLONE_NEWTIME) accepted; with CLONE_VM the child enters the new namespace at fork.' },
    { since: '6.2', text: 'Upstream 6.2 itself still rejects it (EINVAL).' },
    { since: '6.3', text: 'clone3(CLONE_NEWTIME) accepted; a CLONE_VM child stays until exec.' }],
  execve: [{ since: '5.6', text: 'exec keeps the time namespace.' }, { since: '6.2', text: 'exec moves a task whose time_for_children differs into it (exec_task_namespaces).' }],
  munmap: [{ since: '5.11', text: 'A part of [vvar] cannot be unmapped: special mappings cannot be split (EINVAL).' }],
  mremap: [{ since: '5.6', text: 'x86 vvar_mremap: EINVAL unless the whole [vvar] moves.' }, { since: '5.11', text: 'Generic split ban; shrinking gives EINVAL, growing EFAULT.' }],
  mprotect: [{ since: '5.11', text: 'Changing part of [vvar] gives EINVAL (no split).' }],
  touch: [{ since: '5.6', text: 'x86_64 [vvar]: 4 pages (data, pvclock, hvclock, timens).' },
    { since: '5.9', text: 'arm64 [vvar]: 2 pages (data, timens).' },
    { since: '6.13', text: 'x86_64: [vvar] 2 pages plus [vvar_vclock] 2 pages.' },
    { since: '6.15', text: 'Generic datastore: [vvar] = time, timens, rng, arch pages.' }],
  write: [{ since: '5.7', text: 'Clock names monotonic/boottime accepted as well as the numbers 1 and 7.' }],
  read: [{ since: '5.7', text: 'Offsets shown with clock names instead of numbers.' }],
  clock_gettime: [{ since: '5.6', text: 'Namespace tasks see a page with seq = 1 and the TIMENS clock mode, forcing the slow path.' }],
};

/** Documentation for an operation word on a profile, or undefined for an unknown word. */
export function describeOperation(word: string, profile: Profile): OperationDoc | undefined {
  const spec = OPERATION_BY_WORD.get(word) ?? OPERATION_BY_WORD.get(OPERATION_ALIASES[word] ?? '');
  if (!spec) return undefined;
  const callPath = (CALL_PATHS[spec.word] ?? (() => []))(profile);
  const patchNotes = profile.arch === 'arm64' && spec.word === 'touch'
    ? ARM64_PATCHES.map((p) => ({ since: `patch ${p.n}`, text: `${p.id}: ${p.title}` }))
    : [];
  return {
    word: spec.word,
    signature: spec.host ? `${spec.word} ${spec.args.map((a) => a.name).join(' ')}` : `${spec.word}(${spec.args.map((a) => (a.optional ? `[${a.name}]` : a.name)).join(', ')})${spec.result ? ` = ${spec.result === 'task' ? 'TASK' : 'FD'}` : ''}`,
    summary: spec.summary,
    example: spec.example,
    callPath,
    differences: [...(DIFFERENCES[spec.word] ?? []), ...patchNotes],
    args: spec.args,
  };
}

export interface CompletionData {
  readonly operations: readonly { readonly word: string; readonly snippet: string; readonly summary: string; readonly host: boolean }[];
  readonly headers: readonly { readonly word: string; readonly snippet: string }[];
  readonly expectForms: readonly { readonly label: string; readonly snippet: string }[];
  readonly flags: Readonly<Record<string, readonly string[]>>;
  readonly clocks: readonly string[];
  readonly errnos: readonly string[];
  readonly signals: readonly string[];
  readonly paths: readonly string[];
  readonly mappings: readonly string[];
  readonly clockPaths: readonly string[];
  readonly patches: readonly { readonly id: string; readonly n: number; readonly title: string }[];
}

export function completionData(): CompletionData {
  return {
    operations: OPERATION_SPECS.map((s) => ({ word: s.word, snippet: s.snippet, summary: s.summary, host: s.host })),
    headers: [
      { word: 'arch', snippet: 'arch ${1|x86_64,arm64|}' },
      { word: 'kernel', snippet: `kernel \${1:${DEFAULT_PROFILE.kernel}}` },
      { word: 'patch', snippet: 'patch off ${1|' + ARM64_PATCHES.map((p) => p.id).join(',') + '|}' },
    ],
    expectForms: [
      { label: 'expect ok', snippet: 'expect ok' },
      { label: 'expect errno == …', snippet: 'expect errno == ${1:EACCES}' },
      { label: 'expect ret == …', snippet: 'expect ret == ${1:0}' },
      { label: 'expect signal == …', snippet: 'expect signal == ${1:SIGBUS}' },
      { label: 'expect read == "…"', snippet: 'expect read == "${1}"' },
      { label: 'expect waited == …', snippet: 'expect waited == ${1:1s}' },
      { label: 'expect path == …', snippet: 'expect path == ${1|' + CLOCK_READ_PATHS.join(',') + '|}' },
      { label: 'expect ns#N frozen', snippet: 'expect ns#${1:1} ${2|frozen,not frozen|}' },
      { label: 'expect ns#N offset …', snippet: 'expect ns#${1:1} offset ${2|monotonic,boottime|} == ${3:86400s}' },
      { label: 'expect TASK.time_ns == ns#N', snippet: 'expect ${1:P2}.${2|time_ns,time_ns_for_children|} == ns#${3:1}' },
      { label: 'expect TASK CLOCK == host + …', snippet: 'expect ${1:P2} ${2:CLOCK_MONOTONIC} == host + ${3:86400s}' },
      { label: 'expect TASK [vvar][N] -> …', snippet: 'expect ${1:P2} [vvar][${2:0}] -> ${3:ns#1}' },
    ],
    flags: Object.fromEntries(Object.entries(FLAG_TABLES).map(([k, t]) => [k, Object.keys(t)])),
    clocks: Object.keys(CLOCKS),
    errnos: ERRNO_NAMES,
    signals: SIGNAL_NAMES,
    paths: COMMON_PATHS,
    mappings: [...MAPPING_NAMES],
    clockPaths: [...CLOCK_READ_PATHS],
    patches: ARM64_PATCHES.map((p) => ({ id: p.id, n: p.n, title: p.title })),
  };
}
