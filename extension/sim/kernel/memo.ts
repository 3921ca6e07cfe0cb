// Everything the kernel model remembers besides the store: indexes that answer "which live tasks", "which threads
// of a group", "which task has pid N", "which mm maps this page" without a walk over every task, and the caches of
// summaries on the vDSO hot path. They describe the state at the end of the log, the only place the kernel runs
// (time travel returns there before a step), and are built from the store on first use.

import type { OpResult } from '../api';
import { fsOf, sighandOf, type FileRec, type PteState, type TaskRec } from '../store/records';
import { refsItems } from '../store/reflist';
import type { Store } from '../store/store';
import { CLONE_FLAGS as CF, SIGNALS, type Timespec } from '../types';
import { FileIndex } from './fileIndex';

type VdsoReading = NonNullable<OpResult['clock']>;
const NONE: ReadonlySet<string> = new Set();

export class Memo {
  private built = false;
  /** Live (not exited) tasks, in the order they were created, each with its place in that order. */
  private readonly live = new Map<string, number>();
  /** Live threads of each thread group, by leader, in the order of `live`. */
  private readonly groups = new Map<string, Set<string>>();
  /** Every task by pid (de_thread gives a thread its leader's pid, so a pid may have several). */
  private readonly pids = new Map<number, Set<string>>();
  /** Place of every task in creation order. */
  private readonly created = new Map<string, number>();
  /** fs->users: the live tasks on each fs_struct (fsStruct.ts). */
  private readonly fsUsers = new Map<string, number>();
  /** sighand->count: the live tasks on each sighand_struct (sighand.ts). */
  private readonly sighandUsers = new Map<string, number>();
  /** Live tasks whose exit signal is another than SIGCHLD or -1 (a thread's): the only ones an exec of their parent
   *  changes (exec.ts execResetsChildren), kept so that an exec does not walk every task. */
  private readonly oddExitSignal = new Set<string>();
  /** The struct files by the tasks they name. A file may have been closed or moved since (callers check). */
  private readonly fileIndex = new FileIndex();
  /** The users of each mm. */
  private readonly users = new Map<string, Set<string>>();
  /** For each physical page, the mms whose PTEs map it and how many PTEs each. */
  private readonly mapped = new Map<string, Map<string, number>>();
  private seq = 0;

  // Summary caches of the vDSO path (see vdso/gettime.ts): interned texts by clock or data address, and the
  // last reading and texts, which a run of equal reads shares.
  readonly summaryIds = new Map<number, number>();
  lastReading: VdsoReading | null = null;
  exitReading: VdsoReading | null = null;
  exitSid = 0;
  seqSeq = -1;
  seqCoarse = false;
  seqPhys = '';
  seqSid = 0;
  offClock = -1;
  offHost: Timespec | null = null;
  offOff: Timespec | null = null;
  offPhys = '';
  offSid = 0;
  /** The read's second answer for the same key (OpResult clock.carried), made with offSid. */
  offAlt: Timespec | undefined = undefined;
  /** The last offset sum (host a + offset b) and, where the vDSO has a second answer, that one and the texts of
   *  both (gettime.ts offsetSum): plain strings, kept when a streaming log forgets its summaries. */
  lastSum: { a: Timespec; b: Timespec; sum: Timespec; carried?: Timespec; offText?: string; carriedText?: string } | null = null;

  constructor(private readonly store: Store) {}

  /** The log forgot the values of its summaries (a streaming log, at each step): the cached template summaries
   *  name slots that are gone. Interned ones (summaryIds) stay valid. */
  summariesForgotten(): void {
    this.exitReading = null;
    this.seqSeq = -1;
    this.offClock = -1;
  }

  private build(): void {
    if (this.built) return;
    this.built = true;
    this.store.tasks.forEach((t) => this.add(t));
    this.store.mms.forEach((m, id) => this.users.set(id, new Set(refsItems(m.users))));
    this.store.openFiles.forEach((f) => this.fileIndex.named(f));
    this.store.vmas.forEach((v, id) => this.ptes(id, null, v.ptes));
  }

  private add(t: TaskRec): void {
    const s = this.seq++;
    this.created.set(t.id, s);
    let p = this.pids.get(t.pid);
    if (!p) this.pids.set(t.pid, (p = new Set()));
    p.add(t.id);
    if (t.state === 'exited') return;
    this.live.set(t.id, s);
    if (t.exitSignal !== SIGNALS.SIGCHLD && t.exitSignal !== -1) this.oddExitSignal.add(t.id);
    countIn(this.fsUsers, fsOf(t), +1);
    countIn(this.sighandUsers, sighandOf(t), +1);
    let g = this.groups.get(t.leader);
    if (!g) this.groups.set(t.leader, (g = new Set()));
    g.add(t.id);
  }

  // ------------------------------------------------------------------ updates (ignored until built)

