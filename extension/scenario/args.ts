// Pass 1 (syntax) for values: a call's arguments split at commas, bound to the operation's parameters and
// read as flags, clocks, strings, durations, deadlines, mappings; the operation they make. Names in them (fds,
// tasks in pidfd() and /proc paths) are only listed on the statement for pass 2.

import { CLOCKS, DESIGN_CLOCKS, SIGNALS, type Timespec } from '../sim/types';
import type { CpuClockOf } from '../sim/cpuclock';
import { cString, DEVICE_SOURCES, EXEC_ABIS, NS_IOCTLS, SEEK, SETNS_RACES, type DeviceSource, type ExecAbi, type FileRef, type MappingName, type NsIoctl, type NsTarget, type Operation, type SetnsRace, type TimeExpr, type Whence } from '../sim/ops';
import type { Range } from './api';
import { LineError, LineParser, own, replaceFixes } from './cursor';
import { cStringBytes, type Lexeme } from './lexer';
import { REF } from './statement';
import { K } from './tokens';
import { negate, parseDuration, parseInteger, range } from './values';
import { buildClockOperation, clockArg } from './vocabularyClock';
import { timerFlagFields, VDSO_RACES, type CallVia, type VdsoRace } from '../sim/opsClock';
import {
  CLOCK_NAMES, FLAG_TABLES, MAPPING_NAMES, SIGNAL_NAMES, closest, type ArgKind, type ArgSpec, type OperationSpec,
} from './vocabulary';

/** One argument of a call: its value is the line's lexemes toks[first..last). Recycled from line to line. */
class Arg {
  name: Lexeme | null = null;
  first = 0;
  last = 0;
  line = 0;
  from = 0;
  to = 0;
  /** Only built for diagnostics. */
  get range(): Range {
    return range(this.line, this.from, this.to);
  }
}

type Value = number | string | boolean | Timespec | TimeExpr | FileRef | NsTarget | CpuClockOf | null;

/** The converted arguments of one call, by parameter name (an array under the hood: this runs per line). */
export class ArgValues {
  readonly values: (Value | undefined)[] = [];
  readonly given: boolean[] = [];
  count = 0;
  spec: OperationSpec | null = null;
  /** Start on a call of `spec` (one object per parse, recycled: a line's values are read before the next line). */
  reset(spec: OperationSpec): this {
    this.spec = spec;
    this.count = 0;
    for (let i = 0; i < spec.args.length; i++) { this.values[i] = undefined; this.given[i] = false; }
    return this;
  }

  private index(name: string): number {
    const a = this.spec!.args;
    for (let i = 0; i < a.length; i++) if (a[i].name === name) return i;
    return -1;
  }
  has(name: string): boolean { const i = this.index(name); return i >= 0 && this.values[i] !== undefined; }
  get(name: string): Value | undefined { const i = this.index(name); return i >= 0 ? this.values[i] : undefined; }
}

/** Recycled per parse: the current call's arguments, their values, and a parser for one argument read whole. */
export class ArgScratch {
  readonly args: Arg[] = [];
  readonly values = new ArgValues();
  sub: LineParser | null = null;
}

/** Splits the call's arguments at top-level commas into scratch.args; returns how many there are. */
export function readArgs(p: LineParser, open: Lexeme, scratch: ArgScratch): number {
  let argc = 0;
  let depth = 0;
  let first = p.pos;
  let argStart = open.end;
  for (;;) {
    const t = p.next();
    if (!t) {
      p.error(range(p.line, open.start, p.toks[p.end - 1].end), 'syntax', "This '(' is never closed",
        [{ title: "Add ')'", range: p.endRange(), newText: ')' }]);
    }
    if (t.t !== 'punct') continue;
    if (t.text === '(') depth++;
    if (t.text === ')' && depth-- === 0) {
      if (p.pos - 1 > first || argc) makeArg(p, scratch, argc++, first, p.pos - 1, argStart, t.start);
      return argc;
    }
    if (t.text === ',' && depth === 0) {
      makeArg(p, scratch, argc++, first, p.pos - 1, argStart, t.start);
      first = p.pos;
      argStart = t.end;
    }
  }
}

