// CPU clocks and dynamic (fd) clocks: kernel/time/posix-cpu-timers.c (clock_posix_cpu, clock_process, clock_thread)
// and posix-clock.c (clock_posix_dynamic), which clockid_to_kclock picks for the ids below 0; no time namespace
// offset applies to any of them. What the model reads on a CPU clock is our choice (below).

import { CPUCLOCK_SCHED, makeCpuClock, negativeClock, PID_MAX_LIMIT, type CpuClockOf, type NegativeClock } from '../../cpuclock';
import { CLOCKS, HZ, type Timespec } from '../../types';
import type { TaskRec } from '../../store/records';
import { task, type KernelContext } from '../context';

/** CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID are clock_process and clock_thread, which call the
 *  clock_posix_cpu functions with PROCESS_CLOCK = MAKE_PROCESS_CPUCLOCK(0, CPUCLOCK_SCHED) and THREAD_CLOCK =
 *  MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_SCHED). */
const PROCESS_CLOCK = { kind: 'cpu', pid: 0, thread: false, which: CPUCLOCK_SCHED } as const;
const THREAD_CLOCK = { kind: 'cpu', pid: 0, thread: true, which: CPUCLOCK_SCHED } as const;

/** The CPU or dynamic clock an id names, or null for the other clocks. */
export function cpuOrFdClock(clock: number): NegativeClock | null {
  if (clock === CLOCKS.CLOCK_PROCESS_CPUTIME_ID) return PROCESS_CLOCK;
  if (clock === CLOCKS.CLOCK_THREAD_CPUTIME_ID) return THREAD_CLOCK;
  return negativeClock(clock);
}

/** pid_for_clock (kernel/time/posix-cpu-timers.c, 5.8+; 5.7's lookup_task has the same rules; 5.6's took the caller's
 *  own tid as a process clock for every call, not only clock_gettime: that difference is not modelled, every version
 *  follows 5.7): EINVAL for
 *  CPUCLOCK_WHICH 3 (CPUCLOCK_MAX), a pid no live task has (the model reaps at exit), a thread clock of a thread of
 *  another process ("same_thread_group(tsk, current)"), or a process clock of a pid that is no thread-group leader
 *  ("pid_has_task(pid, PIDTYPE_TGID)"), except the caller's own pid for clock_gettime (`gettime`). Pid 0 is the
 *  caller. No credentials are checked: any process's process clock can be read. The pid is the model's own number. */
export function validateCpuClock(k: KernelContext, t: string, c: Extract<NegativeClock, { kind: 'cpu' }>, gettime = false): void {
  if (c.which >= 3) k.fail('EINVAL', 'CPUCLOCK_WHICH is CPUCLOCK_MAX (3): "if (CPUCLOCK_WHICH(clock) >= CPUCLOCK_MAX) return NULL;"');
  if (c.pid === 0) return;
  const me = task(k, t);
  const found = k.memo.taskByPid(c.pid, true);
  const tsk: TaskRec | undefined = found === undefined ? undefined : task(k, found);
  if (!tsk) return k.fail('EINVAL', `no task has pid ${c.pid}: find_vpid finds none`);
  if (c.thread) {
    if (tsk.tgid !== me.tgid) k.fail('EINVAL', `pid ${c.pid} is a thread of another process: "return (tsk && same_thread_group(tsk, current)) ? pid : NULL;"`);
    return;
  }
  if (gettime && tsk.pid === me.pid) return;
  if (tsk.pid !== tsk.tgid) k.fail('EINVAL', `pid ${c.pid} is a thread that leads no thread group: "return pid_has_task(pid, PIDTYPE_TGID) ? pid : NULL;"`);
}

/** get_clock_desc (posix-clock.c): fget of the fd, which must be a posix clock character device. The model's tasks
 *  open none (no PTP or other clock device), so every dynamic clock id is EINVAL. */
function noClockDevice(k: KernelContext, c: Extract<NegativeClock, { kind: 'fd' }>): never {
  return k.fail('EINVAL', `fd ${c.fd} is not an open posix clock device (get_clock_desc: "if (fp->f_op->open != posix_clock_open || !fp->private_data) goto out;")`);
}

/** Our choice: every CPU clock reads 1 ms, and no more as the scenario goes on: a task that runs has used some CPU
 *  time (so an absolute deadline of `now + 0s` is already past, as on a real kernel), and the model's tasks run no
 *  code between the scenario's lines. A real kernel reads what the task has used, which verify does not compare. */
export const MODEL_CPU_TIME: Timespec = { sec: 0, nsec: 1_000_000 };

