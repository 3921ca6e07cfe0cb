// Which fd tables hold an fd of an open file description (a read moves the position of every copy) or an fd that
// names a task (a /proc/PID file or pidfd, which an exec's de_thread moves to the new leader): part of the memo
// (memo.ts), so those reach their tables without a walk over every table of the machine.

import { fdsItems, type FdTable } from '../store/fdtable';
import type { FdRec } from '../store/records';

export class FdTableIndex {
  private readonly byFile = new Map<string, Set<string>>();
  private readonly byTask = new Map<string, Set<string>>();
  /** Each table's place in the order the store holds them (its creation; an id made again goes last). */
  private readonly order = new Map<string, number>();
  private seq = 0;

  /** Table `files` was made holding `fds` (empty, or the copies dup_fd made). */
  tableMade(files: string, fds: FdTable<FdRec>): void {
    this.order.set(files, this.seq++);
    for (const fd of Object.values(fdsItems(fds))) this.installed(files, fd);
  }

  /** `fd` was put in table `files` (an open, a pidfd, a copy, an fd moved to another task). */
  installed(files: string, fd: FdRec): void {
    if (fd._file) add(this.byFile, fd._file, files);
    if (fd.task && fd.kind !== 'ns') add(this.byTask, fd.task, files);
  }

  /** The tables that hold, or held, a copy of open file description `file`, in the store's order. */
  withFile(file: string): string[] {
    return this.sorted(this.byFile.get(file));
  }

  /** The tables that hold, or held, an fd naming one of `tasks`, in the store's order. */
  namingTasks(tasks: readonly string[]): string[] {
    const union = new Set<string>();
    for (const t of tasks) for (const id of this.byTask.get(t) ?? []) union.add(id);
    return this.sorted(union);
  }

  private sorted(ids: ReadonlySet<string> | undefined): string[] {
    if (!ids) return [];
    return [...ids].sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
  }
}

function add(map: Map<string, Set<string>>, key: string, table: string): void {
  let tables = map.get(key);
  if (!tables) map.set(key, (tables = new Set()));
  tables.add(table);
}
