// The `expect` grammar in one place: every form with how it is written, its completion snippet and example
// (docs, completion and the parse error read them here), and pass 1's reader of an expect line.
// What each form means when it runs is in expect.ts.

import { CLOCKS, ERRNOS, SIGNALS, type Timespec } from '../sim/types';
import type { ExpectCheck } from './api';
import { TIMER_STATES, type TimerState } from '../sim/api';
import { readDuration, readInt, readString } from './args';
import { own, replaceFixes, type LineParser } from './cursor';
import type { Lexeme } from './lexer';
import { REF } from './statement';
import { K } from './tokens';
import { negate, range, timespec } from './values';
import { CLOCK_NAMES, CLOCK_READ_PATHS, ERRNO_NAMES, MAPPING_NAMES, SIGNAL_NAMES, closest } from './vocabulary';

export type ExpectForm = ExpectCheck['form'];

export interface ExpectFormDoc {
  readonly form: ExpectForm;
  /** The first word when the form starts with one (`errno == E`); none for TASK… and ns#N… forms. */
  readonly subject?: string;
  /** How it is written. */
  readonly pattern: string;
  /** A completion snippet for the text after `expect `. */
  readonly snippet: string;
  /** One line on what it checks (completion detail). */
  readonly detail: string;
  readonly example: string;
  /** It checks the result of the operation line above it, so it needs one. */
  readonly ofResult: boolean;
  /** The words completion offers after `==` (forms whose value is one of a list). */
  readonly values?: readonly string[];
}

export const EXPECT_FORMS: readonly ExpectFormDoc[] = [
  { form: 'errno', subject: 'ok', pattern: 'ok', snippet: 'ok', detail: 'the operation above succeeded', example: 'expect ok', ofResult: true },
  { form: 'errno', subject: 'errno', pattern: 'errno == E', snippet: 'errno == ${1:EACCES}', detail: 'the operation above failed with an errno', example: 'expect errno == EACCES', ofResult: true, values: ERRNO_NAMES },
  { form: 'ret', subject: 'ret', pattern: 'ret == N', snippet: 'ret == ${1:0}', detail: 'its return value', example: 'expect ret == 28', ofResult: true },
  { form: 'signal', subject: 'signal', pattern: 'signal == SIG…', snippet: 'signal == ${1:SIGBUS}', detail: 'a signal it raised (SIGBUS, SIGSEGV) or none', example: 'expect signal == SIGBUS', ofResult: true, values: [...SIGNAL_NAMES, 'none'] },
  { form: 'text', subject: 'read', pattern: 'read == "…" (or contains "…")', snippet: 'read ${1|==,contains|} "${2}"', detail: 'the bytes it read (all of them, or a part such as a line of /proc/PID/maps)', example: 'expect read == "time:[4026531834]"', ofResult: true },
  { form: 'waited', subject: 'waited', pattern: 'waited == D', snippet: 'waited == ${1:1s}', detail: 'how long its sleep or timer waited, in host time', example: 'expect waited == 1s', ofResult: true },
  { form: 'retries', subject: 'retries', pattern: 'retries == N', snippet: 'retries == ${1:1}', detail: 'how often the vDSO read\'s seqcount loop retried (a read with race=)', example: 'expect retries == 1', ofResult: true },
  { form: 'res', subject: 'res', pattern: 'res == D', snippet: 'res == ${1:1ns}', detail: 'the resolution clock_getres gave', example: 'expect res == 4ms', ofResult: true },
  { form: 'timer', subject: 'timer', pattern: 'timer == armed (disarmed, expired)', snippet: 'timer == ${1|disarmed,armed,expired|}', detail: 'what the timer it set was left as: armed, disarmed (it_value 0) or expired (its deadline had passed)', example: 'expect timer == disarmed', ofResult: true, values: TIMER_STATES },
  { form: 'path', subject: 'path', pattern: 'path == P', snippet: 'path == ${1|' + CLOCK_READ_PATHS.join(',') + '|}', detail: 'how the clock read went: vdso-fast, vdso-timens, syscall…', example: 'expect path == vdso-timens', ofResult: true, values: CLOCK_READ_PATHS },
  { form: 'frozen', pattern: 'ns#N frozen (or not frozen)', snippet: 'ns#${1:1} ${2|frozen,not frozen|}', detail: 'the namespace\'s offsets are (not) frozen', example: 'expect ns#1 frozen', ofResult: false },
  { form: 'offset', pattern: 'ns#N offset monotonic == D', snippet: 'ns#${1:1} offset ${2|monotonic,boottime|} == ${3:86400s}', detail: 'an offset of the namespace', example: 'expect ns#1 offset monotonic == 86400s', ofResult: false },
  { form: 'ns', pattern: 'TASK.time_ns == ns#N (or time_ns_for_children, or !=)', snippet: '${1:P2}.${2|time_ns,time_ns_for_children|} == ns#${3:1}', detail: 'the namespace the task is in (or its time_for_children)', example: 'expect P2.time_ns == ns#1', ofResult: false },
  { form: 'clock', pattern: 'TASK CLOCK_X == host ± D', snippet: '${1:P2} ${2:CLOCK_MONOTONIC} == host + ${3:86400s}', detail: 'a clock as the task reads it, against the host', example: 'expect P2 CLOCK_MONOTONIC == host + 86400s', ofResult: false },
  { form: 'pte', pattern: 'TASK [vvar][N] -> ns#N (or host, none)', snippet: '${1:P2} [vvar][${2:0}] -> ${3:ns#1}', detail: 'a page-table entry of the task\'s [vvar]', example: 'expect P2 [vvar][0] -> ns#1', ofResult: false },
];

