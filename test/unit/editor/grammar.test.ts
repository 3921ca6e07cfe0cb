// The TextMate grammar shipped for .timens, run through VS Code's own tokenizer (vscode-oniguruma compiles a broken
// expression without a word, so each rule is shown to colour what it should): every word of the language's
// vocabulary gets its colour, `#` inside ns#1 is not a comment, and every task line of the shipped scenarios starts
// with its task; a call of one-word arguments, coloured in one scan, gets the colours the task-line rule gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SCOPE_NAME, timensGrammar } from '../../../extension/scenario/editor/grammar';
import { expectSubjects } from '../../../extension/scenario/expectGrammar';
import { CLOCK_READ_PATHS, FLAG_TABLES, HEADER_WORDS, MACHINE_KEYS, MAPPING_NAMES, OPERATION_ALIASES, OPERATION_SPECS, SIGNAL_NAMES } from '../../../extension/scenario/vocabulary';
import { TIMER_STATES } from '../../../extension/sim/api';
import { ARCHES, ARM64_PATCHES } from '../../../extension/sim/types';
import { scopeOf, timensTokenizer, type Token } from './tokenize';

const ROOT = path.resolve(__dirname, '../../../..');

test('package.json ships the grammar tools/build.mjs writes', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { grammars: { language: string; scopeName: string; path: string }[] } };
  const shipped = pkg.contributes.grammars.find((g) => g.language === 'timens');
  assert.equal(shipped?.scopeName, SCOPE_NAME);
  assert.equal(shipped?.path, './dist/syntaxes/timens.tmLanguage.json');
  assert.ok(fs.readFileSync(path.join(ROOT, 'tools/build.mjs'), 'utf8').includes(`'${shipped.path.slice(2)}'`), 'tools/build.mjs writes that path');
});

/** The scope of `word` in `line` (a one-line text), through the real tokenizer. */
async function scopesOf(cases: readonly (readonly [line: string, word: string])[]): Promise<string[]> {
  const { lines } = await timensTokenizer();
  return cases.map(([line, word]) => scopeOf(lines(line)[0]!, word));
}

test('every operation, alias and host action of the vocabulary is coloured as one', async () => {
  const ops = [...OPERATION_SPECS.filter((s) => !s.host).map((s) => s.word), ...Object.keys(OPERATION_ALIASES)];
  const scopes = await scopesOf(ops.map((w) => [`P1: ${w}(1)`, w] as const));
  ops.forEach((w, i) => assert.equal(scopes[i], 'entity.name.function.syscall.timens', w));
  const host = OPERATION_SPECS.filter((s) => s.host).map((s) => s.word);
  const hostScopes = await scopesOf(host.map((w) => [`${w} 1s`, w] as const));
  host.forEach((w, i) => assert.equal(hostScopes[i], 'support.function.host.timens', w));
});

test('every header word, machine key, architecture and patch is coloured', async () => {
  const cases: [string, string, string][] = [
    ...HEADER_WORDS.map((w) => [`${w} x`, w, 'keyword.control.directive.timens'] as [string, string, string]),
    ...Object.keys(MACHINE_KEYS).map((k) => [`machine ${k}=yes`, k, 'variable.parameter.timens'] as [string, string, string]),
    ...ARCHES.map((a) => [`arch ${a}`, a, 'support.constant.arch.timens'] as [string, string, string]),
    ...ARM64_PATCHES.map((p) => [`patch ${p.id} off`, p.id, 'entity.name.tag.patch.timens'] as [string, string, string]),
    ['kernel 6.12.3', '6.12.3', 'constant.numeric.version.timens'],
  ];
  const scopes = await scopesOf(cases.map(([line, word]) => [line, word] as const));
  cases.forEach(([line, , scope], i) => assert.equal(scopes[i], scope, line));
});

test('every expect subject, read path, timer state, flag, signal and mapping is coloured', async () => {
  const signals = new Set(SIGNAL_NAMES);
  const flags = Object.values(FLAG_TABLES).flatMap((t) => Object.keys(t)).filter((w) => !signals.has(w));
  const cases: [string, string, string][] = [
    ...expectSubjects().map((w) => [`expect ${w} == 1`, w, 'keyword.other.expect.timens'] as [string, string, string]),
    ...[...CLOCK_READ_PATHS, ...TIMER_STATES].map((w) => [`expect path == ${w}`, w, 'support.constant.path.timens'] as [string, string, string]),
    ...flags.map((w) => [`P1: clone(${w})`, w, 'constant.language.flag.timens'] as [string, string, string]),
    ...SIGNAL_NAMES.map((w) => [`expect signal == ${w}`, w, 'constant.language.signal.timens'] as [string, string, string]),
    ...MAPPING_NAMES.map((w) => [`P1: touch(${w}, 0)`, w, 'entity.name.type.mapping.timens'] as [string, string, string]),
    ['expect read contains "x"', 'contains', 'keyword.other.expect.timens'],
    ['expect errno == EINVAL', 'EINVAL', 'constant.language.errno.timens'],
    ['P1: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, now+1.5s)', '1.5s', 'constant.numeric.duration.timens'],
    ['P1: clock_gettime(CLOCK_MONOTONIC, vdso)', 'CLOCK_MONOTONIC', 'support.constant.clock.timens'],
    ['P1: clock_gettime(CLOCK_MONOTONIC, vdso)', 'vdso', 'support.constant.via.timens'],
    ['P1: fork() = P2', 'P2', 'variable.other.definition.timens'],
    ['P1: lseek(fd, -3, SEEK_END)', '-3', 'constant.numeric.timens'],
    ['P1: write("/proc/self/timens_offsets", "monotonic 1 0\\n")', '\\n', 'constant.character.escape.timens'],
    ['P1: write("a\\q")', '\\q', 'invalid.illegal.escape.timens'],
  ];
  const scopes = await scopesOf(cases.map(([line, word]) => [line, word] as const));
  cases.forEach(([line, word, scope], i) => assert.equal(scopes[i], scope, `${word} in ${line}`));
  // A misspelt flag is no flag: the colour tells it from the known ones.
  assert.deepEqual(await scopesOf([['P1: unshare(CLONE_NEWTMIE)', 'CLONE_NEWTMIE']]), ['']);
});

