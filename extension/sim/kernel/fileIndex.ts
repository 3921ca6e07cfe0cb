// Which struct files name a task (a /proc/PID file or a pidfd, which an exec's de_thread moves to the new leader):
// part of the memo (memo.ts), so an exec reaches them without a walk over every open file of the machine.

import type { FileRec } from '../store/records';

export class FileIndex {
  private readonly byTask = new Map<string, Set<string>>();

  /** Struct file `f` was opened, or now names its task (a namespace file holds its namespace, not a pid). */
  named(f: FileRec): void {
    if (!f.task || f.kind === 'ns') return;
    let files = this.byTask.get(f.task);
    if (!files) this.byTask.set(f.task, (files = new Set()));
    files.add(f.id);
  }

  /** The struct files that name, or named, one of `tasks`, in the order they came to. */
  namingTasks(tasks: readonly string[]): string[] {
    const union = new Set<string>();
    for (const t of tasks) for (const id of this.byTask.get(t) ?? []) union.add(id);
    return [...union];
  }
}
