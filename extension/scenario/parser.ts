// The .timens parser: one line at a time into steps, expectations, header settings, tokens and
// diagnostics with exact ranges and fixes. It never throws; bad input becomes a diagnostic.

import { ARM64_PATCHES, CLOCKS, DEFAULT_PROFILE, ERRNOS, SIGNALS, type Arch, type Arm64PatchId, type KernelVersion, type Profile, type Timespec } from '../sim/types';
import type { FileRef, MappingName, NsTarget, Operation, Step, TimeExpr } from '../sim/ops';
import type { ExpectCheck, Expectation, Fix, Header, ParsedScenario, Range, ScenarioDiagnostic } from './api';
import { LexemePool, lexSpan, type Lexeme } from './lexer';
import { K, TokenStore } from './tokens';
import { compareVersions, isKernelVersion, nearestKernelVersion, negate, parseDuration, parseInteger, range, timespec } from './values';
import {
  CLOCK_NAMES, CLOCK_READ_PATHS, ERRNO_NAMES, FLAG_TABLES, MAPPING_NAMES, OPERATION_ALIASES, OPERATION_BY_WORD,
  OPERATION_SPECS, SIGNAL_NAMES, closest, type ArgKind, type ArgSpec, type OperationSpec,
} from './vocabulary';

/** A table lookup that ignores inherited properties (`constructor`, `toString` are not flags). */
function own(table: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Tasks that exist before the first line: the simulator starts with one root process. */
export const INITIAL_TASKS: readonly string[] = ['P1'];
const DEFAULT_FILE = 'scenario.timens';

const HOST_WORDS = new Set(['sleep', 'suspend', 'sysctl', 'spawn']);
// Object.prototype names are reserved too: task and fd names become keys of plain objects in the state.
const RESERVED = new Set(['expect', 'arch', 'kernel', 'patch', 'sleep', 'suspend', 'sysctl', 'spawn', 'now', 'host', 'ok', 'none', 'self',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString']);
const RESULT_FORMS = new Set(['errno', 'ret', 'signal', 'text', 'path', 'waited']);
const SUBJECT_WORDS = new Set(['ok', 'errno', 'ret', 'signal', 'read', 'text', 'path', 'waited']);
const LINE_STARTS = ['expect', 'arch', 'kernel', 'patch', 'sleep', 'suspend', 'sysctl', 'spawn'];

/** What the parser noticed that depends on the profile, kept so the runner can re-check with another profile. */
export interface ProfileUses {
  readonly mappings: readonly { readonly name: string; readonly range: Range }[];
  readonly patches: readonly { readonly id: Arm64PatchId; readonly range: Range }[];
  readonly headerRange: Range | null;
}
const profileUses = new WeakMap<ParsedScenario, ProfileUses>();

export function profileUsesOf(parsed: ParsedScenario): ProfileUses {
  return profileUses.get(parsed) ?? { mappings: [], patches: [], headerRange: null };
}

interface TaskInfo { readonly line: number; fds: Set<string>; exited: boolean }

class Ctx {
  readonly diagnostics: ScenarioDiagnostic[] = [];
  readonly steps: Step[] = [];
  readonly expectations: Expectation[] = [];
  readonly tokens: TokenStore;
  readonly tasks = new Map<string, TaskInfo>();
  readonly taskOrder: { name: string; line: number }[] = [];
  /** Task names used before any definition: checked at the end (defined later, or unknown). */
  readonly pendingUses: { name: string; range: Range }[] = [];
  readonly mappings: { name: string; range: Range }[] = [];
  readonly patches: { id: Arm64PatchId; range: Range }[] = [];
  /** The current call's arguments (see readArgs), recycled from line to line. */
  readonly args: Arg[] = [];
  readonly argValues = new ArgValues();
  /** The parser for one argument read as a whole (see parseWhole), recycled. */
  sub: LineParser | null = null;
  readonly header: { arch?: Arch; kernel?: KernelVersion; disabledPatches: Arm64PatchId[] } = { disabledPatches: [] };
  headerRange: Range | null = null;
  archLine = -1;
  kernelLine = -1;
  firstStepLine = -1;
  lastOpLine = -1;

  constructor(textLength: number, lineCount: number) {
    this.tokens = new TokenStore(textLength >> 2, lineCount);
    for (const t of INITIAL_TASKS) {
      this.tasks.set(t, { line: -1, fds: new Set(), exited: false });
      this.taskOrder.push({ name: t, line: -1 });
    }
  }

  diag(range: Range, severity: ScenarioDiagnostic['severity'], code: string, message: string, fixes?: Fix[]): void {
    this.diagnostics.push(fixes && fixes.length ? { range, severity, code, message, fixes } : { range, severity, code, message });
  }
}

/** Thrown inside one line's parse to abandon that line after its diagnostic was recorded. */
class LineError {
  constructor(readonly reported: boolean) {}
}

/**
 * Reads the lexemes toks[start..end) of one line (the whole statement, or one argument). The line's text is
 * source[base..base+len): lines are never sliced out of the scenario.
 */
class LineParser {
  pos: number;
  failed = false;
  constructor(readonly ctx: Ctx, public line: number, readonly toks: readonly Lexeme[], public start: number, public end: number,
    readonly source: string, public base: number, public len: number) {
    this.pos = start;
  }
  /** Point this parser at another range (parsers are recycled: one per parse for lines, one for arguments). */
  reset(line: number, start: number, end: number, base: number, len: number): this {
    this.line = line; this.start = start; this.end = end; this.base = base; this.len = len;
    this.pos = start;
    this.failed = false;
    return this;
  }

  peek(k = 0): Lexeme | undefined { const i = this.pos + k; return i < this.end ? this.toks[i] : undefined; }
  at(text: string, k = 0): boolean { const t = this.peek(k); return !!t && (t.t === 'punct' || t.t === 'ident') && t.text === text; }
  next(): Lexeme | undefined { const i = this.pos++; return i < this.end ? this.toks[i] : undefined; }
  /** The last lexeme of this parser's range. */
  last(): Lexeme | undefined { return this.end > this.start ? this.toks[this.end - 1] : undefined; }
  /** The line's text from column a to column b. */
  text(a: number, b: number): string { return this.source.slice(this.base + a, this.base + b); }
  r(t: Lexeme): Range { return range(this.line, t.start, t.end); }
  span(a: Lexeme, b: Lexeme): Range { return range(this.line, a.start, b.end); }
  endRange(): Range {
    const last = this.last();
    const col = last ? last.end : this.len;
    return range(this.line, col, col);
  }

  error(rng: Range, code: string, message: string, fixes?: Fix[]): never {
    this.ctx.diag(rng, 'error', code, message, fixes);
    this.failed = true;
    throw new LineError(true);
  }
  /** Report without abandoning the line (the rest may still say useful things). */
  soft(rng: Range, code: string, message: string, fixes?: Fix[]): void {
    this.ctx.diag(rng, 'error', code, message, fixes);
    this.failed = true;
  }

  expectPunct(text: string, what: string): Lexeme {
    const t = this.peek();
    if (t && t.t === 'punct' && t.text === text) { this.pos++; return t; }
    const rng = t ? this.r(t) : this.endRange();
    const fix = t && text === '==' && t.text === '=' ? [{ title: "Change to '=='", range: rng, newText: '==' }] : undefined;
    this.error(rng, 'syntax', `Expected ${what}${t ? ` but found '${t.text}'` : ' at the end of the line'}`, fix);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t) this.error(range(this.line, t.start, this.toks[this.end - 1].end), 'unexpected-token', `Unexpected '${t.text}' after the end of the statement`);
  }
}

function replaceFixes(rng: Range, words: string[], what: string): Fix[] {
  return words.map((w) => ({ title: `Change to ${w}${what ? ` (${what})` : ''}`, range: rng, newText: w }));
}

/** Parse a whole scenario. Never throws. */
export function parseScenario(text: string, file: string = DEFAULT_FILE): ParsedScenario {
  let source: string;
  try {
    source = String(text ?? '');
  } catch {
    source = '';
  }
  let lineCount = 1;
  for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) lineCount++;
  const ctx = new Ctx(source.length, lineCount);
  // Line start offsets instead of an array of line strings: the strings are only needed while parsing.
  const lineStarts: number[] = new Array<number>(lineCount);
  lineStarts[0] = 0;
  for (let i = 1, at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', at + 1)) lineStarts[i++] = at + 1;
  const pool = new LexemePool();
  const toks = pool.items;
  const lp = new LineParser(ctx, 0, toks, 0, 0, source, 0, 0);
  ctx.sub = new LineParser(ctx, 0, toks, 0, 0, source, 0, 0);
  for (let i = 0; i < lineCount; i++) {
    const base = lineStarts[i];
    let end = i + 1 < lineCount ? lineStarts[i + 1] - 1 : source.length;
    if (end > base && source.charCodeAt(end - 1) === 13) end--;
    lexSpan(source, base, end, pool);
    const count = pool.count;
    // Comments are tokens for the editor but not part of the statement.
    const statementEnd = count && toks[count - 1].t === 'comment' ? count - 1 : count;
    if (statementEnd) {
      try {
        parseStatement(lp.reset(i, 0, statementEnd, base, end - base), pool.suspicious);
      } catch (e) {
        if (!(e instanceof LineError)) {
          ctx.diag(range(i, 0, end - base), 'error', 'internal', `The parser could not read this line (${e instanceof Error ? e.message : String(e)})`);
        }
      }
    }
    ctx.tokens.add(toks, count);
  }
  finish(ctx, lineCount);
  const header: Header = { ...ctx.header, disabledPatches: [...ctx.header.disabledPatches] };
  const parsed: ParsedScenario = {
    file,
    header,
    steps: ctx.steps,
    expectations: ctx.expectations,
    tokens: ctx.tokens.view(source, lineStarts),
    tasks: ctx.taskOrder,
    diagnostics: ctx.diagnostics,
  };
  profileUses.set(parsed, { mappings: ctx.mappings, patches: ctx.patches, headerRange: ctx.headerRange });
  const withProfile = profileDiagnostics(parsed, profileOfHeader(header));
  (ctx.diagnostics as ScenarioDiagnostic[]).push(...withProfile);
  ctx.diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col);
  return parsed;
}

export function profileOfHeader(header: Header): Profile {
  return { arch: header.arch ?? DEFAULT_PROFILE.arch, kernel: header.kernel ?? DEFAULT_PROFILE.kernel, disabledPatches: header.disabledPatches };
}

/** Diagnostics that depend on the profile: mappings the architecture or version lacks, patch switches where they mean nothing. */
export function profileDiagnostics(parsed: ParsedScenario, profile: Profile): ScenarioDiagnostic[] {
  const uses = profileUsesOf(parsed);
  const out: ScenarioDiagnostic[] = [];
  const where = `${profile.arch} ${profile.kernel}`;
  for (const m of uses.mappings) {
    if (m.name === '[vvar_vclock]' && (profile.arch === 'arm64' || compareVersions(profile.kernel, '6.13') < 0)) {
      out.push({ range: m.range, severity: 'error', code: 'not-on-profile',
        message: profile.arch === 'arm64'
          ? `arm64 has no [vvar_vclock] mapping (only [vvar] and [vdso]); it exists on x86_64 from 6.13`
          : `[vvar_vclock] exists on x86_64 from 6.13; on ${where} the pvclock and hvclock pages are pages 1 and 2 of [vvar]`,
        fixes: [{ title: 'Change to [vvar]', range: m.range, newText: '[vvar]' }] });
    }
  }
  for (const p of uses.patches) {
    if (profile.arch !== 'arm64') {
      out.push({ range: p.range, severity: 'error', code: 'not-on-profile',
        message: `The patch switches belong to the arm64 time-namespace series; this profile is ${where}. Add 'arch arm64' to the header or remove the line` });
    } else if (compareVersions(profile.kernel, '5.9') < 0) {
      out.push({ range: p.range, severity: 'error', code: 'not-on-profile',
        message: `The arm64 time-namespace series was merged for 5.9; on ${where} none of its patches is applied, so there is nothing to switch off` });
    }
  }
  if (profile.arch === 'arm64' && compareVersions(profile.kernel, '5.9') < 0 && uses.headerRange) {
    out.push({ range: uses.headerRange, severity: 'warning', code: 'not-on-profile',
      message: `arm64 has no time namespaces before 5.9 (CONFIG_TIME_NS cannot be enabled): unshare(CLONE_NEWTIME) fails with EINVAL` });
  }
  return out;
}

function finish(ctx: Ctx, lineCount: number): void {
  for (const u of ctx.pendingUses) {
    const later = ctx.tasks.get(u.name);
    if (later) {
      ctx.diag(u.range, 'error', 'task-before-definition', `Task ${u.name} is used before line ${later.line + 1}, where it is created`);
    } else {
      const near = closest(u.name, ctx.tasks.keys());
      ctx.diag(u.range, 'error', 'unknown-task',
        `Unknown task ${u.name}: tasks are P1 and those created with '= NAME' (fork, vfork, clone, clone3, pthread_create) or 'spawn NAME'${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`,
        replaceFixes(u.range, near, ''));
    }
  }
  if (ctx.archLine < 0 || ctx.kernelLine < 0) {
    const missing = [ctx.archLine < 0 ? 'arch' : '', ctx.kernelLine < 0 ? 'kernel' : ''].filter(Boolean);
    const insert = (ctx.archLine < 0 ? `arch ${DEFAULT_PROFILE.arch}\n` : '') + (ctx.kernelLine < 0 ? `kernel ${DEFAULT_PROFILE.kernel}\n` : '');
    const at = ctx.firstStepLine >= 0 ? ctx.firstStepLine : 0;
    ctx.diag(range(0, 0, 0), 'info', 'missing-header',
      `No ${missing.join(' or ')} line: the scenario runs on ${ctx.header.arch ?? DEFAULT_PROFILE.arch} ${ctx.header.kernel ?? DEFAULT_PROFILE.kernel}. Say which machine you mean`,
      [{ title: `Add ${missing.map((m) => `'${m}'`).join(' and ')} header`, range: range(at, 0, 0), newText: insert }]);
  }
  void lineCount;
}

/** `suspicious`: the lexer saw a bad lexeme or a bad string on this line (else nothing to check first). */
function parseStatement(p: LineParser, suspicious: boolean): void {
  const ctx = p.ctx;
  const line = p.line;
  const statement = p.toks;
  const count = p.end;
  for (let i = 0; suspicious && i < count; i++) {
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
        [{ title: `Quote ${p.text(t.start, end)}`, range: range(line, t.start, end), newText: JSON.stringify(p.text(t.start, end)) }]);
    }
    if (t.t === 'bad') {
      p.error(p.r(t), 'bad-token', t.text.charCodeAt(0) >= 48 && t.text.charCodeAt(0) <= 57
        ? `'${t.text}' is not a number or a duration (units: ns, us, ms, s, m, h, d)`
        : `Unexpected character '${t.text}'`);
    }
  }
  const first = statement[0];
  const second = count > 1 ? statement[1] : undefined;
  const secondIsColon = second && second.t === 'punct' && second.text === ':';
  if (first.t === 'ident' && !secondIsColon) {
    if (first.text === 'expect') { first.code = K.keyword; p.pos = 1; return parseExpect(p); }
    if (first.text === 'arch' || first.text === 'kernel' || first.text === 'patch') { first.code = K.keyword; p.pos = 1; return parseHeader(p, first); }
    if (HOST_WORDS.has(first.text)) { first.code = K.operation; p.pos = 1; return parseHost(p, first); }
  }
  if ((first.t === 'ident' || first.t === 'ref') && secondIsColon) return parseTaskLine(p);
  // Not a known line form: give the most likely intent.
  if (first.t === 'ident' && second && second.t === 'ident' && lookupOperation(second.text) && count > 2 && statement[2].text === '(') {
    p.error(range(line, first.end, first.end), 'syntax', `Put ':' between the task and the operation: '${first.text}: ${second.text}(…)'`,
      [{ title: "Insert ':'", range: range(line, first.end, first.end), newText: ':' }]);
  }
  if (first.t === 'ident') {
    const spec = lookupOperation(first.text);
    if (spec && !spec.host) {
      const suggested = ctx.lastOpLine >= 0 ? lastTaskBefore(ctx) : 'P1';
      p.error(p.r(first), 'missing-task', `Which task calls ${first.text}? Write the task first, as in '${suggested}: ${spec.example.replace(/^\w+: /, '')}'`,
        [{ title: `Call it from ${suggested}`, range: range(line, first.start, first.start), newText: `${suggested}: ` }]);
    }
    const near = closest(first.text, LINE_STARTS);
    p.error(p.r(first), 'unknown-statement',
      `A line is 'TASK: operation(...)', 'expect ...', a host action (sleep, suspend, sysctl, spawn) or a header (arch, kernel, patch)${near.length ? `; did you mean ${near[0]}?` : ''}`,
      replaceFixes(p.r(first), near.slice(0, 1), ''));
  }
  p.error(p.r(first), 'unknown-statement', `A line is 'TASK: operation(...)', 'expect ...', a host action or a header, not '${first.text}'`);
}

