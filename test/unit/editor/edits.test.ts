// The editor's edits never lose or break the user's text: quick fixes remove their diagnostic without adding
// an error, and the commands that rewrite header lines keep every other byte (comments, line ends, the end).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../../extension/scenario/index';
import type { Fix, ScenarioDiagnostic } from '../../../extension/scenario/api';

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
