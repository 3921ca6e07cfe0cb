// The one description of each operation that the model and the native helper share: how a scenario line
// becomes a helper command (its protocol signature, which helper/*.c parses), when the kernel cannot run it,
// and which fields of its result are compared. Adding an operation: one entry here, one op_<name> in helper/.

import type { KernelState } from '../sim/api';
import { NS_IOCTLS, SEEK, dataBytes, type FileRef, type Operation, type OperationName, type NsTarget } from '../sim/ops';
import { ADJ_MODES, CLONE_FLAGS, SIGNALS, type Profile } from '../sim/types';
import { timerFlagsValue } from '../sim/opsClock';
import { switchesFor } from '../sim/profile';
import { idMapLines, parseIdMapLine } from '../sim/kernel/proc/idmap';
import { MAX_USER_NS_LEVEL } from '../sim/kernel/cred';
import { SYSCTL_PATHS, taskPath } from '../sim/kernel/proc/names';
import { asIdT, KEEP } from '../sim/kernel/setid';
import { negativeClock } from '../sim/cpuclock';
import { CLOCK_OPERATIONS, clockPointUnchecked, clockToken, timerTokens, timeToken, via } from './operationsClock';

/** Protocol argument types (helper/helper.h): i int, o optional int, n new task, r new fd name, k fd,
 *  x bytes, p /proc path, F file, N namespace target, m special mapping, T time expression, d duration. */
export type ArgType = 'i' | 'o' | 'n' | 'r' | 'k' | 'x' | 'p' | 'F' | 'N' | 'm' | 'T' | 'd';

/** Result fields a comparison may look at, besides errno and signal (always compared). */
export type Field = 'ret' | 'clock' | 'path' | 'text' | 'waited' | 'timer' | 'child' | 'res';

import { OPF_BOOTREAD, OPF_CLOCK0, OPF_CREATES, OPF_HOST, OPF_HOSTNOW } from './opFlags';
export { OPF_BOOTREAD, OPF_CLOCK0, OPF_CREATES, OPF_HOST, OPF_HOSTNOW };

/** Where a run happens: a sandbox on the running kernel (ns#0 and user#0 are a new time and user namespace)
 *  or the initial namespaces of a throwaway qemu VM. `uids`: whether uids other than 0 exist (root sandbox). */
export interface RunMode {
  readonly kind: 'sandbox' | 'initial';
  readonly uids: 'all' | 'root-only';
  /** Sleeps longer than this (ms) are cut short by the helper; host sleeps longer are not run. */
  readonly sleepCapMs: number;
  /** A 32-bit build of the helper (AArch32 under qemu on arm64, ia32 on x86_64) exists: `execve(…, compat)` runs it. */
  readonly compat?: boolean;
  /** The kernel's level of the sandbox's user namespace (the scenario's user#0), when known: 1 when verify itself
   *  runs in the initial user namespace. */
  readonly userNsLevel?: number;
}

export interface EncodeContext {
  readonly mode: RunMode;
  readonly profile: Profile;
  /** The model's state before the line. */
  readonly before: KernelState;
  readonly task: string | null;
  /** Processes whose leader the helper made with a raw clone, clone3 or vfork (glibc's idea of its tid is stale). */
  readonly rawCloned?: ReadonlySet<string>;
}

/** A line the kernel does not run. `taint`: when the model says it changed something, later lines are not
 *  compared either (the two machines no longer start from the same state). */
export interface NotRun {
  readonly notRun: string;
  readonly timeOnly?: boolean;
  /** The line changes nothing either side follows (a read by path): later lines are still compared. */
  readonly noChange?: boolean;
  /** The line changes the state even when it fails (the task dies of a signal): later lines are not compared. */
  readonly changes?: boolean;
  /** Only because the helper does not open the path: a reason of the model's own (it refuses the line) says more. */
  readonly unopened?: true;
}
export type Encoded = readonly string[] | NotRun;

export interface OpSpec<K extends OperationName> {
  readonly sig: string;
  readonly flags: number;
  readonly fields: readonly Field[];
  /** Changes nothing the comparison follows, so a different outcome here does not set the two machines apart. */
  readonly readOnly?: true;
  /** What the helper does, for docs/verify.md and hovers. */
  readonly doc: string;
  encode(op: Extract<Operation, { op: K }>, c: EncodeContext): Encoded;
}

