// A task's open files (fs/file.c, fs/open.c, fs/nsfs.c): the fd table, open and close with the reference a
// namespace file holds on its namespace, lseek, and files named by path for one call.

import type { OpResult } from '../../api';
import type { FileRef, Whence } from '../../ops';
import { fdsDelete, fdsGet } from '../../store/fdtable';
import type { OpenFile } from '../../store/records';
import { task, type KernelContext } from '../context';
import { fdHolder, fdInstall, fdsOf, fileRef, fput, ownFd, setFds } from '../files';
import { isIdFile, openFile, showText } from './files';
import { seqLseek } from './seq_file';

export function openat(k: KernelContext, t: string, path: string, mode: 'r' | 'w' | 'rw', fdName: string): OpResult {
  const fd = openFile(k, t, path, mode);
  const n = fdInstall(k, t, fdName, fd);
  k.state(k.txt`${fdHolder(k, t, fdName)} = ${path}${fd.ns ? ` (holds ${fd.ns})` : ''}`);
  return { ret: n, errno: null, signal: null };
}

export function close(k: KernelContext, t: string, fdName: string): OpResult {
  const fd = ownFd(k, t, fdName);
  if (!fd) k.fail('EBADF', `${fdName} is not open in ${t}`);
  const holder = fdHolder(k, t, fdName);
  setFds(k, t, fdsDelete(fdsOf(k, t), fdName));
  fput(k, fd.id, task(k, t).files!);
  k.state(k.txt`${holder} closed`);
  if (fd.ns) k.fn('nsfs_evict', () => fileRef(k, fd.ns!, holder, -1));
  return { ret: 0, errno: null, signal: null };
}

/** The struct file behind fd `fdName` moves (its f_pos, its seq_file): one record, which every fd pointing at it
 *  (a fork's copies: fs/file.c dup_fd) shares. */
export function updateFd(k: KernelContext, t: string, fdName: string, to: Pick<OpenFile, 'pos' | '_seq'>): void {
  const fd = fdsGet(fdsOf(k, t), fdName);
  if (fd === undefined) return;
  const f = k.openFiles.get(fd.file)!;
  k.r.replace(k.openFiles, f.id, k.openFiles.kind.copy({ ...f, pos: to.pos, _seq: to._seq }));
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
export function withFile<T>(k: KernelContext, t: string, f: FileRef, mode: 'r' | 'w', body: (fd: OpenFile, fdName: string | null) => T): T {
  if ('fd' in f) {
    const fd = ownFd(k, t, f.fd);
    if (!fd) k.fail('EBADF', `${f.fd} is not an open file of ${t}`);
    return body(fd, f.fd);
  }
  const fd = openFile(k, t, f.path, mode);
  return body(fd, null);
}