function makeArg(p: LineParser, scratch: ArgScratch, at: number, first: number, last: number, from: number, to: number): void {
  if (first === last) p.error(range(p.line, from, to), 'syntax', 'Empty argument');
  const toks = p.toks;
  let name: Lexeme | null = null;
  if (last - first >= 3 && toks[first].t === 'ident' && toks[first + 1].t === 'punct' && toks[first + 1].text === '=') {
    name = toks[first];
    name.code = K.keyword;
    first += 2;
  }
  const args = scratch.args;
  const arg = at < args.length ? args[at] : (args[at] = new Arg());
  arg.name = name;
  arg.first = first;
  arg.last = last;
  arg.line = p.line;
  arg.from = toks[first].start;
  arg.to = toks[last - 1].end;
}

/** Match args to the operation's parameters (positional, or `name=value`), convert each, report problems. */
export function bindArgs(p: LineParser, spec: OperationSpec, argc: number, open: Lexeme, scratch: ArgScratch): ArgValues {
  const out = scratch.values.reset(spec);
  let positional = 0;
  const given = out.given;
  for (let i = 0; i < argc; i++) {
    const arg = scratch.args[i];
    let param: ArgSpec | undefined;
    if (arg.name) {
      param = argsByName(spec).get(arg.name.text);
      if (!param) {
        const near = closest(arg.name.text, spec.args.map((a) => a.name));
        p.soft(p.r(arg.name), 'unknown-argument', `${spec.word} has no argument '${arg.name.text}'` + (spec.args.length ? ` (it takes ${spec.args.map((a) => a.name).join(', ')})` : ''),
          replaceFixes(p.r(arg.name), near, ''));
        continue;
      }
    } else {
      while (positional < spec.args.length && given[positional]) positional++;
      param = spec.args[positional++];
      if (!param) {
        p.soft(arg.range, 'too-many-arguments', `${spec.word} takes ${spec.args.length === 0 ? 'no arguments' : `at most ${spec.args.length} argument${spec.args.length > 1 ? 's' : ''} (${spec.args.map((a) => a.name).join(', ')})`}`);
        continue;
      }
    }
    const at = spec.args.indexOf(param);
    if (given[at]) { p.soft(arg.range, 'duplicate-argument', `'${param.name}' is given twice`); continue; }
    given[at] = true;
    out.count++;
    const v = convertArg(p, param.kind, arg, scratch);
    if (v !== undefined) out.values[at] = v;
  }
  let anyMissing = false;
  if (out.count !== spec.args.length) for (let i = 0; i < spec.args.length; i++) if (!spec.args[i].optional && !given[i]) anyMissing = true;
  if (anyMissing) {
    const missing = spec.args.filter((a, i) => !a.optional && !given[i]);
    p.soft(range(p.line, open.start, open.end), 'missing-argument',
      `${spec.word} needs ${missing.map((a) => `${a.name} (${a.doc})`).join(' and ')}. Example: ${spec.example}`);
  }
  return out;
}

const argIndex = new WeakMap<OperationSpec, Map<string, ArgSpec>>();
function argsByName(spec: OperationSpec): Map<string, ArgSpec> {
  let m = argIndex.get(spec);
  if (!m) argIndex.set(spec, (m = new Map(spec.args.map((a) => [a.name, a]))));
  return m;
}

/** An fd name: its kind for editors, and a reference for pass 2 to check against the caller's fds. */
function fdName(p: LineParser, t: Lexeme): string {
  t.code = K.keyword;
  p.ctx.st.ref(REF.fd, t);
  return t.text;
}

