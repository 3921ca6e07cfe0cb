// The editor's edits never lose or break the user's text: quick fixes remove their diagnostic without adding
// an error, and the commands that rewrite header lines keep every other byte (comments, line ends, the end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { parseScenario, runScenario } from '../../../extension/scenario/index';
import type { Fix, ParsedScenario, ScenarioDiagnostic } from '../../../extension/scenario/api';
import { applyLineEdit } from './lineEdit';
import { designEdit, rewriteHeader } from '../../../extension/scenario/editor/header';
import { lexLine, quoteString } from '../../../extension/scenario/lexer';
import { ARM64_PATCHES, ARCHES, DESIGNS, KERNEL_VERSIONS, type Profile } from '../../../extension/sim/types';

const ROOT = path.resolve(__dirname, '../../../..');
const SHIPPED = ['examples', 'test/conformance', 'tours/scenarios'].flatMap((d) => fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith('.timens')).map((f) => path.join(ROOT, d, f)));

/** The text with `fix` applied as VS Code applies a WorkspaceEdit: a position past the end is clamped to it. */
export function applyFix(text: string, fix: Fix): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const at = (line: number, col: number): number => {
    if (line >= starts.length) return text.length;
    const end = line + 1 < starts.length ? starts[line + 1] - 1 - (text[starts[line + 1] - 2] === '\r' ? 1 : 0) : text.length;
    return Math.min(starts[line] + col, end);
  };
  return text.slice(0, at(fix.range.line, fix.range.col)) + fix.newText + text.slice(at(fix.range.endLine, fix.range.endCol));
}

const errors = (text: string): ScenarioDiagnostic[] => runScenario(text, { file: 't.timens' }).diagnostics.filter((d) => d.severity === 'error');

test('an unknown task is offered only the tasks that exist at its line: a later one would be used before its creation', () => {
  const text = 'P1: fork() = P2\nQ2: unshare(CLONE_NEWTIME)\nP1: fork() = Q3\n';
  const d = errors(text).find((x) => x.code === 'unknown-task');
  assert.ok(d, 'Q2 is unknown');
  assert.deepEqual(d.fixes?.map((f) => f.newText), ['P2']);
  assert.doesNotMatch(d.message, /Q3/);
  for (const f of d.fixes ?? []) assert.deepEqual(errors(applyFix(text, f)), [], f.title);
});

test("'Add build forced' stays inside the document and leaves the line it follows whole, with or without a final line break", () => {
  for (const text of ['arch arm64\nkernel 5.10\npatch off timens-page', 'arch arm64\nkernel 5.10\npatch off timens-page # why\r\n', 'arch arm64\nkernel 5.10\npatch off timens-page\n']) {
    const d = errors(text).find((x) => x.code === 'does-not-build');
    const fix = d?.fixes?.[0];
    assert.ok(fix, text);
    const lines = text.split(/\r?\n/).length;
    assert.ok(fix.range.line < lines, `fix at line ${fix.range.line} of ${lines}`);
    const after = applyFix(text, fix);
    for (const l of text.split(/\r?\n/)) assert.ok(after.split(/\r?\n/).includes(l), `line ${JSON.stringify(l)} kept`);
    assert.deepEqual(errors(after), [], JSON.stringify(after));
  }
});

/** What a scenario means, without where: the steps, the expectations, the header but for `ignore`d fields. */
function meaning(p: ParsedScenario, ignore: readonly string[]): string {
  const header = Object.fromEntries(Object.entries(p.header).filter(([k]) => !ignore.includes(k)));
  const steps = p.steps.map((s) => JSON.stringify({ ...s, line: 0 }));
  const expects = p.expectations.map((x) => x.text);
  return JSON.stringify({ header, steps, expects, errors: p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) });
}

/** The comments of a text, in order (a '#' outside a string to the end of its line). */
const comments = (lines: readonly string[]): string[] => parseScenario(lines.join('\n')).tokens.flatMap((t) => t.filter((x) => x.kind === 'comment').map((x) => x.text));

/** A shipped scenario's lines with some mutations: a header line given a comment, a task named after a header word. */
const scenario = fc.record({
  file: fc.constantFrom(...SHIPPED),
  commentAt: fc.nat(40),
  taskNamed: fc.constantFrom('arch', 'kernel', 'patch', 'build', 'design', 'none'),
  finalBreak: fc.boolean(),
}).map(({ file, commentAt, taskNamed, finalBreak }) => {
  const lines = fs.readFileSync(file, 'utf8').replace(/\n$/, '').split(/\r?\n/);
  if (commentAt < lines.length && lines[commentAt].trim() && !lines[commentAt].includes('#')) lines[commentAt] += '  # kept';
  if (taskNamed !== 'none') lines.push(`P1: fork() = ${taskNamed}`, `${taskNamed}: unshare(CLONE_NEWTIME)`);
  if (finalBreak) lines.push('');
  return lines;
});

