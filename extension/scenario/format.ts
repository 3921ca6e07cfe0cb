// strace-like text for a scenario line and its result, and the JSON record of one line, shared by the
// CLI and anything else that prints runs.

import type { OpResult, SimEvent, Simulation } from '../sim/api';
import { CARRIED_WHEN, orCarried } from '../sim/offset64';
import type { Timespec } from '../sim/types';
import type { ExpectOutcome, LineOutcome, ScenarioRun } from './api';
import type { Lexeme } from './lexer';
import { formatHostOffset, formatTimespec, subTimespec } from './values';
import { clockName, ERRNO_TEXT } from './vocabulary';

/** The source text of a step's call, without task prefix, comment or `= NAME`. */
export function callText(run: ScenarioRun, line: number): string {
  const toks = run.parsed.tokens[line] ?? [];
  return callTextOf(toks.length, (i) => toks[i].text, (i) => toks[i].range.col, (i) => toks[i].kind === 'comment');
}

/** callText from a line's lexemes (the streaming run has no token rows). */
export function callTextOfLexemes(toks: readonly Lexeme[], count: number): string {
  return callTextOf(count, (i) => toks[i].text, (i) => toks[i].start, (i) => toks[i].t === 'comment');
}

/** The call part of a line's tokens, rebuilt with the line's spacing (white space between tokens becomes spaces). */
function callTextOf(count: number, text: (i: number) => string, col: (i: number) => number, isComment: (i: number) => boolean): string {
  let n = count;
  if (n && isComment(n - 1)) n--;
  if (!n) return '';
  const from = n > 1 && text(1) === ':' ? 2 : 0;
  let to = n;
  // Drop a trailing "= NAME" (fork-like and open).
  if (to - from >= 2 && text(to - 2) === '=' && to >= 3 && text(to - 3) === ')') to -= 2;
  const start = col(from);
  let s = '';
  for (let i = from; i < to; i++) {
    s = s.padEnd(col(i) - start, ' ');
    s += text(i);
  }
  return s;
}

export function escapeText(s: string): string {
  return JSON.stringify(s);
}

/**
 * A signal an operation delivered, in one wording for the CLI, inline results, hovers and trees: strace's
 * "signal delivered" line, `--- SIGBUS ---`. The model's tasks catch it and go on (as the facts' probes did,
 * with a handler), so strace's `+++ killed by SIGBUS +++` would say something that did not happen.
 */
export function signalText(signal: string): string {
  // SIGKILL cannot be caught: the task died, as strace says it.
  return signal === 'SIGKILL' ? '+++ killed by SIGKILL +++' : `--- ${signal} ---`;
}

/** `= 0`, `= -1 EACCES (Permission denied)`, `= ? --- SIGBUS ---` (a signal delivered: see signalText), clock values and text read. */
export function formatResult(r: OpResult, run: { readonly sim: Simulation }, outcome?: LineOutcome): string {
  if (r.signal && r.ret === null) return `= ? ${r.errno ? `(-${r.errno} in the kernel) ` : ''}${signalText(r.signal)}`;
  let s: string;
  if (r.errno) s = `= -1 ${r.errno} (${ERRNO_TEXT[r.errno] ?? r.errno})`;
  // A fork-like call returns the child's pid; the state is built only when it did not return.
  else if (r.child) s = `= ${r.ret ?? run.sim.state().tasks[r.child]?.pid ?? '?'} (${r.child})`;
  else if (r.refused) s = `= ? (not run: ${r.refused})`;
  else s = `= ${r.ret ?? '?'}`;
  if (r.clock) {
    const offset = subTimespec(r.clock.value, r.clock.host);
    s += ` {${formatTimespec(r.clock.value)}, ${clockName(r.clock.clock)} ${formatHostOffset(offset)}, ${r.clock.path}}`;
    const { carried } = r.clock;
    if (carried) s += ` (${orCarried(`{${formatTimespec(carried)}, ${clockName(r.clock.clock)} ${formatHostOffset(subTimespec(carried, r.clock.host))}}`)})`;
  }
  if (r.text !== undefined) s += ` ${escapeText(r.text)}`;
  if (r.waited) s += ` (waited ${formatTimespec(r.waited)}s${r.timer ? `, ${r.timer}` : ''})`;
  if (r.stuck) s += ` (stuck in the vDSO: seq ${r.stuck.seq} of ${r.stuck.page} never becomes even; stopped after ${r.stuck.retries} retries)`;
  if (r.signal) s += ` ${signalText(r.signal)}`;
  if (outcome && outcome.time_ns) s += `  [time ${outcome.time_ns}, tfc ${outcome.time_ns_for_children}]`;
  return s;
}

