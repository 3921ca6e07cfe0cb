// A task's open files (fs/file.c, fs/open.c, fs/nsfs.c): the fd table, open and close with the reference a
// namespace file holds on its namespace, lseek, and files named by path for one call.

import type { OpResult } from '../../api';
import type { FileRef, Whence } from '../../ops';
import { fdsDelete, fdsGet, fdsItems, fdsPosition, fdsSet } from '../../store/fdtable';
import { refsWith, type FdRec } from '../../store/records';
import { refsAdd, refsRemove } from '../../store/reflist';
import { ns, task, type KernelContext } from '../context';
import { getTimeNs, putTimeNs } from '../time/namespace';
import { openFile, showText } from './files';
import { seqLseek } from './seq_file';

/** The task's own fd `name`. */
export function ownFd(k: KernelContext, t: string, name: string): FdRec | undefined {
  return fdsGet(task(k, t).fds, name);
}

/** An fd of the task, or of its thread-group leader (threads share the table). */
export function lookupFd(k: KernelContext, t: string, name: string): FdRec | undefined {
  const own = ownFd(k, t, name);
  if (own) return own;
  const lead = task(k, t).leader;
  return lead !== t && k.tasks.has(lead) ? ownFd(k, lead, name) : undefined;
}

/** A namespace file `holder` ('P1:fd1') takes (+1) or drops (-1) its reference on namespace `nsId`. */
export function fileRef(k: KernelContext, nsId: string, holder: string, delta: number): void {
  const n = ns(k, nsId);
  const files = delta > 0 ? refsAdd(n.refs.files, holder) : refsRemove(n.refs.files, holder);
  k.r.set(k.timeNamespaces, nsId, 'refs', refsWith(n.refs, 'files', files));
  if (delta > 0) getTimeNs(k, nsId);
  else putTimeNs(k, nsId);
}

export function openat(k: KernelContext, t: string, path: string, mode: 'r' | 'w' | 'rw', fdName: string): OpResult {
  const opened = openFile(k, t, path, mode);
  // One operation per line: the opener, the fd and the line name the new struct file.
  const fd = opened.kind === 'timens_offsets' || opened.kind === 'proc' ? { ...opened, _file: `${t}:${fdName}@${k.line}` } : opened;
  const replaced = ownFd(k, t, fdName);
  if (replaced?.ns) fileRef(k, replaced.ns, `${t}:${fdName}`, -1);
  k.r.set(k.tasks, t, 'fds', fdsSet(task(k, t).fds, fdName, fd));
  if (fd.ns) fileRef(k, fd.ns, `${t}:${fdName}`, +1);
  k.state(k.txt`${t}:${fdName} = ${path}${fd.ns ? ` (holds ${fd.ns})` : ''}`);
  const n = fdsPosition(task(k, t).fds, fdName) + 3;
  return { ret: n, errno: null, signal: null };
}

export function close(k: KernelContext, t: string, fdName: string): OpResult {
  const fd = ownFd(k, t, fdName);
  if (!fd) k.fail('EBADF', `${fdName} is not open in ${t}`);
  k.r.set(k.tasks, t, 'fds', fdsDelete(task(k, t).fds, fdName));
  k.state(k.txt`${t}:${fdName} closed`);
  if (fd.ns) k.fn('nsfs_evict', () => fileRef(k, fd.ns!, `${t}:${fdName}`, -1));
  return { ret: 0, errno: null, signal: null };
}

/** The fd record changes (its position, its seq_file), in the table that holds it (a thread uses its leader's),
 *  and in every copy fork made of it: they are one struct file. */
export function updateFd(k: KernelContext, t: string, fdName: string, rec: FdRec): void {
  const holder = ownFd(k, t, fdName) ? t : task(k, t).leader;
  if (ownFd(k, holder, fdName)) k.r.set(k.tasks, holder, 'fds', fdsSet(task(k, holder).fds, fdName, rec));
  if (!rec._file) return;
  // Copies keep their name (copy_files), so each live task is asked for that one name.
  for (const h of k.memo.liveTasks()) {
    const copy = h === holder ? undefined : ownFd(k, h, fdName);
    if (copy?._file === rec._file) k.r.set(k.tasks, h, 'fds', fdsSet(task(k, h).fds, fdName, { ...copy, pos: rec.pos, _seq: rec._seq }));
  }
}

export function lseek(k: KernelContext, t: string, fdName: string, offset: number, whence: Whence = 'SEEK_SET'): OpResult {
  const fd = lookupFd(k, t, fdName);
  if (!fd) k.fail('EBADF', `${fdName} is not open`);
  // nsfs has no_llseek (6.12+: no llseek), and a pidfd is an anonymous-inode file opened without FMODE_LSEEK
  if (fd.kind === 'ns') k.fail('ESPIPE', 'namespace files cannot seek');
  if (fd.kind === 'pidfd') k.fail('ESPIPE', 'a pidfd cannot seek (pidfd_fops has no llseek, and the file has no FMODE_LSEEK)');
  if (fd.kind !== 'timens_offsets' && fd.kind !== 'proc') {
    const target = whence === 'SEEK_CUR' ? fd.pos + offset : offset;
    if (whence === 'SEEK_END') k.fail('EINVAL', 'this model knows no size for the file');
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
    const fd = lookupFd(k, t, f.fd);
    if (!fd) k.fail('EBADF', `${f.fd} is not an open file of ${t}`);
    return body(fd, f.fd);
  }
  const fd = openFile(k, t, f.path, mode);
  return body(fd, null);
}

/** copy_files at fork: the child gets the parent's fds, and each namespace file another reference. */
export function inheritFds(k: KernelContext, from: string, to: string): void {
  const fds = fdsItems(task(k, from).fds);
  if (!Object.keys(fds).length) return;
  const copy: Record<string, FdRec> = {};
  for (const [name, fd] of Object.entries(fds)) {
    copy[name] = fd;
    if (fd.ns) fileRef(k, fd.ns, `${to}:${name}`, +1);
  }
  k.r.set(k.tasks, to, 'fds', copy);
}
