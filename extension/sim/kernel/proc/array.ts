// /proc/PID/stat (fs/proc/array.c do_task_stat) reduced to what the model has: the pid, the task's name for the
// comm, and field 22, starttime: the task's start_boottime in clock ticks, shifted by the reader's boottime offset.

import type { OpenFile } from '../../store/records';
import { offsetKtime } from '../../offset64';
import { np, ns, task, type KernelContext } from '../context';

/** USER_HZ (include/asm-generic/param.h, 100 on x86_64 and arm64): nsec_to_clock_t divides by NSEC_PER_SEC / USER_HZ. */
export const USER_HZ = 100;
const NSEC_PER_TICK = 1_000_000_000n / BigInt(USER_HZ);
/** Fields 3 to 21 (state … itrealvalue), which the model does not have: printed as '-' so starttime stays field 22. */
const NOT_MODELLED = Array<string>(19).fill('-').join(' ');

export function isTaskStatFile(fd: OpenFile): boolean {
  return fd.kind === 'proc' && fd.task !== null && fd.path.endsWith('/stat');
}

/**
 * start_time = nsec_to_clock_t(timens_add_boottime_ns(task->start_boottime)) (5.11, 3ae700ecfae9 "fs/proc: apply the
 * time namespace offset to /proc/stat btime", which shifts btime and starttime together); before 5.11
 * nsec_to_clock_t(task->start_boottime). timens_add_boottime_ns
 * reads current->nsproxy->time_ns: the reader's namespace, not the task's. The sum is a u64 (a negative offset
 * larger than the start wraps it) and timespec64_to_ns of the stored offset is ktime_set's s64 (offsetKtime).
 */
export function startTimeTicks(k: KernelContext, reader: string, target: string): bigint {
  const start = task(k, target).startBoottime;
  let nsec = BigInt(start.sec) * 1_000_000_000n + BigInt(start.nsec);
  if (k.sw.procPidStatStart) {
    const off = ns(k, np(k, task(k, reader).nsproxy).time_ns).offsets.boottime;
    nsec = k.fn('timens_add_boottime_ns', () => BigInt.asUintN(64, nsec + offsetKtime(off)),
      (v) => k.txt`start_boottime ${String(nsec)} ns + ${reader}'s boottime offset → ${String(v)} ns`);
  }
  return nsec / NSEC_PER_TICK;
}

/** proc_tgid_stat / proc_tid_stat → do_task_stat: the line up to field 22. The comm is the scenario's task name
 *  (our choice: the model has no executable names). A task that has gone: ESRCH (proc_single_show). */
export function taskStatText(k: KernelContext, t: string, fd: OpenFile): string {
  return k.fn('do_task_stat', () => {
    const target = task(k, fd.task!);
    if (target.state === 'exited') k.fail('ESRCH', `${fd.task} has gone`);
    const ticks = startTimeTicks(k, t, target.id);
    return `${target.pid} (${target.id}) ${NOT_MODELLED} ${ticks}\n`;
  }, (text) => k.txt`starttime ${text.slice(text.lastIndexOf(' ') + 1, -1)} ticks`);
}