test('`#` starts a comment unless glued to a word, and a section heading is a comment too', async () => {
  const { lines } = await timensTokenizer();
  const [expectLine, forkLine, section] = lines('expect P2.time_ns == ns#1 # same\nP1: fork() = P2  # a child\n# --- set up');
  assert.equal(scopeOf(expectLine!, 'ns#1'), 'entity.name.namespace.timens');
  assert.equal(scopeOf(expectLine!, '# same'), 'comment.line.number-sign.timens');
  assert.equal(scopeOf(forkLine!, '# a child'), 'comment.line.number-sign.timens');
  assert.equal(scopeOf(section!, '# --- set up'), 'markup.heading.section.timens');
});

test('every task line of the shipped scenarios starts with its task, whatever the lines before it left open', async () => {
  const { lines } = await timensTokenizer();
  const files = ['examples', 'test/conformance', 'tours/scenarios'].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.timens')).map((f) => path.join(ROOT, dir, f)));
  assert.ok(files.length > 200, `${files.length} files`);
  let checked = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    lines(text).forEach((tokens: Token[], i) => {
      const task = /^\s*([A-Za-z_]\w*)\s*:/.exec(text.split('\n')[i]!)?.[1];
      if (!task || HEADER_WORDS.some((w) => w === task) || task === 'expect') return;
      checked++;
      assert.equal(scopeOf(tokens, task), 'variable.other.task.timens', `${path.relative(ROOT, file)}:${i + 1}`);
    });
  }
  assert.ok(checked > 3000, `${checked} task lines`);
});

/** The colour of each character of each line (what any theme draws), through the real tokenizer. */
function colours(tokens: readonly Token[]): string[] {
  return tokens.flatMap((t) => [...t.text].map(() => t.scopes.join(' ')));
}

/** The shipped grammar with the rules of its top only these (in the same order). */
function withTop(keep: (include: string) => boolean): object {
  const g = timensGrammar() as { patterns: { include: string }[] };
  return { ...g, patterns: g.patterns.filter((p) => keep(p.include)) };
}

const CALLS_IN_ONE_SCAN = [
  'P1: fork() = P2', 'P1: clock_gettime(CLOCK_BOOTTIME, syscall)', '  P1 : fork ( ) = P2  ', 'P1: clone(SIGCHLD)',
  'P1: write("/proc/self/timens_offsets", "monotonic 1 0")', 'P1: lseek(fd, -3, SEEK_END)', 'P1: setns(ns#1, CLONE_NEWTIME)',
  'P1: touch([vvar], 0x10)', 'P1: clock_nanosleep(CLOCK_MONOTONIC, 0, 1.5s)', 'P1: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, host)', 'P1: exit(EINVAL)',
];
const CALLS_IN_SCANS = [
  'P1: write("a\\n")', 'P1: clone(CLONE_NEWTIME | CLONE_NEWUSER)', 'P1: fork() = P2 # a child', 'P1: clock_gettime(1, 2, 3, 4)',
  'P1: clock_gettime(cpuclock(P2))', 'P1: mremap(page=3)', 'P1: nosuchcall(1)', 'expect: fork()', 'kernel: fork()', 'P1: fork(),',
  'P1: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, now+1s)', 'P1: lseek(fd, -)', 'P1: exit(#x)', 'P1: fork() = P2 x',
];

test('a call of one-word arguments is coloured in one scan, as the task-line rule colours it', async () => {
  const callOnly = await timensTokenizer(withTop((r) => r === '#call'));
  const isCall = (line: string): boolean => callOnly.lines(line)[0]!.some((t) => t.scopes.includes('variable.other.task.timens'));
  for (const line of CALLS_IN_ONE_SCAN) assert.ok(isCall(line), `one scan: ${line}`);
  for (const line of CALLS_IN_SCANS) assert.ok(!isCall(line), `the task-line rule: ${line}`);
  // Every line, the shipped scenarios' and these, has the same colours with the call rule as without it.
  const shipped = await timensTokenizer();
  const scanned = await timensTokenizer(withTop((r) => r !== '#call'));
  const texts = ['examples', 'test/conformance', 'tours/scenarios'].flatMap((dir) =>
    fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.timens')).map((f) => fs.readFileSync(path.join(ROOT, dir, f), 'utf8')));
  texts.push([...CALLS_IN_ONE_SCAN, ...CALLS_IN_SCANS].join('\n'));
  let compared = 0;
  let inOneScan = 0;
  for (const text of texts) {
    const [a, b] = [shipped.lines(text), scanned.lines(text)];
    text.split('\n').forEach((line, i) => {
      compared++;
      if (isCall(line)) inOneScan++;
      assert.deepEqual(colours(a[i]!), colours(b[i]!), line);
    });
  }
  assert.ok(compared > 10_000 && inOneScan > 3000, `${compared} lines, ${inOneScan} calls in one scan`);
});