/** The first words of the forms that have one; `text` is an older spelling of `read`. */
const SUBJECTS: ReadonlyMap<string, ExpectFormDoc> = new Map([
  ...EXPECT_FORMS.filter((f) => f.subject).map((f) => [f.subject!, f] as const),
  ['text', EXPECT_FORMS.find((f) => f.form === 'text')!],
]);
const OF_RESULT: ReadonlySet<ExpectForm> = new Set(EXPECT_FORMS.filter((f) => f.ofResult).map((f) => f.form));

/** Does this form check the result of the operation line above it? */
export function checksResult(form: ExpectForm): boolean {
  return OF_RESULT.has(form);
}

/** The words an expect line may start with besides a task or ns#N. */
export function expectSubjects(): string[] {
  return [...SUBJECTS.keys()];
}

/** Pass 1 of an `expect` line (p at the word after `expect`): the check, its text and range, on the statement. */
export function readExpect(p: LineParser): void {
  const st = p.ctx.st;
  const toks = p.toks;
  st.form = 'expect';
  st.expectTok = toks[0];
  if (p.end < 2) {
    p.error(p.endRange(), 'syntax', 'What is expected? e.g. expect ok, expect errno == EACCES, expect P2.time_ns == ns#1',
      [{ title: 'expect ok', range: p.endRange(), newText: ' ok' }]);
  }
  const from = toks[1].start;
  const to = toks[p.end - 1].end;
  st.textRange = range(p.line, from, to);
  st.text = p.text(from, to);
  st.check = readExpectCheck(p);
  p.expectEnd();
}

function readExpectCheck(p: LineParser): ExpectCheck | null {
  const first = p.next()!;
  const subject = first.t === 'ident' ? SUBJECTS.get(first.text) : undefined;
  if (subject) return readResultForm(p, first, subject.form);
  if (first.t === 'ref') return readNamespaceForm(p, first);
  if (first.t === 'ident') return readTaskForm(p, first);
  const near = closest(first.text, SUBJECTS.keys());
  p.error(p.r(first), 'syntax', `expect takes: ${EXPECT_FORMS.map((f) => f.pattern).join(', ')}`, replaceFixes(p.r(first), near, ''));
}

