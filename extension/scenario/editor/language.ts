// Language-feature logic for .timens files with no VS Code types: completion at a position and the outline
// (sections, header, tasks, lines); hovers are in hover.ts. The VS Code providers in extension/vscode/editor
// only convert these to vscode objects.

import type { ParsedScenario, ScenarioRun } from '../api';
import type { Profile } from '../../sim/types';
import { ARCHES, ARM64_PATCHES, CLOCKS, DESIGNS, KERNEL_VERSIONS, SIGNALS } from '../../sim/types';
import { designOf } from '../../sim/designs/index';
import { HOST_OPERATIONS } from '../../sim/ops';
import { EXPECT_FORMS } from '../expectGrammar';
import { CONFIG_KEYS } from '../../sim/config';
import { configKey } from '../headerConfig';
import { lexLine, type Lexeme } from '../lexer';
import {
  COMMON_PATHS, ERRNO_TEXT, FLAG_TABLES, HEADER_WORDS, MACHINE_KEYS, MAPPING_NAMES, OPERATION_ALIASES, OPERATION_BY_WORD, OPERATION_RANK, OPERATION_SPECS,
  type ArgKind, type OperationSpec,
} from '../vocabulary';
import { pageRole, versionAtLeast } from './format';
import { CLOCK_DOCS, FLAG_DOCS, kernelDetail, PATH_DOCS } from './knowledge';

// ------------------------------------------------------------------------------------------------
// Completion
// ------------------------------------------------------------------------------------------------

export type CompletionKind = 'operation' | 'keyword' | 'task' | 'flag' | 'clock' | 'errno' | 'signal' | 'path' | 'value' | 'namespace' | 'fd' | 'snippet';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  /** Text inserted; a VS Code snippet when `snippet` is true. Defaults to the label. */
  readonly insertText?: string;
  readonly snippet?: boolean;
  readonly detail?: string;
  readonly documentation?: string;
  /** Column where the text being replaced starts (the word typed so far). */
  readonly replaceFrom: number;
  /** Ask for completion again after inserting (e.g. after `arch `). */
  readonly retrigger?: boolean;
  readonly sortText?: string;
}

export interface CompletionContext {
  readonly parsed: ParsedScenario | null;
  readonly profile: Profile;
}

function tasksBefore(parsed: ParsedScenario | null, line: number): string[] {
  if (!parsed) return ['P1'];
  return parsed.tasks.filter((t) => t.line < line).map((t) => t.name);
}

function fdsBefore(parsed: ParsedScenario | null, line: number): string[] {
  if (!parsed) return [];
  const fds = new Set<string>();
  for (const s of parsed.steps) if (s.line < line && s.operation.op === 'open') fds.add(s.operation.fd);
  return [...fds];
}

function namespacesKnown(parsed: ParsedScenario | null, line: number, run?: ScenarioRun): string[] {
  const names = new Set<string>(['ns#0']);
  if (run) {
    for (const o of run.outcomes) {
      if (o.time_ns) names.add(o.time_ns);
      if (o.time_ns_for_children) names.add(o.time_ns_for_children);
    }
  }
  // Every unshare/clone3 with CLONE_NEWTIME above creates the next one, in order.
  let n = 0;
  for (const s of parsed?.steps ?? []) {
    if (s.line >= line) break;
    if ((s.operation.op === 'unshare' || s.operation.op === 'clone3') && (s.operation.flags & 0x80)) names.add(`ns#${++n}`);
  }
  return [...names].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
}

/** A name for a new task that the document does not give yet, also on lines that do not parse. */
function freeTaskName(parsed: ParsedScenario | null, stem = 'P'): string {
  const taken = new Set(parsed ? parsed.taskNames ?? parsed.tasks.map((t) => t.name) : ['P1']);
  for (let n = 2; ; n++) if (!taken.has(stem + n)) return stem + n;
}

function freeFdName(parsed: ParsedScenario | null, line: number): string {
  const taken = new Set(fdsBefore(parsed, line));
  for (let n = 1; ; n++) if (!taken.has(`fd${n}`)) return `fd${n}`;
}

function lookupSpec(word: string): OperationSpec | undefined {
  return OPERATION_BY_WORD.get(word) ?? OPERATION_BY_WORD.get(OPERATION_ALIASES[word] ?? '');
}

