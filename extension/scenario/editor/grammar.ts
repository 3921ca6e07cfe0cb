// The TextMate grammar of .timens files, made from the language's vocabulary so that every word the parser knows
// is coloured and none twice defined; tools/build.mjs writes it to dist/syntaxes/ for package.json's grammar.
import { ARCHES, ARM64_PATCHES } from '../../sim/types';
import { TIMER_STATES } from '../../sim/api';
import { expectSubjects } from '../expectGrammar';
import { CLOCK_READ_PATHS, FLAG_TABLES, HEADER_WORDS, MACHINE_KEYS, MAPPING_NAMES, OPERATION_ALIASES, OPERATION_SPECS, SIGNAL_NAMES } from '../vocabulary';

export const SCOPE_NAME = 'source.timens';

interface Rule {
  readonly comment?: string;
  readonly include?: string;
  readonly match?: string;
  readonly begin?: string;
  readonly end?: string;
  readonly name?: string;
  readonly captures?: Readonly<Record<string, { readonly name: string }>>;
  readonly beginCaptures?: Readonly<Record<string, { readonly name: string }>>;
  readonly patterns?: readonly Rule[];
}

/** An alternation of the words, longest first (so that no word stops at a shorter one it starts with). */
function words(list: readonly string[]): string {
  const unique = [...new Set(list)].sort((a, b) => b.length - a.length || a.localeCompare(b));
  return unique.map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
}

/** Words of expect forms other than their first (EXPECT_FORMS' patterns): `read contains`, `ns#1 not frozen`,
 *  `ns#1 offset monotonic`, `P2.time_ns`, `-> host` and `-> none`. */
const EXPECT_FORM_WORDS = ['contains', 'frozen', 'not', 'offset', 'offsets', 'host', 'none', 'time_ns', 'time_ns_for_children'];
/** The clocks a time namespace offsets (the lines of /proc/PID/timens_offsets). */
const OFFSET_CLOCKS = ['monotonic', 'boottime'];
/** Words of host lines' arguments: `sysctl user.max_time_namespaces=N userns=user#N`, `spawn P uid=N`. */
const HOST_PARAMETERS = ['user.max_time_namespaces', 'userns', 'uid'];

/** Flag words of every flag argument (signal names, which clone flags also take, are coloured as signals). */
function flagWords(): string[] {
  const signals = new Set(SIGNAL_NAMES);
  return Object.values(FLAG_TABLES).flatMap((t) => Object.keys(t)).filter((w) => !signals.has(w));
}

const comment: Rule = { include: '#comment' };

/** Whole words of the list, coloured as `scope`. */
const wordsRule = (list: readonly string[], scope: string): Rule => ({ match: `\\b(${words(list)})\\b`, name: scope });

/** A line that starts with one of `first` (coloured as `scope`) and runs to its end: comments, then `patterns`. */
const lineRule = (first: readonly string[], scope: string, patterns: readonly Rule[]): Rule => ({
  begin: `^\\s*(${words(first)})\\b`,
  beginCaptures: { 1: { name: scope } },
  end: '$',
  patterns: [comment, ...patterns],
});

/** A task, a name a call's result is given, an argument the grammar does not colour. */
const NAME = '[A-Za-z_][A-Za-z0-9_]*';

/** How a clock read goes: through the vDSO or the system call. */
const via: Rule = { match: '\\b(?:vdso|syscall)\\b', name: 'support.constant.via.timens' };

/** A task line's value rules that an argument of one word can start with, in the order the scanner tries them. */
function argumentRules(): Rule[] {
  return [
    via,
    // A string without escapes: one token of the string's scope, as the string rule colours it quote to quote.
    { match: '"[^"\\\\]*"', name: 'string.quoted.double.timens' },
    ...valueWordRules(),
  ];
}

/** The values of one word, in `values`' order (after its strings, before its operators). */
function valueWordRules(): Rule[] {
  return [
    { match: '\\b(?:ns|user|page)#[A-Za-z0-9_#]+', name: 'entity.name.namespace.timens' },
    { match: `(?:${words(MAPPING_NAMES)})`, name: 'entity.name.type.mapping.timens' },
    { match: '\\bCLOCK_[A-Z_]+\\b', name: 'support.constant.clock.timens' },
    { match: `\\b(?:${words(flagWords())})\\b`, name: 'constant.language.flag.timens' },
    { match: '\\bSIG[A-Z0-9]+\\b', name: 'constant.language.signal.timens' },
    { match: '\\bE[A-Z]{2,}\\b', name: 'constant.language.errno.timens' },
    { match: '\\b(?:now|host)\\b', name: 'keyword.other.time-base.timens' },
    { match: '(?<![\\w.])-?\\d+(?:\\.\\d+)?(?:ns|us|ms|s|m|h|d)\\b', name: 'constant.numeric.duration.timens' },
    { match: '\\b0[xX][0-9a-fA-F]+\\b|(?<![\\w.])-?\\d+\\b', name: 'constant.numeric.timens' },
  ];
}

/** How many arguments a call matched in one scan may have (99% of the shipped scenarios' calls have 3 or fewer;
 *  each costs the tokenizer a dozen groups on every line); a call with more takes the task-line rule. */
const CALL_ARGUMENTS = 3;

/**
 * A task's call whose arguments are single words (`P1: clock_gettime(CLOCK_BOOTTIME, vdso) = t`), in one scan of
 * the tokenizer: the task-line rule takes one scan per token, and the workbench's highlighting of a 10^6-event
 * scenario kept a CPU busy for 2 s. An argument takes the first rule that matches where it starts, as the
 * task-line rule's scan does, and must end there (an atomic group: no other rule is tried); a line that does not
 * fit (an expression, a string with escapes, a comment) takes the task-line rule and gets the same colours.
 */
