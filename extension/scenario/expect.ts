// Evaluates `expect` checks against a recorded simulation: the state at the current position and the
// result of the operation line above the expectation.

import { timerState, type KernelState, type OpResult, type Simulation } from '../sim/api';
import type { Step } from '../sim/ops';
import type { Timespec } from '../sim/types';
import type { ExpectCheck } from './api';
import { formatDuration, formatHostOffset, subTimespec, timespecEquals } from './values';
import { clockName } from './vocabulary';

export interface CheckOutcome {
  readonly passed: boolean;
  /** What was found, in the words of the expectation. */
  readonly actual: string;
  readonly message: string;
}

export { clockName };

function resultWords(r: OpResult | null): string {
  if (!r) return 'no result';
  if (r.signal) return `signal ${r.signal}`;
  if (r.errno) return `errno ${r.errno}`;
  return `ret ${r.ret}`;
}

/** Where a task stands (a cheap query), or why it cannot be read (from the whole state: only on failure). */
function taskNs(sim: Simulation, task: string): { time_ns: string; time_ns_for_children: string } | string {
  const ns = sim.taskNamespaces(task);
  if (ns) return ns;
  const state: KernelState = sim.state();
  const t = state.tasks[task];
  if (!t) return `${task} does not exist`;
  return `${task} has no nsproxy (${t.state})`;
}

/**
 * Evaluate one check. `lastStep`/`lastResult` are the operation line above the expectation (null if none).
 * Clock checks re-use that line's read when it read the same clock in the same task; otherwise they read
 * the clock by system call in a throw-away fork of the simulation, so the recorded run is not disturbed.
 */