test('Select Architecture and Kernel keeps every step, expectation, comment and task line, and says the profile', () => {
  const profile = fc.record({
    arch: fc.constantFrom(...ARCHES), kernel: fc.constantFrom(...KERNEL_VERSIONS),
    disabledPatches: fc.subarray(ARM64_PATCHES.map((p) => p.id)), forcedBuild: fc.boolean(),
  }).map((p): Profile => ({ ...p, forcedBuild: p.forcedBuild || undefined }));
  fc.assert(fc.property(scenario, profile, (lines, prof) => {
    const after = rewriteHeader(lines, prof);
    const before = parseScenario(lines.join('\n'));
    const parsed = parseScenario(after.join('\n'));
    assert.equal(parsed.header.arch, prof.arch);
    assert.equal(parsed.header.kernel, prof.kernel);
    const ignore = ['arch', 'kernel', 'disabledPatches', 'forcedBuild'];
    if (!before.diagnostics.some((d) => d.severity === 'error' && d.range.line < before.tokens.length)) {
      assert.equal(meaning(parsed, ignore).replace(/"(not-on-profile|does-not-build|forced-build|build-not-needed)",?/g, ''), meaning(before, ignore).replace(/"(not-on-profile|does-not-build|forced-build|build-not-needed)",?/g, ''));
    }
    assert.deepEqual(comments(after), comments(lines));
  }), { numRuns: 150 });
});

test('Choose Design sets, replaces or removes the design line and nothing else: comments, steps, the last line stay', () => {
  fc.assert(fc.property(scenario, fc.constantFrom(...DESIGNS), fc.constantFrom(...DESIGNS, null), (lines, design, old) => {
    const start = old ? designEditOr(lines, old) : lines;
    const edit = designEdit(start, design, '\n');
    const after = edit ? applyLineEdit(start, edit) : start;
    const before = parseScenario(start.join('\n'));
    const parsed = parseScenario(after.join('\n'));
    assert.equal(parsed.header.design ?? 'merged', design);
    assert.equal(meaning(parsed, ['design']), meaning(before, ['design']));
    assert.deepEqual(comments(after), comments(start));
    assert.deepEqual(after.filter((l) => !/^\s*design /.test(l)), start.filter((l) => !/^\s*design /.test(l)), 'only the design line changes');
  }), { numRuns: 150 });
});

const designEditOr = (lines: readonly string[], d: (typeof DESIGNS)[number]): string[] => { const e = designEdit(lines, d, '\n'); return e ? applyLineEdit(lines, e) : [...lines]; };

test('Choose Design on a file whose last line is a header line without a line break, and on a commented design line', () => {
  assert.deepEqual(applyLineEdit(['arch x86_64', 'kernel 6.18'], designEdit(['arch x86_64', 'kernel 6.18'], 'clone-time', '\n')!), ['arch x86_64', 'kernel 6.18', 'design clone-time']);
  const commented = ['design clone-time  # the 2018 proposal', 'P1: fork() = P2'];
  assert.deepEqual(applyLineEdit(commented, designEdit(commented, 'monotonic-sync', '\n')!), ['design monotonic-sync  # the 2018 proposal', 'P1: fork() = P2']);
  assert.deepEqual(applyLineEdit(commented, designEdit(commented, 'merged', '\n')!), ['# the 2018 proposal', 'P1: fork() = P2']);
  const task = ['P1: fork() = design', 'design: unshare(CLONE_NEWTIME)'];
  assert.deepEqual(applyLineEdit(task, designEdit(task, 'clone-time', '\n')!), ['design clone-time', ...task], 'a task named design is no design line');
});

test('"did you mean" stops after the first 200 unknown names: each reads every task or fd name (a file of them was quadratic)', () => {
  const lines = ['P1: open("/proc/self/stat") = fd1'];
  for (let i = 0; i < 300; i++) lines.push('P1: close(fd2)', 'P1: read("/proc/P2/stat")');
  const diags = parseScenario(lines.join('\n')).diagnostics.filter((d) => d.code === 'unknown-fd' || d.code === 'unknown-task');
  assert.equal(diags.length, 600, 'every unknown name is still reported');
  assert.deepEqual(diags[0].fixes?.map((f) => f.newText), ['fd1']);
  assert.equal(diags.filter((d) => d.fixes?.length || /did you mean/.test(d.message)).length <= 200, true);
  assert.equal(diags[599].fixes, undefined);
});

