// How events show fd tables and struct files: an fd as the struct file it points at (with its number and
// close-on-exec bit), and a change of a struct file as the change of every fd table pointing at it, which is what
// a process sees move when another reads from or seeks a file they share.

import type { Change } from '../api';
import { fdsItems, fdsPointingAt, type FdTable } from './fdtable';
import type { FdRec, FileRec } from './records';
import { refsItems } from './reflist';
import type { RawChange } from './table';
import type { StoreAt } from './view';

/** One fd as events show it: the struct file's fields, then the fd's. */
export function showFd(fd: FdRec, at: StoreAt): object {
  const f = at.get(at.store.openFiles, fd.file);
  if (f === undefined) return { file: fd.file, _nr: fd._nr };
  return {
    path: f.path, kind: f.kind, ns: f.ns, ...(f.user !== undefined ? { user: f.user } : {}), task: f.task, pos: f.pos,
    openerUserNs: f.openerUserNs, openerFullCaps: f.openerFullCaps, openerEuid: f.openerEuid, _mode: f._mode,
    // A /proc seq_file's fd shows the struct file it points at (others have no position that moves elsewhere).
    ...(f.kind === 'timens_offsets' || f.kind === 'proc' ? { _file: f.id } : {}),
    ...(fd._cloexec ? { _cloexec: true } : {}), _nr: fd._nr, ...(f._seq !== undefined ? { _seq: f._seq } : {}),
  };
}

/** An fd table as events show it: each fd as the struct file it points at (as it was at `at`). */
export function showFds(t: FdTable<FdRec>, at: StoreAt): Record<string, object> {
  const items = fdsItems(t);
  const out: Record<string, object> = {};
  for (const name of Object.keys(items)) out[name] = showFd(items[name], at);
  return out;
}

/** The field of an fd table a struct file's change shows as. */
export const FDS = 'fds';

/** The fds of the tables `tables` (those that exist at `at`) that point at one of `files`, as they show at `at`. */
function shownPointingAt(at: StoreAt, tables: Iterable<string>, files: readonly string[]): Shown[] {
  const out: Shown[] = [];
  for (const id of tables) {
    const t = at.get(at.store.files, id);
    if (t === undefined) continue;
    for (const [name, fd] of fdsPointingAt(t.fds, files)) out.push({ table: id, name, fd, before: showFd(fd, at) });
  }
  return out;
}
interface Shown {
  readonly table: string;
  readonly name: string;
  readonly fd: FdRec;
  readonly before: object;
}

/** The fds shown before a struct file changed, with how they show after it (at `at`). */
function changed(shown: readonly Shown[], at: StoreAt): Change[] {
  return shown.map((s) => ({ obj: s.table, field: `${FDS}.${s.name}`, before: s.before, after: showFd(s.fd, at) }));
}

/** The struct files' changes of one event, shown as changes of the fd tables pointing at them (the kind's expand). */
export function fileChanges(run: readonly RawChange[], at: StoreAt, advance: () => void, task: string | null): Change[] {
  const out: Change[] = [];
  let i = 0;
  while (i < run.length) {
    const c = run[i];
    // An open or the last close shows as the change of the fd table that installed or closed the fd; a change of
    // who holds it (dup_fd, close) shows there too.
    if (c.before === undefined || c.after === undefined || c.field.startsWith('_')) {
      advance();
      i++;
      continue;
    }
    if (c.field === '') {
      // A read, write or lseek moved f_pos (and the seq_file): the caller's table first, then the others that point
      // at the file, in the order they took it.
      const own = task === null ? undefined : at.get(at.store.tasks, task)?.files ?? undefined;
      const holders = refsItems((c.before as FileRec)._holders);
      const tables = own !== undefined && holders.includes(own) ? [own, ...holders.filter((h) => h !== own)] : holders;
      const shown = shownPointingAt(at, tables, [c.id]);
      advance();
      i++;
      out.push(...changed(shown, at));
      continue;
    }
    // Field changes in a row (exec's de_thread moving the /proc/PID files and pidfds of a pid to its new task):
    // each table pointing at one of them changes once, in the store's order.
    const holders = new Set<string>();
    const files: string[] = [];
    let j = i;
    for (; j < run.length && run[j].field !== '' && !run[j].field.startsWith('_') && run[j].before !== undefined; j++) {
      files.push(run[j].id);
      const f = at.get(at.store.openFiles, run[j].id);
      if (f !== undefined) for (const h of refsItems(f._holders)) holders.add(h);
    }
    const order: string[] = [];
    at.store.files.forEach((_f, id) => { if (holders.delete(id)) order.push(id); });
    order.push(...holders);
    const shown = shownPointingAt(at, order, files);
    for (; i < j; i++) advance();
    out.push(...changed(shown, at));
  }
  return out;
}
