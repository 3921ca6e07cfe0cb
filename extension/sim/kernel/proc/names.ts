// The names /proc holds where the model's paths go (fs/proc/base.c tgid_base_stuff and tid_base_stuff,
// fs/proc/namespaces.c ns_entries), and what a lookup of a path meets: a file the model has, the kernel's ENOENT or
// ENOTDIR, or a name the kernel has and the model does not, which the model refuses rather than guess (our choice).

import { CONTROL, oneLine } from '../../oneLine';

/** A directory of a task: /proc/PID (tgid_base_stuff, also for a thread's pid) or a thread's, /proc/thread-self
 *  and /proc/PID/task/TID (tid_base_stuff). */
export type PidDir = 'tgid' | 'tid';

/** One pid_entry: DIR, REG/ONE/INF (a file), LNK; in which tables; the CONFIG_ option it needs (none: always there). */
interface PidEntry { readonly kind: 'dir' | 'file' | 'link'; readonly in: 'both' | PidDir; readonly config?: string }

const E = (kind: PidEntry['kind'], where: PidEntry['in'] = 'both', config?: string): PidEntry => ({ kind, in: where, ...(config ? { config } : {}) });

/**
 * The union of tgid_base_stuff and tid_base_stuff from 5.6 to 6.18 (the entries added in that range, seccomp_cache,
 * ksm_merging_pages and ksm_stat, are behind a CONFIG_ option too). An entry behind one may exist: the model
 * cannot tell the kernel's configuration, so it never answers ENOENT for it (our choice).
 */
const PID_ENTRIES: Readonly<Record<string, PidEntry>> = {
  task: E('dir', 'tgid'), fd: E('dir'), map_files: E('dir', 'tgid'), fdinfo: E('dir'), ns: E('dir'),
  net: E('dir', 'both', 'NET'), environ: E('file'), auxv: E('file'), status: E('file'), personality: E('file'),
  limits: E('file'), sched: E('file', 'both', 'SCHED_DEBUG'), autogroup: E('file', 'tgid', 'SCHED_AUTOGROUP'),
  timens_offsets: E('file', 'tgid', 'TIME_NS'), comm: E('file'), syscall: E('file', 'both', 'HAVE_ARCH_TRACEHOOK'),
  cmdline: E('file'), stat: E('file'), statm: E('file'), maps: E('file'), children: E('file', 'tid', 'PROC_CHILDREN'),
  numa_maps: E('file', 'both', 'NUMA'), mem: E('file'), cwd: E('link'), root: E('link'), exe: E('link'),
  mounts: E('file'), mountinfo: E('file'), mountstats: E('file', 'tgid'),
  clear_refs: E('file', 'both', 'PROC_PAGE_MONITOR'), smaps: E('file', 'both', 'PROC_PAGE_MONITOR'),
  smaps_rollup: E('file', 'both', 'PROC_PAGE_MONITOR'), pagemap: E('file', 'both', 'PROC_PAGE_MONITOR'),
  attr: E('dir', 'both', 'SECURITY'), wchan: E('file', 'both', 'KALLSYMS'), stack: E('file', 'both', 'STACKTRACE'),
  schedstat: E('file', 'both', 'SCHED_INFO'), latency: E('file', 'both', 'LATENCYTOP'),
  cpuset: E('file', 'both', 'PROC_PID_CPUSET'), cgroup: E('file', 'both', 'CGROUPS'),
  cpu_resctrl_groups: E('file', 'both', 'PROC_CPU_RESCTRL'), oom_score: E('file'), oom_adj: E('file'),
  oom_score_adj: E('file'), loginuid: E('file', 'both', 'AUDIT'), sessionid: E('file', 'both', 'AUDIT'),
  'make-it-fail': E('file', 'both', 'FAULT_INJECTION'), 'fail-nth': E('file', 'both', 'FAULT_INJECTION'),
  coredump_filter: E('file', 'tgid', 'ELF_CORE'), io: E('file', 'both', 'TASK_IO_ACCOUNTING'),
  uid_map: E('file', 'both', 'USER_NS'), gid_map: E('file', 'both', 'USER_NS'), projid_map: E('file', 'both', 'USER_NS'),
  setgroups: E('file', 'both', 'USER_NS'), timers: E('file', 'tgid', 'CHECKPOINT_RESTORE'), timerslack_ns: E('file', 'tgid'),
  patch_state: E('file', 'both', 'LIVEPATCH'), stack_depth: E('file', 'tgid', 'STACKLEAK_METRICS'),
  arch_status: E('file', 'both', 'PROC_PID_ARCH_STATUS'), seccomp_cache: E('file', 'both', 'SECCOMP_CACHE_DEBUG'),
  ksm_merging_pages: E('file', 'both', 'KSM'), ksm_stat: E('file', 'both', 'KSM'),
};

