// Verification of one scenario: walks the plan line by line, merges what the kernel said about each line,
// and decides agree, disagree or not checkable. The scenario's own `expect` lines play no part: the model is
// compared with the kernel, never with what the author expected.

import type { KernelState, TaskState } from '../sim/api';
import type { FileRef } from '../sim/ops';
import { switchesFor } from '../sim/profile';
import { OPERATIONS, taskOfProcPath } from './operations';
import { taskPath } from '../sim/kernel/proc/names';
import { compareResult, kernelOutcome, mappingsApart, type Tolerances } from './compareResult';
import { compareState, newTracker, type StateTracker } from './compareState';
import type { Plan, PlannedLine } from './plan';
import { deathOf, type Death, type KernelLine } from './protocol';
import { countOf, type Diff, type FileReport, type KernelInfo, type LineVerdict } from './report';

export interface CompareInput {
  readonly plan: Plan;
  readonly kernel: ReadonlyMap<number, KernelLine>;
  readonly info: KernelInfo;
  readonly tol: Tolerances;
  /** Set when the sandbox or the helper failed: the whole file could not run. */
  readonly error?: string | null;
}

const ok = (pl: PlannedLine) => pl.model.result.errno === null && pl.model.result.signal === null;

/** The state differences of a line whose task the model kills with its thread group, less the group's other
 *  threads seen still running: the group exit ends them asynchronously (the model reaps at once), so one seen
 *  right after the line is not a difference yet, and is forgotten so that the next line reports it if it stays. */
function stillExiting(tr: StateTracker, pl: PlannedLine, stateDiffs: readonly Diff[]): Diff[] {
  const leader = pl.step.task ? pl.model.before.tasks[pl.step.task]?.leader : undefined;
  return stateDiffs.filter((d) => {
    const id = / state$/.test(d.field) ? d.field.slice(0, -6) : '';
    const was = pl.model.before.tasks[id];
    const gone = d.kernel === 'running' && d.model === 'exited' && !!was && was.state !== 'exited' && was.leader === leader;
    if (gone) tr.last.delete(`${id}:state`);
    return !gone;
  });
}

const UNKNOWN_DEATH: Readonly<Record<Extract<Death, { kind: 'unknown' }>['why'], string>> = {
  reaped: 'its /proc entry was gone (reaped) before the supervisor read its exit code',
  reused: 'its pid was already another process\'s when the supervisor read its exit code',
  running: 'its thread-group leader had not become a zombie 2 s after the supervisor learnt of the death',
  unreadable: 'its /proc/PID/stat could not be read',
  malformed: 'the helper\'s death field was none of its forms',
};

const deathText = (d: Death): string =>
  d.kind === 'signal' ? `killed (${d.signal})` : d.kind === 'exit' ? `exited (status ${d.status})` : 'died (how cannot be told)';

/** The model's fatal signal against how the kernel's process ended (the zombie's exit code, helper/super.c death_of):
 *  a difference, or why it cannot be told. `death` null: the helper saw the process live on. */
function compareDeath(signal: string, death: Death | null): { diff: Diff | null; unchecked: string | null } {
  const model = `killed (${signal})`;
  if (!death) return { diff: { field: 'death', kernel: 'lived on', model }, unchecked: null };
  if (death.kind === 'unknown') return { diff: null, unchecked: `which signal ended the process cannot be told: ${UNKNOWN_DEATH[death.why]}` };
  const kernel = deathText(death);
  return { diff: kernel === model ? null : { field: 'death', kernel, model }, unchecked: null };
}

/** A read of uid_map or gid_map of user#0: by path, of a task in user#0; through an fd, of the user namespace the
 *  file was opened on (proc_id_map_open keeps it in seq->private), whatever its task has joined since (fuzz seeds
 *  700048, 700174 on 6.18: an fd opened before unshare(CLONE_NEWUSER) showed the sandbox's "0 X 65536"). */
