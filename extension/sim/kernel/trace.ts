// The recording layer the kernel model calls: events at the current line, task and kernel stack, kernel functions
// as call/return spans (also when an errno unwinds them), errors, and system calls as enter/exit spans. The
// semantics files say what happens; this file alone says how it is written into the event log.

import type { EventKind, OpResult } from '../api';
import { KIND_CODE as KIND } from '../api';
import type { EventExtra, Recorder } from '../log/recorder';

const K_CALL = KIND.call;
const K_RETURN = KIND.return;

/** An errno decided somewhere down a call path; unwinds to the system-call boundary. */
export class KErr {
  constructor(readonly errno: string) {}
}

/** A line the model does not run, decided somewhere down a call path (a /proc name it does not have): unwinds to the
 *  system-call boundary, which answers with the reason (OpResult.refused) instead of an errno. */
export class KRefused {
  constructor(readonly why: string) {}
}

export class Trace {
  /** The scenario line, task (interned id, -1 for none) and kernel stack node events are recorded at. */
  line = -1;
  curId = -1;
  sp = 0;
  /** Index of the current host time in the log. */
  hostIdx = 0;
  /** The summary tag: this.txt`${id} freed` keeps the template and its values (Texts.summary). */
  readonly txt: Recorder['summary'];

  constructor(readonly r: Recorder) {
    this.txt = r.summary.bind(r);
  }

  /** Events from here on belong to scenario line `line` and `task`. */
  at(line: number, task: string | null): void {
    this.line = line;
    this.curId = task === null ? -1 : this.r.intern(task);
    this.sp = 0;
  }

  ev(kind: EventKind, summary: number, extra?: EventExtra): number {
    return this.r.emit(KIND[kind], this.line, this.curId, this.sp, this.hostIdx, summary, extra);
  }
  /** ev with extra { result: res }. */
  evResult(kind: EventKind, summary: number, res: OpResult): number {
    return this.r.emitResult(KIND[kind], this.line, this.curId, this.sp, this.hostIdx, summary, res);
  }
  state(summary: number, extra?: EventExtra): number {
    return this.ev('state', summary, extra);
  }
  /** An error event, then the errno unwinds. */
  fail(errno: string, why: string): never {
    this.ev('error', this.txt`${errno}: ${why}`, { errno });
    throw new KErr(errno);
  }
  /** The model does not run the line: no errno, the reason instead (syscalls.ts turns it into the line's result). */
  refuse(why: string): never {
    throw new KRefused(why);
  }

  /** Enter kernel function `fn`: push it and record the call (its default summary is `fn()`). */
  call(fn: string, summary?: number): number {
    this.sp = this.r.pushStack(this.sp, fn);
    const sid = summary === undefined ? this.r.callSummaryId(this.sp) : summary;
    return this.r.emit(K_CALL, this.line, this.curId, this.sp, this.hostIdx, sid);
  }
  /** Return from the function on top of the stack, matched with its call event. */
  ret(callIdx: number, summary: number | undefined): void {
    const sid = summary === undefined ? this.r.returnSummaryId(this.sp) : summary;
    const j = this.r.emit(K_RETURN, this.line, this.curId, this.sp, this.hostIdx, sid);
    this.r.setMatch(callIdx, j);
    this.sp = this.r.stackParentOf(this.sp);
  }
  /** Run `body` as kernel function `fn`: call event, body, return event (also when an errno unwinds). */
  fn<T>(fn: string, body: () => T, done?: (v: T) => number, summary?: number): T {
    const i = this.call(fn, summary);
    try {
      const v = body();
      this.ret(i, done ? done(v) : undefined);
      return v;
    } catch (e) {
      if (e instanceof KErr) this.ret(i, this.txt`${fn} returns -${e.errno}`);
      else if (e instanceof KRefused) this.ret(i, this.txt`${fn}: not run`);
      else this.sp = this.r.stackParentOf(this.sp);
      throw e;
    }
  }

  /** A span on a fresh stack: a system call's or vDSO call's entry event at `sym`. */
  enter(kind: 'syscall-enter' | 'vdso-enter' | 'call', sym: string, summary: number): number {
    this.sp = this.r.pushStack(0, sym);
    return this.r.emit(KIND[kind], this.line, this.curId, this.sp, this.hostIdx, summary);
  }
  /** The exit event of the span opened by `enter`, with the result. */
  exit(kind: 'syscall-exit' | 'vdso-exit' | 'return', enterIdx: number, summary: number, res: OpResult): void {
    const x = this.evResult(kind, summary, res);
    this.r.setMatch(enterIdx, x);
    this.sp = 0;
  }
}
