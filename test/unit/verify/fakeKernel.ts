// A kernel that answers exactly what the model says (inode numbers from the model's own inums): the baseline
// from which the comparison tests break one thing at a time.
import { timerState, type OpResult } from '../../../extension/sim/api';
import type { Plan } from '../../../extension/verify/plan';
import { emptyKernelLine, type KernelLine, type Res } from '../../../extension/verify/protocol';

const HOST: Readonly<Record<number, 'realtime' | 'monotonic' | 'boottime'>> = { 0: 'realtime', 1: 'monotonic', 7: 'boottime' };
const hexOf = (s: string) => ':' + Buffer.from(s, 'utf8').toString('hex');
const ts = (t: { sec: number; nsec: number }) => `${t.sec}:${String(t.nsec).padStart(9, '0')}`;

function resFields(r: OpResult, clockHost: { sec: number; nsec: number } | null, child: string | null): Record<string, string> {
  const f: Record<string, string> = { ret: String(r.ret ?? 0), errno: r.errno ?? '0', sig: r.signal ?? '0' };
  if (r.clock) { f.v = ts(r.clock.value); f.h1 = ts(r.clock.host); f.h2 = ts(r.clock.host); f.path = r.clock.path; }
  if (r.text !== undefined) f.text = hexOf(r.text);
  if (r.waited) f.w = ts(r.waited);
  const tm = timerState(r);
  if (tm && !r.errno) f.tm = tm;
  if (child && !r.errno) f.child = `${child}:started`;
  if (clockHost) { f.h1 = ts(clockHost); f.h2 = ts(clockHost); }
  return f;
}

export function kernelFromModel(plan: Plan): Map<number, KernelLine> {
  const out = new Map<number, KernelLine>();
  for (const pl of plan.lines) {
    if (!pl.command) continue;
    const k = emptyKernelLine();
    const s = pl.model.after;
    const op = pl.step.operation;
    const f = resFields(pl.model.result, null, 'child' in op ? op.child : null);
    // as the helper brackets them (helper/super_cmd.c): reads of /proc/uptime or /proc/stat by path, and every read
    // of an fd (the supervisor does not know its file), with host boottime; and gives the host's btime
    const bootRead = op.op === 'read' && ('fd' in op.file || op.file.path === '/proc/uptime' || op.file.path === '/proc/stat');
    if (bootRead) f.h1 = f.h2 = ts(s.host.boottime);
    if (op.op === 'sysinfo') f.h1 = f.h2 = ts(s.host.boottime);
    // /proc/PID/stat: the supervisor's own read of the task's starttime, without any offset
    const statPid = op.op === 'read' ? /^(\d+) \(/.exec(pl.model.result.text ?? '')?.[1] : undefined;
    const statTask = statPid === undefined ? undefined : Object.values(s.tasks).find((t) => String(t.pid) === statPid);
    if (statTask) f.hs = String((BigInt(statTask.startBoottime.sec) * 1_000_000_000n + BigInt(statTask.startBoottime.nsec)) / 10_000_000n);
    if (bootRead && ('fd' in op.file || op.file.path === '/proc/stat')) f.hb = String(Math.floor(s.host.realtime.sec - s.host.boottime.sec - (s.host.realtime.nsec < s.host.boottime.nsec ? 1 : 0)));
    // timers bracket the line with the host clock of their id (helper/super_cmd.c: OPF_CLOCK0)
    if ((op.op === 'timerfd_settime' || op.op === 'timer_settime') && op.clock in HOST) f.h1 = f.h2 = ts(s.host[HOST[op.clock]!]);
    // the helper's sleep cap (a SIGALRM at 3 s, helper/task.c) ends every wait longer than it
    if ((op.op === 'clock_nanosleep' || op.op === 'futex_wait' || op.op === 'futex2_wait') && pl.model.result.waited && pl.model.result.waited.sec >= 3) { f.intr = '1'; f.w = '3:000000000'; }
    // a task the model kills in its line dies before answering, and the supervisor reads the signal from the zombie's
    // exit code (helper/super.c death_of)
    const was = pl.step.task ? pl.model.before.tasks[pl.step.task] : undefined;
    const killed = was && was.state !== 'exited' && pl.model.after.tasks[was.id]?.state === 'exited' && pl.model.result.signal;
    k.res = { kind: 'res', line: pl.line + 1, task: pl.step.task ?? '-', f: killed ? { skip: 'died', death: killed } : f } satisfies Res;
    for (const t of Object.values(s.tasks)) {
      if (t.state === 'exited') { k.tasks.set(t.id, { kind: 'obs-task', line: pl.line + 1, task: t.id, st: 'gone', tid: t.pid, time: NaN, tfc: NaN, user: NaN, uid: NaN, euid: NaN }); continue; }
      const np = s.nsproxies[t.nsproxy];
      k.tasks.set(t.id, { kind: 'obs-task', line: pl.line + 1, task: t.id, st: 'live', tid: t.pid, time: s.timeNamespaces[np.time_ns].inum,
        tfc: s.timeNamespaces[np.time_ns_for_children].inum, user: s.userNamespaces[t.userNs].inum, uid: t.uid, euid: t.euid });
      if (t.state === 'vfork-parent-waiting') k.blocked.add(t.id);
    }
    out.set(pl.line + 1, k);
  }
  return out;
}