/** ok, errno == E, ret == N, signal == S, read == "…", waited == D, timer == T, path == P. */
function readResultForm(p: LineParser, first: Lexeme, form: ExpectForm): ExpectCheck | null {
  first.code = K.keyword;
  if (first.text === 'ok') return { form: 'errno', errno: null };
  const word = p.toks[p.pos];
  if (form === 'text' && word?.t === 'ident' && word.text === 'contains') {
    p.next()!.code = K.keyword;
    const v = p.next();
    if (!v || v.t !== 'string') { p.error(v ? p.r(v) : p.endRange(), 'syntax', 'Expected a string in double quotes after contains'); return null; }
    const s = readString(p, v);
    return s === undefined ? null : { form: 'text', text: s, contains: true };
  }
  p.expectPunct('==', "'=='");
  const v = p.next();
  if (!v) p.error(p.endRange(), 'syntax', `Expected a value after '=='`);
  switch (form) {
    case 'errno': {
      if (v.t === 'ident' && v.text === 'none') { v.code = K.keyword; return { form: 'errno', errno: null }; }
      if (v.t === 'number' && v.text === '0') return { form: 'errno', errno: null };
      if (v.t === 'number') {
        const name = Object.entries(ERRNOS).find(([, n]) => String(n) === v.text)?.[0];
        if (name) { v.code = K.errno; return { form: 'errno', errno: name }; }
      }
      v.code = K.errno;
      if (v.t !== 'ident' || own(ERRNOS, v.text) === undefined) {
        const near = closest(v.text, ERRNO_NAMES);
        p.error(p.r(v), 'unknown-errno', `Unknown errno '${v.text}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`, replaceFixes(p.r(v), near, ''));
      }
      return { form: 'errno', errno: v.text };
    }
    case 'ret': {
      p.pos--;
      return { form: 'ret', ret: readInt(p) };
    }
    case 'retries': {
      p.pos--;
      return { form: 'retries', retries: readInt(p) };
    }
    case 'signal': {
      if (v.t === 'ident' && v.text === 'none') { v.code = K.keyword; return { form: 'signal', signal: null }; }
      v.code = K.signal;
      if (v.t !== 'ident' || own(SIGNALS, v.text) === undefined) {
        const near = closest(v.text, SIGNAL_NAMES);
        p.error(p.r(v), 'unknown-signal', `Unknown signal '${v.text}'`, replaceFixes(p.r(v), near, ''));
      }
      return { form: 'signal', signal: v.text };
    }
    case 'waited': case 'res': {
      p.pos--;
      const d = readDuration(p, 's');
      return { form, sec: d.sec, nsec: d.nsec };
    }
    case 'text': {
      if (v.t !== 'string') p.error(p.r(v), 'syntax', 'Expected a string in double quotes');
      const s = readString(p, v);
      if (s === undefined) return null;
      return { form: 'text', text: s };
    }
    case 'timer': {
      v.code = K.keyword;
      if (!(TIMER_STATES as readonly string[]).includes(v.text)) {
        const near = closest(v.text, TIMER_STATES);
        p.error(p.r(v), 'bad-value', `A timer state is one of ${TIMER_STATES.join(', ')}`, replaceFixes(p.r(v), near.length ? near : [...TIMER_STATES], ''));
      }
      return { form: 'timer', state: v.text as TimerState };
    }
    default: {
      v.code = K.keyword;
      if (!(CLOCK_READ_PATHS as readonly string[]).includes(v.text)) {
        const near = closest(v.text, CLOCK_READ_PATHS);
        p.error(p.r(v), 'bad-value', `A clock read path is one of ${CLOCK_READ_PATHS.join(', ')}`, replaceFixes(p.r(v), near.length ? near : [...CLOCK_READ_PATHS], ''));
      }
      return { form: 'path', path: v.text as (typeof CLOCK_READ_PATHS)[number] };
    }
  }
}