/** fs/proc/namespaces.c ns_entries (5.6+: time and time_for_children came with CONFIG_TIME_NS in 5.6); every one
 *  but mnt is behind its namespace's CONFIG_ option. */
const NS_NAMES: readonly string[] = ['net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children'];

/** The files below a task's directory the model has (files.ts openFile). */
export const MODELLED_PID_FILES: readonly string[] = ['stat', 'maps', 'timens_offsets', 'uid_map', 'gid_map', 'setgroups', 'ns/time', 'ns/time_for_children', 'ns/user'];

/** The sysctls the model has (sysctl.ts gives each its text). */
export const SYSCTL_PATHS = ['/proc/sys/user/max_time_namespaces', '/proc/sys/kernel/overflowuid', '/proc/sys/kernel/overflowgid', '/proc/sys/fs/suid_dumpable'] as const;

/** What the model says of a path: it has the file, the kernel's errno, or a refusal with the reason. */
export type PathVerdict =
  | { readonly answer: 'model' }
  | { readonly answer: 'ENOENT' | 'ENOTDIR'; readonly why: string }
  | { readonly answer: 'refuse'; readonly why: string };

const MODEL: PathVerdict = { answer: 'model' };
/** A path as messages show it: as it is, or quoted with escapes when it holds a control or line-break character
 *  (a message is one line; a name may hold any byte but NUL and '/'). */
export function shownPath(path: string): string {
  // JSON.stringify leaves U+2028, U+2029 and DEL as they are
  return CONTROL.test(path) ? oneLine(JSON.stringify(path)) : path;
}

/** A name in a path, quoted for a message (with escapes, see shownPath). */
const named = (name: string): string => oneLine(JSON.stringify(name));

/** The names the model has, for refusals and diagnostics. */
export const MODELLED_TEXT = `/proc/uptime, /proc/stat, ${SYSCTL_PATHS.join(', ')}, and in /proc/PID, /proc/PID/task/TID and /proc/thread-self: ${MODELLED_PID_FILES.join(', ')}`;
const refuse = (what: string): PathVerdict => ({ answer: 'refuse', why: `${what}, which the model does not have (our choice: it refuses the line rather than guess the kernel's answer; it has ${MODELLED_TEXT})` });
const tableOf = (dir: PidDir) => (dir === 'tgid' ? 'tgid_base_stuff' : 'tid_base_stuff');

/** A name below a file (a trailing '/' too): link_path_walk (fs/namei.c) finds the file and goes no further. */
const notDir = (name: string): PathVerdict => ({ answer: 'ENOTDIR', why: `${name} is a file, no directory: link_path_walk goes no further (ENOTDIR)` });

/** A lookup of `rest` in a task's directory (rest '' is the directory itself). */
function pidPathVerdict(rest: string, dir: PidDir): PathVerdict {
  return MODELLED_VERDICTS[dir].get(rest) ?? pidPathVerdictOf(rest, dir);
}

