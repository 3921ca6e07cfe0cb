// Documentation data for editors: what each operation does, its kernel call paths on a given profile (as the
// model records them for the operation's example), how its behaviour changed across versions and patches,
// and the word lists completion offers.

import { ARM64_PATCHES, CLOCKS, DEFAULT_PROFILE, type Profile } from '../sim/types';
import {
  CLOCK_READ_PATHS, COMMON_PATHS, ERRNO_NAMES, FLAG_TABLES, MAPPING_NAMES, OPERATION_ALIASES, OPERATION_BY_WORD,
  OPERATION_SPECS, SIGNAL_NAMES, type OperationSpec,
} from './vocabulary';
import { lineCallPaths, type CallPath } from './callPaths';
import { EXPECT_FORMS } from './expectGrammar';
import { parseScenario } from './parser';
import { runParsed } from './runner';

export interface OperationDoc {
  readonly word: string;
  readonly signature: string;
  readonly summary: string;
  readonly example: string;
  /** The kernel functions of callPaths, each once, in the order they are first called. */
  readonly callPath: readonly string[];
  /** What the model records for `example` on this profile (after a few lines of set-up): its deepest call stacks. */
  readonly callPaths: readonly CallPath[];
  /** The scenario lines those call paths come from (set-up, then the example). */
  readonly probe: readonly string[];
  readonly differences: readonly { readonly since: string; readonly text: string }[];
  readonly args: OperationSpec['args'];
}

/**
 * Lines run before an operation's example so that the example shows the path that matters for time namespaces
 * (a child whose parent unshared, an fd to read through). The example itself is the operation's (vocabulary.ts).
 */
const PROBE_SETUP: Readonly<Record<string, readonly string[]>> = {
  setns: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  fork: ['P1: unshare(CLONE_NEWTIME)'],
  execve: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  exit: ['P1: pthread_create() = T2'],
  setuid: ['P1: fork() = P2'],
  setgid: ['P1: fork() = P2'],
  ioctl: ['P1: open("/proc/self/ns/time") = fd1'],
  pidfd_open: ['P1: pthread_create() = T2'],
  setresuid: ['P1: fork() = P2'],
  setresgid: ['P1: fork() = P2'],
  prctl: ['P1: fork() = P2'],
  sysinfo: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  close: ['P1: open("/proc/self/ns/time_for_children") = fd1'],
  read: ['P1: unshare(CLONE_NEWTIME)'],
  write: ['P1: unshare(CLONE_NEWTIME)'],
  pwrite: ['P1: unshare(CLONE_NEWTIME)', 'P1: open("/proc/self/timens_offsets", O_WRONLY) = fd1'],
  lseek: ['P1: open("/proc/self/timens_offsets", O_WRONLY) = fd1'],
  clock_gettime: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  clock_nanosleep: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  timerfd_settime: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  touch: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  time: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  clock_getres: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  timer_settime: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  futex: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  futex_waitv: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
  futex_wait: ['P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'],
};

const probes = new Map<string, CallPath[]>();

function probeLines(spec: OperationSpec): string[] {
  return [...(PROBE_SETUP[spec.word] ?? []), spec.example];
}

/** The call paths the model records for the operation's example on `profile` (a run of a few lines, kept). */
function probeCallPaths(spec: OperationSpec, profile: Profile): CallPath[] {
  const key = `${spec.word}|${profile.arch}|${profile.kernel}|${profile.disabledPatches.join(',')}`;
  let paths = probes.get(key);
  if (!paths) {
    const lines = probeLines(spec);
    try {
      const run = runParsed(parseScenario(lines.join('\n')), { arch: profile.arch, kernel: profile.kernel, disabledPatches: profile.disabledPatches });
      paths = run.valid ? lineCallPaths(run.sim, lines.length - 1, 8) : [];
    } catch {
      paths = [];
    }
    probes.set(key, paths);
  }
  return paths;
}