function idMapOfRoot(file: FileRef, reader: TaskState | undefined, before: KernelState): boolean {
  const fd = 'path' in file ? undefined : reader?.fds[file.fd];
  const path = 'path' in file ? file.path : fd?.path;
  const rest = path ? taskPath(path)?.rest : undefined;
  if (rest !== 'uid_map' && rest !== 'gid_map') return false;
  if (fd?.user) return fd.user === 'user#0';
  const who = taskOfProcPath(path!, reader?.id ?? null, before.tasks);
  return (who ? before.tasks[who] : undefined)?.userNs === 'user#0';
}

/** Fields the sandbox cannot check: in it ns#0 and user#0 are new namespaces, not the initial ones. */
function sandboxUnchecked(pl: PlannedLine, before: KernelState): (field: string) => string | null {
  if (pl.step.task === null) return () => null;
  const t = before.tasks[pl.step.task];
  const np = t ? before.nsproxies[t.nsproxy] : undefined;
  const inRoot = np?.time_ns === 'ns#0';
  const op = pl.step.operation;
  return (field) => {
    if (op.op === 'touch' && op.mapping === '[vvar]' && inRoot && field === 'outcome') {
      return 'in the sandbox ns#0 is a new time namespace, so [vvar] faults as in a namespace, not as in the initial one';
    }
    if (field === 'path' && inRoot) return 'in the sandbox ns#0 is a new time namespace: its tasks read the vDSO through a namespace page';
    if (op.op === 'read' && field === 'text' && idMapOfRoot(op.file, t, before)) {
      return 'in the sandbox user#0 is a new user namespace: its uid_map and gid_map are the sandbox\'s, not the identity map of the initial one';
    }
    if ((op.op === 'clock_nanosleep' || op.op === 'timerfd_settime') && (op.clock === 8 || op.clock === 9) && field === 'outcome') {
      return 'alarm clocks need CAP_WAKE_ALARM in the initial user namespace, which the sandbox is not';
    }
    return null;
  };
}

/** An lseek from the current position of an fd of a file whose text holds the host's numbers (/proc/uptime,
 *  /proc/stat, /proc/PID/stat, /proc/PID/maps with the program's own mappings): a read moved the position by as many
 *  bytes as each side's text had, and the widths of those numbers are the machine's (fuzz seed 510013 on x86_64
 *  7.3.4: 4109 against the model's 4110 after a read of /proc/uptime). The model's position says whether an earlier
 *  line moved it at all. */
function positionUnchecked(pl: PlannedLine, before: KernelState): string | null {
  const op = pl.step.operation;
  if (op.op !== 'lseek' || op.whence !== 'SEEK_CUR' || pl.step.task === null) return null;
  const fd = before.tasks[pl.step.task]?.fds[op.fd];
  const rest = taskPath(fd?.path ?? '')?.rest;
  if (!fd?.pos || (fd.path !== '/proc/uptime' && fd.path !== '/proc/stat' && rest !== 'stat' && rest !== 'maps')) return null;
  return `the position in ${fd.path} may count the bytes of a read, whose text has the host's numbers (their widths are the machine's, not the model's)`;
}

/**
 * A touch beyond its mapping's end once the special mappings are no longer side by side (one was moved or
 * unmapped): what lies there is wherever the kernel put the move's destination and the helper's own mappings
 * (its libraries, stacks, the reservation of an MREMAP_FIXED), which the model does not lay out.
 */
