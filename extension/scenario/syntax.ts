// Pass 1 of the parser (syntax): one line's lexemes into the statement tree. It reads the line forms (header,
// host action, task operation, expect), the words of the language (operations, flags, clocks, errnos) and the
// header settings; it reports what is malformed and lists the names the line mentions, without judging them.

import { ARCHES, ARM64_PATCHES, DEFAULT_PROFILE, DESIGNS, HZ, type Arch, type DesignName, type Machine } from '../sim/types';
import { HOST_OPERATIONS, MAX_TICKS, type Operation } from '../sim/ops';
import { bindArgs, buildOperation, readArgs, readDuration, readInt, type ArgScratch } from './args';
import { replaceFixes, type LineParser } from './cursor';
import { readExpect } from './expectGrammar';
import { readConfig } from './headerConfig';
import { readClocksource } from './hostClock';
import { quoteString, type Lexeme } from './lexer';
import { REF } from './statement';
import { K } from './tokens';
import { compareVersions, range, readKernelVersion } from './values';
import { HEADER_WORDS, MACHINE_KEYS, OPERATION_ALIASES, OPERATION_BY_WORD, OPERATION_SPECS, closest, type OperationSpec } from './vocabulary';

const HOST_WORDS: ReadonlySet<string> = HOST_OPERATIONS;
// Object.prototype names are reserved too: task and fd names become keys of plain objects in the state.
const LINE_STARTS: readonly string[] = ['expect', ...HEADER_WORDS, ...HOST_OPERATIONS];
const RESERVED = new Set([...LINE_STARTS, 'now', 'host', 'ok', 'none', 'self',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString']);

export function lookupOperation(word: string): OperationSpec | undefined {
  return OPERATION_BY_WORD.get(word) ?? OPERATION_BY_WORD.get(OPERATION_ALIASES[word] ?? '');
}

/** Can this lexeme name a task or an fd (a word that is not a keyword or an operation)? */
export function isPossibleName(t: Lexeme): boolean {
  return t.t === 'ident' && !RESERVED.has(t.text) && !lookupOperation(t.text);
}

/** `suspicious`: the lexer saw a bad lexeme or a bad string on this line (else nothing to check first). */
export function readStatement(p: LineParser, suspicious: boolean, scratch: ArgScratch): void {
  const ctx = p.ctx;
  const line = p.line;
  const statement = p.toks;
  const count = p.end;
  // a machine line reads its own values: page_size=16k is a word there, not a bad number
  const machineLine = count > 0 && statement[0].text === 'machine';
  for (let i = 0; suspicious && !machineLine && i < count; i++) {
    const t = statement[i];
    if (t.t === 'string' && t.problem && t.end === p.len && !t.text.endsWith('"')) {
      p.error(range(line, t.problem.start, t.problem.end), 'bad-string', t.problem.message,
        [{ title: 'Close the string', range: range(line, t.end, t.end), newText: '"' }]);
    }
    if (t.t === 'bad' && t.text === '/') {
      // An unquoted path: quote everything up to the next ',' or ')'.
      let end = t.end;
      for (let c = p.source.charCodeAt(p.base + end); end < p.len && c !== 44 && c !== 41 && c !== 32; c = p.source.charCodeAt(p.base + ++end)); // , ) space
      p.error(range(line, t.start, end), 'bad-token', 'Paths are strings: put them in double quotes',
        [{ title: `Quote ${p.text(t.start, end)}`, range: range(line, t.start, end), newText: quoteString(p.text(t.start, end)) }]);
    }
    if (t.t === 'bad') {
      if (t.text.charCodeAt(0) >= 48 && t.text.charCodeAt(0) <= 57) p.error(p.r(t), 'bad-token', `'${t.text}' is not a number or a duration (units: ns, us, ms, s, m, h, d)`);
      const odd = unusualCharacter(t.text);
      p.error(p.r(t), 'bad-token', odd ? odd.message : `Unexpected character '${t.text}'`,
        odd?.replace !== undefined ? [{ title: odd.replace ? `Replace with ${JSON.stringify(odd.replace)}` : 'Remove it', range: p.r(t), newText: odd.replace }] : undefined);
    }
  }
  const first = statement[0];
  const second = count > 1 ? statement[1] : undefined;
  const secondIsColon = second && second.t === 'punct' && second.text === ':';
  if (first.t === 'ident' && !secondIsColon) {
    if (first.text === 'expect') { first.code = K.keyword; p.pos = 1; return readExpect(p); }
    if ((HEADER_WORDS as readonly string[]).includes(first.text)) { first.code = K.keyword; p.pos = 1; return readHeader(p, first); }
    if (HOST_WORDS.has(first.text)) { first.code = K.operation; p.pos = 1; return readHost(p, first); }
  }
  if ((first.t === 'ident' || first.t === 'ref') && secondIsColon) return readTaskLine(p, scratch);
  // Not a known line form: give the most likely intent.
  if (first.t === 'ident' && second && second.t === 'ident' && lookupOperation(second.text) && count > 2 && statement[2].text === '(') {
    p.error(range(line, first.end, first.end), 'syntax', `Put ':' between the task and the operation: '${first.text}: ${second.text}(…)'`,
      [{ title: "Insert ':'", range: range(line, first.end, first.end), newText: ':' }]);
  }
  if (first.t === 'ident') {
    const spec = lookupOperation(first.text);
    if (spec && !spec.host) {
      const suggested = ctx.lastOpLine >= 0 ? ctx.lastTask : 'P1';
      p.error(p.r(first), 'missing-task', `Which task calls ${first.text}? Write the task first, as in '${suggested}: ${spec.example.replace(/^\w+: /, '')}'`,
        [{ title: `Call it from ${suggested}`, range: range(line, first.start, first.start), newText: `${suggested}: ` }]);
    }
    const near = closest(first.text, LINE_STARTS);
    p.error(p.r(first), 'unknown-statement',
      `A line is 'TASK: operation(...)', 'expect ...', a host action (sleep, suspend, sysctl, spawn) or a header (arch, kernel, patch, build, machine, design)${near.length ? `; did you mean ${near[0]}?` : ''}`,
      replaceFixes(p.r(first), near.slice(0, 1), ''));
  }
  p.error(p.r(first), 'unknown-statement', `A line is 'TASK: operation(...)', 'expect ...', a host action or a header, not '${first.text}'`);
}

/**
 * Characters that cannot be shown in a message as themselves (invisible, control, not text), named by code
 * point with what to do; a file with them came from somewhere other than an editor. Undefined for others.
 */
export function unusualCharacter(text: string): { message: string; replace?: string } | undefined {
  const c = text.codePointAt(0) ?? 0;
  const u = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  if (c === 0) return { message: 'A NUL byte (U+0000): a scenario is text; is this a binary file?' };
  if (c === 0x2028 || c === 0x2029) {
    return { message: `${u} (${c === 0x2028 ? 'LINE' : 'PARAGRAPH'} SEPARATOR) does not end a line (nor does it in VS Code, which calls it an unusual line terminator): use a line break`, replace: '\n' };
  }
  if (c === 0xfeff) return { message: 'A byte-order mark (U+FEFF) inside the text: it belongs, if anywhere, at the very start of the file', replace: '' };
  if (c === 0xfffd) return { message: 'U+FFFD (REPLACEMENT CHARACTER): the file is not valid UTF-8 here; a scenario is UTF-8 text' };
  if (c === 0xa0 || c === 0x200b || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x3000) return { message: `${u} is a space that is not a plain space: use ' '`, replace: ' ' };
  if (c >= 0xd800 && c <= 0xdfff) return { message: `${u} is half of a surrogate pair, not a character: the text is damaged here` };
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return { message: `The control character ${u} cannot appear in a scenario`, replace: '' };
  return undefined;
}

/** A name a line gives (`= NAME`, `spawn NAME`): marked for editors and handed to pass 2, unless it cannot be one. */
function newName(p: LineParser, t: Lexeme, what: 'task' | 'fd'): boolean {
  const st = p.ctx.st;
  st.result = t;
  if (!isPossibleName(t)) {
    p.soft(p.r(t), 'bad-name', `'${t.text}' cannot name a ${what}: use a word such as ${what === 'task' ? 'P2 or T2' : 'fd1'}`);
    st.resultOk = false;
    return false;
  }
  t.code = what === 'task' ? K.task : K.keyword;
  st.ref(what === 'task' ? REF.defineTask : REF.defineFd, t);
  return true;
}

/**
 * The task name a line that pass 1 gave up on means to give (completion must not propose it while the line is
 * half typed): the word after `spawn`, or after the last '=' of a task line.
 */
export function claimName(p: LineParser): void {
  const toks = p.toks;
  let i = -1;
  if (toks[0].t === 'ident' && toks[0].text === 'spawn') i = p.end > 1 && toks[1].text === '(' ? 2 : 1;
  else if (p.end > 1 && toks[1].text === ':') for (let k = p.end - 2; k > 0 && i < 0; k--) if (toks[k].t === 'punct' && toks[k].text === '=') i = k + 1;
  if (i > 0 && i < p.end && isPossibleName(toks[i])) p.ctx.st.claim = toks[i];
}

// ---------------------------------------------------------------------------------------------
// Header lines (settings of the whole scenario: applied here, they name nothing)
// ---------------------------------------------------------------------------------------------

function readHeader(p: LineParser, word: Lexeme): void {
  const ctx = p.ctx;
  ctx.st.form = 'header';
  const rest = p.toks.slice(1, p.end);
  const whole = range(p.line, word.start, p.toks[p.end - 1].end);
  ctx.headerRange ??= whole;
  if (ctx.firstStepLine >= 0) ctx.diag(p.r(word), 'warning', 'header-after-steps', `Header lines apply to the whole scenario; put '${word.text}' before the first operation`);
  if (word.text === 'arch') {
    const v = rest[0];
    if (!v) p.error(p.endRange(), 'syntax', "Which architecture? 'arch x86_64' or 'arch arm64'", [{ title: 'x86_64', range: p.endRange(), newText: ' x86_64' }]);
    v.code = K.keyword;
    if (rest.length > 1) p.error(range(p.line, rest[1].start, rest[rest.length - 1].end), 'unexpected-token', 'One architecture per arch line');
    const alias: Record<string, Arch> = { x86_64: 'x86_64', arm64: 'arm64', aarch64: 'arm64', amd64: 'x86_64', x86: 'x86_64', x64: 'x86_64' };
    const arch = Object.hasOwn(alias, v.text) ? alias[v.text] : undefined;
    if (!arch) {
      const near = closest(v.text, ARCHES);
      p.error(p.r(v), 'unknown-arch', `Unknown architecture '${v.text}': the model knows ${ARCHES.join(' and ')}`, replaceFixes(p.r(v), near.length ? near : [...ARCHES], ''));
    }
    if (arch !== v.text) ctx.diag(p.r(v), 'info', 'arch-alias', `'${v.text}' is read as ${arch}`, replaceFixes(p.r(v), [arch], ''));
    if (ctx.archLine >= 0) ctx.diag(p.r(word), 'warning', 'duplicate-header', `A second arch line: this one (${arch}) wins over line ${ctx.archLine + 1}`);
    ctx.header.arch = arch;
    ctx.archLine = p.line;
    return;
  }
  if (word.text === 'kernel') {
    if (!rest.length) p.error(p.endRange(), 'syntax', `Which kernel? e.g. 'kernel ${DEFAULT_PROFILE.kernel}'`, [{ title: DEFAULT_PROFILE.kernel, range: p.endRange(), newText: ` ${DEFAULT_PROFILE.kernel}` }]);
    const text = rest.map((t) => t.text).join('');
    const vr = range(p.line, rest[0].start, rest[rest.length - 1].end);
    for (const t of rest) t.code = K.number;
    const version = rest.some((t, i) => i > 0 && t.start !== rest[i - 1].end) ? null : readKernelVersion(text);
    if (!version) p.error(vr, 'bad-kernel', `'${text}' is not a kernel version such as 6.18 or 5.10`);
    const kernel = version.kernel;
    if (version.known) {
      if (version.sublevel) ctx.diag(vr, 'info', 'kernel-sublevel', `Modelled as ${kernel}: the model distinguishes major.minor versions`);
    } else {
      const older = compareVersions(text.split('.').slice(0, 2).join('.'), kernel) > 0;
      ctx.diag(vr, 'error', 'unknown-kernel',
        older ? `Kernel ${text} is not one the model knows; it behaves as the nearest older known version, ${kernel}`
          : `Kernel ${text} is older than any the model knows; time namespaces appeared in ${kernel}`,
        [{ title: `Change to ${kernel}`, range: vr, newText: kernel }]);
    }
    if (ctx.kernelLine >= 0) ctx.diag(p.r(word), 'warning', 'duplicate-header', `A second kernel line: this one (${kernel}) wins over line ${ctx.kernelLine + 1}`);
    ctx.header.kernel = kernel;
    ctx.kernelLine = p.line;
    return;
  }
  if (word.text === 'build') {
    // build forced: the user asks to run a kernel that does not build (sim/build.ts) as a forced build.
    const v = rest[0];
    if (!v || v.text !== 'forced' || rest.length > 1) {
      p.error(v ? range(p.line, v.start, rest[rest.length - 1].end) : p.endRange(), 'syntax',
        "Write 'build forced' to run a kernel that does not build (a patch left out that a later one needs) as a forced build, not a real kernel",
        v ? [] : [{ title: "Insert 'forced'", range: p.endRange(), newText: ' forced' }]);
    }
    v.code = K.keyword;
    ctx.header.forcedBuild = true;
    ctx.buildRange = whole;
    return;
  }
  if (word.text === 'machine') { readMachine(p, rest); return; }
  if (word.text === 'config') { readConfig(p, rest); return; }
  if (word.text === 'design') { readDesign(p, rest); return; }
  // patch off <id|number>...
  const mode = rest[0];
  if (!mode || mode.text !== 'off') {
    p.error(mode ? p.r(mode) : p.endRange(), 'syntax', "Write 'patch off ID' (IDs: " + ARM64_PATCHES.map((x) => `${x.n} ${x.id}`).join(', ') + ')',
      mode && mode.text === 'on' ? [] : [{ title: "Insert 'off'", range: mode ? range(p.line, mode.start, mode.start) : p.endRange(), newText: mode ? 'off ' : ' off' }]);
  }
  mode.code = K.keyword;
  if (rest.length < 2) p.error(p.endRange(), 'syntax', 'Which patch? ' + ARM64_PATCHES.map((x) => `${x.n} ${x.id}`).join(', '));
  for (const t of rest.slice(1)) {
    if (t.t === 'punct' && t.text === ',') continue;
    t.code = K.keyword;
    const byNum = t.t === 'number' ? ARM64_PATCHES.find((x) => String(x.n) === t.text) : undefined;
    const patch = byNum ?? ARM64_PATCHES.find((x) => x.id === t.text);
    if (!patch) {
      const near = closest(t.text, ARM64_PATCHES.map((x) => x.id));
      p.soft(p.r(t), 'unknown-patch', `Unknown patch '${t.text}': the arm64 series has ` + ARM64_PATCHES.map((x) => `${x.n} ${x.id} (${x.title})`).join('; '),
        replaceFixes(p.r(t), near, ''));
      continue;
    }
    if (!ctx.header.disabledPatches.includes(patch.id)) ctx.header.disabledPatches.push(patch.id);
    ctx.patches.push({ id: patch.id, range: p.r(t) });
  }
}

// design clone-time: a time-namespace design that was never merged (issue 15); its words are read as one name
function readDesign(p: LineParser, rest: readonly Lexeme[]): void {
  const ctx = p.ctx;
  if (!rest.length) p.error(p.endRange(), 'syntax', `Which design? ${DESIGNS.join(', ')}`, [{ title: 'merged', range: p.endRange(), newText: ' merged' }]);
  const r = range(p.line, rest[0].start, rest[rest.length - 1].end);
  const text = p.text(rest[0].start, rest[rest.length - 1].end);
  for (const t of rest) t.code = K.keyword;
  const design = (DESIGNS as readonly string[]).includes(text) ? (text as DesignName) : undefined;
  if (!design) p.error(r, 'unknown-design', `Unknown design '${text}': the model runs ${DESIGNS.join(', ')}`, replaceFixes(r, closest(text, DESIGNS).length ? closest(text, DESIGNS) : [...DESIGNS], ''));
  ctx.header.design = design;
}

// machine cap_sys_resource=no rtc=no clocksource=kvm-clock
function readMachine(p: LineParser, rest: readonly Lexeme[]): void {
  const ctx = p.ctx;
  const keys = Object.keys(MACHINE_KEYS);
  if (!rest.length) p.error(p.endRange(), 'syntax', `Which property? ${keys.map((k) => `${k}=…`).join(', ')}`, [{ title: 'rtc=no', range: p.endRange(), newText: ' rtc=no' }]);
  const m: Record<string, unknown> = { ...ctx.header.machine };
  for (let i = 0; i < rest.length; i++) {
    const k = rest[i];
    const eq = rest[i + 1];
    const v = rest[i + 2];
    const spec = Object.hasOwn(MACHINE_KEYS, k.text) ? MACHINE_KEYS[k.text] : undefined;
    if (!spec) {
      const near = closest(k.text, keys);
      p.error(p.r(k), 'unknown-machine-key', `Unknown machine property '${k.text}': ${keys.join(', ')}`, replaceFixes(p.r(k), near.length ? near : keys, ''));
    }
    k.code = K.keyword;
    // a value such as 16k lexes as a bad number: the key's own list decides it
    if (!eq || eq.text !== '=' || !v || (v.t !== 'ident' && !(spec.value && v.t === 'bad')) || eq.start !== k.end || v.start !== eq.end) {
      p.error(eq ? p.r(eq) : p.endRange(), 'syntax', `Write ${k.text}=${spec.values ? spec.values.join('|') : 'NAME'}, without spaces`);
    }
    v.code = K.keyword;
    if (spec.values && !spec.values.includes(v.text)) {
      p.error(p.r(v), 'bad-machine-value', `${k.text} is ${spec.values.join(' or ')}, not '${v.text}'`, replaceFixes(p.r(v), spec.values, ''));
    }
    m[spec.field] = spec.value ? spec.value(v.text) : spec.values?.includes('yes') ? v.text === 'yes' : v.text;
    if (spec.field === 'pageSize') ctx.pageSizeRange = p.r(v);
    i += 2;
  }
  ctx.header.machine = m as Partial<Machine>;
}

// ---------------------------------------------------------------------------------------------
// Host lines: sleep 10s, suspend 1h, sysctl user.max_time_namespaces=3 [userns=user#1], spawn P5 uid=65534
// ---------------------------------------------------------------------------------------------

function readHost(p: LineParser, word: Lexeme): void {
  const st = p.ctx.st;
  st.form = 'host';
  const line = p.line;
  let operation: Operation;
  // Accept an optional call form: sleep(10s).
  const paren = p.at('(');
  if (paren) p.pos++;
  if (word.text === 'sleep' || word.text === 'suspend') {
    const start = p.peek();
    if (!start) p.error(p.endRange(), 'syntax', `How long? e.g. '${word.text} 10s'`, [{ title: 'Add 10s', range: p.endRange(), newText: ' 10s' }]);
    const delta = readDuration(p, 's');
    if (paren) p.expectPunct(')', "')'");
    p.expectEnd();
    if (delta.sec < 0) p.error(p.r(start), 'bad-value', 'Host time only moves forward');
    operation = { op: word.text, delta };
  } else if (word.text === 'tick') {
    // tick [N]: N timer ticks (default 1).
    const count = p.peek() && p.peek()!.text !== ')' ? readInt(p) : 1;
    if (paren) p.expectPunct(')', "')'");
    p.expectEnd();
    if (count < 1) p.error(p.r(p.toks[p.pos - 1]), 'bad-value', 'At least one tick');
    if (count > MAX_TICKS) p.error(p.r(p.toks[p.pos - (paren ? 2 : 1)]), 'bad-value', `At most ${MAX_TICKS} ticks in one line (each runs timekeeping_update and records 9 events); for a longer stretch of host time, 'sleep ${Math.ceil(count / HZ)}s' moves it without recording each tick`);
    operation = { op: 'tick', count };
  } else if (word.text === 'sysctl') {
    const a = p.next();
    if (!a || a.t !== 'ident') p.error(a ? p.r(a) : p.endRange(), 'syntax', "Write 'sysctl user.max_time_namespaces=N'");
    let name = a.text;
    let last = a;
    while (p.at('.') && p.peek(1)?.t === 'ident') { p.pos++; last = p.next()!; name += '.' + last.text; }
    const nameRange = p.span(a, last);
    for (const t of p.toks.slice(1, p.pos)) t.code = K.keyword;
    if (name !== 'user.max_time_namespaces') {
      p.error(nameRange, 'unknown-sysctl', `Only user.max_time_namespaces is modelled, not ${name}`,
        [{ title: 'Change to user.max_time_namespaces', range: nameRange, newText: 'user.max_time_namespaces' }]);
    }
    p.expectPunct('=', "'=' and a value");
    const value = readInt(p);
    if (value < 0) p.error(range(line, p.toks[p.pos - 1].start, p.toks[p.pos - 1].end), 'bad-value', 'The limit cannot be negative');
    let userNs: string | undefined;
    if (p.at('userns') && p.at('=', 1)) {
      p.peek()!.code = K.keyword;
      p.pos += 2;
      const u = p.next();
      if (!u || u.t !== 'ref' || !/^user#\d+$/.test(u.text)) p.error(u ? p.r(u) : p.endRange(), 'syntax', 'userns= takes a user namespace such as user#1');
      userNs = u.text;
    }
    if (paren) p.expectPunct(')', "')'");
    p.expectEnd();
    operation = userNs ? { op: 'sysctl', name: 'user.max_time_namespaces', value, userNs } : { op: 'sysctl', name: 'user.max_time_namespaces', value };
  } else if (word.text === 'clocksource') {
    operation = readClocksource(p, paren);
  } else {
    const name = p.next();
    if (!name) p.error(p.endRange(), 'syntax', "Name the new task: 'spawn P5 uid=65534'");
    let uid = 0;
    if (p.at('uid') && p.at('=', 1)) {
      p.peek()!.code = K.keyword;
      p.pos += 2;
      const at = p.pos;
      uid = readInt(p);
      // a uid_t other than (uid_t)-1: the model made a task of uid -1 or 2^32, the helper's process could not start
      // or became root (setresuid of the value cast)
      if (uid < 0 || uid > 0xfffffffe) p.soft(p.r(p.toks[at]), 'bad-value', `uid ${uid} is no uid: a uid is 0 to 4294967294`);
    }
    if (paren) p.expectPunct(')', "')'");
    p.expectEnd();
    newName(p, name, 'task');
    operation = { op: 'spawn', child: name.text, uid };
  }
  st.operation = operation;
}

// ---------------------------------------------------------------------------------------------
// Task lines: TASK: op(args) [= NAME]
// ---------------------------------------------------------------------------------------------

function readTaskLine(p: LineParser, scratch: ArgScratch): void {
  const st = p.ctx.st;
  st.form = 'task';
  const taskTok = p.next()!;
  p.next(); // ':'
  st.caller = taskTok;
  if (taskTok.t === 'ident') {
    taskTok.code = K.task;
    st.ref(REF.caller, taskTok);
  } else {
    p.soft(p.r(taskTok), 'bad-name', `'${taskTok.text}' is not a task name`);
  }
  const opTok = p.next();
  if (!opTok) p.error(p.endRange(), 'syntax', 'Which operation? e.g. unshare(CLONE_NEWTIME)');
  if (opTok.t !== 'ident') p.error(p.r(opTok), 'syntax', `Expected an operation name, found '${opTok.text}'`);
  opTok.code = K.operation;
  st.opTok = opTok;
  const spec = lookupOperation(opTok.text);
  if (!spec || spec.host) {
    const near = closest(opTok.text, OPERATION_SPECS.filter((s) => !s.host).map((s) => s.word));
    p.error(p.r(opTok), 'unknown-operation',
      spec ? `${opTok.text} is a host action, written on its own line: '${spec.example}'`
        : `Unknown operation '${opTok.text}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
      replaceFixes(p.r(opTok), near, ''));
  }
  st.spec = spec;
  const open = p.peek();
  if (!open || open.text !== '(') {
    p.error(open ? p.r(open) : p.endRange(), 'syntax', `Expected '(' after ${opTok.text}`,
      open ? undefined : [{ title: "Add '()'", range: p.endRange(), newText: '()' }]);
  }
  p.pos++;
  const argc = readArgs(p, open, scratch);
  // Optional "= NAME" for fork-like operations and open.
  let resultName: Lexeme | null = null;
  if (p.at('=')) {
    const eq = p.next()!;
    const n = p.next();
    if (!n) p.error(p.endRange(), 'syntax', `Expected a name after '='`);
    if (!spec.result) {
      p.error(p.span(eq, n), 'unexpected-result-name',
        `${spec.word} returns a number, not a name: check it with 'expect ret == …' or 'expect errno == …' on the next line`,
        [{ title: "Remove '= …'", range: range(p.line, eq.start - (eq.start > 0 && p.source.charCodeAt(p.base + eq.start - 1) === 32 ? 1 : 0), n.end), newText: '' }]);
    }
    resultName = n;
  }
  p.expectEnd();
  if (spec.result && !resultName && !spec.resultOptional) {
    // Reported by pass 2, whose fix names a free task or fd; the line goes no further, as with any error.
    st.missingResult = true;
    st.aborted = true;
    st.failed = true;
    return;
  }
  if (resultName) newName(p, resultName, spec.result === 'fd' ? 'fd' : 'task');
  const values = bindArgs(p, spec, argc, open, scratch);
  if (!p.failed && st.resultOk) st.operation = buildOperation(spec, values, resultName?.text ?? '');
}
