// For the editor's tests: a LineEdit applied to lines as VS Code applies an edit to a document.
import assert from 'node:assert/strict';
import type { LineEdit } from '../../../extension/scenario/api';

/** The lines with `e` applied; its range must lie inside the document. */
export function applyLineEdit(lines: readonly string[], e: LineEdit): string[] {
  const text = lines.join('\n');
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const at = (l: number, c: number): number => { assert.ok(l < starts.length && starts[l] + c <= (starts[l + 1] ?? text.length + 1) - 1, `(${l}, ${c}) inside the document`); return starts[l] + c; };
  return (text.slice(0, at(e.line, e.col)) + e.text + text.slice(at(e.endLine, e.endCol))).split('\n');
}
