// Verify: runs scenarios on a real kernel (this machine's, or a kernel image under qemu) and compares every
// line with the model run under that kernel's profile. The entry point of the CLI and the editor commands.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { aligned } from './align';
import { buildHelper, VerifyError } from './build';
import { compareRun } from './compare';
import type { Tolerances } from './compareResult';
import type { RunMode } from './operations';
import { machineText, planScenario, profileForKernel, type Plan } from './plan';
import { runQemu, type QemuOptions } from './qemu';
import type { FileReport, KernelInfo, LineVerdict } from './report';
import { checkConfig, runLocal } from './run';
import { machineOf } from '../sim/types';

/** PROC_USER_INIT_INO (include/linux/proc_ns.h): the inode number of the initial user namespace's nsfs file, fixed
 *  since 3.8. A process whose /proc/self/ns/user has it is in the initial user namespace, which no other has. */
const PROC_USER_INIT_INO = 0xEFFFFFFD;
function inInitialUserNs(): boolean {
  try {
    return fs.statSync('/proc/self/ns/user').ino === PROC_USER_INIT_INO;
  } catch {
    return false;
  }
}

export { VerifyError } from './build';
export type { FileReport, LineVerdict, KernelInfo, Diff } from './report';
export { formatText, jsonOf, exitStatus } from './report';

export interface VerifyOptions {
  /** Boot this kernel image under qemu instead of using the running kernel. */
  readonly kernelImage?: string;
  readonly qemu?: Omit<QemuOptions, 'image'>;
  readonly signal?: AbortSignal;
  /** Called after each line the kernel ran: the file and its 0-based line. */
  readonly onProgress?: (file: string, line: number) => void;
  /** Known model disagreements to mark in the report (they still count as disagreements). */
  readonly known?: readonly KnownDisagreement[];
}

export interface KnownDisagreement {
  readonly file: string;       // path relative to the repository, e.g. test/conformance/facts-q4-setns.timens
  readonly line: number;       // 1-based
  readonly field: string;
  /** The model profile it occurs under, e.g. 'x86_64 6.18' or 'arm64 6.1'; any when absent. */
  readonly kernel?: string;
  readonly note: string;
}

export interface ScenarioInput { readonly file: string; readonly text: string }

export const LOCAL_TOLERANCES: Tolerances = { clockSec: 0.5, durationSec: 0.25, capSec: 3 };
export const QEMU_TOLERANCES: Tolerances = { clockSec: 0.5, durationSec: 1.0, capSec: 3 };

function markKnown(r: FileReport, known: readonly KnownDisagreement[] | undefined): FileReport {
  if (!known?.length) return r;
  const lines: LineVerdict[] = r.lines.map((l) => {
    const k = known.find((x) => (r.file === x.file || r.file.endsWith('/' + x.file)) && x.line === l.line + 1
      && (!x.kernel || x.kernel === r.profile) && l.diffs.some((d) => d.field === x.field));
    return k && l.status === 'disagree' ? { ...l, known: k.note } : l;
  });
  return { ...r, lines };
}

export async function verify(inputs: readonly ScenarioInput[], opts: VerifyOptions = {}): Promise<FileReport[]> {
  if (opts.kernelImage) return verifyQemu(inputs, opts);
  if (process.platform !== 'linux') throw new VerifyError('verify runs scenarios on a Linux kernel; this is ' + process.platform);
  const arch = os.machine();
  const release = os.release();
  const known = profileForKernel(arch, release);
  if (!known) throw new VerifyError(`the model knows no profile for Linux ${release} ${arch}`);
  const helper = await buildHelper('native');
  // ia32 tasks (execve(…, compat)) run the helper's ia32 build, if it builds. Whether this kernel runs it is asked
  // before planning (the hello says it too, but later): the lines after an ia32 exec the kernel refuses send other
  // commands, and a plan made for a machine with ia32 emulation compared the whole file against the wrong one.
  const helper32 = arch === 'x86_64' ? await buildHelper('ia32-static').catch(() => null) : null;
  // The machine (CapBnd, RTC, clocksource, kvm-clock used…) is asked first too, from a hello with nothing to run (a
  // few ms): a plan made for the default machine sends other commands where the machine decides a line (an open of
  // max_time_namespaces without CAP_SYS_RESOURCE), and the lines after it were not checkable (fuzz seeds 701100..:
  // 44 lines in 30 scenarios on this 6.18 machine).
  const hello = (await runLocal(helper, [], { signal: opts.signal })).hello;
  const profile = { ...known, machine: { ...hello.machine, ...(helper32 ? { ia32Emulation: runs(helper32) } : {}) } };
  const uid = process.geteuid?.() ?? -1;
  const mode: RunMode = { kind: 'sandbox', uids: uid === 0 ? 'all' : 'root-only', sleepCapMs: LOCAL_TOLERANCES.capSec * 1000, ...(helper32 ? { compat: true } : {}),
    ...(inInitialUserNs() ? { userNsLevel: 1 } : {}) };
  const plans = inputs.map((s, i) => planScenario(s.text, s.file, profile, mode, `f${i}`));
  const byLabel = new Map(plans.map((p) => [p.label, p]));
  const run = await runLocal(helper, plans, {
    helper32,
    signal: opts.signal,
    onLine: (label, n) => opts.onProgress?.(byLabel.get(label)?.file ?? label, n - 1),
  });
  checkConfig(run.hello);
  if (run.hello.release !== release) throw new VerifyError(`the helper reports Linux ${run.hello.release}, not ${release}`);
  const info: KernelInfo = { release, arch, how: `running kernel, sandbox: new user, time and other namespaces${uid === 0 ? '' : ', unprivileged'}; machine ${machineText(machineOf({ ...profile, machine: run.hello.machine }))}` };
  return plans.map((p, i) => markKnown(report(aligned(p, inputs[i].text, run.hosts.get(p.label), run.hello.machine, run.lines.get(p.label)), run.lines.get(p.label), run.failures.get(p.label), info, LOCAL_TOLERANCES), opts.known));
}

/** Whether this kernel executes the helper build at `file` (an ia32 one: ENOEXEC without ia32 emulation). */
function runs(file: string): boolean {
  return spawnSync(file, ['probe'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

function report(plan: Plan, lines: ReturnType<Map<string, Map<number, import('./protocol').KernelLine>>['get']>, failure: string | undefined, info: KernelInfo, tol: Tolerances): FileReport {
  const error = failure ? `the sandbox could not start: ${failure}` : !lines && !plan.fileNotChecked && !plan.invalid.length ? 'the helper did not run this scenario' : null;
  return compareRun({ plan, kernel: lines ?? new Map(), info, tol, error });
}

async function verifyQemu(inputs: readonly ScenarioInput[], opts: VerifyOptions): Promise<FileReport[]> {
  const q = await runQemu({ ...opts.qemu, image: opts.kernelImage! }, (profile, mode) =>
    inputs.map((s, i) => planScenario(s.text, s.file, profile, mode, `f${i}`)), { signal: opts.signal, onLine: opts.onProgress });
  const info: KernelInfo = { ...q.info, how: `${q.info.how}; machine ${machineText(machineOf({ arch: q.plans[0]?.profile.arch ?? 'x86_64', machine: q.run.hello.machine }))}` };
  return q.plans.map((p, i) => markKnown(report(aligned(p, inputs[i].text, q.run.hosts.get(p.label), q.run.hello.machine, q.run.lines.get(p.label)), q.run.lines.get(p.label), q.run.failures.get(p.label), info, QEMU_TOLERANCES), opts.known));
}
