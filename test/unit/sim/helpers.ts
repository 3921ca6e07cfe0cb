// Shared helpers for the simulator tests: a simulation with a terse `run(task, operation)` and op builders.
import { createSimulation } from '../../../extension/sim/index';
import type { OpResult, Simulation } from '../../../extension/sim/api';
import type { Operation } from '../../../extension/sim/ops';
import { CLONE_FLAGS, CLOCKS, type Arm64PatchId, type KernelVersion, type Arch, type Machine } from '../../../extension/sim/types';

export const F = CLONE_FLAGS;
export const C = CLOCKS;

export interface Harness {
  readonly sim: Simulation;
  run(task: string | null, op: Operation): OpResult;
  /** The task's (time_ns, time_ns_for_children). */
  nsOf(task: string): [string, string];
}

/** The machine the facts-qN scenarios (test/conformance) were observed on: a container's root without CAP_SYS_RESOURCE, no RTC, kvm-clock,
 *  vsyscall=xonly, and a hypervisor that turns ia32 emulation off (an ia32 exec is ENOEXEC there). */
export const FACTS_MACHINE: Machine = { capSysResource: false, rtc: false, clocksource: 'kvm-clock', kvmclockUsed: true, vsyscall: 'xonly', erratum1418040: false, ia32Emulation: false, pageSize: 4096 };

export function harness(kernel: KernelVersion = '6.18', arch: Arch = 'x86_64', disabledPatches: Arm64PatchId[] = [], machine?: Partial<Machine>): Harness {
  const sim = createSimulation({ arch, kernel, disabledPatches, ...(machine ? { machine } : {}) });
  let line = 0;
  return {
    sim,
    run: (task, operation) => sim.exec({ line: line++, task, operation }),
    nsOf: (task) => {
      const st = sim.state();
      const np = st.nsproxies[st.tasks[task].nsproxy];
      return [np.time_ns, np.time_ns_for_children];
    },
  };
}

export const op = {
  unshare: (flags: number = F.CLONE_NEWTIME): Operation => ({ op: 'unshare', flags }),
  write: (path: string, data: string): Operation => ({ op: 'write', file: { path }, data }),
  writeFd: (fd: string, data: string): Operation => ({ op: 'write', file: { fd }, data }),
  read: (path: string): Operation => ({ op: 'read', file: { path } }),
  fork: (child: string): Operation => ({ op: 'fork', child }),
  vfork: (child: string): Operation => ({ op: 'vfork', child }),
  clone: (flags: number, child: string): Operation => ({ op: 'clone', flags, child }),
  clone3: (flags: number, child: string, exitSignal = 17): Operation => ({ op: 'clone3', flags, exitSignal, child }),
  thread: (child: string): Operation => ({ op: 'pthread_create', child }),
  exec: (path = '/bin/true'): Operation => ({ op: 'execve', path }),
  exit: (code = 0): Operation => ({ op: 'exit', code }),
  setnsPath: (path: string, nstype = 0): Operation => ({ op: 'setns', target: { path }, nstype }),
  setnsFd: (fd: string, nstype = 0): Operation => ({ op: 'setns', target: { fd }, nstype }),
  setnsPidfd: (pidfd: string, nstype: number = F.CLONE_NEWTIME): Operation => ({ op: 'setns', target: { pidfd }, nstype }),
  open: (path: string, fd: string, mode: 'r' | 'w' | 'rw' = 'r'): Operation => ({ op: 'open', path, mode, fd }),
  close: (fd: string): Operation => ({ op: 'close', fd }),
  gettime: (clock: number, via: 'vdso' | 'syscall' = 'vdso'): Operation => ({ op: 'clock_gettime', clock, via }),
  touch: (page: number, mapping: '[vvar]' | '[vvar_vclock]' | '[vdso]' = '[vvar]'): Operation => ({ op: 'touch', mapping, page }),
  setuid: (uid: number): Operation => ({ op: 'setuid', uid }),
  spawn: (child: string, uid: number): Operation => ({ op: 'spawn', child, uid }),
  readlink: (path: string): Operation => ({ op: 'readlink', path }),
};

/** Offset of a clock read against the host value of the same clock, in whole seconds (with nsec). */
export function shift(r: OpResult): number {
  if (!r.clock) throw new Error(`no clock in result ${JSON.stringify(r)}`);
  return r.clock.value.sec - r.clock.host.sec + (r.clock.value.nsec - r.clock.host.nsec) / 1e9;
}

export const OFFSETS = '/proc/self/timens_offsets';
export const MONO_BOOT = 'monotonic 3600 0\nboottime 7200 0\n';

/**
 * Children of P1 sharing its /proc/uptime file (a fork's fd points at its parent's struct file), each reading it,
 * opening and reading a /proc file of its own, every third unsharing its fd table, with `exec` every fourth
 * exec'ing, every second exiting: until `events` events. Such events show changes of fd tables as they were then.
 */
export function sharedFilesRun(events: number, exec = false): Simulation {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  let line = 0;
  const run = (task: string, operation: Operation) => sim.exec({ line: line++, task, operation });
  const rd = (fd: string, count: number): Operation => ({ op: 'read', file: { fd }, count });
  run('P1', { op: 'open', path: '/proc/uptime', mode: 'r', fd: 'up' });
  for (let k = 0; sim.eventCount < events; k++) {
    run('P1', { op: 'fork', child: `C${k}` });
    run(`C${k}`, rd('up', 3));
    run(`C${k}`, { op: 'open', path: '/proc/self/stat', mode: 'r', fd: 's' });
    if (k % 3 === 0) run(`C${k}`, { op: 'unshare', flags: CLONE_FLAGS.CLONE_FILES });
    run(`C${k}`, rd('s', 5));
    if (exec && k % 4 === 1) run(`C${k}`, { op: 'execve', path: '/proc/self/exe' });
    if (k % 2 === 0) run(`C${k}`, { op: 'exit', code: 0 });
  }
  return sim;
}