function mappingsFor(profile: Profile): string[] {
  return MAPPING_NAMES.filter((m) => m !== '[vvar_vclock]' || (profile.arch === 'x86_64' && versionAtLeast(profile.kernel, '6.13')));
}

/** Completion entries at (line, character) of `lineText`. */
export function completionsAt(lineText: string, line: number, character: number, ctx: CompletionContext): CompletionEntry[] {
  const prefix = lineText.slice(0, character);
  if (/^\s*#/.test(prefix)) return [];
  const lex = lexLine(prefix);
  const last = lex[lex.length - 1];
  // Inside an unfinished string: complete paths.
  if (last && last.t === 'string' && last.end === prefix.length && !(last.text.length > 1 && last.text.endsWith('"'))) {
    return pathEntries(ctx, line, last.start + 1, false);
  }
  let from = character;
  let ctxToks = lex;
  if (last && last.end === prefix.length && (last.t === 'ident' || last.t === 'number' || last.t === 'ref' || last.t === 'duration' || (last.t === 'bad' && /\w/.test(last.text)))) {
    from = last.start;
    ctxToks = lex.slice(0, -1);
  } else if (last && last.end === prefix.length && last.t === 'punct' && last.text === '[') {
    // `[vv` lexes as '[' + ident; a lone '[' starts a mapping.
    from = last.start;
    ctxToks = lex.slice(0, -1);
  } else if (last && last.end === prefix.length && last.t === 'mapping') {
    from = last.start;
    ctxToks = lex.slice(0, -1);
  }
  if (ctxToks.length >= 2 && ctxToks[ctxToks.length - 1].t === 'punct' && ctxToks[ctxToks.length - 1].text === '[' && from !== ctxToks[ctxToks.length - 1].start) {
    from = ctxToks[ctxToks.length - 1].start;
    ctxToks = ctxToks.slice(0, -1);
  }
  const words = ctxToks.filter((t) => t.t !== 'comment');
  const e = (label: string, kind: CompletionKind, extra: Partial<CompletionEntry> = {}): CompletionEntry => ({ label, kind, replaceFrom: from, ...extra });
  const { parsed } = ctx;

  if (words.length === 0) return lineStartEntries(parsed, line, e);
  const w0 = words[0];
  if (w0.t === 'ident' && words.length === 1 && !(words[0].t === 'punct')) {
    if (w0.text === 'arch') return ARCHES.map((a) => e(a, 'value', { detail: a === 'arm64' ? 'time namespaces from 5.9 (the June 2020 series)' : 'time namespaces from 5.6' }));
    if (w0.text === 'kernel') return KERNEL_VERSIONS.map((v, i) => e(v, 'value', { sortText: String(i).padStart(2, '0'), detail: kernelDetail(v) }));
    if (w0.text === 'patch') return [e('off', 'keyword', { insertText: 'off ', retrigger: true, detail: 'switch a patch of the arm64 series off' })];
    if (w0.text === 'build') return [e('forced', 'keyword', { detail: 'run a kernel that does not build as a forced build (not a real kernel)' })];
    if (w0.text === 'design') return DESIGNS.map((d) => e(d, 'value', { detail: designOf(d).title, documentation: designOf(d).summary }));
    if (w0.text === 'tick') return ['1', '10', '250'].map((n) => e(n, 'value', { detail: `${n} tick(s) of 1/HZ` }));
    if (w0.text === 'sleep' || w0.text === 'suspend') return ['1s', '10s', '1m', '1h', '1d'].map((d) => e(d, 'value'));
    if (w0.text === 'sysctl') return [e('user.max_time_namespaces', 'keyword', { insertText: 'user.max_time_namespaces=${1:3}', snippet: true })];
    if (w0.text === 'spawn') return [e(freeTaskName(parsed), 'task', { insertText: `${freeTaskName(parsed)} uid=\${1:65534}`, snippet: true, detail: 'a new task in the initial namespaces' })];
    if (w0.text === 'expect') return expectStartEntries(parsed, line, e);
  }
  if (w0.t === 'ident' && w0.text === 'machine') return machineEntries(words.slice(1), e);
  if (w0.t === 'ident' && w0.text === 'config') return configEntries(words.slice(1), e);
  if (w0.t === 'ident' && w0.text === 'patch') {
    return ARM64_PATCHES.map((p) => e(p.id, 'value', { detail: `patch ${p.n}/6 ${p.commit}`, documentation: `${p.title} (merged as ${p.commit}, v5; v4: ${p.v4})` }));
  }
  if (w0.t === 'ident' && w0.text === 'expect') return expectEntries(words.slice(1), parsed, line, e);
  const w1 = words[1];
  if ((w0.t === 'ident' || w0.t === 'ref') && w1 && w1.t === 'punct' && w1.text === ':') {
    if (words.length === 2) return operationEntries(e);
    return argumentEntries(words.slice(2), ctx, line, e);
  }
  return [];
}

type Make = (label: string, kind: CompletionKind, extra?: Partial<CompletionEntry>) => CompletionEntry;

function lineStartEntries(parsed: ParsedScenario | null, line: number, e: Make): CompletionEntry[] {
  const out: CompletionEntry[] = [];
  for (const t of tasksBefore(parsed, line)) out.push(e(`${t}:`, 'task', { insertText: `${t}: `, retrigger: true, detail: 'a task defined above' }));
  out.push(e('expect', 'keyword', { insertText: 'expect ', retrigger: true, detail: 'check the state or the result of the line above' }));
  for (const w of HOST_OPERATIONS) {
    const spec = OPERATION_BY_WORD.get(w);
    out.push(e(w, 'operation', { insertText: spec?.snippet ?? w, snippet: true, detail: 'host action', documentation: spec?.summary }));
  }
  const hasHeader = parsed?.header;
  if (!hasHeader?.arch) out.push(e('arch', 'keyword', { insertText: 'arch ', retrigger: true, detail: 'header: the architecture' }));
  if (!hasHeader?.kernel) out.push(e('kernel', 'keyword', { insertText: 'kernel ', retrigger: true, detail: 'header: the kernel version' }));
  out.push(e('patch off', 'keyword', { insertText: 'patch off ', retrigger: true, detail: 'header: switch off a patch of the arm64 series' }));
  out.push(e('machine', 'keyword', { insertText: 'machine ', retrigger: true, detail: "header: the machine's properties (root's capabilities, RTC, clocksource)" }));
  out.push(e('config', 'keyword', { insertText: 'config ', retrigger: true, detail: 'header: a kernel build option (CONFIG_TIME_NS=n)' }));
  if (!hasHeader?.design) out.push(e('design', 'keyword', { insertText: 'design ', retrigger: true, detail: 'header: a time-namespace design that was never merged' }));
  out.push(e('# --- section', 'snippet', { insertText: '# --- ${1:what happens next}', snippet: true, detail: 'an outline section' }));
  return out;
}

/** After `config`: a CONFIG_NAME= word, or after `=` y and n. */
function configEntries(words: readonly Lexeme[], e: Make): CompletionEntry[] {
  const n = words.length;
  if (n >= 2 && words[n - 1].text === '=') {
    const key = configKey(words[n - 2].text);
    return key ? (['n', 'y'] as const).map((v) => e(v, 'value', { documentation: CONFIG_KEYS[key].doc })) : [];
  }
  return Object.entries(CONFIG_KEYS).map(([k, spec]) => e(`CONFIG_${k}=`, 'keyword', { insertText: `CONFIG_${k}=`, retrigger: true, documentation: spec.doc }));
}

/** After `machine`: a KEY= word, or after `KEY=` its values. */
function machineEntries(words: readonly Lexeme[], e: Make): CompletionEntry[] {
  const n = words.length;
  if (n >= 2 && words[n - 1].text === '=') {
    const spec = Object.hasOwn(MACHINE_KEYS, words[n - 2].text) ? MACHINE_KEYS[words[n - 2].text] : undefined;
    const values = spec ? spec.values ?? ['kvm-clock', 'tsc', 'hpet', 'acpi_pm', 'arch_sys_counter'] : [];
    return values.map((v) => e(v, 'value', { documentation: spec?.doc }));
  }
  return Object.entries(MACHINE_KEYS).map(([k, spec]) => e(`${k}=`, 'keyword', { insertText: `${k}=`, retrigger: true, documentation: spec.doc }));
}

function expectStartEntries(parsed: ParsedScenario | null, line: number, e: Make): CompletionEntry[] {
  // The forms about the result of the line above, from the expect grammar; a form whose value is a word
  // from a list asks for completion again after `==`.
  const out: CompletionEntry[] = EXPECT_FORMS.filter((f) => f.subject).map((f) => f.subject === 'ok'
    ? e('ok', 'keyword', { detail: f.detail })
    : f.values
      ? e(`${f.subject} ==`, 'keyword', { insertText: `${f.subject} == `, retrigger: true, detail: f.detail })
      : e(`${f.subject} ==`, 'keyword', { insertText: f.snippet, snippet: true, detail: f.detail }));
  for (const t of tasksBefore(parsed, line)) {
    out.push(e(`${t}.time_ns ==`, 'task', { insertText: `${t}.time_ns == \${1:ns#1}`, snippet: true, detail: 'the namespace the task is in' }));
    out.push(e(`${t}.time_ns_for_children ==`, 'task', { insertText: `${t}.time_ns_for_children == \${1:ns#1}`, snippet: true }));
    out.push(e(`${t} CLOCK_MONOTONIC == host +`, 'task', { insertText: `${t} \${1:CLOCK_MONOTONIC} == host + \${2:0s}`, snippet: true, detail: 'a clock as the task reads it' }));
    out.push(e(`${t} [vvar][0] ->`, 'task', { insertText: `${t} [vvar][\${1:0}] -> \${2:ns#1}`, snippet: true, detail: 'a page-table entry of its [vvar]' }));
  }
  for (const ns of namespacesKnown(parsed, line)) {
    out.push(e(`${ns} frozen`, 'namespace', { insertText: `${ns} frozen` }));
    out.push(e(`${ns} not frozen`, 'namespace', { insertText: `${ns} not frozen` }));
    out.push(e(`${ns} offset monotonic ==`, 'namespace', { insertText: `${ns} offset \${1|monotonic,boottime|} == \${2:86400s}`, snippet: true }));
  }
  return out;
}

function expectEntries(body: Lexeme[], parsed: ParsedScenario | null, line: number, e: Make): CompletionEntry[] {
  if (body.length === 0) return expectStartEntries(parsed, line, e);
  const [a, b, c] = body;
  const lastTok = body[body.length - 1];
  if (a.t === 'ident' && b?.text === '==' && body.length === 2) {
    const form = EXPECT_FORMS.find((f) => f.subject === a.text && f.values);
    if (form) return form.values!.map((x) => e(x, form.form === 'errno' ? 'errno' : form.form === 'signal' ? 'signal' : 'value', { detail: form.form === 'errno' ? ERRNO_TEXT[x] : undefined }));
  }
  if (a.t === 'ref' && body.length === 1) return [e('frozen', 'keyword'), e('not frozen', 'keyword'), e('offset', 'keyword', { insertText: 'offset ', retrigger: true })];
  if (a.t === 'ref' && b && (b.text === 'offset' || b.text === 'offsets') && body.length === 2) return [e('monotonic', 'clock'), e('boottime', 'clock')];
  if (a.t === 'ident' && body.length === 1) {
    return [
      e('.time_ns', 'keyword', { insertText: '.time_ns == ' , retrigger: true }),
      e('.time_ns_for_children', 'keyword', { insertText: '.time_ns_for_children == ', retrigger: true }),
      ...Object.keys(CLOCKS).map((x) => e(x, 'clock', { insertText: `${x} == host + \${1:0s}`, snippet: true })),
      e('[vvar]', 'keyword', { insertText: '[vvar][${1:0}] -> ${2:ns#1}', snippet: true }),
    ];
  }
  if (a.t === 'ident' && b?.text === '.' && body.length === 2) return [e('time_ns', 'keyword'), e('time_ns_for_children', 'keyword')];
  if (lastTok.text === '==' && b?.text === '.' && c) return namespacesKnown(parsed, line).map((n) => e(n, 'namespace'));
  if (lastTok.text === '!=' ) return namespacesKnown(parsed, line).map((n) => e(n, 'namespace'));
  if (lastTok.text === '->') return [...namespacesKnown(parsed, line).filter((n) => n !== 'ns#0'), 'host', 'none'].map((n) => e(n, n.startsWith('ns#') ? 'namespace' : 'value'));
  if (lastTok.text === '==' && body.some((t) => t.text.startsWith('CLOCK_'))) return [e('host', 'keyword', { insertText: 'host + ${1:0s}', snippet: true })];
  return [];
}

/** Task operations, most used first (OPERATION_RANK): editors keep this order among the words that match what was typed. */
function operationEntries(e: Make): CompletionEntry[] {
  const rank = (word: string): number => { const i = OPERATION_RANK.indexOf(word); return i < 0 ? OPERATION_RANK.length : i; };
  return OPERATION_SPECS.filter((s) => !s.host).sort((a, b) => rank(a.word) - rank(b.word)).map((s, i) => e(s.word, 'operation', {
    insertText: s.snippet, snippet: true, detail: `${s.word}(${s.args.map((a) => (a.optional ? `[${a.name}]` : a.name)).join(', ')})`,
    documentation: `${s.summary}\n\nExample: ${s.example}`, sortText: String(i).padStart(3, '0'),
  }));
}

function argumentEntries(rest: Lexeme[], ctx: CompletionContext, line: number, e: Make): CompletionEntry[] {
  const [word, open] = rest;
  if (!word || word.t !== 'ident') return operationEntries(e);
  const spec = lookupSpec(word.text);
  if (!spec || !open || open.text !== '(') return [];
  let depth = 0;
  let index = 0;
  let closed = false;
  for (const t of rest.slice(1)) {
    if (t.text === '(') depth++;
    else if (t.text === ')') { depth--; if (depth === 0) closed = true; }
    else if (t.text === ',' && depth === 1) index++;
  }
  const lastTok = rest[rest.length - 1];
  if (closed) {
    if (lastTok.text === '=' && spec.result === 'task') {
      const name = freeTaskName(ctx.parsed, spec.op === 'pthread_create' ? 'T' : 'P');
      return [e(name, 'task', { detail: 'the new task' })];
    }
    if (lastTok.text === '=' && spec.result === 'fd') return [e(freeFdName(ctx.parsed, line), 'fd', { detail: 'the new fd' })];
    if (lastTok.text === ')' && spec.result) return [e('=', 'keyword', { insertText: spec.result === 'task' ? `= ${freeTaskName(ctx.parsed)}` : `= ${freeFdName(ctx.parsed, line)}` })];
    return [];
  }
  const arg = spec.args[index];
  if (!arg) return [];
  return argumentValues(arg.kind, ctx, line, e);
}

function argumentValues(kind: ArgKind, ctx: CompletionContext, line: number, e: Make): CompletionEntry[] {
  const { parsed, profile } = ctx;
  switch (kind) {
    case 'cloneFlags': case 'nstype': case 'protFlags': case 'mremapFlags': case 'timerFlags': case 'openMode': case 'prctlOption': case 'whence': case 'futexOp': case 'futex2Flags': case 'nsIoctl': case 'pidfdFlags': {
      const table = FLAG_TABLES[kind];
      const names = Object.keys(table);
      // CLONE_NEWTIME first: it is what these scenarios are about.
      names.sort((a, b) => Number(b === 'CLONE_NEWTIME') - Number(a === 'CLONE_NEWTIME'));
      const out = names.map((n, i) => e(n, 'flag', { detail: `0x${table[n].toString(16)}`, documentation: FLAG_DOCS[n], sortText: String(i).padStart(3, '0') }));
      if (kind === 'nstype' || kind === 'timerFlags' || kind === 'pidfdFlags') out.push(e('0', 'value'));
      return out;
    }
    case 'clock': return [
      ...Object.keys(CLOCKS).map((n) => e(n, 'clock', { detail: `${(CLOCKS as Record<string, number>)[n]} · offset: ${CLOCK_DOCS[n]?.offset ?? 'none'}`, documentation: CLOCK_DOCS[n]?.note })),
      ...tasksBefore(parsed, line).map((t) => e(`cpuclock(${t})`, 'task', { detail: 'the CPU clock of the task\'s process (clock_getcpuclockid); cpuclock(TASK, thread) for its thread\'s' })),
    ];
    case 'signal': return Object.keys(SIGNALS).map((n) => e(n, 'signal'));
    case 'via': case 'callVia': return [e('vdso', 'value', { detail: 'what libc does' }), e('syscall', 'value', { detail: 'the system call' }),
      ...(kind === 'callVia' ? [e('vsyscall', 'value', { detail: "x86_64's legacy page: emulated, REALTIME without offset" })] : [])];
    case 'abi': return [e('compat', 'value', { detail: 'a 32-bit image: AArch32 on arm64, ia32 on x86_64 (compat vDSO)' }), e('native', 'value', { detail: 'the default' })];
    case 'race': return [e('race=during', 'value', { detail: 'the update begins after the read took seq: one retry' }), e('race=before', 'value', { detail: 'the update began first: the read spins on the odd seq' })];
    case 'setnsRace': return [e('race=sigkill', 'value', { detail: 'SIGKILL while setns waits for the mmap lock a /proc/PID/maps reader holds: EINTR on 5.6-5.8' })];
    case 'mapping': return mappingsFor(profile).map((m) => e(m, 'value', { detail: m === '[vdso]' ? 'vDSO text' : `${pageRole(profile, m, 0)}, …` }));
    case 'time': return [
      e('now + 1s', 'value', { insertText: 'now + ${1:1s}', snippet: true, detail: 'a deadline in the task\'s namespace time' }),
      e('host + 1s', 'value', { insertText: 'host + ${1:1s}', snippet: true, detail: 'a deadline in host time (what a careless program computes)' }),
      e('1s', 'value', { detail: 'a duration' }),
    ];
    case 'fd': return fdsBefore(parsed, line).map((f) => e(f, 'fd'));
    case 'task': return tasksBefore(parsed, line).map((t) => e(t, 'task'));
    case 'file': return [...fdsBefore(parsed, line).map((f) => e(f, 'fd')), ...pathEntries(ctx, line, -1, true)];
    case 'nsTarget': return [
      ...fdsBefore(parsed, line).map((f) => e(f, 'fd')),
      ...tasksBefore(parsed, line).map((t) => e(`pidfd(${t})`, 'task', { detail: 'setns through a pidfd joins the task\'s time namespace' })),
      ...pathEntries(ctx, line, -1, true).filter((p) => p.label.includes('/ns/')),
    ];
    case 'string': return pathEntries(ctx, line, -1, true);
    default: return [];
  }
}

/** Paths, for inside a string (`from` = the column after the quote) or as a quoted argument. */
function pathEntries(ctx: CompletionContext, line: number, from: number, quoted: boolean): CompletionEntry[] {
  const paths = new Set<string>(COMMON_PATHS);
  for (const t of tasksBefore(ctx.parsed, line)) {
    paths.add(`/proc/${t}/timens_offsets`);
    paths.add(`/proc/${t}/ns/time`);
    paths.add(`/proc/${t}/ns/time_for_children`);
  }
  return [...paths].map((p) => ({
    label: quoted ? `"${p}"` : p, kind: 'path' as const, insertText: quoted ? `"${p}"` : p,
    replaceFrom: from, documentation: PATH_DOCS.find(([re]) => re.test(p))?.[1],
  })).map((entry) => (from < 0 ? { ...entry, replaceFrom: -1 } : entry));
}

export { hoverAt, stateAfterLine, tokenAt, type HoverContext, type HoverResult } from './hover';

// ------------------------------------------------------------------------------------------------
// Outline
// ------------------------------------------------------------------------------------------------

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: 'section' | 'header' | 'task' | 'step' | 'host' | 'expect';
  readonly line: number;
  /** Last line the symbol covers (sections run to the next section). */
  endLine: number;
  readonly children: OutlineSymbol[];
  /** The lengths of `line` and `endLine` (without the line break), when the engine sends them: the editor then
   *  makes the symbol's ranges without looking up two lines of the document per symbol. */
  readonly length?: number;
  readonly endLength?: number;
}