/** clock_gettime of a CPU or dynamic clock: posix_cpu_clock_get or pc_clock_gettime. */
export function cpuClockGet(k: KernelContext, t: string, c: NegativeClock): Timespec {
  if (c.kind === 'fd') return k.fn('pc_clock_gettime', () => noClockDevice(k, c));
  return k.fn('posix_cpu_clock_get', () => {
    validateCpuClock(k, t, c, true);
    return MODEL_CPU_TIME;
  }, () => k.txt`the model's tasks have used ${MODEL_CPU_TIME} s of CPU time, and use no more (our choice)`);
}

/** posix_cpu_clock_getres: "tp->tv_nsec = ((NSEC_PER_SEC + HZ - 1) / HZ);" (4 ms at HZ=250), 1 ns for CPUCLOCK_SCHED. */
export function cpuClockGetres(k: KernelContext, t: string, c: NegativeClock): Timespec {
  if (c.kind === 'fd') return k.fn('pc_clock_getres', () => noClockDevice(k, c));
  return k.fn('posix_cpu_clock_getres', () => {
    validateCpuClock(k, t, c);
    return c.which === CPUCLOCK_SCHED ? { sec: 0, nsec: 1 } : { sec: 0, nsec: Math.floor((1e9 + HZ - 1) / HZ) };
  });
}

/** clock_settime of an id below 0: posix_cpu_clock_set ("You can never reset a CPU clock, but we check for other
 *  errors in the call before failing with EPERM") or pc_clock_settime. */
export function cpuClockSet(k: KernelContext, t: string, c: NegativeClock): never {
  if (c.kind === 'fd') return k.fn('pc_clock_settime', () => noClockDevice(k, c));
  return k.fn('posix_cpu_clock_set', () => {
    validateCpuClock(k, t, c);
    return k.fail('EPERM', 'a CPU clock can never be set');
  });
}

/** posix_cpu_timer_create (timer_create, and do_cpu_nanosleep's own timer): pid_for_clock(clock, false). The
 *  dynamic clocks have no timer_create: EOPNOTSUPP in do_timer_create. */
export function cpuTimerCreate(k: KernelContext, t: string, c: NegativeClock): void {
  if (c.kind === 'fd') k.fail('EOPNOTSUPP', 'clock_posix_dynamic has no timer_create ("if (!kc->timer_create) return -EOPNOTSUPP;")');
  k.fn('posix_cpu_timer_create', () => validateCpuClock(k, t, c));
}

/**
 * posix_cpu_nsleep (clock_process's process_cpu_nsleep too; clock_thread and clock_posix_dynamic have no nsleep, which
 * the caller answers with EOPNOTSUPP). Returns whether the sleep ends: only a value of 0 (no timer armed) or an
 * absolute deadline the clock has already reached (posix_cpu_timer_set fires it at once) ends it; otherwise the task
 * waits for CPU time that nobody uses while every task of the model sleeps (our choice), i.e. forever.
 */
export function cpuNsleep(k: KernelContext, tid: string, c: Extract<NegativeClock, { kind: 'cpu' }>, value: Timespec, abs: boolean): boolean {
  return k.fn('posix_cpu_nsleep', () => {
    // "if (CPUCLOCK_PERTHREAD(which_clock) && (CPUCLOCK_PID(which_clock) == 0 || CPUCLOCK_PID(which_clock) ==
    // task_pid_vnr(current))) return -EINVAL;": a thread cannot sleep on its own CPU clock
    if (c.thread && (c.pid === 0 || c.pid === task(k, tid).pid)) k.fail('EINVAL', `${tid} cannot sleep on its own thread's CPU clock`);
    k.fn('do_cpu_nanosleep', () => cpuTimerCreate(k, tid, c));
    const zero = value.sec === 0 && value.nsec === 0;
    const past = abs && (value.sec < MODEL_CPU_TIME.sec || (value.sec === MODEL_CPU_TIME.sec && value.nsec <= MODEL_CPU_TIME.nsec));
    const ends = zero || past;
    k.state(zero ? k.txt`it_value 0: the timer is not armed, so the sleep ends at once`
      : past ? k.txt`the deadline ${value} is at or below the clock's ${MODEL_CPU_TIME}: the timer fires at once`
      : k.txt`the CPU clock must run ${value} s on: the model's tasks use no CPU time (our choice), so the timer never fires`);
    return ends;
  });
}

/** The clock id a `cpuclock(TASK)` operation names in the model: the task's own (model) pid encoded, or, for a name
 *  that is no live task (its creating line failed, or it was reaped), a pid above PID_MAX_LIMIT, which no task has. */
export function resolveCpuClock(k: KernelContext, of: CpuClockOf): number {
  const x = k.tasks.has(of.task) ? task(k, of.task) : null;
  return makeCpuClock(x && x.state !== 'exited' ? x.pid : PID_MAX_LIMIT + 1, of.thread);
}