function callRule(operations: string, lineWords: string): Rule {
  const captures: Record<number, { name: string }> = {};
  let group = 0;
  const capture = (re: string, name: string): string => {
    if (/(^|[^\\])\((?!\?)/.test(re)) throw new Error(`an argument rule has a group of its own: ${re}`);
    captures[++group] = { name };
    return `(${re})`;
  };
  // The rule goes first at the top: a line that starts with a header, expect or host word is left to its rule.
  const head = `^\\s*(?!(?:${lineWords})\\b)${capture(NAME, 'variable.other.task.timens')}\\s*${capture(':', 'punctuation.separator.task.timens')}` +
    `\\s*${capture(`\\b(?:${operations})\\b`, 'entity.name.function.syscall.timens')}\\s*\\(\\s*`;
  const argument = (): string => `(?>${argumentRules().map((r) => capture(r.match!, r.name!)).join('|')}|${NAME})`;
  let list = '';
  for (let i = 0; i < CALL_ARGUMENTS; i++) list += `(?:${i ? '\\s*,\\s*' : ''}${argument()}`;
  list += ')?'.repeat(CALL_ARGUMENTS);
  const assignment = `(?:\\s*${capture('=', 'keyword.operator.assignment.timens')}\\s*${capture(NAME, 'variable.other.definition.timens')})?`;
  return { match: `${head}${list}\\s*\\)${assignment}\\s*$`, captures };
}

export function timensGrammar(): object {
  const operations = OPERATION_SPECS.filter((s) => !s.host).map((s) => s.word);
  const hostOperations = OPERATION_SPECS.filter((s) => s.host).map((s) => s.word);
  const callWords = words([...operations, ...Object.keys(OPERATION_ALIASES)]);
  const repository: Record<string, Rule> = {
    section: {
      comment: '# --- Title: an outline section',
      match: '^\\s*(#\\s*(?:-{3,}|={3,}).*)$',
      captures: { 1: { name: 'comment.line.number-sign.timens markup.heading.section.timens' } },
    },
    comment: {
      comment: '# starts a comment unless glued to a word (ns#1, user#0, page#ns#1)',
      match: '(?<![A-Za-z0-9_#])#.*$',
      name: 'comment.line.number-sign.timens',
    },
    header: lineRule(HEADER_WORDS, 'keyword.control.directive.timens', [
      wordsRule(['off'], 'keyword.other.timens'),
      { match: `\\b(${words(Object.keys(MACHINE_KEYS))})(?==)`, name: 'variable.parameter.timens' },
      wordsRule(ARCHES, 'support.constant.arch.timens'),
      wordsRule(ARM64_PATCHES.map((p) => p.id), 'entity.name.tag.patch.timens'),
      { match: '\\b\\d+(?:\\.\\d+)*\\b', name: 'constant.numeric.version.timens' },
    ]),
    expect: lineRule(['expect'], 'keyword.control.expect.timens', [
      wordsRule([...expectSubjects(), ...EXPECT_FORM_WORDS], 'keyword.other.expect.timens'),
      wordsRule(OFFSET_CLOCKS, 'support.constant.clock.timens'),
      wordsRule([...CLOCK_READ_PATHS, ...TIMER_STATES], 'support.constant.path.timens'),
      { include: '#values' },
    ]),
    host: lineRule(hostOperations, 'support.function.host.timens', [
      wordsRule(HOST_PARAMETERS, 'variable.parameter.timens'),
      { match: `(?<=spawn\\s)\\s*(${NAME})`, captures: { 1: { name: 'variable.other.task.timens' } } },
      { include: '#values' },
    ]),
    call: callRule(callWords, words([...HEADER_WORDS, 'expect', ...hostOperations])),
    'task-line': {
      begin: `^\\s*(${NAME})\\s*(:)`,
      beginCaptures: { 1: { name: 'variable.other.task.timens' }, 2: { name: 'punctuation.separator.task.timens' } },
      end: '$',
      patterns: [
        comment,
        { match: `\\b(${callWords})\\b(?=\\s*\\()`, name: 'entity.name.function.syscall.timens' },
        { match: `(\\))\\s*(=)\\s*(${NAME})`, captures: { 2: { name: 'keyword.operator.assignment.timens' }, 3: { name: 'variable.other.definition.timens' } } },
        { match: '\\b(pidfd|cpuclock)\\b(?=\\s*\\()', name: 'support.function.timens' },
        via,
        { match: '\\b(page|pages)(?=\\s*=)', name: 'variable.parameter.timens' },
        { include: '#values' },
      ],
    },
    values: {
      patterns: [
        { include: '#string' },
        ...valueWordRules(),
        { match: '==|!=|->|\\||\\+|-', name: 'keyword.operator.timens' },
      ],
    },
    'other-line': {
      comment: 'any other line: its comments and values',
      begin: '^(?=.)',
      end: '$',
      patterns: [comment, { include: '#values' }],
    },
    string: {
      begin: '"',
      end: '"|$',
      name: 'string.quoted.double.timens',
      patterns: [
        { match: '\\\\(?:[ntr0\\\\"\']|x[0-9a-fA-F]{2})', name: 'constant.character.escape.timens' },
        { match: '\\\\.', name: 'invalid.illegal.escape.timens' },
      ],
    },
  };
  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'Timens Scenario',
    scopeName: SCOPE_NAME,
    fileTypes: ['timens'],
    // Every rule of the top starts at the line's start (`^`): the scanner then tries each at one place only.
    // The call first: the scanner stops at a rule that matches where it starts, and most lines are calls.
    patterns: ['call', 'section', 'header', 'expect', 'host', 'task-line', 'other-line'].map((r) => ({ include: `#${r}` })),
    repository,
  };
}