const isSpace = (c: string | undefined): boolean => c !== undefined && c.trim() === '' && c !== '';

/**
 * The title of a section comment (`# --- Title ---`, `# === Title`), '' for a bare rule, null when the line
 * is none. Read by hand, in one pass: the regular expression it replaces backtracked quadratically on long lines.
 */
export function sectionTitle(text: string): string | null {
  const n = text.length;
  let i = 0;
  while (isSpace(text[i])) i++;
  if (text[i] !== '#') return null;
  i++;
  while (isSpace(text[i])) i++;
  const rule = text[i];
  if (rule !== '-' && rule !== '=') return null;
  let j = i;
  while (text[j] === rule) j++;
  if (j - i < 3) return null;
  // The title: what follows, less white space and a closing run of three or more '-' or '=' at the end.
  let end = n;
  while (end > j && isSpace(text[end - 1])) end--;
  const last = text[end - 1];
  if (end > j && (last === '-' || last === '=')) {
    let k = end;
    while (k > j && text[k - 1] === last) k--;
    if (end - k >= 3) {
      end = k;
      while (end > j && isSpace(text[end - 1])) end--;
    }
  }
  let start = j;
  while (start < end && isSpace(text[start])) start++;
  return text.slice(start, end);
}

/** Sections (`# --- Title`), the header, tasks where they are created, and every step and expect line. */
export function outline(parsed: ParsedScenario, lines: readonly string[]): OutlineSymbol[] {
  const roots: OutlineSymbol[] = [];
  let section: OutlineSymbol | null = null;
  const add = (s: OutlineSymbol): void => { (section ? section.children : roots).push(s); if (section) section.endLine = Math.max(section.endLine, s.line); };
  const steps = new Map(parsed.steps.map((s) => [s.line, s]));
  const expects = new Map(parsed.expectations.map((x) => [x.line, x]));
  const created = new Map(parsed.tasks.filter((t) => t.line >= 0).map((t) => [t.line, t.name]));
  const header: string[] = [];
  let headerLine = -1;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].replace(/\r$/, '');
    const title = sectionTitle(text);
    if (title !== null) {
      if (section) section.endLine = Math.max(section.endLine, i - 1);
      section = { name: title || 'section', detail: '', kind: 'section', line: i, endLine: i, children: [] };
      roots.push(section);
      continue;
    }
    const step = steps.get(i);
    if (step) {
      const callText = text.replace(/#.*$/, '').trim();
      add({ name: callText, detail: step.task ? '' : 'host', kind: step.task ? 'step' : 'host', line: i, endLine: i, children: [] });
      const task = created.get(i);
      if (task) add({ name: task, detail: `task created by ${step.operation.op}`, kind: 'task', line: i, endLine: i, children: [] });
      continue;
    }
    const ex = expects.get(i);
    if (ex) {
      add({ name: `expect ${ex.text}`, detail: '', kind: 'expect', line: i, endLine: i, children: [] });
      continue;
    }
    // Tokens only for the few lines that are neither step nor expect: reading every line's tokens built
    // them all (over a second at 10^5 lines, each time VS Code asked for the outline after an edit).
    const first = parsed.tokens[i]?.[0];
    if (first && (HEADER_WORDS as readonly string[]).includes(first.text) && first.kind === 'keyword') {
      header.push(text.trim());
      if (headerLine < 0) headerLine = i;
    }
  }
  if (section) section.endLine = Math.max(section.endLine, lines.length - 1);
  if (headerLine >= 0) roots.unshift({ name: header.join(' · '), detail: 'profile', kind: 'header', line: headerLine, endLine: headerLine + header.length - 1, children: [] });
  return roots;
}

/** CodeLens commands at the top of a scenario; Compare Patches only where the arm64 series applies (5.9). */
export function codeLensCommands(profile: Profile): { title: string; command: string }[] {
  const lenses = [
    { title: '$(play) Run', command: 'timens.runScenario' },
    { title: '$(debug-alt) Debug', command: 'timens.debugScenario' },
    { title: '$(graph-line) Open Timeline', command: 'timens.openTimeline' },
  ];
  if (profile.arch === 'arm64' && profile.kernel === '5.9') lenses.push({ title: '$(diff) Compare Patches', command: 'timens.comparePatches' });
  return lenses;
}