function convertArg(p: LineParser, kind: ArgKind, arg: Arg, scratch: ArgScratch): Value | undefined {
  const toks = p.toks;
  const at = arg.first;
  const n = arg.last - at;
  const one = n === 1 ? toks[at] : null;
  switch (kind) {
    case 'cloneFlags': case 'nstype': case 'protFlags': case 'mremapFlags': case 'timerFlags': case 'futexOp': case 'futex2Flags': case 'adjModes': case 'pidfdFlags':
      return readFlags(p, kind, arg);
    case 'prctlOption': {
      // the language's prctl is PR_SET_DUMPABLE alone: another option (PR_GET_DUMPABLE is 3) would be another call
      const v = readFlags(p, kind, arg);
      if (v !== undefined && v !== FLAG_TABLES.prctlOption.PR_SET_DUMPABLE) p.soft(arg.range, 'bad-value', `prctl option ${v} is not PR_SET_DUMPABLE (4), the one prctl the model has`);
      return v;
    }
    case 'whence': {
      const v = readFlags(p, 'whence', arg);
      if (v === undefined) return undefined;
      const name = (Object.keys(SEEK) as Whence[]).find((w) => SEEK[w] === v);
      if (!name) p.soft(arg.range, 'bad-value', `${v} is not a whence: SEEK_SET (0), SEEK_CUR (1) or SEEK_END (2)`);
      return name;
    }
    case 'nsIoctl': {
      const v = readFlags(p, 'nsIoctl', arg);
      if (v === undefined) return undefined;
      const name = NS_IOCTLS.find((r) => FLAG_TABLES.nsIoctl[r] === v);
      if (!name) p.soft(arg.range, 'bad-value', `0x${v.toString(16)} is not a namespace ioctl the model has: ${NS_IOCTLS.join(', ')}`);
      return name;
    }
    case 'openMode': {
      if (one && one.t === 'string') {
        const mode = one.value;
        if (mode === 'r' || mode === 'w' || mode === 'rw') return mode;
        p.soft(p.r(one), 'bad-value', 'The open mode is "r", "w", "rw" or O_RDONLY, O_WRONLY, O_RDWR');
        return undefined;
      }
      const v = readFlags(p, 'openMode', arg);
      if (v === undefined) return undefined;
      // other bits (O_CREAT, O_TRUNC: MAY_WRITE for the open, build_open_flags) and O_ACCMODE itself (3: an fd that
      // neither reads nor writes) would be another open than the three the model has: the model and verify's helper
      // read them as O_RDONLY, and agreed where a program differs
      if (v !== 0 && v !== 1 && v !== 2) {
        p.soft(arg.range, 'bad-value', `open flags 0x${v.toString(16)}: the model opens with O_RDONLY, O_WRONLY or O_RDWR alone`);
        return undefined;
      }
      return v === 1 ? 'w' : v === 2 ? 'rw' : 'r';
    }
    case 'clock': {
      // A negative id is a CPU clock (MAKE_THREAD_CPUCLOCK(0, CPUCLOCK_SCHED) is -2) or a dynamic fd clock
      // (clockid_to_kclock, kernel/time/posix-timers.c): '-' and a number, as libc's clock_getcpuclockid makes them.
      const minus = n === 2 && toks[at].t === 'punct' && toks[at].text === '-' && toks[at + 1].t === 'number' ? toks[at + 1] : null;
      const num = minus ?? (one && one.t === 'number' ? one : null);
      if (num) {
        num.code = K.clock;
        const v = parseInteger(num.text);
        const id = v === null ? null : minus ? -v : v;
        // clockid_t is a C int: the kernel never sees another value
        if (id === null || id < -(2 ** 31) || id > 2 ** 31 - 1) { p.soft(arg.range, 'bad-value', `A clock id is a 32-bit int (clockid_t): ${minus ? '-' : ''}${num.text} is not one`); return undefined; }
        return id;
      }
      // cpuclock(TASK) and cpuclock(TASK, thread): the CPU clock of a task's process or thread, as
      // clock_getcpuclockid and pthread_getcpuclockid make it from the pid (each side encodes its own pid)
      if ((n === 4 || n === 6) && toks[at].text === 'cpuclock' && toks[at + 1].text === '(' && toks[at + n - 1].text === ')' && toks[at + 2].t === 'ident'
        && (n === 4 || (toks[at + 3].text === ',' && toks[at + 4].text === 'thread'))) {
        toks[at].code = K.operation;
        toks[at + 2].code = K.task;
        if (n === 6) toks[at + 4].code = K.keyword;
        p.ctx.st.ref(REF.useTask, toks[at + 2]);
        return { task: toks[at + 2].text, thread: n === 6 };
      }
      if (!one) { p.soft(arg.range, 'syntax', 'A clock is one CLOCK_* name, a number (a negative one is a CPU or fd clock: -2 is the calling thread\'s CPU clock) or cpuclock(TASK[, thread])'); return undefined; }
      if (one.t === 'ident') {
        one.code = K.clock;
        const id = own(CLOCKS, one.text) ?? own(DESIGN_CLOCKS, one.text);
        if (id !== undefined && own(CLOCKS, one.text) === undefined && p.ctx.header.design !== 'monotonic-sync') {
          p.ctx.diag(p.r(one), 'info', 'design-clock', `${one.text} exists only under 'design monotonic-sync' (its id, ${id}, is the model's invention): any other design gives EINVAL for it`);
        }
        if (id !== undefined) return id;
        const near = closest(one.text, CLOCK_NAMES);
        p.soft(p.r(one), 'unknown-clock', `Unknown clock '${one.text}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`, replaceFixes(p.r(one), near, ''));
        return undefined;
      }
      p.soft(p.r(one), 'syntax', `'${one.text}' is not a clock`);
      return undefined;
    }
    case 'string': {
      if (!one || one.t !== 'string') { p.soft(arg.range, 'syntax', 'Expected a string in double quotes'); return undefined; }
      const op = scratch.values.spec?.op;
      const text = readString(p, one, op === 'open' || op === 'readlink');
      // a write's data is bytes, as C's string literal makes them; a path is the text typed, up to a NUL (getname)
      return text !== undefined && (op === 'write' || op === 'pwrite') ? cStringBytes(one.text, text) : text === undefined ? text : cString(text);
    }
    case 'fd': {
      if (!one || one.t !== 'ident') { p.soft(arg.range, 'syntax', 'Expected an fd name, as given by open(...) = fd1'); return undefined; }
      return fdName(p, one);
    }
    case 'file': {
      if (one && one.t === 'string') { const s = readString(p, one, true); return s === undefined ? undefined : { path: cString(s) }; }
      if (one && one.t === 'ident') return { fd: fdName(p, one) };
      p.soft(arg.range, 'syntax', 'Expected a path in quotes or an fd name');
      return undefined;
    }
    case 'nsTarget': {
      if (one && one.t === 'string') { const s = readString(p, one, true); return s === undefined ? undefined : { path: cString(s) }; }
      if (one && one.t === 'ident') return { fd: fdName(p, one) };
      if (n === 4 && toks[at].text === 'pidfd' && toks[at + 1].text === '(' && toks[at + 3].text === ')' && toks[at + 2].t === 'ident') {
        toks[at].code = K.operation;
        toks[at + 2].code = K.task;
        p.ctx.st.ref(REF.useTask, toks[at + 2]);
        return { pidfd: toks[at + 2].text };
      }
      p.soft(arg.range, 'syntax', 'setns takes an fd name, a namespace path in quotes ("/proc/P2/ns/time") or pidfd(TASK)');
      return undefined;
    }
    case 'int':
      return parseWhole(p, arg, scratch, readInt);
    case 'time':
      return parseWhole(p, arg, scratch, readTimeExpr);
    case 'mapping': {
      if (!one || one.t !== 'mapping') { p.soft(arg.range, 'syntax', 'Expected a special mapping: [vvar], [vvar_vclock] or [vdso]'); return undefined; }
      one.code = K.keyword;
      if (!(MAPPING_NAMES as readonly string[]).includes(one.text)) {
        const near = closest(one.text, MAPPING_NAMES);
        p.soft(p.r(one), 'unknown-mapping', `Unknown mapping ${one.text}: the special mappings are ${MAPPING_NAMES.join(', ')}`, replaceFixes(p.r(one), near, ''));
        return undefined;
      }
      // Only [vvar_vclock] depends on the profile (see profileDiagnostics).
      if (one.text === '[vvar_vclock]') p.ctx.mappings.push({ name: one.text, range: p.r(one) });
      return one.text;
    }
    case 'via': case 'callVia': {
      // time() and gettimeofday() also have an entry in x86_64's legacy vsyscall page; the other calls do not.
      const words = kind === 'callVia' ? ['vdso', 'libc', 'syscall', 'vsyscall'] : ['vdso', 'libc', 'syscall'];
      if (!one || one.t !== 'ident' || !words.includes(one.text)) {
        const near = one ? closest(one.text, words) : [];
        const more = kind === 'callVia' ? ", 'syscall' or 'vsyscall' (the legacy page at 0xffffffffff600000)" : " or 'syscall' (only time and gettimeofday have a vsyscall entry)";
        p.soft(arg.range, 'bad-value', `The read path is 'vdso' (what libc uses)${more}`, replaceFixes(arg.range, near, ''));
        return undefined;
      }
      one.code = K.keyword;
      return one.text === 'syscall' || one.text === 'vsyscall' ? one.text : 'vdso';
    }
    case 'abi': {
      if (!one || one.t !== 'ident' || !(EXEC_ABIS as readonly string[]).includes(one.text)) {
        const near = one ? closest(one.text, EXEC_ABIS) : [];
        p.soft(arg.range, 'bad-value', `The image is ${EXEC_ABIS.join(' or ')} (a 32-bit one: arm64 AArch32, x86_64 ia32)`, replaceFixes(arg.range, near, ''));
        return undefined;
      }
      one.code = K.keyword;
      // arm64 has AArch32 tasks in the model only from 5.9 (see profileDiagnostics).
      if (one.text === 'compat') p.ctx.compat.push(p.r(one));
      return one.text;
    }
    case 'race': {
      if (!one || one.t !== 'ident' || !(VDSO_RACES as readonly string[]).includes(one.text)) {
        const near = one ? closest(one.text, VDSO_RACES) : [];
        p.soft(arg.range, 'bad-value', `A race is ${VDSO_RACES.join(' or ')}: when the host update begins against the read`, replaceFixes(arg.range, near, ''));
        return undefined;
      }
      one.code = K.keyword;
      return one.text;
    }
    case 'setnsRace': {
      if (!one || one.t !== 'ident' || !(SETNS_RACES as readonly string[]).includes(one.text)) {
        p.soft(arg.range, 'bad-value', `setns's race is ${SETNS_RACES.join(' or ')}: SIGKILL arrives while setns waits for the mmap lock a /proc/PID/maps reader holds`, replaceFixes(arg.range, one ? closest(one.text, SETNS_RACES) : [], ''));
        return undefined;
      }
      one.code = K.keyword;
      return one.text;
    }
    case 'signal': {
      if (one && one.t === 'number') return parseInteger(one.text) ?? undefined;
      if (one && one.t === 'ident') {
        one.code = K.signal;
        const v = own(SIGNALS, one.text);
        if (v !== undefined) return v;
        const near = closest(one.text, SIGNAL_NAMES);
        p.soft(p.r(one), 'unknown-signal', `Unknown signal '${one.text}'`, replaceFixes(p.r(one), near, ''));
        return undefined;
      }
      p.soft(arg.range, 'syntax', 'Expected a signal name (SIGCHLD) or number');
      return undefined;
    }
    case 'device': {
      if (!one || one.t !== 'ident' || !(DEVICE_SOURCES as readonly string[]).includes(one.text)) {
        const near = one ? closest(one.text, DEVICE_SOURCES) : [];
        p.soft(arg.range, 'bad-value', `A timestamp source is ${DEVICE_SOURCES.join(', ')}`, replaceFixes(arg.range, near, ''));
        return undefined;
      }
      one.code = K.keyword;
      return one.text;
    }
    case 'task': {
      if (!one || one.t !== 'ident') { p.soft(arg.range, 'syntax', 'Expected a task name'); return undefined; }
      one.code = K.task;
      p.ctx.st.ref(REF.useTask, one);
      return one.text;
    }
  }
}

