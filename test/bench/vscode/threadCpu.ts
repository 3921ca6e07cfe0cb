// Which threads of the machine had the CPUs during a phase (Linux schedstat of every thread): a block of the
// extension host spent waiting for a CPU is someone else's running, and this says whose.
import * as fs from 'fs';

interface ThreadTime { readonly who: string; readonly ns: number }

/** Every thread's run time so far, by tid, with a name for its group. */
function snapshot(hostPid: number): Map<string, ThreadTime> {
  const out = new Map<string, ThreadTime>();
  let pids: string[] = [];
  try { pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)); } catch { return out; }
  for (const pid of pids) {
    let comm = '?';
    let tids: string[] = [];
    try {
      comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch { continue; }
    const processName = Number(pid) === hostPid ? '' : `${comm}${processType(pid)}`; // read once for all its threads
    for (const tid of tids) {
      try {
        const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        out.set(tid, { who: name(hostPid, pid, tid, comm, processName), ns });
      } catch { /* the thread ended */ }
    }
  }
  return out;
}

/** Chromium's process kind (`--type=renderer`, `gpu-process`…; none for the browser process) with its pid: the
 *  workbench, each webview and the compositor are different processes of one command name. */
function processType(pid: string): string {
  let cmdline = '';
  try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { return ''; }
  const type = /[\0 ]--type=([^\0 ]+)/.exec(cmdline)?.[1]; // Chromium rewrites its command line with spaces
  return type ? `[${type} ${pid}]` : '';
}

/** The host's threads by role (its workers run nicer than it: extension/tours/backgroundThread.ts), others by command. */
function name(hostPid: number, pid: string, tid: string, comm: string, processName: string): string {
  if (Number(pid) !== hostPid) {
    // Chromium names its threads (CrRendererMain, DedicatedWorker, Compositor…): the workbench's part by thread.
    let thread = '';
    try { thread = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim(); } catch { /* ended */ }
    return thread && thread !== comm ? `${processName}/${thread}` : processName;
  }
  if (tid === pid) return 'host main thread';
  let nice = 0;
  try { nice = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]); } catch { /* ended */ }
  return nice > 0 ? 'host: niced workers (ours)' : 'host: other threads (V8 platform, libuv)';
}

/** Runs `work` and returns the CPU time each group of threads used meanwhile, in ms, the largest first, and the
 *  time the hypervisor took the machine's CPUs meanwhile (stolenMs). */
export async function cpuByThread<T>(work: () => Promise<T>): Promise<{ value: T; top: string[]; stolen: number }> {
  const before = snapshot(process.pid);
  const stolen0 = stolenMs();
  const value = await work();
  const stolen = stolenMs() - stolen0;
  const after = snapshot(process.pid);
  const byWho = new Map<string, number>();
  for (const [tid, t] of after) {
    const ms = (t.ns - (before.get(tid)?.ns ?? 0)) / 1e6;
    if (ms > 0) byWho.set(t.who, (byWho.get(t.who) ?? 0) + ms);
  }
  const top = [...byWho].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([who, ms]) => `${who} ${ms.toFixed(0)} ms`);
  return { value, top, stolen };
}

/**
 * How long the hypervisor has kept this virtual machine's CPUs from running it, in ms, all CPUs together (the
 * `steal` column of /proc/stat, in USER_HZ ticks; 0 on a machine that is not virtual): a thread queued on a CPU
 * the hypervisor took waits for it as if for another thread.
 */
function stolenMs(): number {
  try {
    const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
    return Number(cpu[8] ?? 0) * 10;
  } catch {
    return 0;
  }
}