const hex = (data: string) => ':' + Array.from(dataBytes(data), (b) => b.toString(16).padStart(2, '0')).join('');
const ts = (t: { sec: number; nsec: number }) => `${t.sec}:${t.nsec}`;
const opt = (v: number | undefined) => (v === undefined ? '-' : String(v));
const NAME = /^[A-Za-z0-9_.#-]{1,48}$/;

/** The /proc/sys files the helper opens (helper/proto.c FIXED), the sysctls the model has. */
const SYSCTL_FILES: readonly string[] = SYSCTL_PATHS;

/**
 * The /proc directory of a scenario task that is no task at this line (its creating line failed or never ran):
 * a pid above PID_MAX_LIMIT (include/linux/threads.h: 4M on 64-bit, 32768 on 32-bit), which pid_max never
 * reaches, so proc_pid_lookup (fs/proc/base.c) finds no task there and every path under it is ENOENT, as the
 * kernel answers for a pid that has no task. The helper's tid tokens reach 0x3fffffff (helper/proto.c parse_path).
 */
export const ABSENT_PID = 0x3fffffff;
/** A task name that cannot be an entry of /proc's root (those are lower-case words: self, sys, net, uptime…). */
const ABSENT_NAME = /^[A-Z][A-Za-z0-9_]{0,47}$/;

/** The files below a task's directory the helper opens (helper/proto.c RESTS); '' is the directory. */
const HELPER_RESTS: readonly string[] = ['', 'ns/time', 'ns/time_for_children', 'timens_offsets', 'uid_map', 'gid_map', 'setgroups', 'maps', 'stat', 'ns/user'];

/** A task's name or number in a path as the helper's token: @NAME, #ABSENT_PID for a name that is no task at this
 *  line, null for what the helper cannot address. */
function taskToken(who: string, c: EncodeContext): string | null {
  let name: string | undefined = c.before.tasks[who] ? who : undefined;
  if (!name && /^[1-9]\d*$/.test(who)) name = Object.values(c.before.tasks).find((t) => t.pid === Number(who))?.id;
  // a pid with a leading 0 is no /proc entry (name_to_int): the helper's path must not lose the 0, so it asks for
  // a pid nobody has, which the kernel refuses the same way (ENOENT at the lookup)
  if (!name && (/^0\d/.test(who) || ABSENT_NAME.test(who))) return `#${ABSENT_PID}`;
  return name && NAME.test(name) ? '@' + name : null;
}

/** The task a /proc/PID/… or /proc/PID/task/TID/… path names, among the tasks before the line (`caller` for self
 *  and thread-self): its id, or undefined. */
export function taskOfProcPath(path: string, caller: string | null, tasks: KernelState['tasks']): string | undefined {
  const p = taskPath(path);
  if (!p) return undefined;
  const byName = (n: string): string | undefined => (tasks[n] ? n : Object.values(tasks).find((t) => String(t.pid) === n)?.id);
  if (p.thread !== undefined) return byName(p.thread);
  return p.who === 'self' || p.who === 'thread-self' ? (caller ?? undefined) : byName(p.who);
}

/** A scenario path as the helper's token, or null when it names a file the helper never opens. */
export function procPathToken(path: string, c: EncodeContext): string | null {
  if (path === '/proc/uptime') return 'uptime';
  if (path === '/proc/stat') return 'stat';
  if (SYSCTL_FILES.includes(path)) return path.slice('/proc/'.length);
  const p = taskPath(path);
  if (!p || !HELPER_RESTS.includes(p.rest)) return null;
  const who = p.who === 'self' || p.who === 'thread-self' ? p.who : taskToken(p.who, c);
  const thread = p.thread === undefined ? '' : taskToken(p.thread, c);
  if (who === null || thread === null) return null;
  // a task's directory named with a trailing slash keeps it (`DIR/`): the slash makes the lookup follow /proc/self and
  // /proc/thread-self, so readlink("/proc/self/") is EINVAL where readlink("/proc/self") reads the link
  const slash = p.rest === '' && path.endsWith('/') ? '/' : '';
  return `${who}${thread ? `/task/${thread}` : ''}${p.rest ? `/${p.rest}` : slash}`;
}

/** The helper's name for a new fd the scenario line does not name (a scenario name never starts with '.'). */
const UNNAMED_FD = '.unnamed';

const ONLY_PROC = 'the helper opens only /proc/uptime, /proc/stat, four /proc/sys files and /proc/PID/{ns/time,ns/time_for_children,ns/user,timens_offsets,uid_map,gid_map,setgroups,maps,stat} (also below /proc/PID/task/TID) of the scenario\'s own tasks';
/** Why the helper does not open a file: /proc of a name that is no task at this line (it never existed, or is
 *  gone: no pid to address), or a file outside the ones it opens. */
function notOpened(path: string | undefined, c: EncodeContext): NotRun {
  const who = path === undefined ? undefined : /^\/proc\/([A-Za-z]\w*)(?:\/|$)/.exec(path)?.[1];
  if (who && who !== 'self' && who !== 'thread-self' && NAME.test(who) && !c.before.tasks[who]) return { notRun: `${who} is no task at this line (never made, or gone): its /proc directory has no pid the helper can address` };
  return { notRun: ONLY_PROC, unopened: true };
}
const pathOf = (f: FileRef | NsTarget): string | undefined => ('path' in f ? f.path : undefined);
/** The acting task's fd of that name (threads share their leader's table). */
function fdOf(c: EncodeContext, name: string) {
  const me = c.task ? c.before.tasks[c.task] : undefined;
  return me ? (me.fds[name] ?? c.before.tasks[me.leader]?.fds[name]) : undefined;
}

const NEVER_SET = 'setting the host clock is never done by verify: this line is not checkable here';

function fileToken(f: FileRef, c: EncodeContext): string | null {
  if ('fd' in f) return NAME.test(f.fd) ? `fd:@${f.fd}` : null;
  const p = procPathToken(f.path, c);
  return p === null ? null : `path:${p}`;
}

function targetToken(t: NsTarget, c: EncodeContext): string | null {
  if ('fd' in t) return NAME.test(t.fd) ? `fd:@${t.fd}` : null;
  if ('pidfd' in t) return NAME.test(t.pidfd) ? `pidfd:@${t.pidfd}` : null;
  const p = procPathToken(t.path, c);
  return p === null ? null : `path:${p}`;
}

const REFUSED_CLONE = CLONE_FLAGS.CLONE_SETTLS | CLONE_FLAGS.CLONE_NEWPID;
const refusedClone = (flags: number): NotRun | null =>
  flags & CLONE_FLAGS.CLONE_NEWPID ? { notRun: 'CLONE_NEWPID: the helper addresses tasks by their pid in one pid namespace' }
    : flags & REFUSED_CLONE ? { notRun: 'CLONE_SETTLS: the helper cannot give the child a thread-local storage area' } : null;

/** A child whose exit signal the helper's tasks do not take as a program with default actions would: they ignore
 *  SIGPIPE and catch SIGALRM (the sleep cap, helper/task.c), so the parent would survive the child's exit, which ends
 *  it in the model (kernel/signal.c do_notify_parent; CLONE_THREAD and CLONE_PARENT do not use the given signal). */
function helperExitSignal(flags: number, sig: number): NotRun | null {
  if (flags & (CLONE_FLAGS.CLONE_THREAD | CLONE_FLAGS.CLONE_PARENT) || (sig !== SIGNALS.SIGPIPE && sig !== SIGNALS.SIGALRM)) return null;
  return { notRun: `exit signal ${sig}: the helper's tasks ${sig === SIGNALS.SIGPIPE ? 'ignore SIGPIPE' : 'catch SIGALRM (their sleep cap)'}, so the parent would not end at the child's exit as a program with default actions does` };
}

/** The ids the sandbox's user namespace maps (helper/super_cmd.c: "0 0 65536" as root, "0 UID 1" without). */
const SANDBOX_IDS = 65536;

/** An id of user#0 (the sandbox's user namespace) that the sandbox cannot hold: the kernel would refuse what the
 *  model, whose user#0 is the initial user namespace with every id, accepts. */
function beyondSandbox(c: EncodeContext, first: number, count = 1, what = 'uid'): NotRun | null {
  if (c.mode.kind !== 'sandbox') return null;
  const ids = count === 1 ? `${what} ${first}` : `${what}s ${first}-${first + count - 1}`;
  if (c.mode.uids === 'root-only') return first === 0 && count === 1 ? null : { notRun: `${ids} do${count === 1 ? 'es' : ''} not exist in a sandbox made without root (only 0 is mapped)` };
  return first + count > SANDBOX_IDS ? { notRun: `${ids} ${count === 1 ? 'is' : 'are'} beyond what the sandbox maps (0-${SANDBOX_IDS - 1}); the model's user#0 maps every id` } : null;
}

/** An id of a set*id call, as the uid_t the helper's cast makes of it ((uid_t)-1 is no id: the call's own EINVAL). */
const rootOnly = (c: EncodeContext, uid: number, task: string | null = null): NotRun | null =>
  (task && c.before.tasks[task]?.userNs !== 'user#0') || asIdT(uid) === KEEP ? null : beyondSandbox(c, asIdT(uid));

/** user.max_time_namespaces of user#0: in the sandbox that is the sandbox's own user namespace (INT_MAX, and
 *  its root may write it), in a VM the initial one's (max_threads/2 of the VM's RAM): not the model's user#0. */
function initSysctl(f: FileRef | { path: string }, c: EncodeContext, reading: boolean): NotRun | null {
  const task = c.task ? c.before.tasks[c.task] : undefined;
  const fd = 'fd' in f && task ? (task.fds[f.fd] ?? c.before.tasks[task.leader]?.fds[f.fd]) : undefined;
  const path = 'fd' in f ? fd?.path : f.path;
  if (path !== SYSCTL_FILES[0]) return null;
  const setNs = fd ? fd.openerUserNs : task?.userNs;
  if (setNs !== 'user#0') return null;
  const noChange = reading && !fd;
  if (c.mode.kind === 'sandbox') return { notRun: 'user.max_time_namespaces of user#0: the sandbox\'s user namespace has its own (INT_MAX, writable by its root), not the host\'s', noChange };
  return reading ? { notRun: 'the initial user namespace\'s user.max_time_namespaces is max_threads/2 of the machine\'s RAM', noChange } : null;
}

/** kernel.overflowuid, overflowgid and fs.suid_dumpable are the machine's, not the sandbox's: their permission is
 *  test_perm's (fs/proc/proc_sysctl.c) for an euid of GLOBAL_ROOT_UID, which the sandbox's root is (its uid_map maps
 *  0 to the supervisor's 0), so a write from a scenario would change them for the whole machine. Neither an open for
 *  writing nor a write of them is run (the model does not run such a write either). Before this, the helper ran
 *  them: a scenario's write("/proc/sys/kernel/overflowuid", "65534") on Linux 6.18 returned 5. */
function globalSysctl(f: FileRef | { path: string }, c: EncodeContext, opening = false): NotRun | null {
  const task = c.task ? c.before.tasks[c.task] : undefined;
  const fd = 'fd' in f && task ? (task.fds[f.fd] ?? c.before.tasks[task.leader]?.fds[f.fd]) : undefined;
  const path = 'fd' in f ? fd?.path : f.path;
  if (!path || !SYSCTL_FILES.slice(1).includes(path)) return null;
  // the model's write is not run either (no change); its open adds an fd the helper does not have, so the lines
  // after it are not compared (compare.ts taint)
  return { notRun: `${path} is a setting of the whole machine (the sandbox's root is its kuid 0 for test_perm): never opened for writing or written`, ...(opening ? {} : { noChange: true }) };
}

/** The kernel's maps starts with the program's own mappings, which the model does not have: only a whole read
 *  from the start is compared (its special-mapping lines). The read not run moves only its fd's position in the
 *  model, and every later use of that position is not run either (a read from past 0), not compared (an lseek
 *  SEEK_CUR: compare.ts positionUnchecked) or resets it (SEEK_SET): later lines are still compared (seven fuzz batches
 *  of 30 scenarios lost 90-365 lines each to it). */
function partialMaps(f: FileRef, count: number | undefined, c: EncodeContext): NotRun | null {
  const task = c.task ? c.before.tasks[c.task] : undefined;
  const fd = 'fd' in f && task ? (task.fds[f.fd] ?? c.before.tasks[task.leader]?.fds[f.fd]) : undefined;
  const path = 'fd' in f ? fd?.path : f.path;
  const why = path?.endsWith('/maps') ? 'a part of /proc/PID/maps: the kernel\'s starts with the program\'s own mappings, which the model does not have'
    : path && taskPath(path)?.rest === 'stat' ? 'a part of /proc/PID/stat: the model\'s line stops at field 22 (starttime), the kernel\'s goes on to field 52' : null;
  if (!why) return null;
  return count !== undefined || (fd && fd.pos !== 0) ? { notRun: `${why}; only a whole read from the start is compared`, noChange: true } : null;
}

/** A read of 2^32 bytes or more: access_ok(buf, count) refuses a buf + count past the user address space (EFAULT),
 *  which depends on where the helper's buffer lies (the model has no buffer: kernel/proc/files.ts userAddressLimit),
 *  and a 32-bit helper's size_t does not hold it. The model's read is not compared (a read by path changes nothing). */
function hugeCount(f: FileRef, count: number | undefined): NotRun | null {
  return count !== undefined && count >= 2 ** 32
    ? { notRun: `a count of ${count} bytes: whether access_ok takes it depends on the address of the helper's buffer (EFAULT past the user address space)`, noChange: 'path' in f }
    : null;
}

function resIds(c: EncodeContext, ids: readonly number[]): Encoded {
  for (const id of ids) {
    const r = rootOnly(c, id, c.task);
    if (r) return r;
  }
  return ids.map(String);
}

/** A uid_map or gid_map write whose lower ids are ids of user#0 (the target namespace's parent) beyond the
 *  sandbox's map: in the kernel map_write refuses them (they map to no kernel id), in the model they exist. */
function idMapBeyondSandbox(f: FileRef, data: string, c: EncodeContext): NotRun | null {
  let path: string;
  let who: string | null;
  let nsId: string | undefined;
  if ('fd' in f) {
    const task = c.task ? c.before.tasks[c.task] : undefined;
    const fd = task ? (task.fds[f.fd] ?? c.before.tasks[task.leader]?.fds[f.fd]) : undefined;
    if (!fd) return null;
    path = fd.path;
    who = fd.task;
    nsId = fd.user; // the namespace the open took
  } else {
    path = f.path;
    who = taskOfProcPath(path, c.task, c.before.tasks) ?? null;
  }
  const file = /\/(uid_map|gid_map)$/.exec(path)?.[1];
  if (!file || !who) return null;
  const ns = c.before.userNamespaces[nsId ?? c.before.tasks[who]?.userNs ?? ''];
  if (!ns || ns.parent !== 'user#0') return null;
  const saturate = switchesFor(c.profile).values.scanSaturates;
  for (const line of idMapLines(data)) {
    // the extent as map_write reads it (u32 fields): a line it refuses is refused on both sides
    const e = parseIdMapLine(line, saturate);
    if (!e) continue;
    const r = beyondSandbox(c, e.lower, e.count, `lower ${file === 'uid_map' ? 'uid' : 'gid'}`);
    if (r) return r;
  }
  return null;
}

/** A write of user#0's uid_map or gid_map that map_write refuses with EINVAL (a position other than 0, PAGE_SIZE bytes
 *  or more): the model's user#0 is the initial user namespace, which proc_uid_map_write refuses first ("if
 *  (!ns->parent) return -EPERM;", kernel/user_namespace.c), and the sandbox's has a parent, so the kernel gets to
 *  map_write's EINVAL (fuzz seed 725226 on Linux 6.18: kernel EINVAL, model EPERM). Both refuse; which errno is the
 *  sandbox's. */
function initMapOrder(f: FileRef, data: string, c: EncodeContext): NotRun | null {
  if (c.mode.kind !== 'sandbox') return null;
  const task = c.task ? c.before.tasks[c.task] : undefined;
  const fd = 'fd' in f && task ? (task.fds[f.fd] ?? c.before.tasks[task.leader]?.fds[f.fd]) : undefined;
  const path = 'fd' in f ? fd?.path : f.path;
  if (!path || !/\/(uid_map|gid_map)$/.test(path)) return null;
  const who = taskOfProcPath(path, c.task, c.before.tasks);
  const ns = fd ? fd.user : who ? c.before.tasks[who]?.userNs : undefined;
  if (ns !== 'user#0') return null;
  const einval = (fd?.pos ?? 0) !== 0 || data.length >= switchesFor(c.profile).values.pageSize;
  return einval ? { notRun: 'a write of user#0\'s id map at a position other than 0 or of PAGE_SIZE bytes: the model\'s user#0 has no parent (EPERM first), the sandbox\'s has one (map_write\'s EINVAL first)', noChange: true } : null;
}

/** glibc's set*id makes every thread run the system call (SIGSETXID) and waits for all of them; a thread suspended
 *  in vfork sleeps killable only, so the libc call blocks until that vfork child execs or exits (found by
 *  tools/fuzz-verify.mjs). The model follows the calls as if every thread answered. */
function setxidBlocked(c: EncodeContext): NotRun | null {
  const me = c.task ? c.before.tasks[c.task] : undefined;
  if (!me) return null;
  if (Object.values(c.before.tasks).some((t) => t.leader === me.leader && t.id !== me.id && t.state === 'vfork-parent-waiting')) {
    return { notRun: 'glibc\'s set*id waits for every thread of the process, and one is suspended in vfork: the libc call would block until that child execs or exits', changes: true };
  }
  // glibc signals each thread by the tid it keeps in the thread's descriptor; a raw clone leaves the new main
  // thread with its parent's, so a set*id from another thread never reaches it (the model changes every thread)
  if (me.id !== me.leader && c.rawCloned?.has(me.leader)) {
    return { notRun: 'the process was made by a raw clone, so glibc\'s set*id from another thread cannot reach its main thread (glibc keeps the parent\'s tid for it)', changes: true };
  }
  // glibc signals the threads of its own list (pthread_create's); a clone(CLONE_THREAD) thread is not in it, and one
  // on its creator's TLS (no CLONE_SETTLS) is taken for that creator: fuzz seed 8322 on arm64 6.17 changed only the
  // caller's ids (the model changes every thread)
  const raw = Object.values(c.before.tasks).find((t) => t.leader === me.leader && t.id !== t.leader && c.rawCloned?.has(t.id));
  if (raw) return { notRun: `${raw.id} is a thread made by clone(CLONE_THREAD), not by pthread_create: glibc's set*id reaches only the threads of its own list, and one on its creator's TLS is taken for that creator`, changes: true };
  return null;
}

/** A thread made in a vfork child: glibc's pthread_create writes its thread list, stack cache and TLS in the memory
 *  the child shares with its suspended parent (undefined after vfork in POSIX); the parent later died of it in the
 *  helper (found by tools/fuzz-verify.mjs). The kernel side is clone(CLONE_VM|CLONE_THREAD…), as the model has it. */
function threadInVforkChild(c: EncodeContext): NotRun | null {
  const me = c.task ? c.before.tasks[c.task] : undefined;
  if (!me?.mm || !Object.values(c.before.tasks).some((t) => t.state === 'vfork-parent-waiting' && t.mm === me.mm && t.leader !== me.leader)) return null;
  return { notRun: 'a thread made in a vfork child: glibc would set it up in the memory the child shares with its suspended parent (undefined after vfork), which breaks the parent in the helper', changes: true };
}

/** create_user_ns refuses a parent more than 32 levels deep (ENOSPC). The sandbox's user namespace is itself nested in
 *  the host's (a container's, perhaps), so the kernel reaches the limit that many levels before the model, whose
 *  user#0 is the initial one: near the limit a CLONE_NEWUSER line is not run there. The sandbox's level is known when
 *  verify runs in the initial user namespace (1); otherwise, our choice, a sandbox up to USERNS_SLACK levels deep
 *  agrees below it. Under qemu the helper runs in the initial namespaces. */
const USERNS_SLACK = 8;
function userNsDepth(flags: number, c: EncodeContext): NotRun | null {
  // a task whose creating line failed has no record: the line goes to the helper, which knows no such task either
  const me = c.task ? c.before.tasks[c.task] : undefined;
  if (!(flags & CLONE_FLAGS.CLONE_NEWUSER) || c.mode.kind === 'initial' || !me) return null;
  let level = 0;
  for (let u = c.before.userNamespaces[me.userNs]; u?.parent; u = c.before.userNamespaces[u.parent]) level++;
  if (level <= MAX_USER_NS_LEVEL - (c.mode.userNsLevel ?? USERNS_SLACK)) return null;
  return { notRun: `CLONE_NEWUSER ${level} levels below the model's initial user namespace: the sandbox's own user namespace is nested in the host's, so the kernel's limit of ${MAX_USER_NS_LEVEL + 1} levels comes earlier there`, changes: true };
}

export const OPERATIONS: { readonly [K in OperationName]: OpSpec<K> } = {
  unshare: { sig: 'i', flags: 0, fields: [], doc: 'unshare(2) with the flags as given.',
    encode: (op, c) => refusedClone(op.flags) ?? userNsDepth(op.flags, c) ?? [String(op.flags)] },
  setns: { sig: 'Ni', flags: 0, fields: [], doc: 'setns(2) on the named fd, on the namespace file opened for the call, or on pidfd_open(2) of the task.',
    encode: (op, c) => {
      if (op.race) return { notRun: 'race=sigkill: a SIGKILL timed to arrive while setns waits for an mmap lock a /proc/PID/maps reader holds cannot be made to happen on demand', changes: true };
      // pidns_install wants CAP_SYS_ADMIN over the pid namespace's owner: the sandbox makes no pid namespace, so its
      // tasks are in the host's, owned by the host's initial user namespace (the model's is user#0's)
      if (op.nstype & CLONE_FLAGS.CLONE_NEWPID && c.mode.kind !== 'initial') return { notRun: 'CLONE_NEWPID: the sandbox\'s pid namespace is the host\'s, owned by its initial user namespace, not the sandbox\'s user#0', ...(op.nstype === CLONE_FLAGS.CLONE_NEWPID ? { noChange: true } : {}) };
      // pidfd(NAME) of a name that is neither a task nor an fd: pidfd_open of a pid no task has
      const absent = 'pidfd' in op.target && !c.before.tasks[op.target.pidfd] && !fdOf(c, op.target.pidfd) && ABSENT_NAME.test(op.target.pidfd);
      const t = absent ? `pidfd:#${ABSENT_PID}` : targetToken(op.target, c);
      return t === null ? notOpened(pathOf(op.target), c) : [t, String(op.nstype)];
    } },
  fork: { sig: 'n', flags: OPF_CREATES, fields: ['child'], doc: 'fork(2); the child is a new task of the helper.',
    encode: (op) => [op.child] },
  vfork: { sig: 'n', flags: OPF_CREATES, fields: ['child'], doc: 'clone(CLONE_VM|CLONE_VFORK|SIGCHLD) with a stack of its own; the parent stays suspended until the child execs or exits.',
    encode: (op) => [op.child] },
  clone: { sig: 'in', flags: OPF_CREATES, fields: ['child'], doc: 'clone(2) (glibc\'s wrapper, a fresh stack), the low byte of the flags being the exit signal.',
    encode: (op, c) => refusedClone(op.flags) ?? userNsDepth(op.flags, c) ?? helperExitSignal(op.flags, op.flags & 0xff) ?? [String(op.flags >>> 0), op.child] },
  clone3: { sig: 'iin', flags: OPF_CREATES, fields: ['child'], doc: 'clone3(2) with these flags and exit_signal (a fresh stack when CLONE_VM is set).',
    encode: (op, c) => refusedClone(op.flags) ?? userNsDepth(op.flags, c) ?? helperExitSignal(op.flags, op.exitSignal) ?? [String(op.flags), String(op.exitSignal), op.child] },
  pthread_create: { sig: 'n', flags: OPF_CREATES, fields: ['child'], doc: 'pthread_create(3).',
    encode: (op, c) => threadInVforkChild(c) ?? [op.child] },
  execve: { sig: 'xi', flags: 0, fields: [], doc: 'execveat(2) of the helper itself, whatever program the line names (an empty path is passed to execve and fails with ENOENT); with compat, execve of its 32-bit build (AArch32 on arm64, ia32 on x86_64).',
    encode: (op, c) => (op.abi !== 'compat' ? [hex(op.path), '0']
      : c.mode.compat ? [hex(op.path), '1']
        : { notRun: c.profile.arch === 'arm64' ? 'an AArch32 image: only the qemu run has an AArch32 build of the helper (arm-linux-gnueabihf-gcc)' : 'an ia32 image: the helper\'s ia32 build did not build (i686-linux-gnu-gcc)' }) },
  exit: { sig: 'i', flags: 0, fields: [], doc: 'exit_group(2) from a thread-group leader, exit(2) from another thread; the process is then reaped by its parent.',
    encode: (op) => [String(op.code)] },
  setuid: { sig: 'i', flags: 0, fields: [], doc: 'setuid(3) (glibc applies it to every thread).',
    encode: (op, c) => setxidBlocked(c) ?? rootOnly(c, op.uid, c.task) ?? [String(op.uid)] },
  setgid: { sig: 'i', flags: 0, fields: [], doc: 'setgid(3) (glibc applies it to every thread).',
    encode: (op, c) => setxidBlocked(c) ?? rootOnly(c, op.gid, c.task) ?? [String(op.gid)] },
  setresuid: { sig: 'iii', flags: 0, fields: [], doc: 'setresuid(3), -1 leaving an id (glibc applies it to every thread).',
    encode: (op, c) => setxidBlocked(c) ?? resIds(c, [op.r, op.e, op.s]) },
  setresgid: { sig: 'iii', flags: 0, fields: [], doc: 'setresgid(3), -1 leaving an id (glibc applies it to every thread).',
    encode: (op, c) => setxidBlocked(c) ?? resIds(c, [op.r, op.e, op.s]) },
  pidfd_open: { sig: 'Nir', flags: 0, fields: [], doc: 'pidfd_open(2) of the task\'s thread id with the flags; the new fd is named as the line says.',
    encode: (op, c) => (NAME.test(op.task) && NAME.test(op.fd)
      ? [!c.before.tasks[op.task] && ABSENT_NAME.test(op.task) ? `pidfd:#${ABSENT_PID}` : `pidfd:@${op.task}`, String(op.flags), op.fd] : { notRun: 'bad task or fd name' }) },
  ioctl: { sig: 'kir', flags: 0, fields: ['ret', 'text'], doc: 'ioctl(2) NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE or NS_GET_OWNER_UID on the fd; a new fd is named as the line says (an unnamed one is kept under a name of its own) and its link read back; the owner uid comes back as text.',
    encode: (op) => (NAME.test(op.fd) ? [`@${op.fd}`, String(NS_IOCTLS.indexOf(op.request)), op.newFd || UNNAMED_FD] : { notRun: 'bad fd name' }) },
  id: { readOnly: true, sig: '', flags: 0, fields: ['text'], doc: 'getresuid(2), getresgid(2) and CapEff against CapBnd of /proc/thread-self/status, as the text "uid=U euid=E gid=G egid=G caps=all|none|some".',
    encode: () => [] },
  sysinfo: { readOnly: true, sig: '', flags: OPF_BOOTREAD, fields: ['text'], doc: 'sysinfo(2), as the text "uptime=N"; the supervisor reads host CLOCK_BOOTTIME just before and after, and the uptime is compared as an offset from it (within the rounding up of whole seconds).',
    encode: () => [] },
  prctl_set_dumpable: { sig: 'i', flags: 0, fields: [], doc: 'prctl(PR_SET_DUMPABLE).',
    encode: (op) => [String(op.value ?? (op.dumpable ? 1 : 0))] },
  open: { sig: 'pir', flags: 0, fields: [], doc: 'open(2) of an allowed /proc file, O_RDONLY, O_WRONLY or O_RDWR, without O_CLOEXEC (fds survive exec, as in the model).',
    encode: (op, c) => { const p = procPathToken(op.path, c); return p === null || !NAME.test(op.fd) ? notOpened(op.path, c) : (op.mode !== 'r' ? initSysctl({ path: op.path }, c, false) ?? globalSysctl({ path: op.path }, c, true) : null) ?? [p, String(['r', 'w', 'rw'].indexOf(op.mode)), op.fd]; } },
  close: { sig: 'k', flags: 0, fields: [], doc: 'close(2).',
    encode: (op) => (NAME.test(op.fd) ? [`@${op.fd}`] : { notRun: 'bad fd name' }) },
  read: { sig: 'Fo', flags: OPF_BOOTREAD, fields: ['ret', 'text'], doc: 'one read(2) of the count given (at most 32 KiB; all of that by default) at the fd\'s position.',
    encode: (op, c) => { const f = fileToken(op.file, c); return f === null ? notOpened(pathOf(op.file), c) : partialMaps(op.file, op.count, c) ?? hugeCount(op.file, op.count) ?? initSysctl(op.file, c, true) ?? [f, opt(op.count)]; } },
  write: { sig: 'Fx', flags: OPF_HOSTNOW, fields: ['ret'], doc: 'one write(2) of the bytes.',
    encode: (op, c) => { const f = fileToken(op.file, c); return f === null ? notOpened(pathOf(op.file), c) : idMapBeyondSandbox(op.file, op.data, c) ?? initMapOrder(op.file, op.data, c) ?? initSysctl(op.file, c, false) ?? globalSysctl(op.file, c) ?? [f, hex(op.data)]; } },
  pwrite: { sig: 'Fxi', flags: OPF_HOSTNOW, fields: ['ret'], doc: 'pwrite(2).',
    encode: (op, c) => { const f = fileToken(op.file, c); return f === null ? notOpened(pathOf(op.file), c) : globalSysctl(op.file, c) ?? [f, hex(op.data), String(op.offset)]; } },
  lseek: { sig: 'kii', flags: 0, fields: ['ret'], doc: 'lseek(2) with SEEK_SET, SEEK_CUR or SEEK_END.',
    encode: (op) => (NAME.test(op.fd) ? [`@${op.fd}`, String(op.offset), String(SEEK[op.whence ?? 'SEEK_SET'])] : { notRun: 'bad fd name' }) },
  readlink: { readOnly: true, sig: 'p', flags: 0, fields: ['ret', 'text'], doc: 'readlink(2) of a namespace file, /proc/self or /proc/thread-self (or of a file that is no link: EINVAL).',
    encode: (op, c) => { const p = procPathToken(op.path, c); return p === null ? notOpened(op.path, c) : [p]; } },
  clock_gettime: { readOnly: true, sig: 'ii', flags: OPF_CLOCK0, fields: ['clock', 'path'], doc: 'clock_gettime through the vDSO\'s own entry (found in the mapped image, as libc does; it follows a moved [vdso]) or through syscall(2); the supervisor reads the host clock just before and after.',
    encode: (op) => [clockToken(op), op.via === 'syscall' ? '1' : '0'] },
  clock_nanosleep: { readOnly: true, sig: 'iiTi', flags: OPF_CLOCK0, fields: ['waited'], doc: 'clock_nanosleep(2); a per-thread timer interrupts it at the sleep cap, so a long sleep is compared as "at least the cap".',
    encode: (op, c) => clockPointUnchecked(op.clock, op.abs, op.value) ?? [clockToken(op), String(timerFlagsValue(op)), timeToken(op.value), String(c.mode.sleepCapMs)] },
  timerfd_settime: { readOnly: true, sig: 'iiT', flags: OPF_CLOCK0, fields: ['waited', 'timer'], doc: 'timerfd_create(2), timerfd_settime(2), then timerfd_gettime(2): the time left is compared, and the state: armed (time left), else expired or disarmed by whether a poll(2) of 100 ms sees it fire.',
    encode: timerTokens },
  touch: { readOnly: true, sig: 'mi', flags: 0, fields: [], doc: 'a one-byte load from the page; SIGBUS and SIGSEGV are caught and reported.',
    encode: (op) => [mappingToken(op.mapping), String(op.page)] },
  mprotect: { sig: 'mioo', flags: 0, fields: [], doc: 'mprotect(2) of the pages (the whole mapping by default).',
    encode: (op) => [mappingToken(op.mapping), String(op.prot), opt(op.page), opt(op.pages)] },
  munmap: { sig: 'moo', flags: 0, fields: [], doc: 'munmap(2) of the pages (the whole mapping by default, one page with only a page number).',
    encode: (op) => [mappingToken(op.mapping), opt(op.page), opt(op.pages)] },
  mremap: { sig: 'miioo', flags: 0, fields: [], doc: 'mremap(2); with MREMAP_FIXED the destination is a fresh reservation of the new size.',
    encode: (op) => [mappingToken(op.mapping), String(op.newPages), String(op.flags), opt(op.page), opt(op.pages)] },
  sleep: { sig: 'd', flags: OPF_HOST, fields: [], doc: 'the supervisor sleeps; a longer sleep than the cap is not run (comparisons are relative to the host clock, so later lines are still compared).',
    encode: (op, c) => (op.delta.sec * 1000 + op.delta.nsec / 1e6 <= c.mode.sleepCapMs ? [ts(op.delta)]
      : { notRun: `the host would sleep ${op.delta.sec} s; clocks are compared as offsets from the host clock, so the lines after it are still compared`, timeOnly: true }) },
  suspend: { sig: 'd', flags: OPF_HOST, fields: [], doc: 'never run: suspending changes the host.',
    encode: () => ({ notRun: 'suspend changes the host; clocks are compared as offsets from the host clock, so the lines after it are still compared', timeOnly: true }) },
  sysctl: { sig: 'in', flags: OPF_HOST, fields: [], doc: 'a write of /proc/sys/user/max_time_namespaces by a task of that user namespace (each user namespace has its own set: kernel/ucount.c set_lookup); the initial user namespace\'s only under qemu.',
    encode: (op, c) => {
      const target = op.userNs ?? 'user#0';
      if (target === 'user#0') {
        return c.mode.kind === 'initial' ? [String(op.value), '-']
          : { notRun: 'user#0 is the sandbox\'s user namespace, not the host\'s, and the host\'s sysctls are never written' };
      }
      const writer = Object.values(c.before.tasks).find((t) => t.state === 'running' && t.userNs === target && t.fullCaps);
      return writer ? [String(op.value), writer.id] : { notRun: `no live task is root of ${target} to write its sysctl` };
    } },
  // Timekeeping (issue 15). A call that may set the host's clock is never run: verify reports it as not checkable.
  settimeofday: { sig: 'T', flags: 0, fields: [], doc: 'never run: it could set this machine\'s clock.',
    encode: () => ({ notRun: NEVER_SET }) },
  clock_settime: { sig: 'iT', flags: 0, fields: [], doc: 'clock_settime(2) of a clock id above 0 (none has a clock_set: the kernel refuses it before looking at the time) or of a CPU clock (posix_cpu_clock_set always fails: EINVAL or EPERM); CLOCK_REALTIME and the dynamic fd clocks (a PTP clock can be set) are never run.',
    encode: (op) => (op.clock > 0 || negativeClock(op.clock)?.kind === 'cpu' ? [clockToken(op), timeToken(op.value)]
      : { notRun: op.clock === 0 ? NEVER_SET : 'a dynamic (fd) clock id: a PTP clock could be set, so it is never run' }) },
  adjtimex: { readOnly: true, sig: 'i', flags: 0, fields: ['ret'], doc: 'adjtimex(2) with modes 0 or ADJ_OFFSET_SS_READ, which only read; any other mode is never run.',
    encode: (op) => (op.modes === 0 || op.modes === ADJ_MODES.ADJ_OFFSET_SS_READ ? [String(op.modes)] : { notRun: NEVER_SET }) },
  gettimeofday: { readOnly: true, sig: 'ii', flags: OPF_CLOCK0, fields: ['clock', 'path'], doc: 'gettimeofday(3) of libc (the vDSO entry the kernel mapped at exec), syscall(SYS_gettimeofday), or a call into the x86_64 vsyscall page at 0xffffffffff600000; argument 0 is CLOCK_REALTIME, so the supervisor brackets it with host readings of that clock.',
    encode: (op) => ['0', via(op.via)] },
  device_timestamp: { readOnly: true, sig: 'i', flags: 0, fields: [], doc: 'not run: it needs a device that stamps events.',
    encode: () => ({ notRun: 'a device timestamp needs a device (input, sound, v4l, drm) or a socket the helper does not open' }) },
  tick: { sig: 'i', flags: OPF_HOST, fields: [], doc: 'never run: the tick is the kernel\'s own; real time passing is what a sleep is.',
    encode: () => ({ notRun: 'a timer tick is the kernel\'s own: the host clock is compared as offsets, so later lines are still compared', timeOnly: true }) },
  spawn: { sig: 'ni', flags: OPF_HOST | OPF_CREATES, fields: ['child'], doc: 'the sandbox init forks, sets the uid, and execs the helper (so the task is dumpable, as after a login).',
    encode: (op, c) => rootOnly(c, op.uid) ?? [op.child, String(op.uid)] },
  ...CLOCK_OPERATIONS,
};

function mappingToken(m: string): string {
  return m.replace(/^\[|\]$/g, '');
}

export function specOf<K extends OperationName>(name: K): OpSpec<K> {
  return OPERATIONS[name] as OpSpec<K>;
}

/** The helper's ops.gen.h: one X-macro line per task operation (host actions are the supervisor's). */
export function helperOpsHeader(): string {
  const lines = Object.entries(OPERATIONS)
    .filter(([, s]) => !(s.flags & OPF_HOST))
    .map(([name, s]) => `OP(${name}, "${s.sig}", ${s.flags})`);
  return `/* Generated from extension/verify/operations.ts by timens verify: do not edit. */\n${lines.join('\n')}\n`;
}
