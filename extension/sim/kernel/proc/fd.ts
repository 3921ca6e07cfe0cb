// A task's open files (fs/file.c, fs/open.c, fs/nsfs.c): the fd table, open and close with the reference a
// namespace file holds on its namespace, lseek, and files named by path for one call.

import type { OpResult } from '../../api';
import type { FileRef, Whence } from '../../ops';
import { fdsDelete, fdsGet, fdsSet } from '../../store/fdtable';
import type { FdRec } from '../../store/records';
import { task, type KernelContext } from '../context';
import { fdHolder, fdInstall, fdsOf, fileRef, ownFd, setFds } from '../files';
import { isIdFile, openFile, showText } from './files';
import { seqLseek } from './seq_file';

export function openat(k: KernelContext, t: string, path: string, mode: 'r' | 'w' | 'rw', fdName: string): OpResult {
  const opened = openFile(k, t, path, mode);
  // One operation per line: the opener, the fd and the line name the new struct file.
  const fd = opened.kind === 'timens_offsets' || opened.kind === 'proc' ? { ...opened, _file: `${t}:${fdName}@${k.line}` } : opened;
  const n = fdInstall(k, t, fdName, fd);
  k.state(k.txt`${fdHolder(k, t, fdName)} = ${path}${fd.ns ? ` (holds ${fd.ns})` : ''}`);
  return { ret: n, errno: null, signal: null };
}

export function close(k: KernelContext, t: string, fdName: string): OpResult {
  const fd = ownFd(k, t, fdName);
  if (!fd) k.fail('EBADF', `${fdName} is not open in ${t}`);
  const holder = fdHolder(k, t, fdName);
  setFds(k, t, fdsDelete(fdsOf(k, t), fdName));
  k.state(k.txt`${holder} closed`);
  if (fd.ns) k.fn('nsfs_evict', () => fileRef(k, fd.ns!, holder, -1));
  return { ret: 0, errno: null, signal: null };
}

/** The fd record changes (its position, its seq_file), in the table that holds it, and in every copy fork made
 *  of it into another table: they are one struct file. */
export function updateFd(k: KernelContext, t: string, fdName: string, rec: FdRec): void {
  const mine = task(k, t).files;
  if (ownFd(k, t, fdName)) setFds(k, t, fdsSet(fdsOf(k, t), fdName, rec));
  if (!rec._file) return;
  // Copies keep their name (dup_fd), so each other table is asked for that one name.
  const copies: [string, FdRec][] = [];
  for (const id of k.memo.tablesWithFile(rec._file)) {
    const copy = id === mine ? undefined : fdsGet(k.files.get(id)?.fds ?? {}, fdName);
    if (copy !== undefined && copy._file === rec._file) copies.push([id, copy]);
  }
  for (const [id, copy] of copies) k.r.set(k.files, id, 'fds', fdsSet(k.files.get(id)!.fds, fdName, { ...copy, pos: rec.pos, _seq: rec._seq }));
}

export function lseek(k: KernelContext, t: string, fdName: string, offset: number, whence: Whence = 'SEEK_SET'): OpResult {
  const fd = ownFd(k, t, fdName);
  if (!fd) k.fail('EBADF', `${fdName} is not open`);
  // nsfs has no_llseek (6.12+: no llseek), and a pidfd is an anonymous-inode file opened without FMODE_LSEEK
  if (fd.kind === 'ns') k.fail('ESPIPE', 'namespace files cannot seek');
  if (fd.kind === 'pidfd') k.fail('ESPIPE', 'a pidfd cannot seek (pidfd_fops has no llseek, and the file has no FMODE_LSEEK)');
  if (fd.kind !== 'timens_offsets' && fd.kind !== 'proc') {
    // the id files are seq_files: seq_lseek takes SEEK_SET and SEEK_CUR only. The /proc/sys files (default_llseek,
    // proc_sys_file_operations) and a /proc/PID directory (generic_file_llseek) count SEEK_END from i_size, 0 for
    // both: "case SEEK_END: offset += i_size_read(inode);" (fs/read_write.c)
    if (whence === 'SEEK_END' && isIdFile(fd)) k.fail('EINVAL', 'seq_lseek knows only SEEK_SET and SEEK_CUR');
    const target = whence === 'SEEK_CUR' ? fd.pos + offset : offset;
    if (target < 0) k.fail('EINVAL', 'negative offset');
    updateFd(k, t, fdName, { ...fd, pos: target });
    return { ret: target, errno: null, signal: null };
  }
  return k.fn('seq_lseek', () => {
    let r: ReturnType<typeof seqLseek>;
    try {
      r = seqLseek(fd._seq, fd.pos, offset, whence, () => showText(k, t, fd));
    } catch (e) {
      // "with extreme prejudice": a failed traverse leaves the file at 0
      updateFd(k, t, fdName, { ...fd, pos: 0, _seq: undefined });
      throw e;
    }
    if (!r.ok) k.fail('EINVAL', r.why);
    updateFd(k, t, fdName, { ...fd, pos: r.pos, _seq: r.m });
    return { ret: r.pos, errno: null, signal: null };
  });
}

/** A file named by path is opened for the call and closed after it; an fd is looked up. */
export function withFile<T>(k: KernelContext, t: string, f: FileRef, mode: 'r' | 'w', body: (fd: FdRec, fdName: string | null) => T): T {
  if ('fd' in f) {
    const fd = ownFd(k, t, f.fd);
    if (!fd) k.fail('EBADF', `${f.fd} is not an open file of ${t}`);
    return body(fd, f.fd);
  }
  const fd = openFile(k, t, f.path, mode);
  return body(fd, null);
}