function layoutUnchecked(pl: PlannedLine, before: KernelState, pageSize: number): string | null {
  const op = pl.step.operation;
  if (pl.step.task === null) return null;
  const mmId = before.tasks[pl.step.task]?.mm;
  const mm = mmId ? before.mms[mmId] : undefined;
  const vmas = mm ? mm.vmas : [];
  const apart = !!mm && mappingsApart(mm, pageSize);
  if (op.op === 'touch') {
    const own = vmas.find((v) => v.name === op.mapping);
    if (own && op.page < own.pages) return null;
    return !own || apart ? `page ${op.page} is beyond ${op.mapping} after the special mappings were moved or unmapped: what lies there depends on where the kernel placed the helper's own mappings` : null;
  }
  // The vDSO reads its data (and the pvclock page) at fixed distances from its text: once a special mapping was
  // moved or unmapped, what those addresses hold depends on where the kernel placed the moved mappings (a
  // MREMAP_MAYMOVE destination, the helper's reservation for MREMAP_FIXED) and the helper's own mappings.
  const viaVdso = (op.op === 'clock_gettime' || op.op === 'gettimeofday' || op.op === 'time' || op.op === 'clock_getres') && op.via === 'vdso';
  return viaVdso && apart ? 'a vDSO read after the special mappings were moved or unmapped: what lies at the addresses the vDSO reads depends on where the kernel placed the moved mappings and the helper\'s own' : null;
}

