// Turns a scenario into a verification plan: the model runs every line under the kernel's profile (never the
// scenario's expectations), and each line becomes the helper command that runs it for real, or the reason the
// kernel cannot run it. The plan depends only on the model, so it can be sent ahead (qemu) or streamed.

import { createSimulation, INITIAL_HOST } from '../sim/index';
import type { KernelState, OpResult } from '../sim/api';
import type { Step } from '../sim/ops';
import { KERNEL_VERSIONS, machineOf, type Arch, type KernelVersion, type Machine, type Profile } from '../sim/types';
import { parseScenario, PROFILE_CODES, profileDiagnostics } from '../scenario/index';
import type { ScenarioDiagnostic } from '../scenario/api';
import { MACHINE_KEYS } from '../scenario/vocabulary';
import { OPERATIONS, OPF_HOST, type EncodeContext, type NotRun, type RunMode } from './operations';
import type { HostNow } from './protocol';
import { machinePidClockUnchecked } from './operationsClock';

export interface PlannedLine {
  readonly line: number;                  // 0-based scenario line
  readonly step: Step;
  /** The helper command, or null when the kernel does not run this line. */
  readonly command: string | null;
  readonly notRun: NotRun | null;
  /** `changed`: the line changed the model's state (any recorded change but a task's last result, which is for
   *  display); read from the events, since the state snapshot leaves out fields (gids, saved ids) a line may set. */
  readonly model: { readonly result: OpResult; readonly before: KernelState; readonly after: KernelState; readonly changed: boolean };
}

export interface Plan {
  readonly file: string;
  readonly label: string;
  readonly profile: Profile;
  readonly mode: RunMode;
  readonly lines: readonly PlannedLine[];
  /** Lines the kernel's profile rejects (e.g. [vvar_vclock] on arm64): neither side runs them. */
  /** Lines not run; `modelFailed` when the model itself failed on the line (a bug in it: a disagreement). */
  readonly skipped: readonly { readonly line: number; readonly why: string; readonly modelFailed?: boolean }[];
  /** Set when the whole file cannot be checked on this kernel. */
  readonly fileNotChecked: string | null;
  /** Parse errors: nothing ran. */
  readonly invalid: readonly ScenarioDiagnostic[];
  readonly headerNote: string | null;
  readonly source: readonly string[];
  /** Set by verify's realignment (align.ts): from this 0-based scenario line on, the plan for the kernel's real machine
   *  sends other commands than the plan that was sent, so the kernel's answers are not to this plan's lines. */
  readonly otherFrom?: { readonly line: number; readonly why: string };
}

/** The model's profile for a kernel: its architecture and the nearest known version at or below its release. */
export function profileForKernel(arch: string, release: string): Profile | null {
  const a: Arch | null = arch === 'x86_64' ? 'x86_64' : arch === 'aarch64' || arch === 'arm64' ? 'arm64' : null;
  const m = /^(\d+)\.(\d+)/.exec(release);
  if (!a || !m) return null;
  const want = [Number(m[1]), Number(m[2])];
  let best: KernelVersion | null = null;
  for (const v of KERNEL_VERSIONS) {
    const [x, y] = v.split('.').map(Number);
    if (x < want[0] || (x === want[0] && y <= want[1])) best = v;
  }
  return best ? { arch: a, kernel: best, disabledPatches: [] } : null;
}

/** The model's host clocks start at a fixed uptime (at the kernel's when that is shorter); when the kernel's host
 *  has been up longer, the model's host is moved forward to it first (sleep, then suspend for boottime), so that
 *  what depends on the uptime (the offsets range check) is asked of the model under the same host. */