function pidPathVerdictOf(rest: string, dir: PidDir): PathVerdict {
  if (rest === '') return MODEL;
  const [name, ...below] = rest.split('/');
  const e = Object.hasOwn(PID_ENTRIES, name) ? PID_ENTRIES[name] : undefined;
  if (name === '.' || name === '..' || name === '') return refuse(`a path with ${named(name)} in it`);
  if (!e || (e.in !== 'both' && e.in !== dir)) {
    return { answer: 'ENOENT', why: `no ${named(name)} in ${tableOf(dir)} (fs/proc/base.c): proc_pident_lookup finds nothing${e ? ` (it is in ${tableOf(e.in as PidDir)} only)` : ''}` };
  }
  if (below.length === 0) return MODELLED_PID_FILES.includes(name) ? MODEL : refuse(`${named(name)} of ${tableOf(dir)}${e.config ? ` (with CONFIG_${e.config})` : ''}`);
  // a file there in every configuration, or one the model has (files.ts checks CONFIG_TIME_NS for timens_offsets)
  if (e.kind === 'file' && (!e.config || MODELLED_PID_FILES.includes(name))) return notDir(name);
  if (name === 'ns' && below.length >= 1 && below[0] !== '' && below[0] !== '.' && below[0] !== '..') {
    if (!NS_NAMES.includes(below[0])) return { answer: 'ENOENT', why: `no ${named(below[0])} in ns_entries (fs/proc/namespaces.c): proc_ns_dir_lookup finds nothing` };
    // a namespace link the model has, followed to its nsfs file, which is no directory (files.ts checks the
    // link's ptrace access first, as proc_ns_get_link does)
    if (below.length > 1) return MODELLED_PID_FILES.includes(`ns/${below[0]}`) ? notDir(`ns/${below[0]}`) : refuse(`${shownPath(rest)} below the namespace link ns/${below[0]}`);
    return MODELLED_PID_FILES.includes(rest) ? MODEL : refuse(`the namespace link ns/${below[0]}`);
  }
  return refuse(`${shownPath(rest)} below ${shownPath(name)}${e.kind === 'link' ? ' (a link into the file system)' : e.kind === 'dir' ? '/' : ''}`);
}

/** The modelled files' verdicts, worked out once: they come back at every line (keyed by the constants, so that no
 *  path a scenario wrote, and the text it was cut from, is kept). */
const MODELLED_VERDICTS: Record<PidDir, ReadonlyMap<string, PathVerdict>> = {
  tgid: new Map(MODELLED_PID_FILES.map((f) => [f, pidPathVerdictOf(f, 'tgid')])),
  tid: new Map(MODELLED_PID_FILES.map((f) => [f, pidPathVerdictOf(f, 'tid')])),
};

/**
 * A path below a task's directory: /proc/WHO/REST, or /proc/WHO/task/THREAD/REST, whose REST proc_task_lookup's
 * directory looks up in tid_base_stuff (fs/proc/base.c); /proc/thread-self is a tid directory too. WHO and THREAD
 * are as written: a pid, self, thread-self or a scenario's task name. Null for a path not of that shape.
 */
export interface TaskPath { readonly who: string; readonly thread?: string; readonly rest: string; readonly dir: PidDir }
export function taskPath(path: string): TaskPath | null {
  // Any character but '/' may be in a name, a line break too (`s`): the kernel splits a path at '/' only.
  const m = /^\/proc\/([^/]+)(?:\/(.*))?$/s.exec(path);
  if (!m) return null;
  const who = m[1]!;
  const rest = m[2] ?? '';
  if (who === 'thread-self') return { who, rest, dir: 'tid' };
  const t = rest.startsWith('task/') ? /^task\/([^/]+)(?:\/(.*))?$/s.exec(rest) : null;
  return t ? { who, thread: t[1]!, rest: t[2] ?? '', dir: 'tid' } : { who, rest, dir: 'tgid' };
}

/** The model's files outside the task directories, below which a name is ENOTDIR (made once: this runs for every
 *  path of every line). */
const ROOT_FILES: readonly string[] = ['/proc/uptime', '/proc/stat', ...SYSCTL_PATHS];

/** A path as far as it does not depend on the tasks: the model's answer, or the task directory and the rest to
 *  look up in it. */
