// Pass 2 of the parser (names): the tasks and fds a scenario defines, line by line. It checks each name a
// statement mentions (tasks used before they exist, names taken twice, unknown fds, /proc/NAME paths) and
// makes the statement's step or expectation. Tasks used and never defined are reported at the end.

import { cString, type Step } from '../sim/ops';
import { lookupVerdict, mayBeTaskDir, shownPath, taskPath } from '../sim/kernel/proc/names';
import { CLONE_FLAGS } from '../sim/types';
import type { Expectation, Range } from './api';
import { replaceFixes, type LineParser } from './cursor';
import { checksResult } from './expectGrammar';
import type { Lexeme } from './lexer';
import { REF, type Statement } from './statement';
import { range } from './values';
import { closest } from './vocabulary';

/** The fd names of one files_struct: tasks sharing the table (threads, CLONE_FILES children) share this object;
 *  `names` is shared copy-on-write with the tables forked from it (a long scenario forks many times). */
interface FdNames { names: Set<string>; own: boolean }
/** A task: its line, its table's fd names, exited. */
interface TaskInfo { readonly line: number; files: FdNames; exited: boolean }

/** The names of the task's table, its own to change. */
function ownFds(task: TaskInfo): Set<string> {
  const f = task.files;
  if (!f.own) {
    f.names = new Set(f.names);
    f.own = true;
  }
  return f.names;
}

/** A copy of the table's names for `task` (fork's dup_fd, exec's and unshare's unshare_fd), made on first change. */
function copyOf(files: FdNames): FdNames {
  files.own = false;
  return { names: files.names, own: false };
}

/** Whether a task operation makes a child that shares the caller's table (copy_files with CLONE_FILES: every
 *  thread, glibc's pthread_create passes it). */
function sharesFiles(op: Step['operation']): boolean {
  return op.op === 'pthread_create' || ((op.op === 'clone' || op.op === 'clone3') && (op.flags & CLONE_FLAGS.CLONE_FILES) !== 0);
}

/** Tasks that exist before the first line: the simulator starts with one root process. */
export const INITIAL_TASKS: readonly string[] = ['P1'];

/** Our choice: enough for the typos of a file; a file with more unknown names than this has no typo to fix. */
const SUGGESTED_NAMES = 200;

/** The names defined so far: tasks (with their fds) in order of definition, and uses still unresolved. */
export class Scope {
  /** In order of definition (a Map keeps the order of insertion, and a task is added once). */
  readonly tasks = new Map<string, TaskInfo>();
  /** Task names used before any definition: checked at the end (defined later, or unknown). */
  readonly pendingUses: { name: string; range: Range }[] = [];
  /** The names of pendingUses, for freeName. */
  private readonly usedUnknown = new Set<string>();
  /** Names lines mean to give to tasks but did not (the line does not parse yet). */
  readonly claimed = new Set<string>();
  /** How many more unknown names get a "did you mean" (near): each reads every task or fd name. */
  private suggestions = SUGGESTED_NAMES;

  /** The names near `word` among `names` (a task's fds, the tasks), until the scenario has used up its suggestions:
   *  a file of 16,000 lines of unknown names took 8-14 s to parse, every line reading the growing list. */
  near(word: string, names: Iterable<string>): string[] {
    return this.suggestions-- > 0 ? closest(word, names) : [];
  }

  /** Every task name defined or meant to be: what a new task must not be called. */
  taskNames(): string[] {
    const names = [...this.tasks.keys()];
    for (const n of this.claimed) if (!this.tasks.has(n)) names.push(n);
    return names;
  }

  constructor() {
    for (const t of INITIAL_TASKS) this.addTask(t, -1, null);
  }

  /** `share`: the child uses the parent's table (CLONE_FILES), else a copy of it. */
  addTask(name: string, line: number, parent: TaskInfo | null, share = false): void {
    const files = !parent ? { names: new Set<string>(), own: true } : share ? parent.files : copyOf(parent.files);
    this.tasks.set(name, { line, files, exited: false });
  }

  /** Tasks in order of definition, with the line that defines them (-1 for the initial ones). */
  taskOrder(): { name: string; line: number }[] {
    return [...this.tasks].map(([name, t]) => ({ name, line: t.line }));
  }

  /** A free task name with the same stem as `base` (P2, P3…): not a task, not one a line means to give, and not one
   *  used so far while unknown (a task of that name created here would turn those uses into task-before-definition). */
  freeName(base: string): string {
    // The stem is the name less its trailing digits (by hand: /^(.*?)(\d*)$/ backtracks quadratically on long names).
    let cut = base.length;
    while (cut > 0 && base.charCodeAt(cut - 1) >= 48 && base.charCodeAt(cut - 1) <= 57) cut--;
    const stem = cut > 0 ? base.slice(0, cut) : 'P';
    for (let n = 2; ; n++) {
      const name = stem + n;
      if (!this.tasks.has(name) && !this.claimed.has(name) && !this.usedUnknown.has(name)) return name;
    }
  }