test('quoteString writes a literal the lexer reads back as the same text (the Quote fix wrote JSON\'s \\u0001)', () => {
  const piece = fc.oneof(fc.constantFrom('\\', '"', '\n', '\r', '\t', '\0', '\x01', '\x1f', '\x7f', 'é', '\u2028', '\u0085', 'x', '#', ',', ')', '\\x41'),
    fc.integer({ min: 0x20, max: 0x2ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)));
  fc.assert(fc.property(fc.array(piece, { maxLength: 12 }).map((a) => a.join('')), (text) => {
    const lex = lexLine(quoteString(text));
    assert.equal(lex.length, 1, JSON.stringify(lex));
    assert.equal(lex[0].t, 'string');
    assert.equal(lex[0].problem, undefined);
    assert.equal(lex[0].value, text);
  }), { numRuns: 500 });
  const text = 'arch x86_64\nkernel 6.18\nP1: read(/proc/self/stat\x01)\n';
  const fix = errors(text).find((d) => d.code === 'bad-token')?.fixes?.[0];
  assert.ok(fix);
  assert.deepEqual(errors(applyFix(text, fix)).map((d) => d.code), [], 'quoted, the path has no bad escape');
});

test('Select Architecture and Kernel keeps a header line\'s comment on the new line of the same word', () => {
  const src = ['# demo', 'arch x86_64  # the board', 'kernel 6.1 # lts', 'patch off zap-vvar # v4', 'arch: fork() = P2'];
  assert.deepEqual(rewriteHeader(src, { arch: 'arm64', kernel: '5.9', disabledPatches: [] }),
    ['# demo', 'arch arm64  # the board', 'kernel 5.9 # lts', '# v4', 'arch: fork() = P2']);
});

/** A shipped scenario with a few edits of the kinds that make diagnostics with fixes: a character put in, a line
 *  dropped or doubled, a task prefix taken off, a path's quotes taken off; with or without a final line break, CRLF. */
const mutated = fc.record({
  file: fc.constantFrom(...SHIPPED),
  edits: fc.array(fc.record({ at: fc.nat(200), col: fc.nat(80), kind: fc.nat(5), piece: fc.constantFrom('\u00a0', '\u2028', '\ufeff', '\x01', '"', ':', '(', ')', ',', '=', 'é', '\u200b', '[vvar_vclock]', 'patch off timens-page', 'kernel 5.4') }), { minLength: 1, maxLength: 3 }),
  crlf: fc.boolean(),
  finalBreak: fc.boolean(),
}).map(({ file, edits, crlf, finalBreak }) => {
  const lines = fs.readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');
  for (const e of edits) {
    const i = e.at % lines.length;
    const l = lines[i];
    const c = Math.min(e.col, l.length);
    if (e.kind === 0) lines[i] = l.slice(0, c) + e.piece + l.slice(c);
    else if (e.kind === 1) lines.splice(i, 1);
    else if (e.kind === 2) lines.splice(i, 0, l);
    else if (e.kind === 3) lines[i] = l.replace(/^\w+: /, '');
    else if (e.kind === 4) lines[i] = l.replace(/"/g, '');
    else lines.splice(i, 0, e.piece);
    if (!lines.length) lines.push('');
  }
  const text = lines.join(crlf ? '\r\n' : '\n');
  return finalBreak ? text + (crlf ? '\r\n' : '\n') : text;
});

test('every quick fix of a mutated shipped scenario edits inside the document, removes its diagnostic, and fixes on one line do not overlap', () => {
  const parse = (text: string): readonly ScenarioDiagnostic[] => parseScenario(text).diagnostics;
  const lineCount = (text: string): number => text.split('\n').length;
  fc.assert(fc.property(mutated, (text) => {
    const diags = parse(text);
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    const firsts: Fix[] = [];
    for (const d of diags) {
      for (const fix of d.fixes ?? []) {
        const r = fix.range;
        assert.ok(r.line < lineCount(text) && r.endLine < lineCount(text) && r.col <= lines[r.line].length && r.endCol <= lines[r.endLine].length, `${d.code} '${fix.title}' at ${JSON.stringify(r)} is inside the document`);
        const after = parse(applyFix(text, fix));
        const same = (x: ScenarioDiagnostic): boolean => x.code === d.code && x.range.line === d.range.line && x.range.col === d.range.col && x.message === d.message;
        assert.ok(after.filter(same).length < diags.filter(same).length, `${d.code} '${fix.title}' removes its diagnostic`);
        assert.ok(!after.some((x) => x.code === 'task-before-definition' && !diags.some((y) => y.code === x.code && y.message === x.message)), `${d.code} '${fix.title}' uses no task before its creation`);
      }
      if (d.fixes?.length) firsts.push(d.fixes[0]);
    }
    firsts.sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col);
    for (let i = 1; i < firsts.length; i++) {
      const [a, b] = [firsts[i - 1].range, firsts[i].range];
      assert.ok(b.line > a.endLine || (b.line === a.endLine && b.col >= a.endCol) || (a.line === b.line && a.col === b.col && a.endCol === a.col && b.endCol === b.col), `fixes at ${JSON.stringify(a)} and ${JSON.stringify(b)} do not overlap`);
    }
  }), { numRuns: 300 });
});