function rootPathVerdict(path: string): PathVerdict | ({ readonly answer: 'pid' } & TaskPath) {
  // getname_flags: an empty name is ENOENT
  if (path === '') return { answer: 'ENOENT', why: 'an empty path (getname)' };
  if (path === '/proc/uptime' || path === '/proc/stat') return MODEL;
  const file = ROOT_FILES.find((f) => path.startsWith(f) && path.charCodeAt(f.length) === 47);
  if (file) return notDir(file);
  if (path.startsWith('/proc/sys/')) return (SYSCTL_PATHS as readonly string[]).includes(path) ? MODEL : refuse('a sysctl');
  const p = taskPath(path);
  if (!p) return refuse(path === '/proc' || path === '/proc/' ? 'the /proc directory itself' : path.startsWith('/proc/') ? 'a path with an empty name in it' : 'a path outside /proc');
  return { answer: 'pid', ...p };
}

/**
 * Entries of the /proc root that are no task's directory: fs/proc/root.c's and those proc_create, proc_mkdir and
 * proc_symlink make across the kernel (a 6.18 x86_64 machine's `ls /proc`, and others common configurations add).
 * /proc/uptime, /proc/stat and /proc/sys are the model's own; self and thread-self are tasks' directories.
 */
const PROC_ROOT_ENTRIES: ReadonlySet<string> = new Set([
  'acpi', 'asound', 'bootconfig', 'buddyinfo', 'bus', 'cgroups', 'cmdline', 'config.gz', 'consoles', 'cpu', 'cpuinfo',
  'crypto', 'device-tree', 'devices', 'diskstats', 'dma', 'driver', 'dynamic_debug', 'execdomains', 'fb', 'filesystems',
  'fs', 'interrupts', 'iomem', 'ioports', 'irq', 'kallsyms', 'kcore', 'key-users', 'keys', 'kmsg', 'kpagecgroup',
  'kpagecount', 'kpageflags', 'latency_stats', 'loadavg', 'locks', 'mdstat', 'meminfo', 'misc', 'modules', 'mounts',
  'mtrr', 'net', 'pagetypeinfo', 'partitions', 'pressure', 'sched_debug', 'schedstat', 'scsi', 'slabinfo', 'softirqs',
  'stat', 'swaps', 'sys', 'sysrq-trigger', 'sysvipc', 'timer_list', 'tty', 'uptime', 'version', 'vmallocinfo', 'vmstat',
  'zoneinfo',
]);

/** Whether /proc/WHO may be a task's directory: a pid, self, thread-self, or a scenario's task, which may have any
 *  name but a /proc root entry's (an unknown one is then a misspelt task, which the editor reports). */
export function mayBeTaskDir(who: string): boolean {
  return !PROC_ROOT_ENTRIES.has(who);
}

/** The refusal of a /proc root entry that is no task's directory. */
const rootEntryRefused = (who: string): PathVerdict => refuse(`the /proc root's entry ${named(who)}`);

/**
 * What a lookup of `path` meets: `isTask(who)` says whether /proc/WHO names a task (else a name of the /proc root's
 * entries is one of those), `gone(who)` why a task's directory is not there now (the kernel's ENOENT), if it is not,
 * and `noThread(who, thread)` why /proc/WHO/task/THREAD is not (no such live thread in WHO's thread group).
 * The run asks with the tasks as they are; the editor with the scenario's task names, none gone.
 */
export function lookupVerdict(path: string, isTask: (who: string) => boolean, gone: (who: string) => string | null = () => null,
  noThread: (who: string, thread: string) => string | null = () => null): PathVerdict {
  const root = rootPathVerdict(path);
  if (root.answer !== 'pid') return root;
  if (!isTask(root.who) && !mayBeTaskDir(root.who)) return rootEntryRefused(root.who);
  const why = gone(root.who);
  if (why) return { answer: 'ENOENT', why };
  const whyNot = root.thread === undefined ? null : noThread(root.who, root.thread);
  if (whyNot) return { answer: 'ENOENT', why: whyNot };
  return pidPathVerdict(root.rest, root.dir);
}