  /** A use of a task name not defined (yet) at that line. */
  useUnknown(name: string, at: Range): void {
    this.pendingUses.push({ name, range: at });
    this.usedUnknown.add(name);
  }
}

/** After pass 2 of a line: a name it meant to give and did not is kept as taken (see Statement.claim). */
export function keepClaim(st: Statement, scope: Scope): void {
  if (st.claim && !scope.tasks.has(st.claim.text)) scope.claimed.add(st.claim.text);
}

/** What pass 2 made of a line: a step, an expectation, or neither. */
export interface Resolved {
  step: Step | null;
  expectation: Expectation | null;
}

/** Pass 2 of one line: p is the line's cursor (for ranges and reports), st its tree from pass 1. */
export function resolveStatement(p: LineParser, st: Statement, scope: Scope, out: Resolved): void {
  out.step = null;
  out.expectation = null;
  const ctx = p.ctx;
  let caller: TaskInfo | null = null;
  let failed = st.failed;
  for (let i = 0; i < st.refCount; i++) {
    const t = st.refToks[i];
    switch (st.refKinds[i]) {
      case REF.caller:
        caller = useTask(p, t, scope);
        if (!caller) failed = true;
        else if (caller.exited) ctx.diag(p.r(t), 'warning', 'task-exited', `${t.text} has exited; the simulator will refuse this line`);
        break;
      case REF.useTask:
        if (!useTask(p, t, scope)) failed = true;
        break;
      case REF.fd:
        if (!checkFd(p, t, caller, scope)) failed = true;
        break;
      case REF.procPath:
        if (!checkProcPath(p, t, scope)) failed = true;
        break;
      case REF.openedPath:
        if (cString(t.value ?? '').startsWith('/proc/') && !checkProcPath(p, t, scope)) failed = true;
        else checkModelled(p, t, scope);
        break;
      case REF.defineTask: {
        const existing = scope.tasks.get(t.text);
        if (existing) {
          const free = scope.freeName(t.text);
          p.soft(p.r(t), 'name-taken', existing.line < 0 ? `${t.text} already exists (it is the initial task)` : `${t.text} is already the task created on line ${existing.line + 1}`,
            [{ title: `Call it ${free}`, range: p.r(t), newText: free }]);
          st.resultOk = false;
          failed = true;
        }
        break;
      }
      case REF.defineFd:
        if (caller && caller.files.names.has(t.text)) {
          p.soft(p.r(t), 'name-taken', `This task already has an fd named ${t.text}; close it first or pick another name`);
          st.resultOk = false;
          failed = true;
        }
        break;
    }
  }
  if (st.missingResult) {
    const spec = st.spec!;
    const free = spec.result === 'task' ? scope.freeName('P1') : 'fd' + nextFdNumber(caller);
    ctx.diag(p.r(st.opTok!), 'error', 'missing-result-name', `Name the ${spec.result === 'task' ? 'new task' : 'fd'}: '${spec.word}(…) = ${free}'`,
      [{ title: `Name it ${free}`, range: p.endRange(), newText: ` = ${free}` }]);
    return;
  }
  if (st.aborted) return;
  switch (st.form) {
    case 'task': {
      const spec = st.spec!;
      const result = st.result;
      if (failed || !st.resultOk || !st.operation) {
        // Still define the name so later lines do not cascade into "unknown task" errors.
        if (result && st.resultOk && spec.result === 'task' && !scope.tasks.has(result.text)) scope.addTask(result.text, p.line, caller);
        if (result && st.resultOk && spec.result === 'fd' && caller) ownFds(caller).add(result.text);
        return;
      }
      const operation = st.operation;
      out.step = pushStep(p, st.caller!.text, operation);
      if (spec.result === 'task' && result) scope.addTask(result.text, p.line, caller, sharesFiles(operation));
      if (spec.result === 'fd' && result && caller) ownFds(caller).add(result.text);
      // exec's unshare_files and unshare(CLONE_FILES): the caller's later opens and closes are its own
      if (caller && (operation.op === 'execve' || (operation.op === 'unshare' && operation.flags & CLONE_FLAGS.CLONE_FILES))) caller.files = copyOf(caller.files);
      if (operation.op === 'close' && caller) ownFds(caller).delete(operation.fd);
      if (operation.op === 'exit' && caller) caller.exited = true;
      return;
    }
    case 'host': {
      const operation = st.operation!;
      if (operation.op === 'spawn' && !st.resultOk) return;
      // a spawn whose only fault is its uid still names its task, so later lines do not cascade into "unknown task"
      if (failed) { if (operation.op === 'spawn' && !scope.tasks.has(operation.child)) scope.addTask(operation.child, p.line, null); return; }
      out.step = pushStep(p, null, operation);
      if (operation.op === 'spawn') scope.addTask(operation.child, p.line, null);
      return;
    }
    case 'expect': {
      const check = st.check;
      if (failed || !check) return;
      if (checksResult(check.form) && ctx.lastOpLine < 0) {
        const exp = st.expectTok!;
        ctx.diag(range(p.line, exp.start, exp.end), 'error', 'expect-without-operation', `'expect ${st.text}' checks the result of the operation above it, and there is none`);
        return;
      }
      out.expectation = { line: p.line, text: st.text, range: st.textRange!, check };
      return;
    }
    default:
      return;
  }
}