  taskCreated(t: TaskRec): void {
    if (this.built) this.add(t);
  }
  taskExited(t: TaskRec): void {
    if (!this.built) return;
    this.oddExitSignal.delete(t.id);
    if (this.live.delete(t.id)) {
      countIn(this.fsUsers, fsOf(t), -1);
      countIn(this.sighandUsers, sighandOf(t), -1);
    }
    this.groups.get(t.leader)?.delete(t.id);
  }
  /** Live task `t`'s exit signal became SIGCHLD (exec). */
  exitSignalReset(id: string): void {
    if (this.built) this.oddExitSignal.delete(id);
  }
  /** Struct file `f` was opened, or names another task now (de_thread). */
  fileNamed(f: FileRec): void {
    if (this.built) this.fileIndex.named(f);
  }
  /** Live task `t` moved from fs_struct `from` to `to` (unshare_fs). */
  fsChanged(from: string, to: string): void {
    if (!this.built) return;
    countIn(this.fsUsers, from, -1);
    countIn(this.fsUsers, to, +1);
  }
  /** Live task moved from sighand_struct `from` to `to` (exec's unshare_sighand). */
  sighandChanged(from: string, to: string): void {
    if (!this.built) return;
    countIn(this.sighandUsers, from, -1);
    countIn(this.sighandUsers, to, +1);
  }
  leaderChanged(id: string, from: string, to: string): void {
    if (!this.built || !this.live.has(id)) return;
    this.groups.get(from)?.delete(id);
    const g = [...(this.groups.get(to) ?? []), id].sort((a, b) => this.live.get(a)! - this.live.get(b)!);
    this.groups.set(to, new Set(g));
  }
  pidChanged(id: string, from: number, to: number): void {
    if (!this.built) return;
    this.pids.get(from)?.delete(id);
    let p = this.pids.get(to);
    if (!p) this.pids.set(to, (p = new Set()));
    p.add(id);
  }
  mmUsersChanged(mm: string, task: string, added: boolean): void {
    if (!this.built) return;
    let u = this.users.get(mm);
    if (!u) this.users.set(mm, (u = new Set()));
    if (added) u.add(task);
    else if (u.delete(task) && u.size === 0) this.users.delete(mm);
  }
  /** The PTEs of VMA `id` ('mm#1/[vvar]') changed from `before` to `after` (null: the VMA does not exist). */
  ptesChanged(id: string, before: readonly (PteState | null)[] | null, after: readonly (PteState | null)[] | null): void {
    if (this.built) this.ptes(id, before, after);
  }
  private ptes(id: string, before: readonly (PteState | null)[] | null, after: readonly (PteState | null)[] | null): void {
    const mm = id.slice(0, id.indexOf('/'));
    if (before) for (const p of before) if (p) this.count(p.page, mm, -1);
    if (after) for (const p of after) if (p) this.count(p.page, mm, +1);
  }
  private count(page: string, mm: string, by: number): void {
    let m = this.mapped.get(page);
    if (!m) this.mapped.set(page, (m = new Map()));
    const n = (m.get(mm) ?? 0) + by;
    if (n) m.set(mm, n);
    else m.delete(mm);
  }

  // ------------------------------------------------------------------ questions

  liveTasks(): IterableIterator<string> {
    this.build();
    return this.live.keys();
  }
  /** fs->users of fs_struct `fs`. */
  fsUserCount(fs: string): number {
    this.build();
    return this.fsUsers.get(fs) ?? 0;
  }
  /** sighand->count of sighand_struct `sh` (its live users). */
  sighandUserCount(sh: string): number {
    this.build();
    return this.sighandUsers.get(sh) ?? 0;
  }
  isLive(id: string): boolean {
    this.build();
    return this.live.has(id);
  }
  usersOf(mm: string): ReadonlySet<string> {
    this.build();
    return this.users.get(mm) ?? NONE;
  }
  /** The live tasks whose exit signal is another than SIGCHLD or -1, in no particular order. */
  oddExitSignals(): string[] {
    this.build();
    return [...this.oddExitSignal];
  }
  /** How many live threads `t`'s thread group has (without copying them). */
  threadCount(t: string): number {
    this.build();
    return this.groups.get(this.store.tasks.get(t)!.leader)?.size ?? 0;
  }
  /** The live threads of `t`'s thread group, in creation order. */
  threadsOf(t: string): string[] {
    this.build();
    return [...(this.groups.get(this.store.tasks.get(t)!.leader) ?? [])];
  }
  /** The struct files that name, or named, one of `tasks` (a /proc/PID file, a pidfd). */
  filesNamingTasks(tasks: readonly string[]): string[] {
    this.build();
    return this.fileIndex.namingTasks(tasks);
  }
  /** The task a /proc/N path names: of the tasks with pid N, the one created last; `live`: of the live ones
   *  (find_vpid for a CPU clock). */
  taskByPid(pid: number, live = false): string | undefined {
    this.build();
    let best: string | undefined;
    for (const id of this.pids.get(pid) ?? []) {
      if (live && !this.live.has(id)) continue;
      if (best === undefined || this.created.get(id)! > this.created.get(best)!) best = id;
    }
    return best;
  }
  /** The mm of the first live task (in creation order) whose mm still maps `page`, or null. */
  mmMapping(page: string): string | null {
    this.build();
    const mms = this.mapped.get(page);
    if (!mms || mms.size === 0) return null;
    let best: string | null = null;
    let bestAt = Infinity;
    for (const mm of mms.keys()) {
      for (const u of this.users.get(mm) ?? NONE) {
        const at = this.live.get(u);
        if (at !== undefined && at < bestAt) {
          bestAt = at;
          best = mm;
        }
      }
    }
    return best;
  }
}

function countIn(m: Map<string, number>, key: string, by: number): void {
  const n = (m.get(key) ?? 0) + by;
  if (n) m.set(key, n);
  else m.delete(key);
}

const flagNamesCache = new Map<number, string>();
/** Clone flag names of `flags` ('CLONE_NEWUSER|CLONE_NEWTIME', '0'), built once per value. */
export function flagNames(flags: number): string {
  let s = flagNamesCache.get(flags);
  if (s === undefined) {
    const names = Object.entries(CF).filter(([n, v]) => n !== 'CSIGNAL' && (flags & v) === v).map(([n]) => n);
    flagNamesCache.set(flags, (s = names.length ? names.join('|') : '0'));
  }
  return s;
}