function alignHost(sim: ReturnType<typeof createSimulation>, host: HostNow): void {
  const h = sim.state().host;
  const mono = host.monotonic - (h.monotonic.sec + h.monotonic.nsec / 1e9);
  const spec = (x: number) => ({ sec: Math.floor(x), nsec: Math.floor((x - Math.floor(x)) * 1e9) });
  if (mono > 0) sim.exec({ line: -1, task: null, operation: { op: 'sleep', delta: spec(mono) } });
  const h2 = sim.state().host;
  const boot = (host.boottime - host.monotonic) - ((h2.boottime.sec - h2.monotonic.sec) + (h2.boottime.nsec - h2.monotonic.nsec) / 1e9);
  if (boot > 0.001) sim.exec({ line: -1, task: null, operation: { op: 'suspend', delta: spec(boot) } });
}

/** `hostAt`: the kernel's host before a line (by scenario line) that depends on its uptime (OPF_HOSTNOW), to which
 *  the model's host is moved forward first: the kernel's runs on between lines, the model's only with the scenario. */
export function planScenario(text: string, file: string, profile: Profile, mode: RunMode, label = 'scenario', host?: HostNow,
  hostAt?: ReadonlyMap<number, HostNow>): Plan {
  const parsed = parseScenario(text, file);
  const source = text.split('\n');
  const base = { file, label, profile, mode, source, lines: [] as PlannedLine[], skipped: [] as { line: number; why: string; modelFailed?: boolean }[] };
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error' && !PROFILE_CODES.has(d.code));
  if (errors.length) return { ...base, fileNotChecked: null, invalid: errors, headerNote: null };
  const h = parsed.header;
  if (h.disabledPatches.length) {
    return { ...base, invalid: [], headerNote: null,
      fileNotChecked: `written for a kernel without patch${h.disabledPatches.length > 1 ? 'es' : ''} ${h.disabledPatches.join(', ')} of the arm64 series; the kernel has the whole series` };
  }
  // `# run-on: ARCH V…` lines (test/conformance/README.md) name further architectures the file holds for.
  const runOn = new Set([...text.matchAll(/^#\s*run-on:\s*(\S+)/gm)].map((m) => m[1]));
  if (h.arch && h.arch !== profile.arch && !runOn.has(profile.arch)) {
    return { ...base, invalid: [], headerNote: null,
      fileNotChecked: `written for ${h.arch}; this kernel is ${profile.arch} (verify it on an ${h.arch} kernel image under qemu)` };
  }
  const kernelNote = (h.kernel && h.kernel !== profile.kernel) || (h.arch && h.arch !== profile.arch)
    ? `the header says ${h.arch ?? ''} ${h.kernel ?? ''}; the model runs as ${profile.arch} ${profile.kernel}, the kernel's`.replace(/ {2,}/g, ' ') : null;
  // The header's machine lines describe the machine the file was written on; the model takes this one's.
  const m = machineOf(profile);
  const differs = Object.entries(h.machine ?? {}).filter(([k, v]) => m[k as keyof Machine] !== v)
    .map(([k]) => Object.keys(MACHINE_KEYS).find((w) => MACHINE_KEYS[w].field === k) ?? k);
  const machineNote = differs.length ? `the header's machine differs in ${differs.join(', ')}; the model runs on this machine's (${machineText(m)})` : null;
  const headerNote = [kernelNote, machineNote].filter(Boolean).join('; ') || null;
  // Lines the kernel's profile rejects run on neither side.
  const rejected = new Map<number, string>();
  for (const d of profileDiagnostics(parsed, profile)) if (d.severity === 'error') rejected.set(d.range.line, d.message);
  // a machine up for less than the model's 1000 s (a fresh VM) boots the model at its uptime; alignHost moves it on
  const sim = createSimulation(profile, host && host.monotonic > 0 && host.monotonic < INITIAL_HOST.monotonic.sec ? { uptime: host.monotonic } : undefined);
  if (host) alignHost(sim, host);
  const rawCloned = new Set<string>();
  for (const step of parsed.steps) {
    const why = rejected.get(step.line);
    if (why) { base.skipped.push({ line: step.line, why }); continue; }
    const at = hostAt?.get(step.line);
    if (at) alignHost(sim, at);
    const before = sim.state();
    const c: EncodeContext = { mode, profile, before, task: step.task, rawCloned };
    const spec = OPERATIONS[step.operation.op];
    const enc = machinePidClockUnchecked(step.operation) ?? (spec.encode as (op: typeof step.operation, c: EncodeContext) => readonly string[] | NotRun)(step.operation, c);
    let result: OpResult;
    const first = sim.eventCount;
    try {
      result = sim.exec(step);
    } catch (e) {
      result = { ret: null, errno: null, signal: null, internal: e instanceof Error ? e.message : String(e) };
    }
    // The simulation records a failure of the model and goes on: whatever the kernel does, the model is wrong here.
    if (result.internal !== undefined) {
      base.skipped.push({ line: step.line, why: `the model failed on this line: ${result.internal}`, modelFailed: true });
      continue;
    }
    const after = sim.state();
    const changed = sim.changedState(first, sim.eventCount);
    trackRawClones(rawCloned, step, result, after);
    const pl = step.line + 1;
    // a line the model refuses (a /proc name it does not have, a setting it keeps fixed) has no answer to compare:
    // the helper does not run it either, so neither machine changes
    if (result.refused !== undefined && (!('notRun' in enc) || enc.unopened)) {
      base.lines.push({ line: step.line, step, command: null, notRun: { notRun: `the model does not run it: ${result.refused}`, noChange: true }, model: { result, before, after, changed } });
      continue;
    }
    const command = 'notRun' in enc ? null
      : spec.flags & OPF_HOST ? ['host', pl, step.operation.op, ...enc].join(' ')
        : ['cmd', pl, step.task, step.operation.op, ...enc].join(' ');
    base.lines.push({ line: step.line, step, command, notRun: 'notRun' in enc ? enc : null, model: { result, before, after, changed } });
  }
  return { ...base, invalid: [], fileNotChecked: null, headerNote };
}

/** The helper makes clone, clone3 and vfork children with raw system calls (glibc's fork for fork); an exec
 *  starts glibc afresh. */
function trackRawClones(raw: Set<string>, step: Step, result: OpResult, after: KernelState): void {
  const op = step.operation;
  if ((op.op === 'clone' || op.op === 'clone3' || op.op === 'vfork') && result.errno === null && result.signal === null) {
    const child = after.tasks[op.child];
    // a process, or a thread (CLONE_THREAD) glibc's thread list does not have
    if (child) raw.add(op.child);
  }
  if (op.op === 'execve' && step.task && result.errno === null) {
    raw.delete(after.tasks[step.task]?.leader ?? step.task);
    raw.delete(step.task);
  }
}

/** A machine as the header would say it. */
export function machineText(m: Machine): string {
  return `cap_sys_resource=${m.capSysResource ? 'yes' : 'no'} rtc=${m.rtc ? 'yes' : 'no'} clocksource=${m.clocksource}${m.kvmclockUsed !== (m.clocksource === 'kvm-clock') ? ` kvmclock_used=${m.kvmclockUsed ? 'yes' : 'no'}` : ''} vsyscall=${m.vsyscall}${m.erratum1418040 ? ' erratum_1418040=yes' : ''}${m.ia32Emulation ? '' : ' ia32_emulation=no'}${m.pageSize === 4096 ? '' : ` page_size=${MACHINE_KEYS.page_size.word!(m.pageSize)}`}`;
}

/** The helper input for several plans: one sandbox per scenario. */
export function planInput(plans: readonly Plan[]): string {
  const out: string[] = [];
  for (const p of plans) {
    if (p.fileNotChecked || p.invalid.length) continue;
    out.push(`begin ${p.label}`);
    for (const l of p.lines) if (l.command) out.push(l.command);
    out.push('end');
  }
  return out.join('\n') + '\n';
}