function pushStep(p: LineParser, task: string | null, operation: Step['operation']): Step {
  const ctx = p.ctx;
  if (ctx.firstStepLine < 0) ctx.firstStepLine = p.line;
  ctx.lastOpLine = p.line;
  if (task) ctx.lastTask = task;
  return { line: p.line, task, operation };
}

/** Resolve a task used on this line; records unknown ones to report at the end. */
function useTask(p: LineParser, t: Lexeme, scope: Scope): TaskInfo | null {
  const info = scope.tasks.get(t.text);
  if (!info) {
    scope.useUnknown(t.text, p.r(t));
    return null;
  }
  return info;
}

function checkFd(p: LineParser, t: Lexeme, task: TaskInfo | null, scope: Scope): boolean {
  if (!task) return true;
  if (task.files.names.has(t.text)) return true;
  const near = scope.near(t.text, task.files.names);
  p.soft(p.r(t), 'unknown-fd', `This task has no fd named ${t.text}: open one with 'open("…") = ${t.text}'${near.length ? `, or did you mean ${near.join(', ')}?` : ''}`,
    replaceFixes(p.r(t), near, ''));
  return false;
}

/** `/proc/NAME/...` and `/proc/NAME/task/THREAD/...`: NAME must be self, thread-self, a number or a known task, and
 *  THREAD a number or a known task. */
function checkProcPath(p: LineParser, t: Lexeme, scope: Scope): boolean {
  const path = cString(t.value ?? '');
  const slash = path.indexOf('/', 6);
  const who = path.slice(6, slash < 0 ? path.length : slash);
  if (!who) return true;
  // (the common paths, /proc/self/…, are checked without taskPath's regular expressions: the parser meets many)
  const thread = slash >= 0 && path.startsWith('task/', slash + 1) ? taskPath(path)?.thread : undefined;
  const known = (name: string): boolean => scope.tasks.has(name) || /^\d+$/.test(name);
  // an entry of the /proc root (meminfo…) is no misspelt task: checkModelled reports it
  const whoOk = who === 'self' || who === 'thread-self' || known(who) || !mayBeTaskDir(who);
  if (whoOk && (thread === undefined || known(thread))) return true;
  const name = whoOk ? thread! : who;
  const col = t.start + 1 + (whoOk ? `/proc/${who}/task/`.length : '/proc/'.length);
  const rng = t.value === t.text.slice(1, -1) ? range(p.line, col, col + name.length) : p.r(t);
  const near = scope.near(name, scope.tasks.keys());
  p.soft(rng, 'unknown-task', whoOk ? `No task named ${name} exists at this line (in /proc/PID/task/ use a thread's task name or tid)` : `No task named ${name} exists at this line (in /proc paths use self, thread-self or a task name)`,
    rng === p.r(t) ? undefined : replaceFixes(rng, near, ''));
  return false;
}

/** A path the line opens that the model has no file for (sim/kernel/proc/names.ts): a warning at the path, since
 *  the run refuses the line. Names no kernel has are left alone: the run answers the kernel's ENOENT or ENOTDIR. */
function checkModelled(p: LineParser, t: Lexeme, scope: Scope): void {
  const path = cString(t.value ?? '');
  const v = lookupVerdict(path, (who) => scope.tasks.has(who));
  if (v.answer === 'refuse') p.ctx.diag(p.r(t), 'warning', 'not-modelled', `${shownPath(path)}: ${v.why}. The run refuses this line.`);
}

function nextFdNumber(task: TaskInfo | null): number {
  let n = 1;
  while (task && task.files.names.has('fd' + n)) n++;
  return n;
}

/** The tasks created above `line` (and the initial ones), in order of creation. */
function* tasksBefore(scope: Scope, line: number): Iterable<string> {
  for (const [name, task] of scope.tasks) if (task.line < line) yield name;
}

/** End of the scenario: tasks used but never defined before their use. */
export function reportPendingUses(p: LineParser, scope: Scope): void {
  for (const u of scope.pendingUses) {
    const later = scope.tasks.get(u.name);
    if (later) {
      p.ctx.diag(u.range, 'error', 'task-before-definition', `Task ${u.name} is used before line ${later.line + 1}, where it is created`);
    } else {
      // Only tasks that exist at the use: naming one created further down would trade this error for
      // task-before-definition (its quick fix would introduce an error).
      const near = scope.near(u.name, tasksBefore(scope, u.range.line));
      p.ctx.diag(u.range, 'error', 'unknown-task',
        `Unknown task ${u.name}: tasks are P1 and those created with '= NAME' (fork, vfork, clone, clone3, pthread_create) or 'spawn NAME'${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`,
        replaceFixes(u.range, near, ''));
    }
  }
}