const DIFFERENCES: Readonly<Record<string, readonly { since: string; text: string }[]>> = {
  unshare: [{ since: '5.6', text: 'Time namespaces appear (x86_64). The caller stays; only time_for_children is new.' },
    { since: '5.9', text: 'arm64 gains time namespaces (the six-patch series).' }],
  setns: [{ since: '5.8', text: 'pidfd setns infrastructure (time not yet accepted with a pidfd).' },
    { since: '5.9', text: 'setns(pidfd, CLONE_NEWTIME) joins the target\'s time namespace; freeze and zap move to commit_nsset → timens_commit.' }],
  fork: [{ since: '5.6', text: 'A child enters its parent\'s time_for_children, which freezes it; the child\'s [vvar] PTEs are zapped.' }],
  vfork: [{ since: '5.6', text: 'After unshare(CLONE_NEWTIME): EINVAL (CLONE_VM while time_ns != time_ns_for_children).' },
    { since: '6.2', text: 'Allowed: the child shares the parent\'s nsproxy and moves into time_for_children at exec.' }],
  pthread_create: [{ since: '5.6', text: 'After unshare(CLONE_NEWTIME): EINVAL.' }, { since: '6.2', text: 'Allowed: the thread shares the nsproxy.' }],
  clone: [{ since: '5.6', text: 'The low byte is the exit signal: CLONE_NEWTIME (0x80) never reaches the kernel.' },
    { since: '7.1', text: 'kernel_clone checks the exit signal: a low byte over 64, CLONE_NEWTIME (0x80) among them, is EINVAL.' }],
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
    { since: '6.15', text: 'Generic datastore: [vvar] = time, timens, rng, arch pages.' },
    { since: '7.3', text: 'The datastore\'s pages are allocated: every [vvar] page maps, the timens page outside a time namespace and the arch page included (SIGBUS before).' }],
  write: [{ since: '5.7', text: 'Clock names monotonic/boottime accepted as well as the numbers 1 and 7.' },
    { since: '6.16', text: 'timens_offsets: nanoseconds of 2^63 or more are kept as a negative long (EINVAL in 6.1.y and 6.12.y).' },
    { since: '7.2', text: 'timens_offsets: nanoseconds outside [0, 10^9) are EINVAL again, after the seconds\' range; a number past 2^64 - 1 reads as 2^64 - 1.' }],
  read: [{ since: '5.7', text: 'Offsets shown with clock names instead of numbers.' },
    { since: '5.11', text: '/proc/stat btime less, and /proc/PID/stat starttime plus, the reader\'s boottime offset (host values before).' }],
  sysinfo: [{ since: '5.6', text: 'The uptime includes the reader\'s boottime offset ("sys/sysinfo: Respect boottime inside time namespace").' }],
  clock_gettime: [{ since: '5.6', text: 'Namespace tasks see a page with seq = 1 and the TIMENS clock mode, forcing the slow path.' },
    { since: '5.6', text: 'x86_64 ia32 tasks: their vdso32 maps the same [vvar] and reads the offsets like a 64-bit task; __vdso_clock_gettime64 and clock_gettime64 give values past 2^31 s whole (docs/model-vdso.md).' },
    { since: '5.9', text: 'arm64 compat (AArch32) tasks: with CONFIG_COMPAT_VDSO their vDSO reads the offsets like a native one; without it libc uses the compat syscalls, which add them (docs/model-vdso.md).' }],
  time: [{ since: '5.6', text: 'x86_64 __vdso_time follows the TIMENS clock_mode to the real data page (no offset: REALTIME has none).' },
    { since: '5.9', text: 'arm64: no time entry and no time syscall; libc reads CLOCK_REALTIME_COARSE through the vDSO.' }],
  clock_getres: [{ since: '5.6', text: 'In a namespace the vDSO reads hrtimer_res from the real data page; the resolution never changes.' },
    { since: '6.17', text: 'The vDSO answers the auxiliary clocks 16-23 (1 ns) whether or not they are enabled; the syscall gives EINVAL for a disabled one.' }],
  timer_settime: [{ since: '5.6', text: 'common_timer_set converts an absolute MONOTONIC, BOOTTIME or BOOTTIME_ALARM it_value with timens_ktime_to_host, after the zero test.' }],
  futex: [{ since: '5.10', text: 'Absolute timeouts without FUTEX_CLOCK_REALTIME are converted from namespace time (c2f7d08cccf4), FUTEX_LOCK_PI\'s REALTIME one wrongly too; before, none is.' },
    { since: '5.13', text: 'FUTEX_LOCK_PI is no longer converted (cdf78db40709).' }, { since: '5.14', text: 'FUTEX_LOCK_PI2: a PI lock on CLOCK_MONOTONIC, converted.' }],
  futex_waitv: [{ since: '5.16', text: 'sys_futex_waitv: an absolute timeout on CLOCK_MONOTONIC (converted from namespace time) or CLOCK_REALTIME; waiter flags FUTEX_32 and FUTEX_PRIVATE_FLAG only.' },
    { since: '6.7', text: 'The timeout code moves into futex2_setup_timeout (no change); the flags become FUTEX2_SIZE_* and FUTEX2_PRIVATE.' },
    { since: '6.16', text: 'FUTEX2_NUMA and FUTEX2_MPOL are accepted (EINVAL before).' }],
  futex_wait: [{ since: '6.7', text: 'sys_futex_wait: FUTEX_WAIT_BITSET with FUTEX2_* flags and a clock id; the timeout as futex_waitv\'s. ENOSYS before.' },
    { since: '6.16', text: 'FUTEX2_NUMA and FUTEX2_MPOL are accepted (EINVAL before).' }],
};

/** Documentation for an operation word on a profile, or undefined for an unknown word. */
export function describeOperation(word: string, profile: Profile): OperationDoc | undefined {
  const spec = OPERATION_BY_WORD.get(word) ?? OPERATION_BY_WORD.get(OPERATION_ALIASES[word] ?? '');
  if (!spec) return undefined;
  const callPaths = spec.host ? [] : probeCallPaths(spec, profile);
  const callPath = [...new Set(callPaths.flatMap((p) => p.stack))];
  const patchNotes = profile.arch === 'arm64' && spec.word === 'touch'
    ? ARM64_PATCHES.map((p) => ({ since: `patch ${p.n}`, text: `${p.id}: ${p.title}` }))
    : [];
  return {
    word: spec.word,
    signature: spec.host ? `${spec.word} ${spec.args.map((a) => a.name).join(' ')}` : `${spec.word}(${spec.args.map((a) => (a.optional ? `[${a.name}]` : a.name)).join(', ')})${spec.result ? ` = ${spec.result === 'task' ? 'TASK' : 'FD'}` : ''}`,
    summary: spec.summary,
    example: spec.example,
    callPath,
    callPaths,
    probe: spec.host ? [] : probeLines(spec),
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
      { word: 'build', snippet: 'build forced' },
    ],
    expectForms: EXPECT_FORMS.map((f) => ({ label: `expect ${f.pattern}`, snippet: `expect ${f.snippet}` })),
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