export function evaluateCheck(check: ExpectCheck, sim: Simulation, lastStep: Step | null, lastResult: OpResult | null, line: number): CheckOutcome {
  // Only the forms that look at objects build the state: the result forms run after every line of long scenarios.
  switch (check.form) {
    case 'errno': {
      const got = lastResult?.errno ?? null;
      const want = check.errno;
      // "ok" also needs the call to have returned: a null return without errno or signal means it did not run.
      const returned = !!lastResult && (lastResult.ret !== null || lastStep?.operation.op === 'exit');
      const passed = !!lastResult && got === want && (want !== null || (!lastResult.signal && returned));
      const actual = !lastResult ? 'no result' : lastResult.signal ? `signal ${lastResult.signal}` : got ? got : returned ? 'ok' : 'no return';
      return { passed, actual, message: passed ? `errno is ${got ?? 'none'}` : `expected ${want ?? 'success'}, got ${actual}${lastResult && !got && !lastResult.signal ? ` (ret ${lastResult.ret})` : ''}` };
    }
    case 'ret': {
      const got = lastResult?.ret ?? null;
      const passed = got === check.ret;
      return { passed, actual: got === null ? resultWords(lastResult) : String(got), message: passed ? `ret is ${got}` : `expected ret ${check.ret}, got ${resultWords(lastResult)}` };
    }
    case 'signal': {
      const got = lastResult?.signal ?? null;
      const passed = !!lastResult && got === check.signal;
      return { passed, actual: got ?? 'none', message: passed ? `signal is ${got ?? 'none'}` : `expected signal ${check.signal ?? 'none'}, got ${got ?? 'none'} (${resultWords(lastResult)})` };
    }
    case 'text': {
      const got = lastResult?.text;
      const passed = check.contains ? got !== undefined && got.includes(check.text) : got === check.text;
      return { passed, actual: got === undefined ? 'nothing read' : JSON.stringify(got), message: passed ? 'read the expected text' : `expected ${check.contains ? 'a text containing ' : ''}${JSON.stringify(check.text)}, read ${got === undefined ? `nothing (${resultWords(lastResult)})` : JSON.stringify(got)}` };
    }
    case 'path': {
      // A read stuck in the vDSO's seqcount loop has no clock value; its path is 'vdso-stuck'.
      const got = lastResult?.stuck ? 'vdso-stuck' : lastResult?.clock?.path;
      const passed = got === check.path;
      return { passed, actual: got ?? 'no clock read', message: passed ? `read through ${got}` : `expected the ${check.path} path, got ${got ?? `no clock read (${resultWords(lastResult)})`}` };
    }
    case 'waited': {
      const got = lastResult?.waited;
      const want = { sec: check.sec, nsec: check.nsec };
      const passed = !!got && timespecEquals(got, want);
      return { passed, actual: got ? formatDuration(got) : 'no wait', message: passed ? `waited ${formatDuration(want)}` : `expected a wait of ${formatDuration(want)}, got ${got ? formatDuration(got) : `no wait (${resultWords(lastResult)})`}` };
    }
    case 'retries': {
      // A read stuck on an odd seq retries for ever: its count is the model's bound.
      const got = lastResult?.stuck ? lastResult.stuck.retries : lastResult?.retries ?? (lastResult?.clock?.path.startsWith('vdso') ? 0 : undefined);
      const passed = got === check.retries;
      return { passed, actual: got === undefined ? 'no vDSO read' : String(got), message: passed ? `${got} retries` : `expected ${check.retries} retries, got ${got === undefined ? `no vDSO read (${resultWords(lastResult)})` : got}` };
    }
    case 'res': {
      const got = lastStep?.operation.op === 'clock_getres' ? lastResult?.clock?.value : undefined;
      const want = { sec: check.sec, nsec: check.nsec };
      const passed = !!got && timespecEquals(got, want);
      return { passed, actual: got ? formatDuration(got) : 'no resolution', message: passed ? `resolution ${formatDuration(want)}` : `expected a resolution of ${formatDuration(want)}, got ${got ? formatDuration(got) : `none (${resultWords(lastResult)})`}` };
    }
    case 'timer': {
      const got = lastResult && (lastStep?.operation.op === 'timerfd_settime' || lastStep?.operation.op === 'timer_settime') ? timerState(lastResult) : undefined;
      const passed = got === check.state;
      return { passed, actual: got ?? 'no timer', message: passed ? `the timer is ${got}` : `expected the timer ${check.state}, it is ${got ?? `not set (${resultWords(lastResult)})`}` };
    }
    case 'ns': {
      const where = taskNs(sim, check.task);
      if (typeof where === 'string') return { passed: false, actual: where, message: where };
      const got = where[check.field];
      const passed = (got === check.ns) !== check.negate;
      return { passed, actual: got, message: passed ? `${check.task}.${check.field} is ${got}` : `expected ${check.task}.${check.field} ${check.negate ? '!=' : '=='} ${check.ns}, it is ${got}` };
    }
    case 'frozen': {
      const state = sim.state();
      const ns = state.timeNamespaces[check.ns];
      if (!ns) return { passed: false, actual: `${check.ns} does not exist`, message: `${check.ns} does not exist (namespaces so far: ${Object.keys(state.timeNamespaces).join(', ')})` };
      const passed = ns.frozen_offsets === check.frozen;
      const actual = ns.frozen_offsets ? 'frozen' : 'not frozen';
      return { passed, actual, message: passed ? `${check.ns} is ${actual}` : `expected ${check.ns} ${check.frozen ? 'frozen' : 'not frozen'}, it is ${actual}` };
    }
    case 'offset': {
      const ns = sim.state().timeNamespaces[check.ns];
      if (!ns) return { passed: false, actual: `${check.ns} does not exist`, message: `${check.ns} does not exist` };
      const got = ns.offsets[check.clock];
      const want = { sec: check.sec, nsec: check.nsec };
      const passed = timespecEquals(got, want);
      return { passed, actual: formatDuration(got), message: passed ? `${check.ns} ${check.clock} offset is ${formatDuration(got)}` : `expected ${check.ns} offset ${check.clock} == ${formatDuration(want)}, it is ${formatDuration(got)}` };
    }
    case 'clock': {
      const read = readClockOffset(sim, check.task, check.clock, lastStep, lastResult, line);
      const name = clockName(check.clock);
      if (typeof read === 'string') return { passed: false, actual: read, message: `expected ${check.task} ${name} == ${formatHostOffset(check.offset)}, but ${read}` };
      const passed = timespecEquals(read, check.offset);
      return { passed, actual: formatHostOffset(read), message: passed ? `${check.task} ${name} is ${formatHostOffset(read)}` : `expected ${check.task} ${name} == ${formatHostOffset(check.offset)}, it is ${formatHostOffset(read)}` };
    }
    case 'pte': {
      const state = sim.state();
      const t = state.tasks[check.task];
      const mm = t?.mm ? state.mms[t.mm] : undefined;
      if (!mm) return { passed: false, actual: `${check.task} has no mm`, message: `${check.task} has no mm` };
      const vma = mm.vmas.find((v) => v.name === check.mapping);
      if (!vma) return { passed: false, actual: `no ${check.mapping}`, message: `${check.task}'s mm has no ${check.mapping} (unmapped?)` };
      if (check.page < 0 || check.page >= vma.ptes.length) {
        return { passed: false, actual: `no page ${check.page}`, message: `${check.mapping} has ${vma.ptes.length} pages; page ${check.page} does not exist` };
      }
      const pte = vma.ptes[check.page];
      const got = pte ? pte.page.replace(/^page#/, '') : null;
      const passed = got === check.phys;
      return { passed, actual: got ?? 'none', message: passed ? `${check.task} ${check.mapping}[${check.page}] -> ${got ?? 'none'}` : `expected ${check.task} ${check.mapping}[${check.page}] -> ${check.phys ?? 'none'}, it maps ${got ?? 'nothing (empty PTE)'}` };
    }
  }
}

function readClockOffset(sim: Simulation, task: string, clock: number, lastStep: Step | null, lastResult: OpResult | null, line: number): Timespec | string {
  if (lastStep && lastResult?.clock && lastStep.task === task && lastStep.operation.op === 'clock_gettime' && lastResult.clock.clock === clock) {
    return subTimespec(lastResult.clock.value, lastResult.clock.host);
  }
  let r: OpResult;
  try {
    const probe = sim.forkAtPosition();
    r = probe.exec({ line, task, operation: { op: 'clock_gettime', clock, via: 'syscall' } });
  } catch (e) {
    return `the clock could not be read (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!r.clock) return `the read failed (${resultWords(r)})`;
  return subTimespec(r.clock.value, r.clock.host);
}
