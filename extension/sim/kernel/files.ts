// The fd tables (struct files_struct, fs/file.c): which table a task uses, copy_files and unshare_fd
// (kernel/fork.c), the table of its own an exec gives (fs/exec.c unshare_files) and exit_files (kernel/exit.c).

import { fdsDelete, fdsGet, fdsItems, fdsLowestFree, fdsSet, type FdTable } from '../store/fdtable';
import { refsWith, type FdRec, type FilesRec } from '../store/records';
import { EMPTY_REFS, refsAdd, refsRemove } from '../store/reflist';
import { CLONE_FLAGS as CF } from '../types';
import { ns, task, type KernelContext } from './context';
import { getTimeNs, putTimeNs } from './time/namespace';

const NO_FDS: FdTable<FdRec> = {};

/** The files_struct task `t` uses (undefined once it exited: exit_files set tsk->files to NULL). */
export function filesOf(k: KernelContext, t: string): FilesRec | undefined {
  const id = task(k, t).files;
  return id === null ? undefined : k.files.get(id);
}

/** The fd table task `t` sees: the one its files_struct holds, shared with every task using it. */
export function fdsOf(k: KernelContext, t: string): FdTable<FdRec> {
  return filesOf(k, t)?.fds ?? NO_FDS;
}

/** The task's table becomes `table`: every task sharing the files_struct sees the change. */
export function setFds(k: KernelContext, t: string, table: FdTable<FdRec>): void {
  const id = task(k, t).files;
  if (id !== null) k.r.set(k.files, id, 'fds', table);
}

/** The fd `name` of the table task `t` uses. */
export function ownFd(k: KernelContext, t: string, name: string): FdRec | undefined {
  return fdsGet(fdsOf(k, t), name);
}

/** A namespace file `holder` ('P1:fd1') takes (+1) or drops (-1) its reference on namespace `nsId`. */
export function fileRef(k: KernelContext, nsId: string, holder: string, delta: number): void {
  const n = ns(k, nsId);
  const files = delta > 0 ? refsAdd(n.refs.files, holder) : refsRemove(n.refs.files, holder);
  k.r.set(k.timeNamespaces, nsId, 'refs', refsWith(n.refs, 'files', files));
  if (delta > 0) getTimeNs(k, nsId);
  else putTimeNs(k, nsId);
}

/** alloc_fd and fd_install of a new file as `name` in the table `t` uses: the lowest free number (a name open
 *  already is closed first, its namespace reference dropped). Returns the number. */
export function fdInstall(k: KernelContext, t: string, name: string, rec: FdRec): number {
  const replaced = ownFd(k, t, name);
  if (replaced?.ns) fileRef(k, replaced.ns, fdHolder(k, t, name), -1);
  const table = replaced ? fdsDelete(fdsOf(k, t), name) : fdsOf(k, t);
  const nr = fdsLowestFree(table);
  setFds(k, t, fdsSet(table, name, { ...rec, _nr: nr }));
  const files = task(k, t).files;
  if (files !== null) k.memo.fdInstalled(files, rec);
  if (rec.ns) fileRef(k, rec.ns, fdHolder(k, t, name), +1);
  return nr;
}

/** Who holds a namespace file's reference: the table and the name ('P1:fd1'). */
export function fdHolder(k: KernelContext, t: string, name: string): string {
  return `${task(k, t).files ?? t}:${name}`;
}

/** A new files_struct for `t` holding `fds` (each namespace file takes a reference), named after `t` (with the
 *  line when the table named after `t` is still used by others: an exec or unshare that copies). Returns its id. */
function newFiles(k: KernelContext, t: string, fds: Readonly<Record<string, FdRec>>): string {
  const id = k.files.has(t) ? `${t}@${k.line}` : t;
  k.r.create(k.files, id, { id, fds, users: refsAdd(EMPTY_REFS, t), count: 1 });
  k.memo.fdTableMade(id, fds);
  for (const [name, fd] of Object.entries(fds)) if (fd.ns) fileRef(k, fd.ns, `${id}:${name}`, +1);
  k.r.set(k.tasks, t, 'files', id);
  return id;
}

/** A task made by spawn or at boot: an empty table of its own. */
export function newEmptyFiles(k: KernelContext, t: string): void {
  newFiles(k, t, {});
}

/** copy_files: CLONE_FILES shares the parent's table (files->count + 1; every thread, glibc's pthread_create
 *  passes it); otherwise dup_fd gives the child a copy of every open fd, the same struct files. */
export function copyFiles(k: KernelContext, parent: string, child: string, flags: number): void {
  k.fn('copy_files', () => {
    const pf = filesOf(k, parent)!;
    if (flags & CF.CLONE_FILES) {
      k.r.set(k.files, pf.id, 'users', refsAdd(pf.users, child));
      k.r.set(k.files, pf.id, 'count', pf.count + 1);
      k.r.set(k.tasks, child, 'files', pf.id);
      k.state(k.txt`${child} shares ${parent}'s files_struct ${pf.id} (CLONE_FILES)`);
      return;
    }
    k.fn('dup_fd', () => { newFiles(k, child, fdsItems(pf.fds)); });
  });
}

/** `t` stops using its files_struct (put_files_struct): the last user closes every file in it (close_files). */
function putFiles(k: KernelContext, t: string): void {
  const f = filesOf(k, t);
  if (!f) return;
  k.r.set(k.tasks, t, 'files', null);
  if (f.count > 1) {
    k.r.set(k.files, f.id, 'users', refsRemove(f.users, t));
    k.r.set(k.files, f.id, 'count', f.count - 1);
    return;
  }
  k.fn('put_files_struct', () => {
    const fds = fdsItems(f.fds);
    for (const [name, fd] of Object.entries(fds)) if (fd.ns) fileRef(k, fd.ns, `${f.id}:${name}`, -1);
    k.r.remove(k.files, f.id);
    if (Object.keys(fds).length) k.state(k.txt`${f.id}'s last user let go: ${Object.keys(fds).join(', ')} closed`);
  });
}

/** exit_files: the task lets go of its table; the files close only when no other task uses it. */
export function exitFiles(k: KernelContext, t: string): void {
  k.fn('exit_files', () => putFiles(k, t));
}

/** unshare_fd (ksys_unshare's CLONE_FILES, and exec's unshare_files): a table used by other tasks too is copied
 *  (dup_fd), and the task uses the copy; a table it alone uses is kept. */
export function unshareFiles(k: KernelContext, t: string, fn: 'unshare_fd' | 'unshare_files'): void {
  const f = filesOf(k, t);
  if (!f || f.count <= 1) return;
  k.fn(fn, () => {
    const fds = fdsItems(f.fds);
    putFiles(k, t);
    const id = k.fn('dup_fd', () => newFiles(k, t, fds));
    k.state(k.txt`${t} has a files_struct of its own, ${id}, a copy of ${f.id} (which its other users keep)`);
  });
}