export function formatStepLine(run: ScenarioRun, outcome: LineOutcome): string {
  return formatStepLineOf(run, outcome, callText(run, outcome.line));
}

/** The CLI's line for an operation: `TASK: call = result`. */
export function formatStepLineOf(run: { readonly sim: Simulation }, outcome: LineOutcome, call: string): string {
  const prefix = outcome.step.task ? `${outcome.step.task}: ` : '';
  return `${prefix}${call} ${formatResult(outcome.result, run, outcome)}`;
}

/** A read's value and its offset from the host's clock, as a JSON line gives them. */
interface JsonReading {
  readonly value: Timespec;
  readonly offset: Timespec;
  readonly offset_text: string;
}

/** A clock read of a JSON line; `carried`: the vDSO's second answer (OpResult clock.carried) and when it is given. */
interface JsonClock extends JsonReading {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly carried?: JsonReading & { readonly when: string };
}

export interface JsonLine {
  readonly file: string;
  readonly line: number;                   // 1-based
  readonly kind: 'operation' | 'expect';
  readonly task: string | null;
  readonly op?: string;
  readonly call?: string;
  readonly ret?: number | null;
  readonly errno?: string | null;
  readonly signal?: string | null;
  readonly child?: string;
  readonly time_ns?: string | null;
  readonly time_ns_for_children?: string | null;
  readonly clock?: JsonClock;
  readonly content?: string;
  /** A vDSO read stuck on an odd seq (OpResult stuck). */
  readonly stuck?: OpResult['stuck'];
  readonly waited?: { sec: number; nsec: number };
  readonly timer?: 'disarmed';
  /** The model did not run the line: an operation the design leaves undefined, or one not modelled. */
  readonly refused?: string;
  readonly expect?: string;
  readonly passed?: boolean;
  readonly actual?: string;
  readonly message?: string;
  readonly events?: readonly SimEvent[];
}

export function jsonOfOutcome(run: ScenarioRun, o: LineOutcome, events?: readonly SimEvent[]): JsonLine {
  return jsonOfOutcomeOf(run.parsed.file, o, callText(run, o.line), events);
}

export function jsonOfOutcomeOf(file: string, o: LineOutcome, call: string, events?: readonly SimEvent[]): JsonLine {
  const r = o.result;
  const reading = (value: Timespec): JsonReading => {
    const offset = subTimespec(value, r.clock!.host);
    return { value, offset, offset_text: formatHostOffset(offset) };
  };
  const clock: JsonClock | undefined = r.clock && {
    id: r.clock.clock, name: clockName(r.clock.clock), path: r.clock.path, ...reading(r.clock.value),
    ...(r.clock.carried ? { carried: { ...reading(r.clock.carried), when: CARRIED_WHEN } } : {}),
  };
  return {
    file, line: o.line + 1, kind: 'operation', task: o.step.task, op: o.step.operation.op, call,
    ret: r.ret, errno: r.errno, signal: r.signal, time_ns: o.time_ns, time_ns_for_children: o.time_ns_for_children,
    ...(r.child ? { child: r.child } : {}),
    ...(clock ? { clock } : {}),
    ...(r.text !== undefined ? { content: r.text } : {}),
    ...(r.stuck ? { stuck: r.stuck } : {}),
    ...(r.refused ? { refused: r.refused } : {}),
    ...(r.waited ? { waited: r.waited } : {}),
    ...(r.timer ? { timer: r.timer } : {}),
    ...(events ? { events } : {}),
  };
}

export function jsonOfExpectation(run: ScenarioRun, e: ExpectOutcome, events?: readonly SimEvent[]): JsonLine {
  return jsonOfExpectationOf(run.parsed.file, e, events);
}

export function jsonOfExpectationOf(file: string, e: ExpectOutcome, events?: readonly SimEvent[]): JsonLine {
  return {
    file, line: e.expectation.line + 1, kind: 'expect', task: 'task' in e.expectation.check ? e.expectation.check.task : null,
    expect: e.expectation.text, passed: e.passed, actual: e.actual, message: e.message,
    ...(events ? { events } : {}),
  };
}
