// The fd tables (struct files_struct, fs/file.c) and the struct files their fds point at: which table a task uses,
// fd_install and the references a struct file counts (get_file, fput), copy_files and unshare_fd (kernel/fork.c),
// the table of its own an exec gives (fs/exec.c unshare_files) and exit_files (kernel/exit.c).

import { fdsDelete, fdsEach, fdsGet, fdsItems, fdsLowestFree, fdsSet, type FdTable } from '../store/fdtable';
import { refsWith, type FdRec, type FileRec, type FilesRec, type OpenFile } from '../store/records';
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

/** The struct file fd `name` of the table task `t` uses points at. */
export function ownFd(k: KernelContext, t: string, name: string): FileRec | undefined {
  const fd = fdsGet(fdsOf(k, t), name);
  return fd === undefined ? undefined : k.openFiles.get(fd.file);
}

/** get_file: fd table `files` points at struct file `id` too (dup_fd copying the pointer). */
function getFile(k: KernelContext, id: string, files: string): void {
  const f = k.openFiles.get(id)!;
  // one copy of the record for both fields: a fork copies every fd, and this ran twice per fd
  k.r.setFields(k.openFiles, id, { _holders: refsAdd(f._holders, files), _count: f._count + 1 });
}

/** fput: fd table `files` no longer points at struct file `id`; the last reference frees it (__fput). */
export function fput(k: KernelContext, id: string, files: string): void {
  const f = k.openFiles.get(id)!;
  if (f._count <= 1) {
    k.r.remove(k.openFiles, id);
    return;
  }
  k.r.set(k.openFiles, id, '_holders', refsRemove(f._holders, files));
  k.r.set(k.openFiles, id, '_count', f._count - 1);
}

/** A namespace file `holder` ('P1:fd1') takes (+1) or drops (-1) its reference on namespace `nsId`. */
export function fileRef(k: KernelContext, nsId: string, holder: string, delta: number): void {
  const n = ns(k, nsId);
  const files = delta > 0 ? refsAdd(n.refs.files, holder) : refsRemove(n.refs.files, holder);
  k.r.set(k.timeNamespaces, nsId, 'refs', refsWith(n.refs, 'files', files));
  if (delta > 0) getTimeNs(k, nsId);
  else putTimeNs(k, nsId);
}

/** alloc_fd and fd_install of a new struct file as `name` in the table `t` uses: the lowest free number (a name
 *  open already is closed first, its namespace reference dropped). The struct file is named after the opener, the
 *  fd and the line ('P1:f@3'). Returns the number. */
export function fdInstall(k: KernelContext, t: string, name: string, file: OpenFile, cloexec = false): number {
  const files = task(k, t).files;
  const replaced = ownFd(k, t, name);
  if (replaced?.ns) fileRef(k, replaced.ns, fdHolder(k, t, name), -1);
  const table = replaced ? fdsDelete(fdsOf(k, t), name) : fdsOf(k, t);
  const nr = fdsLowestFree(table);
  if (files === null) return nr;
  let id = `${t}:${name}@${k.line}`;
  for (let i = 2; k.openFiles.has(id); i++) id = `${t}:${name}@${k.line}#${i}`;
  const rec = k.openFiles.kind.copy({ id, ...file, _holders: refsAdd(EMPTY_REFS, files), _count: 1 });
  k.r.create(k.openFiles, id, rec);
  setFds(k, t, fdsSet(table, name, { file: id, ...(cloexec ? { _cloexec: true as const } : {}), _nr: nr }));
  if (replaced) fput(k, replaced.id, files);
  k.memo.fileNamed(rec);
  if (file.ns) fileRef(k, file.ns, fdHolder(k, t, name), +1);
  return nr;
}

/** Who holds a namespace file's reference: the table and the name ('P1:fd1'). */
export function fdHolder(k: KernelContext, t: string, name: string): string {
  return `${task(k, t).files ?? t}:${name}`;
}

/** A new files_struct for `t` holding `fds` (each namespace file takes a reference), named after `t` (with the
 *  line when the table named after `t` is still used by others: an exec or unshare that copies). Returns its id. */
function newFiles(k: KernelContext, t: string, fds: FdTable<FdRec>): string {
  const id = k.files.has(t) ? `${t}@${k.line}` : t;
  k.r.create(k.files, id, { id, fds, users: refsAdd(EMPTY_REFS, t), count: 1 });
  fdsEach(fds, (name, fd) => {
    const ns = k.openFiles.get(fd.file)!.ns;
    if (ns) fileRef(k, ns, `${id}:${name}`, +1);
  });
  fdsEach(fds, (_name, fd) => getFile(k, fd.file, id));
  k.r.set(k.tasks, t, 'files', id);
  return id;
}

/** A task made by spawn or at boot: an empty table of its own. */
export function newEmptyFiles(k: KernelContext, t: string): void {
  newFiles(k, t, {});
}

/** copy_files: CLONE_FILES shares the parent's table (files->count + 1; every thread, glibc's pthread_create
 *  passes it); otherwise dup_fd gives the child a copy of every open fd, pointing at the same struct files
 *  (fs/file.c dup_fd copies the pointers: one f_pos, one seq_file). */
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
    // the copy is the parent's table as it is: its versions are immutable, so the two share it until one changes
    k.fn('dup_fd', () => { newFiles(k, child, pf.fds); });
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
    for (const [name, fd] of Object.entries(fds)) {
      const ns = k.openFiles.get(fd.file)!.ns;
      if (ns) fileRef(k, ns, `${f.id}:${name}`, -1);
    }
    k.r.remove(k.files, f.id);
    for (const fd of Object.values(fds)) fput(k, fd.file, f.id);
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