/** ns#N frozen, ns#N not frozen, ns#N offset monotonic == D. */
function readNamespaceForm(p: LineParser, first: Lexeme): ExpectCheck {
  first.code = K.namespace;
  if (!/^ns#\d+$/.test(first.text)) p.error(p.r(first), 'syntax', `Expected a time namespace such as ns#1, found ${first.text}`);
  const ns = first.text;
  const w = p.next();
  if (!w) p.error(p.endRange(), 'syntax', `Expected 'frozen', 'not frozen' or 'offset monotonic == …' after ${ns}`);
  w.code = K.keyword;
  if (w.text === 'frozen') return { form: 'frozen', ns, frozen: true };
  if (w.text === 'not' || w.text === '!') {
    const f = p.next();
    if (!f || f.text !== 'frozen') p.error(f ? p.r(f) : p.endRange(), 'syntax', `Expected 'frozen'`);
    f.code = K.keyword;
    return { form: 'frozen', ns, frozen: false };
  }
  if (w.text === 'offset' || w.text === 'offsets') {
    const c = p.next();
    if (!c || (c.text !== 'monotonic' && c.text !== 'boottime')) p.error(c ? p.r(c) : p.endRange(), 'syntax', "Expected 'monotonic' or 'boottime'",
      c ? replaceFixes(p.r(c), closest(c.text, ['monotonic', 'boottime']), '') : undefined);
    c.code = K.clock;
    p.expectPunct('==', "'=='");
    const d = readDuration(p, 's');
    return { form: 'offset', ns, clock: c.text as 'monotonic' | 'boottime', sec: d.sec, nsec: d.nsec };
  }
  p.error(p.r(w), 'syntax', `Expected 'frozen', 'not frozen' or 'offset monotonic == …' after ${ns}`,
    replaceFixes(p.r(w), closest(w.text, ['frozen', 'offset']), ''));
}

/** TASK.time_ns == ns#N, TASK.time_ns_for_children != ns#N, TASK CLOCK_X == host ± D, TASK [vvar][N] -> X. */
function readTaskForm(p: LineParser, first: Lexeme): ExpectCheck {
  first.code = K.task;
  p.ctx.st.ref(REF.useTask, first);
  const task = first.text;
  const second = p.next();
  if (!second) p.error(p.endRange(), 'syntax', `Expected '.time_ns == ns#N', a clock or a mapping after ${task}`);
  if (second.t === 'punct' && second.text === '.') {
    const field = p.next();
    if (!field || (field.text !== 'time_ns' && field.text !== 'time_ns_for_children')) {
      p.error(field ? p.r(field) : p.endRange(), 'syntax', 'Expected time_ns or time_ns_for_children',
        field ? replaceFixes(p.r(field), closest(field.text, ['time_ns', 'time_ns_for_children']), '') : undefined);
    }
    field.code = K.keyword;
    const op = p.next();
    if (!op || (op.text !== '==' && op.text !== '!=')) p.error(op ? p.r(op) : p.endRange(), 'syntax', "Expected '==' or '!='");
    const ns = p.next();
    if (!ns || ns.t !== 'ref' || !/^ns#\d+$/.test(ns.text)) p.error(ns ? p.r(ns) : p.endRange(), 'syntax', 'Expected a time namespace such as ns#1');
    ns.code = K.namespace;
    return { form: 'ns', task, field: field.text as 'time_ns' | 'time_ns_for_children', ns: ns.text, negate: op.text === '!=' };
  }
  if (second.t === 'ident' && (second.text.startsWith('CLOCK_') || own(CLOCKS, second.text) !== undefined)) {
    second.code = K.clock;
    const clock = own(CLOCKS, second.text);
    if (clock === undefined) {
      const near = closest(second.text, CLOCK_NAMES);
      p.error(p.r(second), 'unknown-clock', `Unknown clock '${second.text}'`, replaceFixes(p.r(second), near, ''));
    }
    p.expectPunct('==', "'=='");
    const base = p.next();
    if (!base || base.text !== 'host') p.error(base ? p.r(base) : p.endRange(), 'syntax', "Expected 'host', 'host + 86400s' or 'host - 10s'",
      base ? [{ title: 'Change to host', range: p.r(base), newText: 'host' }] : undefined);
    base.code = K.keyword;
    let offset: Timespec | null = null;
    if (p.peek()) {
      const sign = p.next()!;
      if (sign.text !== '+' && sign.text !== '-') p.error(p.r(sign), 'syntax', "Expected '+' or '-'");
      const d = readDuration(p, 's');
      offset = sign.text === '-' ? negate(d) : d;
    }
    // Normalised again on purpose: that turns a -0 from 'host - 0s' into 0.
    return { form: 'clock', task, clock, offset: offset ? timespec(offset.sec, offset.nsec) : { sec: 0, nsec: 0 } };
  }
  if (second.t === 'mapping') {
    second.code = K.keyword;
    if (!(MAPPING_NAMES as readonly string[]).includes(second.text)) p.error(p.r(second), 'unknown-mapping', `Unknown mapping ${second.text}`, replaceFixes(p.r(second), closest(second.text, MAPPING_NAMES), ''));
    if (second.text === '[vvar_vclock]') p.ctx.mappings.push({ name: second.text, range: p.r(second) });
    p.expectPunct('[', "'[' and a page index, as in [vvar][0]");
    const page = readInt(p);
    p.expectPunct(']', "']'");
    p.expectPunct('->', "'->' and ns#N, host or none");
    const target = p.next();
    if (!target) p.error(p.endRange(), 'syntax', 'Expected ns#N, host, none or a page name after ->');
    let phys: string | null;
    if (target.t === 'ref') { target.code = K.namespace; phys = target.text.replace(/^page#/, ''); }
    else if (target.t === 'ident') { target.code = K.keyword; phys = target.text === 'none' ? null : target.text; }
    else p.error(p.r(target), 'syntax', 'Expected ns#N, host, none or a page name after ->');
    return { form: 'pte', task, mapping: second.text, page, phys };
  }
  p.error(p.r(second), 'syntax', `After a task, expect takes '.time_ns == ns#N', '.time_ns_for_children == ns#N', 'CLOCK_X == host + Ns' or '[vvar][N] -> ns#N'`);
}