function lastTaskBefore(ctx: Ctx): string {
  for (let i = ctx.steps.length - 1; i >= 0; i--) { const t = ctx.steps[i].task; if (t) return t; }
  return 'P1';
}

function lookupOperation(word: string): OperationSpec | undefined {
  return OPERATION_BY_WORD.get(word) ?? OPERATION_BY_WORD.get(OPERATION_ALIASES[word] ?? '');
}

// ---------------------------------------------------------------------------------------------
// Tasks and fds
// ---------------------------------------------------------------------------------------------

/** Resolve a task used on this line; records unknown ones to report at the end. */
function useTask(p: LineParser, t: Lexeme): TaskInfo | null {
  t.code = K.task;
  const info = p.ctx.tasks.get(t.text);
  if (!info) {
    p.ctx.pendingUses.push({ name: t.text, range: p.r(t) });
    p.failed = true;
    return null;
  }
  return info;
}

function defineName(p: LineParser, t: Lexeme, what: 'task' | 'fd', owner?: TaskInfo): boolean {
  const name = t.text;
  if (t.t !== 'ident' || RESERVED.has(name) || lookupOperation(name)) {
    p.soft(p.r(t), 'bad-name', `'${name}' cannot name a ${what}: use a word such as ${what === 'task' ? 'P2 or T2' : 'fd1'}`);
    return false;
  }
  if (what === 'task') {
    t.code = K.task;
    const existing = p.ctx.tasks.get(name);
    if (existing) {
      const free = freeName(p.ctx, name);
      p.soft(p.r(t), 'name-taken', existing.line < 0 ? `${name} already exists (it is the initial task)` : `${name} is already the task created on line ${existing.line + 1}`,
        [{ title: `Call it ${free}`, range: p.r(t), newText: free }]);
      return false;
    }
    return true;
  }
  t.code = K.keyword;
  if (owner && owner.fds.has(name)) {
    p.soft(p.r(t), 'name-taken', `This task already has an fd named ${name}; close it first or pick another name`);
    return false;
  }
  return true;
}

