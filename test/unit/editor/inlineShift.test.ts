// Inline results carried through edits until the new text's run lands: a result stays only on a line whose text the
// edits left as it was, and every such line keeps its result (checked against the edited text itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LineEdit } from '../../../extension/scenario/api';
import { shiftResults } from '../../../extension/scenario/editor/inline';
import { applyLineEdit } from './lineEdit';

interface Result { readonly line: number; readonly was: string }

test('typing in a line drops its result and keeps the others where they are', () => {
  const results = [{ line: 3, text: 'a' }, { line: 4, text: 'b' }, { line: 5, text: 'c' }];
  assert.deepEqual(shiftResults(results, [{ line: 4, col: 7, endLine: 4, endCol: 7, text: 'x' }]), [{ line: 3, text: 'a' }, { line: 5, text: 'c' }]);
});

test('whole lines pasted above a line move it and keep its result; a line broken in two loses it', () => {
  const results = [{ line: 2, text: 'a' }, { line: 6, text: 'b' }];
  assert.deepEqual(shiftResults(results, [{ line: 2, col: 0, endLine: 2, endCol: 0, text: 'P1: fork()\nexpect ok\n' }]), [{ line: 4, text: 'a' }, { line: 8, text: 'b' }]);
  assert.deepEqual(shiftResults(results, [{ line: 2, col: 5, endLine: 2, endCol: 5, text: '\n' }]), [{ line: 7, text: 'b' }]);
});

test('whole lines deleted move the lines below them up', () => {
  const results = [{ line: 1, text: 'a' }, { line: 2, text: 'b' }, { line: 3, text: 'c' }, { line: 9, text: 'd' }];
  assert.deepEqual(shiftResults(results, [{ line: 1, col: 0, endLine: 3, endCol: 0, text: '' }]), [{ line: 1, text: 'c' }, { line: 7, text: 'd' }]);
});

test('the changes of one event apply in turn, each on the text the one before left', () => {
  // VS Code reports a multi-cursor edit's changes from the last to the first.
  const results = [{ line: 0, text: 'a' }, { line: 5, text: 'b' }, { line: 10, text: 'c' }];
  const edits: LineEdit[] = [
    { line: 8, col: 0, endLine: 8, endCol: 0, text: 'x\n' },
    { line: 5, col: 2, endLine: 5, endCol: 2, text: 'y' },
  ];
  assert.deepEqual(shiftResults(results, edits), [{ line: 0, text: 'a' }, { line: 11, text: 'c' }]);
});

test('property: after any edits, a result sits on a line with the text its line had, and each untouched line keeps its result', () => {
  const piece = fc.constantFrom('z', '\n', 'zz\n', '');
  const rawEdit = fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat(), fc.array(piece, { maxLength: 4 }));
  /** An edit of `lines` from four numbers: a range inside the text, start before end. */
  const editOf = (lines: readonly string[], [a, b, ca, cb, parts]: [number, number, number, number, string[]]): LineEdit => {
    const [s, e] = [a % lines.length, b % lines.length].sort((x, y) => x - y) as [number, number];
    const sc = ca % (lines[s].length + 1);
    const ec = s === e ? Math.max(sc, cb % (lines[e].length + 1)) : cb % (lines[e].length + 1);
    return { line: s, col: sc, endLine: e, endCol: ec, text: parts.join('') };
  };
  fc.assert(fc.property(fc.array(fc.nat(12), { minLength: 1, maxLength: 30 }), fc.array(rawEdit, { minLength: 1, maxLength: 4 }), (lengths, raws) => {
    // Every line's text is unique (it starts with its number), so a line can be followed through the edits.
    let lines = lengths.map((n, i) => `L${i}:${'w'.repeat(n)}`);
    let results: Result[] = lines.map((was, line) => ({ line, was }));
    for (const raw of raws) {
      const e = editOf(lines, raw);
      const edited = applyLineEdit(lines, e);
      const had = new Set(results.map((r) => r.was));
      results = shiftResults(results, [e]);
      for (const r of results) assert.equal(edited[r.line], r.was, `a result moved to line ${r.line}, whose text is not its line's`);
      const kept = new Set(results.map((r) => r.was));
      // A line before the range, or after its end line, is left as it was and keeps its result.
      for (let i = 0; i < lines.length; i++) if ((i < e.line || i > e.endLine) && had.has(lines[i])) assert.ok(kept.has(lines[i]), `line ${i} lost its result`);
      lines = edited;
    }
  }), { numRuns: 3000 });
});