export function compareRun(input: CompareInput): FileReport {
  const { plan, info, tol } = input;
  const base = { file: plan.file, kernel: info, profile: `${plan.profile.arch} ${plan.profile.kernel}`, note: plan.headerNote };
  if (plan.invalid.length) {
    const d = plan.invalid[0];
    return { ...base, agree: 0, disagree: 0, unchecked: 0, lines: [], fileNotChecked: null,
      error: `the scenario does not parse: ${plan.file}:${d.range.line + 1}:${d.range.col + 1}: ${d.message}` };
  }
  if (plan.fileNotChecked) return { ...base, agree: 0, disagree: 0, unchecked: 0, lines: [], fileNotChecked: plan.fileNotChecked, error: null };
  if (input.error) return { ...base, agree: 0, disagree: 0, unchecked: 0, lines: [], fileNotChecked: null, error: input.error };
  const tr = newTracker();
  const tidNames = new Map<number, string>();
  const sw = switchesFor(plan.profile).values;
  const scan = { saturate: sw.scanSaturates };
  const lines: LineVerdict[] = [];
  const src = (l: number) => plan.source[l] ?? '';
  let taint: number | null = null;
  let turned: number | null = null;
  for (const s of plan.skipped) {
    lines.push(s.modelFailed
      ? { line: s.line, source: src(s.line), status: 'disagree', diffs: [{ field: 'model', kernel: 'not run', model: s.why }], model: s.why, kernel: 'not run' }
      : { line: s.line, source: src(s.line), status: 'unchecked', reason: s.why, diffs: [], model: '', kernel: '' });
  }
  for (const pl of plan.lines) {
    const v = (status: LineVerdict['status'], rest: Partial<LineVerdict>): LineVerdict =>
      ({ line: pl.line, source: src(pl.line), status, diffs: [], model: '', kernel: '', ...rest });
    if (plan.otherFrom && pl.line >= plan.otherFrom.line) { lines.push(v('unchecked', { reason: plan.otherFrom.why })); continue; }
    if (taint !== null) { lines.push(v('unchecked', { reason: `follows line ${taint + 1}, which the kernel did not run the way the model did` })); continue; }
    if (pl.notRun) {
      lines.push(v('unchecked', { reason: pl.notRun.notRun }));
      if (!pl.notRun.timeOnly && !pl.notRun.noChange && (ok(pl) || pl.notRun.changes) && pl.model.changed) taint = pl.line;
      continue;
    }
    const k = input.kernel.get(pl.line + 1);
    if (k && !k.res && pl.step.task && !pl.model.before.tasks[pl.step.task] && k.errors.some((e) => e.startsWith('unknown task'))) {
      // a task whose creation failed on both sides: neither machine has it
      lines.push(v('agree', { model: pl.model.result.errno ?? 'ok', kernel: 'no such task' }));
      continue;
    }
    if (!k || !k.res) {
      lines.push(v('unchecked', { reason: k?.errors.length ? `the helper refused it: ${k.errors.join('; ')}` : 'the helper gave no answer for this line' }));
      if (ok(pl)) taint = pl.line;
      continue;
    }
    for (const t of k.tasks.values()) if (t.st === 'live') tidNames.set(t.tid, t.task);
    const f = k.res.f;
    const mt = pl.step.task ? pl.model.before.tasks[pl.step.task] : undefined;
    const stateDiffs: Diff[] = compareState(tr, pl.model.after, k);
    // 'died': alive to the helper when it sent the line, no answer. The helper learns of a death from the channel's
    // end or its thread group in /proc (helper/super.c group_dead), so a task whose death in an earlier line (its
    // state compared there) was not complete yet when the line was sent can still look alive.
    const fskip = f.skip === 'died' && mt?.state === 'exited' ? 'gone' : f.skip;
    if (fskip) {
      const modelDidNotRun = mt?.state === 'vfork-parent-waiting' ? 'blocked' : mt?.state === 'exited' ? 'gone' : null;
      if (fskip === 'died') {
        // alive when the helper sent the line, gone before it answered: agree when the model kills it in the line,
        // with the signal that ended the kernel's process
        const ma = pl.step.task ? pl.model.after.tasks[pl.step.task] : undefined;
        const signal = mt?.state !== 'exited' && ma?.state === 'exited' ? pl.model.result.signal : null;
        const death = deathOf(f);
        const kernel = death && death.kind !== 'unknown' ? `died before answering: ${deathText(death)}` : 'died before answering';
        if (!signal) {
          const diffs = [{ field: 'outcome', kernel, model: pl.model.result.errno ?? 'ran' }, ...stateDiffs];
          lines.push(v('disagree', { diffs, model: 'ran', kernel }));
          continue;
        }
        // a helper without a death field (older than the field) says nothing about the signal
        const dc = death ? compareDeath(signal, death) : { diff: null, unchecked: 'the helper did not say how the process ended' };
        const diffs = [...(dc.diff ? [dc.diff] : []), ...stillExiting(tr, pl, stateDiffs)];
        const status = diffs.length ? 'disagree' : dc.unchecked ? 'unchecked' : 'agree';
        lines.push(v(status, { diffs, model: `killed (${signal})`, kernel, ...(dc.unchecked ? { reason: dc.unchecked } : {}) }));
        continue;
      }
      if (fskip === 'target-gone') { lines.push(v('unchecked', { reason: 'it names a task that has exited but whose /proc entry is still there (not reaped yet, or its pid already another process\'s)', diffs: stateDiffs })); continue; }
      const kWhy = fskip === 'blocked' ? 'the task is suspended in vfork' : 'the task has exited';
      const agree = modelDidNotRun === fskip;
      const diffs = agree ? stateDiffs : [{ field: 'outcome', kernel: `did not run (${kWhy})`, model: modelDidNotRun ? `did not run (${modelDidNotRun})` : pl.model.result.errno ?? 'ran' }, ...stateDiffs];
      lines.push(v(diffs.length ? 'disagree' : 'agree', { diffs, model: modelDidNotRun ? 'did not run' : 'ran', kernel: `did not run (${kWhy})` }));
      continue;
    }
    if (f.refused) {
      lines.push(v('unchecked', { reason: `the helper did not run it (${f.refused === 'range' ? 'the range reaches beyond the special mappings, into the helper\'s own memory' : f.refused})` }));
      if (ok(pl) && pl.model.changed) taint = pl.line;
      continue;
    }
    if (f.timeout) {
      lines.push(v('disagree', { diffs: [{ field: 'outcome', kernel: 'no answer within the time limit', model: pl.model.result.errno ?? 'ok' }, ...stateDiffs] }));
      continue;
    }
    // A set*id the model ends with another thread's SIGSEGV on its way back from glibc's SIGSETXID handler (sim
    // setid.ts libcSetxid). That thread wakes the caller before it returns (glibc nptl/nptl_setxid.c: the handler's
    // last decrement of cntr is followed by a futex_wake), so whether the caller's own call returns and answers
    // before the group dies is the scheduler's (under qemu's one CPU, whether the wake preempts the handler). The
    // answer says which came first: the caller's own call, with the model's (killGroup keeps its errno), then the
    // group's death, as for a line the task died in (without an answer, above).
    // The supervisor waits until no thread is in that handler (helper/super.c setxid_settle) and gives how the process
    // ended, or no death field when it lives on: then its threads seen running are differences here.
    if (pl.model.result.signal === 'SIGSEGV' && /^set(res)?[ug]id$/.test(pl.step.operation.op)) {
      const mo = pl.model.result.errno ?? 'ok', ko = kernelOutcome(f);
      const death = deathOf(f);
      const dc = compareDeath('SIGSEGV', death);
      const diffs = [...(mo === ko ? [] : [{ field: 'outcome', kernel: ko, model: mo }]), ...(dc.diff ? [dc.diff] : []),
        ...(death ? stillExiting(tr, pl, stateDiffs) : stateDiffs)];
      const status = diffs.length ? 'disagree' : dc.unchecked ? 'unchecked' : 'agree';
      lines.push(v(status, { diffs, model: `${mo}, then killed (SIGSEGV)`, kernel: `${ko}, then ${death ? (death.kind === 'unknown' ? 'the process died' : deathText(death)) : 'lived on'}`,
        ...(dc.unchecked ? { reason: dc.unchecked } : {}) }));
      continue;
    }
    const sandbox = plan.mode.kind === 'sandbox' ? sandboxUnchecked(pl, pl.model.before) : () => null;
    const layout = layoutUnchecked(pl, pl.model.before, sw.pageSize);
    const position = positionUnchecked(pl, pl.model.before);
    const skip = (field: string) => (field === 'outcome' && (layout ?? position) ? (layout ?? position) : sandbox(field));
    const rc = compareResult(pl, k, { nsMap: tr.ns, userMap: tr.user, after: pl.model.after, k, tidNames, scan, pageSize: sw.pageSize }, tol, skip);
    // a set*id's process that died after its answer where the model's lives on (the settled death, above)
    const death = deathOf(f);
    let diffs = [...rc.diffs, ...(death ? [{ field: 'death', kernel: death.kind === 'unknown' ? 'died' : deathText(death), model: 'lived on' }] : []), ...stateDiffs];
    // After a line where one side succeeded and the other failed, the two machines hold different states:
    // later disagreements may only follow from that one, and say so.
    if (diffs.length && turned !== null) {
      const after = `may follow from line ${turned + 1}, where the kernel and the model already took different turns`;
      diffs = diffs.map((d) => ({ ...d, why: d.why ? `${d.why}; ${after}` : after }));
    }
    const outcome = rc.diffs.find((d) => d.field === 'outcome');
    if (outcome && turned === null && !OPERATIONS[pl.step.operation.op].readOnly && (outcome.kernel === 'ok') !== (outcome.model === 'ok')) turned = pl.line;
    if (rc.diverged) {
      lines.push(v('unchecked', { reason: rc.unchecked ?? '', model: rc.model, kernel: rc.kernel }));
      taint = pl.line;
      continue;
    }
    if (rc.unchecked && !stateDiffs.length) { lines.push(v('unchecked', { reason: rc.unchecked, model: rc.model, kernel: rc.kernel })); continue; }
    lines.push(v(diffs.length ? 'disagree' : 'agree', { diffs, model: rc.model, kernel: rc.kernel, ...(rc.unchecked ? { reason: rc.unchecked } : {}) }));
  }
  lines.sort((a, b) => a.line - b.line);
  return { ...base, ...countOf(lines), lines, fileNotChecked: null, error: null };
}