/** Characters a string holds as they are but an editor does not show as themselves (a tab aside): a control
 *  character, a line separator, a byte-order mark, and U+FFFD, what a reader makes of bytes that are not UTF-8. */
const ODD_IN_STRING = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffd]/;
const UTF8 = new TextEncoder();

/** A warning at the first such character of a string: the line runs with it, but what the file holds there is
 *  not what the editor shows (for U+FFFD, not what the file held: its bytes are gone). */
function oddInString(p: LineParser, col: number, c: string): void {
  const escaped = Array.from(UTF8.encode(c), (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
  const at = range(p.line, col, col + 1);
  if (c === '\ufffd') {
    p.ctx.diag(at, 'warning', 'unusual-character', `U+FFFD (REPLACEMENT CHARACTER) in a string: the file is not valid UTF-8 here, and the line uses this character (in a write's data its bytes, ${escaped}), not the bytes the file held; write bytes as \\xNN`);
    return;
  }
  const u = `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  // \xNN past 0x7f is a byte in a write's data but the character U+00NN in a path or an expected text: no fix there
  if (c > '\x7f') p.ctx.diag(at, 'warning', 'unusual-character', `${u} in a string: an editor does not show it as itself (in a write's data, ${escaped} are its bytes)`);
  else p.ctx.diag(at, 'warning', 'unusual-character', `${u} in a string: an editor does not show it as itself; write it as ${escaped}`, [{ title: `Replace with ${escaped}`, range: at, newText: escaped }]);
}

/** A string's value; a path in it is marked for editors and, when the line opens it or it may name a task
 *  (/proc/NAME), for pass 2. */
export function readString(p: LineParser, t: Lexeme, opened = false): string | undefined {
  if (t.problem) {
    p.soft(range(p.line, t.problem.start, t.problem.end), 'bad-string', t.problem.message,
      t.problem.message.includes('closing quote') ? [{ title: 'Close the string', range: range(p.line, t.end, t.end), newText: '"' }] : undefined);
    return undefined;
  }
  const v = t.value ?? '';
  const odd = ODD_IN_STRING.exec(t.text);
  if (odd) oddInString(p, t.start + odd.index, odd[0]);
  if (v.startsWith('/')) t.code = K.path;
  if (opened) p.ctx.st.ref(REF.openedPath, t);
  else if (v.startsWith('/proc/')) p.ctx.st.ref(REF.procPath, t);
  return v;
}

function readFlags(p: LineParser, kind: keyof typeof FLAG_TABLES, arg: Arg): number | undefined {
  const table = FLAG_TABLES[kind];
  const toks = p.toks;
  let value = 0;
  let expectValue = true;
  if (arg.last === arg.first) return undefined;
  for (let i = arg.first; i < arg.last; i++) {
    const t = toks[i];
    if (!expectValue) {
      if (t.t === 'punct' && t.text === '|') { expectValue = true; continue; }
      p.soft(p.r(t), 'syntax', `Join flags with '|', not '${t.text}'`);
      return undefined;
    }
    expectValue = false;
    if (t.t === 'number') {
      const n = parseInteger(t.text);
      if (n === null) { p.soft(p.r(t), 'bad-value', `'${t.text}' is not an integer`); return undefined; }
      // flags are 32-bit here (the model's and the helper's): a wider number would lose its high bits unseen, and
      // clone3's 64-bit flags above bit 31 (CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP, unknown bits) are not modelled
      if (n > 0xffffffff) { p.soft(p.r(t), 'bad-value', `'${t.text}' does not fit in 32 bits: flags above bit 31 (clone3's CLONE_CLEAR_SIGHAND 0x100000000, CLONE_INTO_CGROUP 0x200000000) are not expressible`); return undefined; }
      value = (value | n) >>> 0;
      continue;
    }
    if (t.t === 'ident') {
      const v = own(table, t.text);
      t.code = own(SIGNALS, t.text) !== undefined && kind === 'cloneFlags' ? K.signal : K.flag;
      if (v !== undefined) { value = (value | v) >>> 0; continue; }
      const near = closest(t.text, Object.keys(table));
      const elsewhere = Object.entries(FLAG_TABLES).find(([, tab]) => own(tab, t.text) !== undefined)?.[0];
      p.soft(p.r(t), 'unknown-flag', `Unknown flag '${t.text}' here` + (elsewhere ? ` (it belongs to another argument kind)` : '') + (near.length ? `; did you mean ${near.join(', ')}?` : ''),
        replaceFixes(p.r(t), near, ''));
      return undefined;
    }
    p.soft(p.r(t), 'syntax', `Expected a flag name or a number, found '${t.text}'`);
    return undefined;
  }
  if (expectValue) { p.soft(p.r(toks[arg.last - 1]), 'syntax', "A flag must follow '|'"); return undefined; }
  return value;
}

/** Reads one argument's tokens as a whole value; a failure marks the line failed instead of throwing. */
function parseWhole<T>(p: LineParser, arg: Arg, scratch: ArgScratch, read: (sub: LineParser) => T): T | undefined {
  // Not re-entrant (the readers never read a whole argument themselves), so one recycled parser serves.
  const sub = (scratch.sub ??= new LineParser(p.ctx, 0, p.toks, 0, 0, p.source, 0, 0)).reset(p.line, arg.first, arg.last, p.source, p.base, p.len);
  try {
    const v = read(sub);
    sub.expectEnd();
    return v;
  } catch (e) {
    if (e instanceof LineError) { p.failed = true; return undefined; }
    throw e;
  } finally {
    if (sub.failed) p.failed = true;
  }
}

export function readInt(p: LineParser): number {
  let neg = false;
  let t = p.next();
  if (t && t.t === 'punct' && t.text === '-') { neg = true; t = p.next(); }
  if (!t) p.error(p.endRange(), 'syntax', 'Expected a number');
  const v = t.t === 'number' ? parseInteger(t.text) : null;
  if (v === null) p.error(p.r(t), 'syntax', `Expected an integer, found '${t.text}'`);
  // past 2^53 a double is no longer the number written: the simulator would refuse it with a made-up EINVAL
  if (!Number.isSafeInteger(v)) p.error(p.r(t), 'bad-value', `${t.text} is beyond 2^53 - 1, the largest integer a scenario can hold exactly`);
  t.code = K.number;
  return neg ? -v : v;
}

/** A duration: `10s`, `1.5ms`, `-10s`, or a bare number in `unitless` units. */
export function readDuration(p: LineParser, unitless: string): Timespec {
  let neg = false;
  let t = p.next();
  if (t && t.t === 'punct' && (t.text === '-' || t.text === '+')) { neg = t.text === '-'; t = p.next(); }
  if (!t) p.error(p.endRange(), 'syntax', 'Expected a duration such as 10s (units: ns, us, ms, s, m, h, d)');
  const d = t.t === 'number' || t.t === 'duration' ? parseDuration(t.text, unitless) : null;
  if (!d) p.error(p.r(t), 'syntax', `Expected a duration such as 10s, found '${t.text}'`);
  if (d === 'finer') p.error(p.r(t), 'bad-value', `${t.text} is finer than a nanosecond, the resolution of every clock`);
  if (!Number.isSafeInteger(d.sec)) p.error(p.r(t), 'bad-value', `${t.text} is beyond 2^53 - 1 seconds, the largest a scenario can hold exactly`);
  t.code = K.number;
  return neg ? negate(d) : d;
}

/** `now + 1s`, `host - 5s`, `now`, `1s` (a plain value). */
function readTimeExpr(p: LineParser): TimeExpr {
  const t = p.peek();
  if (t && t.t === 'ident' && (t.text === 'now' || t.text === 'host')) {
    t.code = K.keyword;
    p.pos++;
    const base = t.text as 'now' | 'host';
    if (!p.peek()) return { base, delta: { sec: 0, nsec: 0 } };
    const sign = p.next()!;
    if (sign.t !== 'punct' || (sign.text !== '+' && sign.text !== '-')) p.error(p.r(sign), 'syntax', `Expected '+' or '-' after ${base}`);
    const d = readDuration(p, 's');
    return { base, delta: sign.text === '-' ? negate(d) : d };
  }
  if (t && t.t === 'ident') {
    const near = closest(t.text, ['now', 'host']);
    p.error(p.r(t), 'syntax', `A time is a duration (1s), 'now + 1s' (the caller's namespace time) or 'host + 1s'`, replaceFixes(p.r(t), near, ''));
  }
  return { base: 'abs', delta: readDuration(p, 's') };
}

export function buildOperation(spec: OperationSpec, v: ArgValues, name: string): Operation {
  const clock = buildClockOperation(spec, (k) => v.get(k));
  if (clock) return clock;
  switch (spec.op) {
    case 'unshare': return { op: 'unshare', flags: numberArg(v, 'flags', 0) };
    case 'setns': { const race = v.get('race') as SetnsRace | undefined; return { op: 'setns', target: v.get('fd') as NsTarget, nstype: numberArg(v, 'nstype', 0), ...(race ? { race } : {}) }; }
    case 'fork': return { op: 'fork', child: name };
    case 'vfork': return { op: 'vfork', child: name };
    case 'clone': return { op: 'clone', flags: numberArg(v, 'flags', 0), child: name };
    case 'clone3': return { op: 'clone3', flags: numberArg(v, 'flags', 0), exitSignal: numberArg(v, 'exit_signal', SIGNALS.SIGCHLD), child: name };
    case 'pthread_create': return { op: 'pthread_create', child: name };
    case 'execve': { const abi = v.get('abi') as ExecAbi | undefined; return { op: 'execve', path: (v.get('path') as string | undefined) ?? '/proc/self/exe', ...(abi === 'compat' ? { abi } : {}) }; }
    case 'exit': return { op: 'exit', code: numberArg(v, 'code', 0) };
    case 'setuid': return { op: 'setuid', uid: numberArg(v, 'uid', 0) };
    case 'setgid': return { op: 'setgid', gid: numberArg(v, 'gid', 0) };
    case 'pidfd_open': return { op: 'pidfd_open', task: v.get('task') as string, flags: numberArg(v, 'flags', 0), fd: name };
    case 'ioctl': return { op: 'ioctl', fd: v.get('fd') as string, request: v.get('request') as NsIoctl, newFd: name };
    case 'setresuid': return { op: 'setresuid', r: numberArg(v, 'ruid', -1), e: numberArg(v, 'euid', -1), s: numberArg(v, 'suid', -1) };
    case 'setresgid': return { op: 'setresgid', r: numberArg(v, 'rgid', -1), e: numberArg(v, 'egid', -1), s: numberArg(v, 'sgid', -1) };
    case 'id': return { op: 'id' };
    case 'sysinfo': return { op: 'sysinfo' };
    case 'prctl_set_dumpable': { const d = numberArg(v, 'dumpable', 0); return { op: 'prctl_set_dumpable', dumpable: d !== 0, ...(d !== 0 && d !== 1 ? { value: d } : {}) }; }
    case 'open': return { op: 'open', path: v.get('path') as string, mode: (v.get('flags') as 'r' | 'w' | 'rw' | undefined) ?? 'r', fd: name };
    case 'close': return { op: 'close', fd: v.get('fd') as string };
    case 'read': { const count = v.get('count') as number | undefined; return { op: 'read', file: v.get('file') as FileRef, ...(count !== undefined ? { count } : {}) }; }
    case 'write': return { op: 'write', file: v.get('file') as FileRef, data: v.get('data') as string };
    case 'pwrite': return { op: 'pwrite', file: v.get('file') as FileRef, data: v.get('data') as string, offset: numberArg(v, 'offset', 0) };
    case 'lseek': { const whence = v.get('whence') as Whence | undefined; return { op: 'lseek', fd: v.get('fd') as string, offset: numberArg(v, 'offset', 0), ...(whence ? { whence } : {}) }; }
    case 'readlink': return { op: 'readlink', path: v.get('path') as string };
    case 'clock_gettime': { const race = v.get('race') as VdsoRace | undefined; return { op: 'clock_gettime', ...clockArg(v.get('clock')), via: (v.get('via') as 'vdso' | 'syscall' | undefined) ?? 'vdso', ...(race ? { race } : {}) }; }
    case 'clock_nanosleep': return { op: 'clock_nanosleep', ...clockArg(v.get('clock')), ...timerFlagFields(numberArg(v, 'flags', 0)), value: v.get('time') as TimeExpr };
    case 'timerfd_settime': return { op: 'timerfd_settime', ...clockArg(v.get('clock')), ...timerFlagFields(numberArg(v, 'flags', 0)), value: v.get('time') as TimeExpr };
    case 'touch': return { op: 'touch', mapping: v.get('mapping') as MappingName, page: numberArg(v, 'page', 0) };
    case 'mprotect': return withPages({ op: 'mprotect', mapping: v.get('mapping') as MappingName, prot: numberArg(v, 'prot', 0) }, v);
    case 'munmap': return withPages({ op: 'munmap', mapping: v.get('mapping') as MappingName }, v, 1);
    case 'mremap': return withPages({ op: 'mremap', mapping: v.get('mapping') as MappingName, newPages: numberArg(v, 'new_pages', 0), flags: numberArg(v, 'flags', 0) }, v);
    case 'settimeofday': return { op: 'settimeofday', value: v.get('time') as TimeExpr };
    case 'clock_settime': return { op: 'clock_settime', ...clockArg(v.get('clock')), value: v.get('time') as TimeExpr };
    case 'adjtimex': {
      const off = v.get('offset') as TimeExpr | undefined;
      const tick = v.get('tick') as number | undefined;
      return { op: 'adjtimex', modes: numberArg(v, 'modes', 0), ...(off ? { offset: off.delta } : {}), ...(tick !== undefined ? { tick } : {}) };
    }
    case 'device_timestamp': return { op: 'device_timestamp', source: v.get('source') as DeviceSource };
    case 'gettimeofday': return { op: 'gettimeofday', via: (v.get('via') as CallVia | undefined) ?? 'vdso' };
    default: return { op: 'sleep', delta: { sec: 0, nsec: 0 } }; // host operations never reach here
  }
}

function numberArg(v: ArgValues, k: string, d: number): number {
  const x = v.get(k);
  return x === undefined ? d : (x as number);
}

function withPages<T extends object>(o: T, v: ArgValues, pagesDefaultWhenPage?: number): T {
  const page = v.get('page') as number | undefined;
  let pages = v.get('pages') as number | undefined;
  if (page !== undefined && pages === undefined && pagesDefaultWhenPage !== undefined) pages = pagesDefaultWhenPage;
  return { ...o, ...(page !== undefined ? { page } : {}), ...(pages !== undefined ? { pages } : {}) };
}