function freeName(ctx: Ctx, base: string): string {
  const m = /^(.*?)(\d*)$/.exec(base);
  const stem = m && m[1] ? m[1] : 'P';
  for (let n = 2; ; n++) if (!ctx.tasks.has(stem + n)) return stem + n;
}

// ---------------------------------------------------------------------------------------------
// Header lines
// ---------------------------------------------------------------------------------------------

function parseHeader(p: LineParser, word: Lexeme): void {
  const ctx = p.ctx;
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
      const near = closest(v.text, ['x86_64', 'arm64']);
      p.error(p.r(v), 'unknown-arch', `Unknown architecture '${v.text}': the model knows x86_64 and arm64`, replaceFixes(p.r(v), near.length ? near : ['x86_64', 'arm64'], ''));
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
    if (!/^\d+\.\d+(\.\d+)?$/.test(text) || rest.some((t, i) => i > 0 && t.start !== rest[i - 1].end)) {
      p.error(vr, 'bad-kernel', `'${text}' is not a kernel version such as 6.18 or 5.10`);
    }
    const majorMinor = text.split('.').slice(0, 2).join('.');
    let kernel: KernelVersion;
    if (isKernelVersion(majorMinor)) {
      kernel = majorMinor;
      if (majorMinor !== text) ctx.diag(vr, 'info', 'kernel-sublevel', `Modelled as ${kernel}: the model distinguishes major.minor versions`);
    } else {
      kernel = nearestKernelVersion(majorMinor);
      const older = compareVersions(majorMinor, kernel) > 0;
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

// ---------------------------------------------------------------------------------------------
// Host lines: sleep 10s, suspend 1h, sysctl user.max_time_namespaces=3 [userns=user#1], spawn P5 uid=65534
// ---------------------------------------------------------------------------------------------

function parseHost(p: LineParser, word: Lexeme): void {
  const ctx = p.ctx;
  const line = p.line;
  let operation: Operation;
  let defines: Lexeme | null = null;
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
  } else {
    const name = p.next();
    if (!name) p.error(p.endRange(), 'syntax', "Name the new task: 'spawn P5 uid=65534'");
    let uid = 0;
    if (p.at('uid') && p.at('=', 1)) {
      p.peek()!.code = K.keyword;
      p.pos += 2;
      uid = readInt(p);
    }
    if (paren) p.expectPunct(')', "')'");
    p.expectEnd();
    if (!defineName(p, name, 'task')) return;
    defines = name;
    operation = { op: 'spawn', child: name.text, uid };
  }
  if (p.failed) return;
  pushStep(p, null, operation);
  if (defines) addTask(ctx, defines.text, line, null);
}

function pushStep(p: LineParser, task: string | null, operation: Operation): void {
  const ctx = p.ctx;
  ctx.steps.push({ line: p.line, task, operation });
  if (ctx.firstStepLine < 0) ctx.firstStepLine = p.line;
  ctx.lastOpLine = p.line;
}

function addTask(ctx: Ctx, name: string, line: number, parent: TaskInfo | null): void {
  ctx.tasks.set(name, { line, fds: new Set(parent ? parent.fds : []), exited: false });
  ctx.taskOrder.push({ name, line });
}

// ---------------------------------------------------------------------------------------------
// Task lines: TASK: op(args) [= NAME]
// ---------------------------------------------------------------------------------------------

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

function parseTaskLine(p: LineParser): void {
  const ctx = p.ctx;
  const taskTok = p.next()!;
  p.next(); // ':'
  const task = taskTok.t === 'ident' ? useTask(p, taskTok) : null;
  if (taskTok.t !== 'ident') p.soft(p.r(taskTok), 'bad-name', `'${taskTok.text}' is not a task name`);
  if (task?.exited) ctx.diag(p.r(taskTok), 'warning', 'task-exited', `${taskTok.text} has exited; the simulator will refuse this line`);
  const opTok = p.next();
  if (!opTok) p.error(p.endRange(), 'syntax', 'Which operation? e.g. unshare(CLONE_NEWTIME)');
  if (opTok.t !== 'ident') p.error(p.r(opTok), 'syntax', `Expected an operation name, found '${opTok.text}'`);
  opTok.code = K.operation;
  const spec = lookupOperation(opTok.text);
  if (!spec || spec.host) {
    const near = closest(opTok.text, OPERATION_SPECS.filter((s) => !s.host).map((s) => s.word));
    p.error(p.r(opTok), 'unknown-operation',
      spec ? `${opTok.text} is a host action, written on its own line: '${spec.example}'`
        : `Unknown operation '${opTok.text}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
      replaceFixes(p.r(opTok), near, ''));
  }
  const open = p.peek();
  if (!open || open.text !== '(') {
    p.error(open ? p.r(open) : p.endRange(), 'syntax', `Expected '(' after ${opTok.text}`,
      open ? undefined : [{ title: "Add '()'", range: p.endRange(), newText: '()' }]);
  }
  p.pos++;
  const argc = readArgs(p, open);
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
  if (spec.result && !resultName) {
    const free = spec.result === 'task' ? freeName(ctx, 'P1') : 'fd' + (nextFdNumber(task));
    p.error(p.r(opTok), 'missing-result-name', `Name the ${spec.result === 'task' ? 'new task' : 'fd'}: '${spec.word}(…) = ${free}'`,
      [{ title: `Name it ${free}`, range: p.endRange(), newText: ` = ${free}` }]);
  }
  const resultOk = resultName ? defineName(p, resultName, spec.result === 'fd' ? 'fd' : 'task', task ?? undefined) : true;
  const values = bindArgs(p, spec, argc, open!, task);
  if (p.failed || !resultOk || !values) {
    // Still define the name so later lines do not cascade into "unknown task" errors.
    if (resultName && resultOk && spec.result === 'task' && !ctx.tasks.has(resultName.text)) addTask(ctx, resultName.text, p.line, task);
    if (resultName && resultOk && spec.result === 'fd' && task) task.fds.add(resultName.text);
    return;
  }
  const operation = buildOperation(spec, values, resultName?.text ?? '');
  pushStep(p, taskTok.text, operation);
  if (spec.result === 'task' && resultName) addTask(ctx, resultName.text, p.line, task);
  if (spec.result === 'fd' && resultName && task) task.fds.add(resultName.text);
  if (operation.op === 'close' && task) task.fds.delete(operation.fd);
  if (operation.op === 'exit' && task) task.exited = true;
}

function nextFdNumber(task: TaskInfo | null): number {
  let n = 1;
  while (task && task.fds.has('fd' + n)) n++;
  return n;
}

/** Splits the call's arguments at top-level commas into ctx.args; returns how many there are. */
function readArgs(p: LineParser, open: Lexeme): number {
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
      if (p.pos - 1 > first || argc) makeArg(p, argc++, first, p.pos - 1, argStart, t.start);
      return argc;
    }
    if (t.text === ',' && depth === 0) {
      makeArg(p, argc++, first, p.pos - 1, argStart, t.start);
      first = p.pos;
      argStart = t.end;
    }
  }
}

function makeArg(p: LineParser, at: number, first: number, last: number, from: number, to: number): void {
  if (first === last) p.error(range(p.line, from, to), 'syntax', 'Empty argument');
  const toks = p.toks;
  let name: Lexeme | null = null;
  if (last - first >= 3 && toks[first].t === 'ident' && toks[first + 1].t === 'punct' && toks[first + 1].text === '=') {
    name = toks[first];
    name.code = K.keyword;
    first += 2;
  }
  const args = p.ctx.args;
  const arg = at < args.length ? args[at] : (args[at] = new Arg());
  arg.name = name;
  arg.first = first;
  arg.last = last;
  arg.line = p.line;
  arg.from = toks[first].start;
  arg.to = toks[last - 1].end;
}

type Value = number | string | boolean | Timespec | TimeExpr | FileRef | NsTarget | null;

/** The converted arguments of one call, by parameter name (an array under the hood: this runs per line). */
class ArgValues {
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

/** Match args to the operation's parameters (positional, or `name=value`), convert each, report problems. */
function bindArgs(p: LineParser, spec: OperationSpec, argc: number, open: Lexeme, task: TaskInfo | null): ArgValues | null {
  const out = p.ctx.argValues.reset(spec);
  let positional = 0;
  const given = out.given;
  for (let i = 0; i < argc; i++) {
    const arg = p.ctx.args[i];
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
    const v = convertArg(p, param.kind, arg, task);
    if (v !== undefined) out.values[at] = v;
  }
  let anyMissing = false;
  if (out.count !== spec.args.length) for (let i = 0; i < spec.args.length; i++) if (!spec.args[i].optional && !given[i]) anyMissing = true;
  if (anyMissing) {
    const missing = spec.args.filter((a, i) => !a.optional && !given[i]);
    const closeCol = open.end;
    p.soft(range(p.line, open.start, closeCol), 'missing-argument',
      `${spec.word} needs ${missing.map((a) => `${a.name} (${a.doc})`).join(' and ')}. Example: ${spec.example}`);
  }
  return p.failed ? null : out;
}

const argIndex = new WeakMap<OperationSpec, Map<string, ArgSpec>>();
function argsByName(spec: OperationSpec): Map<string, ArgSpec> {
  let m = argIndex.get(spec);
  if (!m) argIndex.set(spec, (m = new Map(spec.args.map((a) => [a.name, a]))));
  return m;
}

function convertArg(p: LineParser, kind: ArgKind, arg: Arg, task: TaskInfo | null): Value | undefined {
  const toks = p.toks;
  const at = arg.first;
  const n = arg.last - at;
  const one = n === 1 ? toks[at] : null;
  switch (kind) {
    case 'cloneFlags': case 'nstype': case 'protFlags': case 'mremapFlags': case 'timerFlags': case 'prctlOption':
      return readFlags(p, kind, arg);
    case 'openMode': {
      if (one && one.t === 'string') {
        const mode = one.value;
        if (mode === 'r' || mode === 'w' || mode === 'rw') return mode;
        p.soft(p.r(one), 'bad-value', 'The open mode is "r", "w", "rw" or O_RDONLY, O_WRONLY, O_RDWR');
        return undefined;
      }
      const v = readFlags(p, 'openMode', arg);
      if (v === undefined) return undefined;
      return (v & 3) === 1 ? 'w' : (v & 3) === 2 ? 'rw' : 'r';
    }
    case 'clock': {
      if (!one) { p.soft(arg.range, 'syntax', 'A clock is one CLOCK_* name or a number'); return undefined; }
      if (one.t === 'number') { one.code = K.clock; return parseInteger(one.text) ?? undefined; }
      if (one.t === 'ident') {
        one.code = K.clock;
        const id = own(CLOCKS, one.text);
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
      return readString(p, one);
    }
    case 'fd': {
      if (!one || one.t !== 'ident') { p.soft(arg.range, 'syntax', 'Expected an fd name, as given by open(...) = fd1'); return undefined; }
      return checkFd(p, one, task) ? one.text : undefined;
    }
    case 'file': {
      if (one && one.t === 'string') { const s = readString(p, one); return s === undefined ? undefined : { path: s }; }
      if (one && one.t === 'ident') return checkFd(p, one, task) ? { fd: one.text } : undefined;
      p.soft(arg.range, 'syntax', 'Expected a path in quotes or an fd name');
      return undefined;
    }
    case 'nsTarget': {
      if (one && one.t === 'string') { const s = readString(p, one); return s === undefined ? undefined : { path: s }; }
      if (one && one.t === 'ident') return checkFd(p, one, task) ? { fd: one.text } : undefined;
      if (n === 4 && toks[at].text === 'pidfd' && toks[at + 1].text === '(' && toks[at + 3].text === ')' && toks[at + 2].t === 'ident') {
        toks[at].code = K.operation;
        return useTask(p, toks[at + 2]) ? { pidfd: toks[at + 2].text } : undefined;
      }
      p.soft(arg.range, 'syntax', 'setns takes an fd name, a namespace path in quotes ("/proc/P2/ns/time") or pidfd(TASK)');
      return undefined;
    }
    case 'int':
      return parseWhole(p, arg, readInt);
    case 'time':
      return parseWhole(p, arg, readTimeExpr);
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
    case 'via': {
      if (!one || one.t !== 'ident' || !['vdso', 'libc', 'syscall'].includes(one.text)) {
        const near = one ? closest(one.text, ['vdso', 'syscall', 'libc']) : [];
        p.soft(arg.range, 'bad-value', "The read path is 'vdso' (what libc uses) or 'syscall'", replaceFixes(arg.range, near, ''));
        return undefined;
      }
      one.code = K.keyword;
      return one.text === 'syscall' ? 'syscall' : 'vdso';
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
    case 'task': {
      if (!one || one.t !== 'ident') { p.soft(arg.range, 'syntax', 'Expected a task name'); return undefined; }
      return useTask(p, one) ? one.text : undefined;
    }
  }
}

function readString(p: LineParser, t: Lexeme): string | undefined {
  if (t.problem) {
    p.soft(range(p.line, t.problem.start, t.problem.end), 'bad-string', t.problem.message,
      t.problem.message.includes('closing quote') ? [{ title: 'Close the string', range: range(p.line, t.end, t.end), newText: '"' }] : undefined);
    return undefined;
  }
  const v = t.value ?? '';
  if (v.startsWith('/')) {
    t.code = K.path;
    checkProcPath(p, t, v);
  }
  return v;
}

/** `/proc/NAME/...`: NAME must be self, thread-self, a number or a known task. */
function checkProcPath(p: LineParser, t: Lexeme, path: string): void {
  if (!path.startsWith('/proc/')) return;
  const slash = path.indexOf('/', 6);
  const who = path.slice(6, slash < 0 ? path.length : slash);
  if (!who) return;
  if (who === 'self' || who === 'thread-self' || /^\d+$/.test(who) || ['uptime', 'stat', 'sys'].includes(who)) return;
  if (p.ctx.tasks.has(who)) return;
  const col = t.start + 1 + '/proc/'.length;
  const rng = t.value === t.text.slice(1, -1) ? range(p.line, col, col + who.length) : p.r(t);
  const near = closest(who, p.ctx.tasks.keys());
  p.soft(rng, 'unknown-task', `No task named ${who} exists at this line (in /proc paths use self, thread-self or a task name)`, rng === p.r(t) ? undefined : replaceFixes(rng, near, ''));
}

function checkFd(p: LineParser, t: Lexeme, task: TaskInfo | null): boolean {
  t.code = K.keyword;
  if (!task) return true;
  if (task.fds.has(t.text)) return true;
  const near = closest(t.text, task.fds);
  p.soft(p.r(t), 'unknown-fd', `This task has no fd named ${t.text}: open one with 'open("…") = ${t.text}'${near.length ? `, or did you mean ${near.join(', ')}?` : ''}`,
    replaceFixes(p.r(t), near, ''));
  return false;
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
function parseWhole<T>(p: LineParser, arg: Arg, read: (sub: LineParser) => T): T | undefined {
  // Not re-entrant (the readers never read a whole argument themselves), so one recycled parser serves.
  const sub = (p.ctx.sub ?? new LineParser(p.ctx, 0, p.toks, 0, 0, p.source, 0, 0)).reset(p.line, arg.first, arg.last, p.base, p.len);
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

function readInt(p: LineParser): number {
  let neg = false;
  let t = p.next();
  if (t && t.t === 'punct' && t.text === '-') { neg = true; t = p.next(); }
  if (!t) p.error(p.endRange(), 'syntax', 'Expected a number');
  const v = t.t === 'number' ? parseInteger(t.text) : null;
  if (v === null) p.error(p.r(t), 'syntax', `Expected an integer, found '${t.text}'`);
  t.code = K.number;
  return neg ? -v : v;
}

/** A duration: `10s`, `1.5ms`, `-10s`, or a bare number in `unitless` units. */
function readDuration(p: LineParser, unitless: string): Timespec {
  let neg = false;
  let t = p.next();
  if (t && t.t === 'punct' && (t.text === '-' || t.text === '+')) { neg = t.text === '-'; t = p.next(); }
  if (!t) p.error(p.endRange(), 'syntax', 'Expected a duration such as 10s (units: ns, us, ms, s, m, h, d)');
  const d = t.t === 'number' || t.t === 'duration' ? parseDuration(t.text, unitless) : null;
  if (!d) p.error(p.r(t), 'syntax', `Expected a duration such as 10s, found '${t.text}'`);
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

function buildOperation(spec: OperationSpec, v: ArgValues, name: string): Operation {
  switch (spec.op) {
    case 'unshare': return { op: 'unshare', flags: numberArg(v, 'flags', 0) };
    case 'setns': return { op: 'setns', target: v.get('fd') as NsTarget, nstype: numberArg(v, 'nstype', 0) };
    case 'fork': return { op: 'fork', child: name };
    case 'vfork': return { op: 'vfork', child: name };
    case 'clone': return { op: 'clone', flags: numberArg(v, 'flags', 0), child: name };
    case 'clone3': return { op: 'clone3', flags: numberArg(v, 'flags', 0), exitSignal: numberArg(v, 'exit_signal', SIGNALS.SIGCHLD), child: name };
    case 'pthread_create': return { op: 'pthread_create', child: name };
    case 'execve': return { op: 'execve', path: (v.get('path') as string | undefined) ?? '/proc/self/exe' };
    case 'exit': return { op: 'exit', code: numberArg(v, 'code', 0) };
    case 'setuid': return { op: 'setuid', uid: numberArg(v, 'uid', 0) };
    case 'prctl_set_dumpable': return { op: 'prctl_set_dumpable', dumpable: numberArg(v, 'dumpable', 0) !== 0 };
    case 'open': return { op: 'open', path: v.get('path') as string, mode: (v.get('flags') as 'r' | 'w' | 'rw' | undefined) ?? 'r', fd: name };
    case 'close': return { op: 'close', fd: v.get('fd') as string };
    case 'read': return { op: 'read', file: v.get('file') as FileRef };
    case 'write': return { op: 'write', file: v.get('file') as FileRef, data: v.get('data') as string };
    case 'pwrite': return { op: 'pwrite', file: v.get('file') as FileRef, data: v.get('data') as string, offset: numberArg(v, 'offset', 0) };
    case 'lseek': return { op: 'lseek', fd: v.get('fd') as string, offset: numberArg(v, 'offset', 0) };
    case 'readlink': return { op: 'readlink', path: v.get('path') as string };
    case 'clock_gettime': return { op: 'clock_gettime', clock: numberArg(v, 'clock', 0), via: (v.get('via') as 'vdso' | 'syscall' | undefined) ?? 'vdso' };
    case 'clock_nanosleep': return { op: 'clock_nanosleep', clock: numberArg(v, 'clock', 0), abs: numberArg(v, 'flags', 0) !== 0, value: v.get('time') as TimeExpr };
    case 'timerfd_settime': return { op: 'timerfd_settime', clock: numberArg(v, 'clock', 0), abs: numberArg(v, 'flags', 0) !== 0, value: v.get('time') as TimeExpr };
    case 'touch': return { op: 'touch', mapping: v.get('mapping') as MappingName, page: numberArg(v, 'page', 0) };
    case 'mprotect': return withPages({ op: 'mprotect', mapping: v.get('mapping') as MappingName, prot: numberArg(v, 'prot', 0) }, v);
    case 'munmap': return withPages({ op: 'munmap', mapping: v.get('mapping') as MappingName }, v, 1);
    case 'mremap': return withPages({ op: 'mremap', mapping: v.get('mapping') as MappingName, newPages: numberArg(v, 'new_pages', 0), flags: numberArg(v, 'flags', 0) }, v);
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

// ---------------------------------------------------------------------------------------------
// expect lines
// ---------------------------------------------------------------------------------------------

function parseExpect(p: LineParser): void {
  const ctx = p.ctx;
  const exp = p.toks[0];
  const toks = p.toks;
  if (p.end < 2) {
    p.error(p.endRange(), 'syntax', 'What is expected? e.g. expect ok, expect errno == EACCES, expect P2.time_ns == ns#1',
      [{ title: 'expect ok', range: p.endRange(), newText: ' ok' }]);
  }
  const from = toks[1].start;
  const to = toks[p.end - 1].end;
  const textRange = range(p.line, from, to);
  const text = p.text(from, to);
  const check = readExpectCheck(p);
  p.expectEnd();
  if (p.failed || !check) return;
  if (RESULT_FORMS.has(check.form) && ctx.lastOpLine < 0) {
    p.error(range(p.line, exp.start, exp.end), 'expect-without-operation', `'expect ${text}' checks the result of the operation above it, and there is none`);
  }
  ctx.expectations.push({ line: p.line, text, range: textRange, check });
}

function readExpectCheck(p: LineParser): ExpectCheck | null {
  const first = p.next()!;
  if (first.t === 'ident' && SUBJECT_WORDS.has(first.text)) {
    first.code = K.keyword;
    if (first.text === 'ok') return { form: 'errno', errno: null };
    p.expectPunct('==', "'=='");
    const v = p.next();
    if (!v) p.error(p.endRange(), 'syntax', `Expected a value after '=='`);
    switch (first.text) {
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
      case 'signal': {
        if (v.t === 'ident' && v.text === 'none') { v.code = K.keyword; return { form: 'signal', signal: null }; }
        v.code = K.signal;
        if (v.t !== 'ident' || own(SIGNALS, v.text) === undefined) {
          const near = closest(v.text, SIGNAL_NAMES);
          p.error(p.r(v), 'unknown-signal', `Unknown signal '${v.text}'`, replaceFixes(p.r(v), near, ''));
        }
        return { form: 'signal', signal: v.text };
      }
      case 'waited': {
        p.pos--;
        const d = readDuration(p, 's');
        return { form: 'waited', sec: d.sec, nsec: d.nsec };
      }
      case 'read': case 'text': {
        if (v.t !== 'string') p.error(p.r(v), 'syntax', 'Expected a string in double quotes');
        const s = readString(p, v);
        if (s === undefined) return null;
        return { form: 'text', text: s };
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
  if (first.t === 'ref') {
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
  if (first.t === 'ident') {
    const info = useTask(p, first);
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
      if (!info) return null;
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
      if (!info) return null;
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
      if (!info) return null;
      return { form: 'pte', task, mapping: second.text, page, phys };
    }
    p.error(p.r(second), 'syntax', `After a task, expect takes '.time_ns == ns#N', '.time_ns_for_children == ns#N', 'CLOCK_X == host + Ns' or '[vvar][N] -> ns#N'`);
  }
  const near = closest(first.text, SUBJECT_WORDS);
  p.error(p.r(first), 'syntax', "expect takes: ok, errno == E…, ret == N, signal == SIG…, read == \"…\", path == …, ns#N frozen, ns#N offset monotonic == Ns, TASK.time_ns == ns#N, TASK CLOCK_X == host + Ns, TASK [vvar][N] -> ns#N",
    replaceFixes(p.r(first), near, ''));
}
